/**
 * THE table: every Atlas resource the graph reads, declared once. From an entry come its loaders (the
 * loop in ./index.ts), its calls (the generic `get`/`list` of src/atlas/client.ts, with the entry's
 * operationIds), its global-id layout (src/graph/ids.ts), its `node` lookup, the list the budget
 * estimate and the planner group its lookups under, and the cache keys that invalidation uses.
 *
 * A resource's **scope** says where it sits in Atlas's paths, and so what identifies it:
 * - `root`: a project, `/groups/{groupId}`: key `{ groupId }`;
 * - `project-named`: under a project by name (clusters, Flex clusters, serverless instances): key
 *   `{ groupId, clusterName }`;
 * - `project`: under a project by id (export buckets): key `{ groupId, id }`;
 * - `cluster`: under a deployment (cluster, Flex cluster or serverless instance) by id: key
 *   `{ groupId, clusterName, id }`. The key calls the deployment's name `clusterName` whatever the family;
 *   the path parameter that carries it is the entry's `parentParam` (Flex paths call it `name`).
 * Atlas omits these coordinates from many payloads; every answer is stamped with them here, once.
 *
 * Adding a resource family: entries here (and their model type below), an SDL file, a resolver map, a test.
 *
 * The writes the mutations make (which Atlas operation creates or cancels what, and how a lost answer is
 * reconciled) are the second table, `writes`, at the end; src/loaders/writes.ts sends them.
 */
import { AtlasClient } from '../atlas/client.js';
import type {
  AtlasBackupRestoreJob,
  AtlasBackupSchedule,
  AtlasCheckpoint,
  AtlasClusterDescription,
  AtlasDiskBackupExportJob,
  AtlasDiskBackupReplicaSet,
  AtlasDiskBackupShardedClusterSnapshot,
  AtlasDiskBackupSnapshotRestoreJob,
  AtlasExportBucket,
  AtlasFlexBackupRestoreJob,
  AtlasFlexBackupSnapshot,
  AtlasFlexClusterDescription,
  AtlasGroup,
  AtlasServerlessBackupSnapshot,
  AtlasServerlessInstance,
  InCluster,
  InProject,
  Named,
} from '../atlas/types.js';
import type { AtlasOperationId } from '../generated/atlas-operations.js';

export type Scope = 'root' | 'project-named' | 'project' | 'cluster';

export interface ResourceEntry {
  /** The graph type (Relay `Node`) this resource is. */
  node: string;
  scope: Scope;
  /** The operation that reads one item, and the one that lists its siblings. */
  get: AtlasOperationId;
  list: AtlasOperationId;
  /** The `get` path parameter naming the item within its parent. */
  idParam: string;
  /**
   * `cluster` scope: the path parameter naming the deployment the item is under (default `clusterName`;
   * the Flex backup paths call it `name`).
   */
  parentParam?: string;
  /** The field of a listed item that holds its id (default: `id`, or `name` for named resources). */
  idField?: string;
  /** Query parameters that narrow the list (a filtered list is planned apart from the whole one). */
  filters?: readonly string[];
  /**
   * Another view of the items of the resource named here, read by operations of its own: same key, same
   * ids, not a node of its own (`node` is the graph type it is a facet of; `node` lookups and global ids
   * go to the resource it is a facet of).
   */
  facetOf?: string;
  /**
   * The list operation takes no paging parameters (nor filters): one call answers the whole list, and
   * ./planner.ts cuts the pages asked of it from that one read.
   */
  unpaged?: boolean;
  /**
   * The day Atlas retires these endpoints (the spec's `x-sunset`, or the earlier date its text gives). Once
   * they are gone (410; from that day, also a 404 of Atlas's that names no missing project), the family is:
   * its list reads empty and an item missing (./planner.ts).
   */
  retiring?: string;
}

