/**
 * Small conversions shared by resolvers: Atlas enum strings to graph enums (an unknown value becomes
 * OTHER instead of failing the query), 404 lookups to null, required ids, and the ids and names a payload
 * refers to.
 */
import { isAbsent, isWrongFamily } from '../../loaders/index.js';
import { AtlasOmissionError } from '../errors.js';
import { UpstreamValueError, clusterNamePattern, objectIdPattern } from '../scalars.js';

/**
 * An Atlas id a payload refers to (a job's snapshot, an export's bucket), checked before it names a call:
 * one that is not an ObjectId is Atlas's fault (UPSTREAM_BAD_RESPONSE), not the caller's, whose ids the
 * scalars and global ids check before anything is asked.
 */
export function referencedId(value: string): string {
  if (!objectIdPattern.test(value)) throw new UpstreamValueError('ObjectId');
  return value;
}

/** As referencedId, for a cluster name a payload refers to (a restore's target). */
export function referencedName(value: string): string {
  if (!clusterNamePattern.test(value)) throw new UpstreamValueError('ClusterName');
  return value;
}

/** `inProgress`, `InProgress` or `IN_PROGRESS` -> `IN_PROGRESS`. */
function upperSnake(value: string): string {
  // Atlas sends a handful of distinct values, over and over (a status per listed job): convert each once.
  let converted = upperSnakeOf.get(value);
  if (converted === undefined) {
    converted = value.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
    if (upperSnakeOf.size >= 1_000) upperSnakeOf.clear();
    upperSnakeOf.set(value, converted);
  }
  return converted;
}
const upperSnakeOf = new Map<string, string>();

/**
 * The values of a graph enum that Atlas sends, from its generated constant (`ClusterType`, ...): all but
 * OTHER, which is the answer for a value not among them.
 */
export function knownValues<E extends string>(values: Readonly<Record<string, E>>): Exclude<E, 'OTHER'>[] {
  return Object.values(values).filter((value): value is Exclude<E, 'OTHER'> => value !== 'OTHER');
}

/** Maps an Atlas enum string onto a graph enum; values the graph does not know yet become OTHER. */
export function atlasEnum<E extends string>(
  known: readonly E[],
  value: string | null | undefined,
  aliases: Partial<Record<string, E>> = {},
): E | 'OTHER' | null {
  if (value === null || value === undefined || value === '') return null;
  const alias = aliases[value];
  if (alias) return alias;
  const candidate = upperSnake(value);
  return (known as readonly string[]).includes(candidate) ? (candidate as E) : 'OTHER';
}

/** `load`'s value, or null when Atlas's error says what `absent` does. */
async function nullWhen<T>(load: Promise<T>, absent: (error: unknown) => boolean): Promise<T | null> {
  try {
    return await load;
  } catch (error) {
    if (absent(error)) return null;
    throw error;
  }
}

/**
 * A lookup by argument: Atlas's 404 means "no such object", which the graph answers with null; so does its
 * 400 for a name of another family (a Flex cluster's name in a cluster-API path, or the reverse).
 */
export const orNull = <T>(load: Promise<T>): Promise<T | null> => nullWhen(load, isAbsent);

/**
 * A reference whose name may be of another family (a restore's target named by name only): null, for no
 * object of the type asked for can be there. A 404 stays an error (`NOT_FOUND`: what it names is gone).
 */
export const nullIfOtherFamily = <T>(load: Promise<T>): Promise<T | null> => nullWhen(load, isWrongFamily);

/** Atlas ids are optional in the spec's response schemas but always present on stored objects. */
export function need(value: string | undefined, what: string): string {
  if (!value) throw new AtlasOmissionError(what);
  return value;
}
