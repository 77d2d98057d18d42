/**
 * Custom scalars. Input scalars (ObjectId, ClusterName) validate against the Atlas spec's patterns, so
 * a bad id is a BAD_USER_INPUT error during validation and no resolver, loader or URL ever sees it.
 * On the way out, a value Atlas sent that does not fit its scalar throws UpstreamValueError.
 * Descriptions live in schema/base.graphql only; these objects carry behaviour, and a description here
 * would replace the SDL's.
 */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { atlasIdPattern } from '../atlas/client.js';

/**
 * Atlas sent a value that does not fit the scalar of the field it fills (a malformed id, a date that is
 * not ISO 8601, a Long beyond 2^53): Atlas broke its contract, not the caller. `toClientError` turns it
 * into UPSTREAM_BAD_RESPONSE on that field, naming the scalar and the field path. It never holds the
 * value, which may be anything (a secret-looking string, a huge blob).
 */
export class UpstreamValueError extends Error {
  override readonly name = 'UpstreamValueError';
  constructor(readonly scalar: string) {
    super(`Atlas sent a value that is not a valid ${scalar}`);
  }
}

/** UpstreamValueError's message, which is all of it the compiled executor (graphql-jit) passes on. */
export const upstreamValueMessage = /^Atlas sent a value that is not a valid (\w+)$/;

function scalarError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

function stringScalar(
  name: string,
  test: (value: string) => boolean,
  expected: string,
  hint: (value: string) => string = () => '',
) {
  const check = (value: unknown): string => {
    if (typeof value !== 'string' || !test(value)) {
      const shown = typeof value === 'string' ? `"${value.slice(0, 80)}"${hint(value)}` : typeof value;
      throw scalarError(`${name} must be ${expected}; got ${shown}`);
    }
    return value;
  };
  return new GraphQLScalarType<string, string>({
    name,
    serialize(value) {
      if (typeof value !== 'string' || !test(value)) throw new UpstreamValueError(name);
      return value;
    },
    parseValue: check,
    parseLiteral(ast: ValueNode) {
      if (ast.kind !== Kind.STRING) throw scalarError(`${name} must be a string literal`);
      return check(ast.value);
    },
  });
}

/** What the ObjectId and ClusterName scalars accept (and the Atlas paths they go into). */
export const objectIdPattern = atlasIdPattern;
export const clusterNamePattern = /^[a-zA-Z0-9][a-zA-Z0-9-]{0,63}$/;

/**
 * The usual mix-up where an Atlas id belongs: the graph's own `id` (a global id, base64url of `v1:<Type>:...`),
 * which names its type. Read here, not through ./ids.ts, which checks ids with these scalars' patterns.
 */
function globalIdHint(value: string): string {
  if (!/^[A-Za-z0-9_-]{8,200}$/.test(value)) return '';
  const type = /^v1:([A-Za-z]{1,40}):/.exec(Buffer.from(value, 'base64url').toString('latin1'))?.[1];
  return type ? `, the graph \`id\` of a ${type}: pass its \`atlasId\` here (the \`id\` is for node(id:))` : '';
}

export const ObjectId = stringScalar(
  'ObjectId',
  (v) => objectIdPattern.test(v),
  '24 lowercase hexadecimal characters',
  globalIdHint,
);

export const ClusterName = stringScalar(
  'ClusterName',
  (v) => clusterNamePattern.test(v),
  '1 to 64 letters, digits or hyphens, starting with a letter or digit',
);

/**
 * An ISO 8601 date-time with an offset, as Atlas sends it. `Date.parse` alone is not enough: it also reads
 * "March 7, 2024" and RFC 1123 dates, reads a time without an offset in the server's time zone, and rolls
 * "2026-02-31" over into March.
 */
const isoInstant = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether a date and time of day are in range: a real day of the month (leap years counted), 23:59:59 at most. */
function inRange(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const lastDay = month === 2 && leap ? 29 : monthDays[month - 1];
  return lastDay !== undefined && day >= 1 && day <= lastDay && hour <= 23 && minute <= 59 && second <= 59;
}

/** Epoch milliseconds of an ISO 8601 instant whose every part is in range, or undefined. */
function instantTime(value: string): number | undefined {
  const parts = isoInstant.exec(value);
  if (!parts) return undefined;
  const valid =
    inRange(
      Number(parts[1]),
      Number(parts[2]),
      Number(parts[3]),
      Number(parts[4]),
      Number(parts[5]),
      Number(parts[6] ?? 0),
    ) &&
    Number(parts[8] ?? 0) <= 23 &&
    Number(parts[9] ?? 0) <= 59;
  const time = valid ? Date.parse(value) : Number.NaN;
  return Number.isNaN(time) ? undefined : time;
}