export const resources = {
  project: { node: 'Project', scope: 'root', get: 'getGroup', list: 'listGroups', idParam: 'groupId' },
  cluster: {
    node: 'Cluster',
    scope: 'project-named',
    get: 'getCluster',
    list: 'listClusters',
    idParam: 'clusterName',
  },
  serverlessInstance: {
    node: 'ServerlessInstance',
    scope: 'project-named',
    get: 'getServerlessInstance',
    list: 'listServerlessInstances',
    idParam: 'name',
    // Sunset 2027-01-18 in the spec, "January 15, 2027" in its text (notes §6.2): every instance is a Flex
    // or dedicated cluster by then, and `deployments` must go on listing those.
    retiring: '2027-01-15',
  },
  exportBucket: {
    node: 'ExportBucket',
    scope: 'project',
    get: 'getExportBucket',
    list: 'listExportBuckets',
    idParam: 'exportBucketId',
    idField: '_id',
  },
  snapshot: {
    node: 'Snapshot',
    scope: 'cluster',
    get: 'getClusterBackupSnapshot',
    list: 'listBackupSnapshots',
    idParam: 'snapshotId',
  },
  /**
   * A sharded cluster's snapshot seen whole (Atlas `DiskBackupShardedClusterSnapshot`): the per-shard member
   * snapshots, which the replica-set view above does not carry. Its list has no paging parameters.
   */
  shardedSnapshot: {
    node: 'Snapshot',
    facetOf: 'snapshot',
    scope: 'cluster',
    get: 'getBackupShardedCluster',
    list: 'listBackupShardedClusters',
    idParam: 'snapshotId',
    unpaged: true,
  },
  restoreJob: {
    node: 'CloudBackupRestoreJob',
    scope: 'cluster',
    get: 'getBackupRestoreJob',
    list: 'listBackupRestoreJobs',
    idParam: 'restoreJobId',
  },
  export: { node: 'Export', scope: 'cluster', get: 'getBackupExport', list: 'listBackupExports', idParam: 'exportId' },
  checkpoint: {
    node: 'Checkpoint',
    scope: 'cluster',
    get: 'getClusterBackupCheckpoint',
    list: 'listClusterBackupCheckpoints',
    idParam: 'checkpointId',
  },
  legacyRestoreJob: {
    node: 'LegacyBackupRestoreJob',
    scope: 'cluster',
    get: 'getClusterRestoreJob',
    list: 'listClusterRestoreJobs',
    idParam: 'jobId',
    filters: ['batchId'],
  },
  serverlessSnapshot: {
    node: 'ServerlessSnapshot',
    scope: 'cluster',
    get: 'getServerlessBackupSnapshot',
    list: 'listServerlessBackupSnapshots',
    idParam: 'snapshotId',
  },
  flexCluster: {
    node: 'FlexCluster',
    scope: 'project-named',
    get: 'getFlexCluster',
    list: 'listFlexClusters',
    idParam: 'name',
  },
  flexSnapshot: {
    node: 'FlexSnapshot',
    scope: 'cluster',
    get: 'getFlexBackupSnapshot',
    list: 'listFlexBackupSnapshots',
    idParam: 'snapshotId',
    parentParam: 'name',
  },
  flexRestoreJob: {
    node: 'FlexRestoreJob',
    scope: 'cluster',
    get: 'getFlexRestoreJob',
    list: 'listFlexRestoreJobs',
    idParam: 'restoreJobId',
    parentParam: 'name',
  },
} as const satisfies Record<string, ResourceEntry>;

export type Resources = typeof resources;
export type ResourceName = keyof Resources;

/** What the table's facets name in `facetOf`. */
type FacetTarget = { [N in ResourceName]: Resources[N] extends { facetOf: infer F } ? F : never }[ResourceName];
// Checked when compiling: a `facetOf` that names no resource of the table leaves a key this object lacks.
({}) satisfies Record<Exclude<FacetTarget, ResourceName>, never>;

/** What each resource's loaders answer: the Atlas shape, stamped with its path coordinates. */
export interface ResourceModels {
  project: AtlasGroup;
  cluster: Named<AtlasClusterDescription>;
  serverlessInstance: Named<AtlasServerlessInstance>;
  exportBucket: InProject<AtlasExportBucket>;
  snapshot: InCluster<AtlasDiskBackupReplicaSet>;
  shardedSnapshot: InCluster<AtlasDiskBackupShardedClusterSnapshot>;
  restoreJob: InCluster<AtlasDiskBackupSnapshotRestoreJob>;
  export: InCluster<AtlasDiskBackupExportJob>;
  checkpoint: InCluster<AtlasCheckpoint>;
  legacyRestoreJob: InCluster<AtlasBackupRestoreJob>;
  serverlessSnapshot: InCluster<AtlasServerlessBackupSnapshot>;
  flexCluster: Named<AtlasFlexClusterDescription>;
  /** `clusterName` is the Flex cluster's name (the `name` path parameter). */
  flexSnapshot: InCluster<AtlasFlexBackupSnapshot>;
  flexRestoreJob: InCluster<AtlasFlexBackupRestoreJob>;
}

