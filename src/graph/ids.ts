/**
 * Global object ids (Relay). An id is base64url("v1:<Type>:<part>:<part>...") where the parts are the
 * Atlas coordinates that refetching needs (project id, cluster name, Atlas id). Decoding validates every
 * part, so a forged id is BAD_USER_INPUT and never reaches a URL.
 */
import {
  isNodeType,
  keyFieldsOfScope,
  listPath,
  parentKey,
  resourceOfNode,
  resources,
  type ItemKey,
  type NodeType,
  type NodeResourceName,
  type NodeTypeOf,
  type ResourceName,
} from '../loaders/resources.js';
import { badUserInput } from './errors.js';
import { clusterNamePattern, objectIdPattern } from './scalars.js';

export type { NodeType } from '../loaders/resources.js';

const patternOfField = { groupId: objectIdPattern, clusterName: clusterNamePattern, id: objectIdPattern } as const;

/** A decoded id: its graph type and the key of the resource it names (the resource table's key shape). */
export type DecodedId = { [N in NodeResourceName]: { type: NodeTypeOf<N> } & ItemKey<N> }[NodeResourceName];

/**
 * The text of a cursor or global id, or undefined when `encoded` is not exactly what encoding that text gives
 * (Node's decoder skips characters outside base64url, so `djE6bzoy!!!` would read as `djE6bzoy`).
 */
export function decodeOpaque(encoded: string): string | undefined {
  const text = Buffer.from(encoded, 'base64url').toString('utf8');
  return Buffer.from(text).toString('base64url') === encoded ? text : undefined;
}

/** Encodes a global id; `parts` follow the key fields of the type's scope (fromGlobalId checks them). */
export function toGlobalId(type: NodeType, ...parts: string[]): string {
  return Buffer.from(['v1', type, ...parts].join(':')).toString('base64url');
}

/** The lookups that take an Atlas id (`id: ObjectId`), as the schema names them. */
const atlasIdLookups =
  'project(id:), Project.exportBucket(id:), Cluster.snapshot(id:), Cluster.restoreJob(id:), Cluster.export(id:), ' +
  'Cluster.checkpoint(id:), Cluster.legacyRestoreJob(id:), ServerlessInstance.snapshot(id:), FlexCluster.snapshot(id:) ' +
  'and FlexCluster.restoreJob(id:)';

/** Every global id starts with base64url("v1:"). */
const globalIdPrefix = Buffer.from('v1:').toString('base64url');

/** Whether `id` has an Atlas id's form (24 hex digits, either case), which no global id has. */
export const looksLikeAtlasId = (id: string) => /^[a-f0-9]{24}$/i.test(id);

/**
 * Why an id is not a global id, with a hint for the two usual mix-ups: an Atlas id (24 hex digits) or a
 * cluster name where `node` wants the graph's `id` field.
 */
function invalidGlobalId(id: string): string {
  const shown = `"${id.slice(0, 80)}"`;
  const takes = 'node(id:) and nodes(ids:) take the `id` field of an object the graph returned';
  if (looksLikeAtlasId(id)) {
    return `Invalid global id ${shown}: it looks like an Atlas id. ${takes}; Atlas ids go to ${atlasIdLookups}.`;
  }
  if (clusterNamePattern.test(id) && !id.startsWith(globalIdPrefix)) {
    return (
      `Invalid global id ${shown}: if it is a cluster or serverless instance name (or a Flex cluster's), ${takes}; ` +
      'look it up by name with project(id:) { cluster(name:) }, project(id:) { flexCluster(name:) } or ' +
      'project(id:) { serverlessInstance(name:) }, or in any family with project(id:) { deployment(name:) }.'
    );
  }
  return `Invalid global id ${shown}: ${takes}.`;
}

/** Ids already decoded (an id is often decoded twice: by the budget estimate, then by its resolver). */
const decodedIds = new Map<string, DecodedId>();

export function fromGlobalId(id: string): DecodedId {
  const known = decodedIds.get(id);
  if (known) return known;
  const decoded = decodeGlobalId(id);
  if (decodedIds.size >= 10_000) decodedIds.clear();
  // Shared by every request that sends this id: frozen, so no one can change it for the others.
  decodedIds.set(id, Object.freeze(decoded));
  return decoded;
}

function decodeGlobalId(id: string): DecodedId {
  const invalid = () => badUserInput(invalidGlobalId(id), 'id');
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(id)) throw invalid();
  const [version, type, ...parts] = (decodeOpaque(id) ?? '').split(':');
  if (version !== 'v1' || type === undefined || !isNodeType(type)) throw invalid();
  const resource = resourceOfNode[type];
  const fields = keyFieldsOfScope[resources[resource].scope];
  if (parts.length !== fields.length || !fields.every((field, i) => patternOfField[field].test(parts[i] ?? ''))) {
    throw invalid();
  }
  const key = Object.fromEntries(fields.map((field, i) => [field, parts[i]]));
  // The layout check above makes `key` the resource's own key shape.
  return { type, ...key } as DecodedId;
}

/**
 * The Atlas list a decoded id's lookup is planned under (src/loaders/planner.ts groups lookups by it):
 * two ids under one list can cost one call, ids under two lists at least two.
 */
export function plannedList(decoded: DecodedId): string {
  const { type, ...key } = decoded;
  const resource = resourceOfNode[type];
  return listPath(resource, parentKey<ResourceName>(resource, key as ItemKey<ResourceName>));
}
