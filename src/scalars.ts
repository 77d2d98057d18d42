/**
 * Custom scalars. Input scalars (ObjectId, ClusterName) validate against the Atlas spec's patterns, so
 * a bad id is a BAD_USER_INPUT error during validation and no resolver, loader or URL ever sees it.
 */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

function scalarError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

function stringScalar(name: string, description: string, test: (value: string) => boolean, expected: string) {
  const check = (value: unknown): string => {
    if (typeof value !== 'string' || !test(value)) {
      const shown = typeof value === 'string' ? `"${value.slice(0, 80)}"` : typeof value;
      throw scalarError(`${name} must be ${expected}; got ${shown}`);
    }
    return value;
  };
  return new GraphQLScalarType<string, string>({
    name,
    description,
    // A bad value on the way out is Atlas breaking its contract, not the caller's input: a plain Error,
    // which the server masks.
    serialize(value) {
      if (typeof value !== 'string' || !test(value)) throw new Error(`Atlas sent an invalid ${name}`);
      return value;
    },
    parseValue: check,
    parseLiteral(ast: ValueNode) {
      if (ast.kind !== Kind.STRING) throw scalarError(`${name} must be a string literal`);
      return check(ast.value);
    },
  });
}

export const ObjectId = stringScalar(
  'ObjectId',
  'An Atlas object id: 24 lowercase hexadecimal characters.',
  (v) => /^[a-f0-9]{24}$/.test(v),
  '24 lowercase hexadecimal characters',
);

export const ClusterName = stringScalar(
  'ClusterName',
  'An Atlas cluster or serverless instance name.',
  (v) => /^[a-zA-Z0-9][a-zA-Z0-9-]{0,63}$/.test(v),
  '1 to 64 letters, digits or hyphens, starting with a letter or digit',
);

export const DateTime = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  description: 'An ISO 8601 instant in UTC.',
  // Atlas's own string passes through unchanged (it may carry more precision than a Date keeps).
  serialize(value) {
    if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value;
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
    throw new GraphQLError('DateTime cannot represent an invalid date');
  },
  parseValue(value) {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
      throw scalarError('DateTime must be an ISO 8601 string');
    }
    return new Date(value).toISOString();
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING || Number.isNaN(Date.parse(ast.value))) {
      throw scalarError('DateTime must be an ISO 8601 string');
    }
    return new Date(ast.value).toISOString();
  },
});

function toLong(value: unknown): number {
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw new GraphQLError('Long must be an integer within ±(2^53 - 1)');
  }
  return number;
}

export const Long = new GraphQLScalarType<number, number>({
  name: 'Long',
  description: 'A 64-bit integer, exact up to 2^53 - 1.',
  serialize: toLong,
  parseValue: (value) => {
    try {
      return toLong(value);
    } catch (error) {
      throw scalarError(error instanceof Error ? error.message : 'Invalid Long');
    }
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.INT) throw scalarError('Long must be an integer literal');
    return toLong(ast.value);
  },
});