export interface ProjectKey {
  groupId: string;
}
/** A deployment (cluster, Flex cluster, serverless instance); also the parent of what is addressed under one. */
export interface ClusterKey extends ProjectKey {
  clusterName: string;
}
export interface ProjectItemKey extends ProjectKey {
  id: string;
}
export interface ClusterItemKey extends ClusterKey {
  id: string;
}

type KeyOfScope<S extends Scope> = S extends 'root'
  ? ProjectKey
  : S extends 'project-named'
    ? ClusterKey
    : S extends 'project'
      ? ProjectItemKey
      : ClusterItemKey;
type ParentOfScope<S extends Scope> = S extends 'root'
  ? Record<never, never>
  : S extends 'cluster'
    ? ClusterKey
    : ProjectKey;
type FiltersOf<E> = E extends { filters: readonly (infer F extends string)[] }
  ? { [K in F]?: string | undefined }
  : Record<never, never>;

/** What identifies one item of resource N (and the loader key of its lookup). */
export type ItemKey<N extends ResourceName> = KeyOfScope<Resources[N]['scope']>;
/** What identifies one list of resource N: its parent, and its filters when it has some. */
export type ListKey<N extends ResourceName> = ParentOfScope<Resources[N]['scope']> & FiltersOf<Resources[N]>;
export type NodeTypeOf<N extends ResourceName> = Resources[N]['node'];
export type NodeType = NodeTypeOf<ResourceName>;

/** Widened view of an entry, for the code that treats every resource alike. */
function entry(name: ResourceName): ResourceEntry {
  return resources[name];
}

/** Loose key shape every scope's key fits (the scope decides which fields are set). */
interface AnyKey {
  groupId?: string;
  clusterName?: string;
  id?: string;
}

function parts(key: object): AnyKey {
  return key;
}

/** Path parameters of the `get` operation for an item. */
export function itemParams(name: ResourceName, key: object): Record<string, string> {
  const { scope, idParam, parentParam = 'clusterName' } = entry(name);
  const { groupId = '', clusterName = '', id = '' } = parts(key);
  switch (scope) {
    case 'root':
      return { groupId };
    case 'project-named':
      return { groupId, [idParam]: clusterName };
    case 'project':
      return { groupId, [idParam]: id };
    case 'cluster':
      return { groupId, [parentParam]: clusterName, [idParam]: id };
  }
}

/** Path parameters of the `list` operation for a list key. */
export function listParams(name: ResourceName, key: object): Record<string, string> {
  const { scope, parentParam = 'clusterName' } = entry(name);
  const { groupId = '', clusterName = '' } = parts(key);
  switch (scope) {
    case 'root':
      return {};
    case 'cluster':
      return { groupId, [parentParam]: clusterName };
    default:
      return { groupId };
  }
}

/** The list key's filters, as query parameters (undefined ones are left out of the call). */
export function listFilters(name: ResourceName, key: object): Record<string, string | undefined> {
  const filters: Record<string, string | undefined> = {};
  for (const filter of entry(name).filters ?? []) {
    const value: unknown = Reflect.get(key, filter);
    filters[filter] = typeof value === 'string' ? value : undefined;
  }
  return filters;
}

/** The unfiltered list an item belongs to: where its lookup is planned. */
export function parentKey<N extends ResourceName>(name: N, key: ItemKey<N>): ListKey<N>;
export function parentKey(name: ResourceName, key: object): object {
  // The key's coordinates above the item, in the key's own names (not the path parameters': Flex calls
  // the deployment `name`); filters are left out.
  const { groupId = '', clusterName = '' } = parts(key);
  switch (entry(name).scope) {
    case 'root':
      return {};
    case 'cluster':
      return { groupId, clusterName };
    default:
      return { groupId };
  }
}