/** Whether the characters from `from` to `to` (exclusive) are all decimal digits. */
function digitsAt(value: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const code = value.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** The two- or four-digit number at `at`, its characters already known to be digits. */
const numberAt = (value: string, at: number, length: 2 | 4) => {
  let number = 0;
  for (let i = at; i < at + length; i++) number = number * 10 + value.charCodeAt(i) - 48;
  return number;
};

/**
 * Whether `value` is an instant in Atlas's own form (`2026-11-01T09:30:00Z`, with or without a fraction of a
 * second), every part in range: what `instantTime` accepts and `utcInstant` answers unchanged, read without a
 * regular expression or `Date.parse`. Nearly every DateTime the gateway answers is one (about 60 in the example
 * dashboard), so the scalar reads these first.
 */
function isAtlasUtcInstant(value: string): boolean {
  const length = value.length;
  if (length < 20 || value.charCodeAt(length - 1) !== 90 /* Z */) return false;
  const fraction = length > 20;
  if (
    value.charCodeAt(4) !== 45 /* - */ ||
    value.charCodeAt(7) !== 45 ||
    value.charCodeAt(10) !== 84 /* T */ ||
    value.charCodeAt(13) !== 58 /* : */ ||
    value.charCodeAt(16) !== 58 ||
    (fraction && (length < 22 || value.charCodeAt(19) !== 46 /* . */ || !digitsAt(value, 20, length - 1)))
  ) {
    return false;
  }
  if (
    !digitsAt(value, 0, 4) ||
    !digitsAt(value, 5, 7) ||
    !digitsAt(value, 8, 10) ||
    !digitsAt(value, 11, 13) ||
    !digitsAt(value, 14, 16) ||
    !digitsAt(value, 17, 19)
  ) {
    return false;
  }
  return inRange(
    numberAt(value, 0, 4),
    numberAt(value, 5, 2),
    numberAt(value, 8, 2),
    numberAt(value, 11, 2),
    numberAt(value, 14, 2),
    numberAt(value, 17, 2),
  );
}

/**
 * An instant as this scalar answers it: in UTC with an upper-case `T` and `Z`, its fraction of a second
 * kept as written (so strings of one precision sort as their instants do). Atlas's own form, the common
 * case, is answered as it is.
 */
function utcInstant(value: string, time: number): string {
  if (value.endsWith('Z') && value.charAt(10) === 'T') return value;
  const second = new Date(Math.floor(time / 1000) * 1000).toISOString().slice(0, 19);
  return `${second}${isoInstant.exec(value)?.[7] ?? ''}Z`;
}

function inputInstant(value: unknown): string {
  const time = typeof value === 'string' ? instantTime(value) : undefined;
  if (time === undefined) {
    const shown = typeof value === 'string' ? `"${value.slice(0, 80)}"` : typeof value;
    throw scalarError(
      `DateTime must be a valid ISO 8601 date and time with an offset, such as 2026-11-01T09:30:00Z; got ${shown}`,
    );
  }
  return new Date(time).toISOString();
}

export const DateTime = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  // Atlas's own UTC string passes through unchanged (it may carry more precision than a Date keeps); one
  // with another offset is told in UTC, as the scalar promises (clients compare and sort these strings).
  serialize(value) {
    if (typeof value === 'string') {
      if (isAtlasUtcInstant(value)) return value;
      const time = instantTime(value);
      if (time !== undefined) return utcInstant(value, time);
    }
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
    throw new UpstreamValueError('DateTime');
  },
  parseValue: inputInstant,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw scalarError('DateTime must be a string literal');
    return inputInstant(ast.value);
  },
});

/** The integer a Long stands for, or undefined when it is not one within ±(2^53 - 1). */
function toLong(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) ? number : undefined;
}

function inputLong(value: unknown): number {
  const long = toLong(value);
  if (long === undefined) throw scalarError('Long must be an integer within ±(2^53 - 1)');
  return long;
}

export const Long = new GraphQLScalarType<number, number>({
  name: 'Long',
  serialize(value) {
    const long = toLong(value);
    if (long === undefined) throw new UpstreamValueError('Long');
    return long;
  },
  parseValue: inputLong,
  parseLiteral(ast) {
    if (ast.kind !== Kind.INT) throw scalarError('Long must be an integer literal');
    return inputLong(ast.value);
  },
});