/** The path of an item, which is its loader key, its coalescing key and its invalidation prefix. */
export function itemPath(name: ResourceName, key: object): string {
  return AtlasClient.path(entry(name).get, itemParams(name, key));
}

/** The path of a list (without paging or filters). */
export function listPath(name: ResourceName, key: object): string {
  return AtlasClient.path(entry(name).list, listParams(name, key));
}

/**
 * The coordinates Atlas's payload may lack, added to an item read under `key` (an item or a list key).
 * Added in place, without copying the item: the body is the gateway's own parse of Atlas's answer, and
 * whoever shares it (an identical in-flight or cached call) read it under the same path, so the same
 * coordinates.
 */
export function stamp<N extends ResourceName>(name: N, key: object, raw: Record<string, unknown>): ResourceModels[N];
export function stamp(name: ResourceName, key: object, raw: Record<string, unknown>): object {
  const { groupId = '', clusterName = '' } = parts(key);
  switch (entry(name).scope) {
    case 'root':
      return raw;
    case 'project-named':
      // A list has no name in its key; an item read by name keeps the name it was read by if Atlas omits it.
      if (typeof raw['name'] !== 'string') raw['name'] = clusterName;
      raw['groupId'] = groupId;
      return raw;
    case 'project':
      raw['groupId'] = groupId;
      return raw;
    case 'cluster':
      raw['groupId'] = groupId;
      raw['clusterName'] = clusterName;
      return raw;
  }
}

/** What names an item within its list (its id, or its name for named clusters): the listed field `listedId` reads. */
export function keyId(name: ResourceName, key: object): string {
  const { groupId = '', clusterName = '', id = '' } = parts(key);
  switch (entry(name).scope) {
    case 'root':
      return groupId;
    case 'project-named':
      return clusterName;
    default:
      return id;
  }
}

/** The id (or name) a listed item carries, as `keyId` gives it for its key; undefined when the item lacks it. */
export function listedId(name: ResourceName, item: object): string | undefined {
  const { scope, idField } = entry(name);
  const value: unknown = Reflect.get(item, idField ?? (scope === 'project-named' ? 'name' : 'id'));
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The key of an item found in a list read under `listKey`, or undefined when the item lacks its id. */
export function listedKey<N extends ResourceName>(name: N, listKey: object, item: object): ItemKey<N> | undefined;
export function listedKey(name: ResourceName, listKey: object, item: object): object | undefined {
  const { groupId = '', clusterName = '' } = parts(listKey);
  const value = listedId(name, item);
  if (value === undefined) return undefined;
  switch (entry(name).scope) {
    case 'root':
      return { groupId: value };
    case 'project-named':
      return { groupId, clusterName: value };
    case 'project':
      return { groupId, id: value };
    case 'cluster':
      return { groupId, clusterName, id: value };
  }
}

/** Resources that are nodes of their own (not another resource's facet). */
export type NodeResourceName = {
  [N in ResourceName]: Resources[N] extends { facetOf: string } ? never : N;
}[ResourceName];

/** The resource whose graph type is `node` (a facet's type belongs to the resource it is a facet of). */
export const resourceOfNode = Object.fromEntries(
  (Object.keys(resources) as ResourceName[])
    .filter((name) => entry(name).facetOf === undefined)
    .map((name) => [resources[name].node, name]),
) as { [N in NodeResourceName as NodeTypeOf<N>]: N };

export function isNodeType(value: string): value is NodeType {
  return Object.hasOwn(resourceOfNode, value);
}

/** The key fields, in order, that a global id of each scope carries. */
export const keyFieldsOfScope = {
  root: ['groupId'],
  'project-named': ['groupId', 'clusterName'],
  project: ['groupId', 'id'],
  cluster: ['groupId', 'clusterName', 'id'],
} as const satisfies Record<Scope, readonly (keyof AnyKey)[]>;

/**
 * Settings Atlas keeps one of per dedicated cluster, read by a single `get` under the cluster's path (no
 * list, no id of their own, not a Relay node): the second, smaller table. Each becomes `loaders.<name>`,
 * keyed by the cluster (src/loaders/settings.ts).
 */
export const clusterSettings = {
  backupSchedule: { get: 'getBackupSchedule' },
} as const satisfies Record<string, { get: AtlasOperationId }>;

export type ClusterSettingName = keyof typeof clusterSettings;

/** What each setting's loader answers: the Atlas shape, stamped with the cluster it belongs to. */
export interface ClusterSettingModels {
  backupSchedule: InCluster<AtlasBackupSchedule>;
}

/**
 * The writes the graph's mutations make, each once: the resource it creates or changes and the Atlas
 * operation that does it. A `create` is sent to the resource's list path (the operation's path parameters
 * are the list's) and answers the new item; a `cancel` is sent to one item's path. What a lost answer is
 * reconciled by (src/loaders/writes.ts) is declared here too:
 * - `createdAt`: the item field that says when it was created; without one (cloud restore jobs), the time
 *   in the item's Atlas id (an ObjectId starts with its creation time in seconds);
 * - `echoes`: request body fields the created item carries with the same value (a body field left out
 *   matches anything);
 * - `marks`: item fields every item of this write has (an on-demand snapshot, a Flex download);
 * - `doneWhen` (cancel): item fields of which one true says the cancel took effect.
 */
interface WriteEntry {
  resource: ResourceName;
  operation: AtlasOperationId;
  kind: 'create' | 'cancel';
  createdAt?: string;
  echoes?: readonly string[];
  marks?: Readonly<Record<string, string>>;
  doneWhen?: readonly string[];
}

export const writes = {
  takeSnapshot: {
    resource: 'snapshot',
    operation: 'takeSnapshots',
    kind: 'create',
    createdAt: 'createdAt',
    echoes: ['description'],
    marks: { snapshotType: 'onDemand' },
  },
  startRestore: {
    resource: 'restoreJob',
    operation: 'createBackupRestoreJob',
    kind: 'create',
    echoes: [
      'deliveryType',
      'snapshotId',
      'targetGroupId',
      'targetClusterName',
      'pointInTimeUTCSeconds',
      'oplogTs',
      'oplogInc',
    ],
  },
  // A cancelled download that had finished is expired instead (its link revoked).
  cancelRestore: {
    resource: 'restoreJob',
    operation: 'cancelBackupRestoreJob',
    kind: 'cancel',
    doneWhen: ['cancelled', 'expired'],
  },
  startExport: {
    resource: 'export',
    operation: 'createBackupExport',
    kind: 'create',
    createdAt: 'createdAt',
    echoes: ['snapshotId', 'exportBucketId', 'customData'],
  },
  startFlexRestore: {
    resource: 'flexRestoreJob',
    operation: 'createFlexRestoreJob',
    kind: 'create',
    createdAt: 'restoreScheduledDate',
    echoes: ['snapshotId', 'targetProjectId', 'targetDeploymentItemName'],
    marks: { deliveryType: 'RESTORE' },
  },
  startFlexDownload: {
    resource: 'flexRestoreJob',
    operation: 'downloadFlexBackup',
    kind: 'create',
    createdAt: 'restoreScheduledDate',
    echoes: ['snapshotId'],
    marks: { deliveryType: 'DOWNLOAD' },
  },
} as const satisfies Record<string, WriteEntry>;

export type Writes = typeof writes;
export type WriteName = keyof Writes;
export type CreateWrite = { [W in WriteName]: Writes[W]['kind'] extends 'create' ? W : never }[WriteName];
export type CancelWrite = { [W in WriteName]: Writes[W]['kind'] extends 'cancel' ? W : never }[WriteName];
export type ResourceOfWrite<W extends WriteName> = Writes[W]['resource'];

/** Widened view of a write entry. */
export function writeEntry(name: WriteName): WriteEntry {
  return writes[name];
}

/** The path a write is sent to: a create's is its resource's list (under `key`'s parent), a cancel's the item's. */
export function writePath(name: WriteName, key: object): string {
  const { resource, operation, kind } = writeEntry(name);
  return AtlasClient.path(operation, kind === 'create' ? listParams(resource, key) : itemParams(resource, key));
}
