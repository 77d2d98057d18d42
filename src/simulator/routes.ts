// Per-operation handlers. By the time a handler runs, the server has already checked auth, the
// route, the version media type and the parameter patterns; handlers check existence, apply the
// operation's semantics and return plain objects (the server trims them to the response schema).
import { DAY, epochSeconds, iso, objectId } from './ids.js';
import { AtlasError, errors } from './errors.js';
import { snapshotTopology } from './seed.js';
import { isObject, type JsonObject, type OperationSpec } from './spec.js';
import type {
  Cluster,
  ClusterEntry,
  CloudRestoreJob,
  CloudSnapshot,
  ExportJob,
  FlexCluster,
  FlexRestoreJob,
  LegacyRestoreJob,
  Owned,
  ServerlessInstance,
  ServerlessRestoreJob,
  SimulatorData,
} from './types.js';

export interface RequestContext {
  op: OperationSpec;
  /** Decoded path parameters, already checked against the spec's patterns. */
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  data: SimulatorData;
  /** e.g. `http://127.0.0.1:41234`; used for every href. */
  baseUrl: string;
  /** Request path without query string or trailing slash. */
  path: string;
}

export interface HandlerResult {
  status: number;
  body?: JsonObject;
}

export type Handler = (ctx: RequestContext) => HandlerResult;

const V2 = '/api/atlas/v2';
const ID_PATTERN = /^([a-f0-9]{24})$/;
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9-]*$/;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function param(ctx: RequestContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined) throw new Error(`route ${ctx.op.operationId} has no path parameter ${name}`);
  return value;
}

function withSelf<T extends object>(value: T, href: string): T & { links: { rel: string; href: string }[] } {
  return { ...value, links: [{ rel: 'self', href }] };
}

function ok(body: JsonObject): HandlerResult {
  return { status: 200, body };
}

/** Paging parameters were validated by the server; absent ones take the spec defaults. */
function pageParams(ctx: RequestContext): {
  pageNum: number;
  itemsPerPage: number;
  includeCount: boolean;
  paged: boolean;
} {
  const paged = ctx.op.params.some((p) => p.name === 'itemsPerPage');
  return {
    paged,
    pageNum: Number(ctx.query.get('pageNum') ?? '1'),
    itemsPerPage: Number(ctx.query.get('itemsPerPage') ?? '100'),
    includeCount: ctx.query.get('includeCount') !== 'false',
  };
}

function listHref(ctx: RequestContext, pageNum: number, itemsPerPage: number): string {
  // Atlas puts the paging parameters first, then whatever else the request carried.
  const query = new URLSearchParams({ pageNum: String(pageNum), itemsPerPage: String(itemsPerPage) });
  for (const [key, value] of ctx.query) if (key !== 'pageNum' && key !== 'itemsPerPage') query.append(key, value);
  return `${ctx.baseUrl}${ctx.path}?${query.toString()}`;
}

/** Atlas list envelope: `links` (self, and next when another page exists), `results`, `totalCount`. */
function page<T>(ctx: RequestContext, items: readonly T[], render: (item: T) => object): HandlerResult {
  const { paged, pageNum, itemsPerPage, includeCount } = pageParams(ctx);
  if (!paged) {
    // e.g. listBackupShardedClusters: paginated shape, but no paging parameters.
    return ok({
      links: [{ rel: 'self', href: `${ctx.baseUrl}${ctx.path}` }],
      results: items.map(render),
      totalCount: items.length,
    });
  }
  const start = (pageNum - 1) * itemsPerPage;
  const slice = items.slice(start, start + itemsPerPage);
  const links = [{ rel: 'self', href: listHref(ctx, pageNum, itemsPerPage) }];
  if (start + itemsPerPage < items.length) links.push({ rel: 'next', href: listHref(ctx, pageNum + 1, itemsPerPage) });
  return ok({ links, results: slice.map(render), ...(includeCount ? { totalCount: items.length } : {}) });
}

function body(ctx: RequestContext): JsonObject {
  if (!isObject(ctx.body)) throw errors.malformedBody();
  return ctx.body;
}

function requiredString(b: JsonObject, name: string, pattern?: RegExp): string {
  const value = b[name];
  if (value === undefined || value === null || value === '') throw errors.missingAttribute(name);
  if (typeof value !== 'string' || (pattern !== undefined && !pattern.test(value))) throw errors.invalidAttribute(name);
  return value;
}

function optionalString(b: JsonObject, name: string, pattern?: RegExp): string | undefined {
  return b[name] === undefined || b[name] === null ? undefined : requiredString(b, name, pattern);
}

function optionalInt(b: JsonObject, name: string, minimum: number): number | undefined {
  const value = b[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) throw errors.invalidAttribute(name);
  return value;
}

function now(): string {
  // Objects created through POST are stamped with the real clock; only the seed is frozen in time.
  return iso(Date.now());
}

function nextId(data: SimulatorData, kind: string): string {
  data.createdCount += 1;
  return objectId(`created:${kind}:${data.createdCount}`);
}

function ownedBy<T>(items: readonly Owned<T>[], groupId: string, clusterName: string): Owned<T>[] {
  return items.filter((i) => i.groupId === groupId && i.clusterName === clusterName);
}

// ---------------------------------------------------------------------------------------------
// Existence checks (project, then deployment, then the object)
// ---------------------------------------------------------------------------------------------

function requireProject(ctx: RequestContext, groupId = param(ctx, 'groupId')): string {
  if (!ctx.data.projects.some((p) => p.id === groupId)) throw errors.groupNotFound(groupId);
  return groupId;
}

function findDeployment(
  data: SimulatorData,
  groupId: string,
  name: string,
): { cluster?: ClusterEntry; serverless?: ServerlessInstance; flex?: FlexCluster } {
  return {
    cluster: data.clusters.find((c) => c.value.groupId === groupId && c.value.name === name),
    serverless: data.serverlessInstances.find((s) => s.groupId === groupId && s.name === name),
    flex: data.flexClusters.find((f) => f.groupId === groupId && f.name === name),
  };
}

/** A dedicated cluster; Flex and serverless names get the type-mismatch errors Atlas sends. */
function requireCluster(ctx: RequestContext, nameParam = 'clusterName'): ClusterEntry {
  const groupId = requireProject(ctx);
  const name = param(ctx, nameParam);
  const found = findDeployment(ctx.data, groupId, name);
  if (found.cluster !== undefined) return found.cluster;
  if (found.flex !== undefined) {
    throw errors.wrongApi(
      'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API',
      `Flex cluster ${name} cannot be used in the Cluster API.`,
      name,
    );
  }
  if (found.serverless !== undefined) {
    throw errors.wrongApi(
      'CANNOT_USE_SERVERLESS_INSTANCE_IN_CLUSTER_API',
      `Serverless instance ${name} cannot be used in the Cluster API.`,
      name,
    );
  }
  throw errors.clusterNotFound(name, groupId);
}

function requireServerless(ctx: RequestContext, nameParam: string): ServerlessInstance {
  const groupId = requireProject(ctx);
  const name = param(ctx, nameParam);
  const found = findDeployment(ctx.data, groupId, name);
  if (found.serverless !== undefined) return found.serverless;
  if (found.cluster !== undefined || found.flex !== undefined) {
    throw errors.wrongApi(
      'CANNOT_USE_CLUSTER_IN_SERVERLESS_INSTANCE_API',
      `Cluster ${name} cannot be used in the Serverless Instance API.`,
      name,
    );
  }
  throw errors.serverlessNotFound(name, groupId);
}

function requireFlex(ctx: RequestContext): FlexCluster {
  const groupId = requireProject(ctx);
  const name = param(ctx, 'name');
  const found = findDeployment(ctx.data, groupId, name);
  if (found.flex !== undefined) return found.flex;
  if (found.cluster !== undefined || found.serverless !== undefined) {
    throw errors.wrongApi(
      'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API',
      `Cluster ${name} is not a Flex cluster and cannot be used in the Flex API.`,
      name,
    );
  }
  // Atlas answers unknown Flex names with the generic cluster code.
  throw errors.clusterNotFound(name, groupId);
}

/** A restore target: any deployment (cluster, serverless or Flex) of an existing project. */
function requireTarget(data: SimulatorData, groupId: string, name: string): void {
  if (!data.projects.some((p) => p.id === groupId)) throw errors.groupNotFound(groupId);
  const found = findDeployment(data, groupId, name);
  if (found.cluster === undefined && found.serverless === undefined && found.flex === undefined) {
    throw errors.clusterNotFound(name, groupId);
  }
}

function findOwned<T>(
  items: readonly Owned<T>[],
  groupId: string,
  clusterName: string,
  id: string,
  idOf: (value: T) => string | undefined,
  kind: string,
): Owned<T> {
  const found = items.find((i) => i.groupId === groupId && i.clusterName === clusterName && idOf(i.value) === id);
  if (found === undefined) throw errors.resourceNotFound(kind, id);
  return found;
}

function requireCloudBackup(cluster: ClusterEntry): void {
  if (cluster.backup !== 'cloud') {
    throw errors.featureUnsupported(`Cloud Backup is not enabled for cluster ${cluster.value.name}.`);
  }
}

function clusterPath(c: Cluster): string {
  return `${V2}/groups/${c.groupId ?? ''}/clusters/${c.name ?? ''}`;
}

function completedSnapshot(ctx: RequestContext, cluster: ClusterEntry, snapshotId: string): CloudSnapshot {
  const snap = findOwned(
    ctx.data.snapshots,
    cluster.value.groupId ?? '',
    cluster.value.name ?? '',
    snapshotId,
    (s) => s.id,
    'snapshot',
  );
  if (snap.value.status !== 'completed') throw errors.invalidAttribute('snapshotId');
  return snap.value;
}

// ---------------------------------------------------------------------------------------------
// Generic list/get handlers for objects owned by one deployment
// ---------------------------------------------------------------------------------------------

/** Checks the deployment exists (with its API's error codes) and names the owner of its objects. */
type Owner = (ctx: RequestContext) => { groupId: string; name: string };

const ofCluster: Owner = (ctx) => {
  const cluster = requireCluster(ctx);
  return { groupId: cluster.value.groupId ?? '', name: cluster.value.name ?? '' };
};

const ofServerless: Owner = (ctx) => {
  const instance = requireServerless(ctx, 'clusterName');
  return { groupId: instance.groupId ?? '', name: instance.name ?? '' };
};

const ofFlex: Owner = (ctx) => {
  const flex = requireFlex(ctx);
  return { groupId: flex.groupId ?? '', name: flex.name ?? '' };
};

type WithId = JsonObject & { id?: string };

/** Every owned object of one collection; each item links to `<request path>/<id>`. */
function listOwned<T extends WithId>(owner: Owner, select: (data: SimulatorData) => Owned<T>[]): Handler {
  return (ctx) => {
    const { groupId, name } = owner(ctx);
    const items = ownedBy(select(ctx.data), groupId, name);
    return page(ctx, items, (i) => withSelf(i.value, `${ctx.baseUrl}${ctx.path}/${i.value.id ?? ''}`));
  };
}

/** One owned object by the path parameter `idParam`; unknown ids are RESOURCE_NOT_FOUND for `kind`. */
function getOwned<T extends WithId>(
  owner: Owner,
  select: (data: SimulatorData) => Owned<T>[],
  idParam: string,
  kind: string,
): Handler {
  return (ctx) => {
    const { groupId, name } = owner(ctx);
    const found = findOwned(select(ctx.data), groupId, name, param(ctx, idParam), (v) => v.id, kind);
    return ok(withSelf(found.value, `${ctx.baseUrl}${ctx.path}`));
  };
}

// ---------------------------------------------------------------------------------------------
// Projects, clusters, export buckets
// ---------------------------------------------------------------------------------------------

const listGroups: Handler = (ctx) =>
  page(ctx, ctx.data.projects, (g) => withSelf(g, `${ctx.baseUrl}${V2}/groups/${g.id ?? ''}`));

const getGroup: Handler = (ctx) => {
  const groupId = requireProject(ctx);
  const group = ctx.data.projects.find((p) => p.id === groupId);
  return ok(withSelf(group ?? {}, `${ctx.baseUrl}${ctx.path}`));
};

const listClusters: Handler = (ctx) => {
  const groupId = requireProject(ctx);
  const clusters = ctx.data.clusters.filter((c) => c.value.groupId === groupId);
  return page(ctx, clusters, (c) => withSelf(c.value, `${ctx.baseUrl}${clusterPath(c.value)}`));
};

const getCluster: Handler = (ctx) => {
  const cluster = requireCluster(ctx);
  return ok(withSelf(cluster.value, `${ctx.baseUrl}${ctx.path}`));
};

const listExportBuckets: Handler = (ctx) => {
  const groupId = requireProject(ctx);
  const buckets = ctx.data.exportBuckets.filter((b) => b.groupId === groupId);
  return page(ctx, buckets, (b) => withSelf(b.value, `${ctx.baseUrl}${ctx.path}/${b.value._id}`));
};

const getExportBucket: Handler = (ctx) => {
  const groupId = requireProject(ctx);
  const id = param(ctx, 'exportBucketId');
  const bucket = ctx.data.exportBuckets.find((b) => b.groupId === groupId && b.value._id === id);
  if (bucket === undefined) throw errors.resourceNotFound('exportBucket', id);
  return ok(withSelf(bucket.value, `${ctx.baseUrl}${ctx.path}`));
};

// ---------------------------------------------------------------------------------------------
// Cloud backup snapshots and schedule
// ---------------------------------------------------------------------------------------------

function snapshotsOf(ctx: RequestContext, cluster: ClusterEntry): Owned<CloudSnapshot>[] {
  return ownedBy(ctx.data.snapshots, cluster.value.groupId ?? '', cluster.value.name ?? '');
}

/** `pointInTimeUtcSeconds` or `oplogTs`+`oplogInc`: the newest completed snapshot taken at or before that time. */
function pointInTimeFilter(ctx: RequestContext): number | null {
  const pit = ctx.query.get('pointInTimeUtcSeconds');
  const oplogTs = ctx.query.get('oplogTs');
  const oplogInc = ctx.query.get('oplogInc');
  if (pit !== null && (oplogTs !== null || oplogInc !== null)) {
    throw errors.validation([
      { field: 'pointInTimeUtcSeconds', description: 'cannot be combined with oplogTs and oplogInc' },
    ]);
  }
  if ((oplogTs === null) !== (oplogInc === null)) {
    throw errors.validation([
      { field: oplogTs === null ? 'oplogTs' : 'oplogInc', description: 'is required with the other oplog parameter' },
    ]);
  }
  const seconds = pit ?? oplogTs;
  return seconds === null ? null : Number(seconds);
}

const listBackupSnapshots: Handler = (ctx) => {
  const cluster = requireCluster(ctx);
  let snapshots = snapshotsOf(ctx, cluster);
  const at = pointInTimeFilter(ctx);
  if (at !== null) {
    const before = snapshots.filter(
      (s) => s.value.status === 'completed' && epochSeconds(s.value.createdAt ?? '') <= at,
    );
    const newest = before.reduce<Owned<CloudSnapshot> | null>(
      (best, s) => (best === null || (s.value.createdAt ?? '') > (best.value.createdAt ?? '') ? s : best),
      null,
    );
    snapshots = newest === null ? [] : [newest];
  }
  return page(ctx, snapshots, (s) => withSelf(s.value, `${ctx.baseUrl}${ctx.path}/${s.value.id ?? ''}`));
};

const getClusterBackupSnapshot = getOwned(ofCluster, (d) => d.snapshots, 'snapshotId', 'snapshot');

const listBackupShardedClusters: Handler = (ctx) => {
  const cluster = requireCluster(ctx);
  const sharded = snapshotsOf(ctx, cluster).filter((s) => s.value.type === 'shardedCluster');
  const base = `${ctx.baseUrl}${clusterPath(cluster.value)}/backup/snapshots/shardedCluster`;
  return page(ctx, sharded, (s) => withSelf(s.value, `${base}/${s.value.id ?? ''}`));
};

const getBackupShardedCluster: Handler = (ctx) => {
  const { groupId, name } = ofCluster(ctx);
  const id = param(ctx, 'snapshotId');
  const snap = findOwned(ctx.data.snapshots, groupId, name, id, (s) => s.id, 'snapshot');
  if (snap.value.type !== 'shardedCluster') throw errors.resourceNotFound('snapshot', id);
  return ok(withSelf(snap.value, `${ctx.baseUrl}${ctx.path}`));
};

const takeSnapshots: Handler = (ctx) => {
  const cluster = requireCluster(ctx);
  requireCloudBackup(cluster);
  const b = body(ctx);
  const description = optionalString(b, 'description');
  const retentionInDays = optionalInt(b, 'retentionInDays', 1) ?? 1;
  const c = cluster.value;
  const createdAt = now();
  const id = nextId(ctx.data, 'snapshot');
  const provider = c.replicationSpecs?.[0]?.regionConfigs?.[0]?.providerName ?? 'AWS';
  const rsPrefix = `atlas-${objectId(`rs:${c.id ?? ''}`).slice(0, 6)}`;
  const base = {
    id,
    createdAt,
    expiresAt: iso(Date.parse(createdAt) + retentionInDays * DAY),
    frequencyType: 'ondemand',
    snapshotType: 'onDemand',
    ...(description === undefined ? {} : { description }),
    status: 'queued',
    storageSizeBytes: 0,
    mongodVersion: c.mongoDBVersion,
    policyItems: [],
    copyRegions: [],
  };
  const sharded = c.clusterType === 'SHARDED';
  const names = sharded
    ? [...(c.replicationSpecs ?? []).map((_, s) => `${rsPrefix}-shard-${s}`), `${rsPrefix}-config-0`]
    : [`${rsPrefix}-shard-0`];
  const value: CloudSnapshot = { ...base, ...snapshotTopology(sharded, names, id, provider) };
  ctx.data.snapshots.unshift({ groupId: c.groupId ?? '', clusterName: c.name ?? '', value });
  return ok(withSelf(value, `${ctx.baseUrl}${ctx.path}/${id}`));
};

const getBackupSchedule: Handler = (ctx) => {
  const cluster = requireCluster(ctx);
  const name = cluster.value.name ?? '';
  const schedule = ctx.data.backupSchedules.find((s) => s.groupId === cluster.value.groupId && s.clusterName === name);
  if (cluster.backup !== 'cloud' || schedule === undefined) throw errors.backupConfigNotFound(name);
  return ok(withSelf(schedule.value, `${ctx.baseUrl}${ctx.path}`));
};

// ---------------------------------------------------------------------------------------------
// Cloud restore jobs
// ---------------------------------------------------------------------------------------------

const listBackupRestoreJobs = listOwned(ofCluster, (d) => d.restoreJobs);

const getBackupRestoreJob = getOwned(ofCluster, (d) => d.restoreJobs, 'restoreJobId', 'restoreJob');

const DELIVERY_TYPES = ['automated', 'download', 'pointInTime'];

const createBackupRestoreJob: Handler = (ctx) => {
  const cluster = requireCluster(ctx);
  requireCloudBackup(cluster);
  const b = body(ctx);
  const deliveryType = requiredString(b, 'deliveryType');
  if (!DELIVERY_TYPES.includes(deliveryType)) throw errors.invalidAttribute('deliveryType');
  const job: CloudRestoreJob = {
    id: nextId(ctx.data, 'restore'),
    deliveryType,
    cancelled: false,
    expired: false,
    failed: false,
    deliveryUrl: [],
  };
  if (deliveryType !== 'download') {
    const targetGroupId = requiredString(b, 'targetGroupId', ID_PATTERN);
    const targetClusterName = requiredString(b, 'targetClusterName', NAME_PATTERN);
    requireTarget(ctx.data, targetGroupId, targetClusterName);
    Object.assign(job, { targetGroupId, targetClusterName });
  }
  if (deliveryType === 'pointInTime') {
    if (cluster.value.pitEnabled !== true) {
      throw errors.featureUnsupported(
        `Continuous Cloud Backup is not enabled for cluster ${cluster.value.name ?? ''}.`,
      );
    }
    const seconds = optionalInt(b, 'pointInTimeUTCSeconds', 1199145600);
    const oplogTs = optionalInt(b, 'oplogTs', 1199145600);
    const oplogInc = optionalInt(b, 'oplogInc', 1);
    if (seconds !== undefined) Object.assign(job, { pointInTimeUTCSeconds: seconds, timestamp: iso(seconds * 1000) });
    else if (oplogTs !== undefined && oplogInc !== undefined)
      Object.assign(job, { oplogTs, oplogInc, timestamp: iso(oplogTs * 1000) });
    else throw errors.missingAttribute(oplogTs === undefined ? 'pointInTimeUTCSeconds' : 'oplogInc');
  } else {
    const snapshot = completedSnapshot(ctx, cluster, requiredString(b, 'snapshotId', ID_PATTERN));
    Object.assign(job, { snapshotId: snapshot.id, timestamp: snapshot.createdAt });
  }
  ctx.data.restoreJobs.unshift({
    groupId: cluster.value.groupId ?? '',
    clusterName: cluster.value.name ?? '',
    value: job,
  });
  return ok(withSelf(job, `${ctx.baseUrl}${ctx.path}/${job.id ?? ''}`));
};

const cancelBackupRestoreJob: Handler = (ctx) => {
  const { groupId, name } = ofCluster(ctx);
  const id = param(ctx, 'restoreJobId');
  const entry = findOwned(ctx.data.restoreJobs, groupId, name, id, (j) => j.id, 'restoreJob');
  const job = entry.value;
  if (job.cancelled === true || job.expired === true) return { status: 204 };
  if (job.deliveryType === 'download' && job.finishedAt !== undefined && job.failed !== true) {
    // Deleting a finished download job expires its download link.
    entry.value = { ...job, expired: true, deliveryUrl: [] };
    return { status: 204 };
  }
  if (job.finishedAt !== undefined || job.failed === true) {
    // Simulator-specific code: Atlas's exact answer for cancelling a finished job is undocumented.
    throw new AtlasError(
      400,
      'BACKUP_RESTORE_JOB_NOT_CANCELLABLE',
      `Restore job ${id} has already finished and cannot be cancelled.`,
      [id],
    );
  }
  entry.value = { ...job, cancelled: true };
  return { status: 204 };
};

// ---------------------------------------------------------------------------------------------
// Export jobs
// ---------------------------------------------------------------------------------------------

const listBackupExports = listOwned(ofCluster, (d) => d.exportJobs);

const getBackupExport = getOwned(ofCluster, (d) => d.exportJobs, 'exportId', 'exportJob');

const createBackupExport: Handler = (ctx) => {
  const cluster = requireCluster(ctx);
  requireCloudBackup(cluster);
  const b = body(ctx);
  const snapshot = completedSnapshot(ctx, cluster, requiredString(b, 'snapshotId', ID_PATTERN));
  const exportBucketId = requiredString(b, 'exportBucketId', ID_PATTERN);
  const groupId = cluster.value.groupId ?? '';
  if (!ctx.data.exportBuckets.some((x) => x.groupId === groupId && x.value._id === exportBucketId)) {
    throw errors.resourceNotFound('exportBucket', exportBucketId);
  }
  const rawLabels = b['customData'] ?? [];
  if (!Array.isArray(rawLabels)) throw errors.invalidAttribute('customData');
  const customData = rawLabels.map((l: unknown) => {
    if (!isObject(l) || typeof l['key'] !== 'string' || typeof l['value'] !== 'string')
      throw errors.invalidAttribute('customData');
    return { key: l['key'], value: l['value'] };
  });
  const createdAt = now();
  const project = ctx.data.projects.find((p) => p.id === groupId);
  const taken = (snapshot.createdAt ?? createdAt).slice(0, 16).replace(':', '');
  const job: ExportJob = {
    id: nextId(ctx.data, 'export'),
    snapshotId: snapshot.id,
    exportBucketId,
    createdAt,
    state: 'Queued',
    exportStatus: { exportedCollections: 0, totalCollections: 0 },
    prefix: `/exported_snapshots/${ctx.data.orgName}/${project?.name ?? groupId}/${cluster.value.name ?? ''}/${taken}/${epochSeconds(createdAt)}`,
    customData,
  };
  ctx.data.exportJobs.unshift({ groupId, clusterName: cluster.value.name ?? '', value: job });
  return ok(withSelf(job, `${ctx.baseUrl}${ctx.path}/${job.id ?? ''}`));
};

// ---------------------------------------------------------------------------------------------
// Legacy backup: checkpoints and restore jobs
// ---------------------------------------------------------------------------------------------

const listClusterBackupCheckpoints = listOwned(ofCluster, (d) => d.legacyCheckpoints);

const getClusterBackupCheckpoint = getOwned(ofCluster, (d) => d.legacyCheckpoints, 'checkpointId', 'checkpoint');

const listClusterRestoreJobs: Handler = (ctx) => {
  const cluster = requireCluster(ctx);
  const batchId = ctx.query.get('batchId');
  const jobs = ownedBy(ctx.data.legacyRestoreJobs, cluster.value.groupId ?? '', cluster.value.name ?? '').filter(
    (j) => batchId === null || j.value.batchId === batchId,
  );
  return page(ctx, jobs, (j) =>
    withSelf(j.value, `${ctx.baseUrl}${clusterPath(cluster.value)}/restoreJobs/${j.value.id ?? ''}`),
  );
};

const getClusterRestoreJob = getOwned(ofCluster, (d) => d.legacyRestoreJobs, 'jobId', 'restoreJob');

const createClusterRestoreJob: Handler = (ctx) => {
  const cluster = requireCluster(ctx);
  if (cluster.backup !== 'legacy') {
    throw errors.featureUnsupported(`Legacy Backup is not enabled for cluster ${cluster.value.name ?? ''}.`);
  }
  const b = body(ctx);
  const delivery = b['delivery'];
  if (delivery === undefined || delivery === null) throw errors.missingAttribute('delivery');
  if (!isObject(delivery)) throw errors.invalidAttribute('delivery');
  const methodName = requiredString(delivery, 'methodName');
  if (methodName !== 'AUTOMATED_RESTORE' && methodName !== 'HTTP') throw errors.invalidAttribute('delivery.methodName');
  const groupId = cluster.value.groupId ?? '';
  const clusterName = cluster.value.name ?? '';
  const checkpointId = requiredString(b, 'checkpointId', ID_PATTERN);
  const checkpoint = findOwned(
    ctx.data.legacyCheckpoints,
    groupId,
    clusterName,
    checkpointId,
    (c) => c.id,
    'checkpoint',
  ).value;
  if (checkpoint.restorable !== true) throw errors.invalidAttribute('checkpointId');
  let jobDelivery: LegacyRestoreJob['delivery'];
  if (methodName === 'AUTOMATED_RESTORE') {
    const targetGroupId = requiredString(delivery, 'targetGroupId', ID_PATTERN);
    const targetClusterName = requiredString(delivery, 'targetClusterName', NAME_PATTERN);
    requireTarget(ctx.data, targetGroupId, targetClusterName);
    const target = findDeployment(ctx.data, targetGroupId, targetClusterName).cluster?.value.id;
    jobDelivery = {
      methodName,
      statusName: 'NOT_STARTED',
      targetGroupId,
      targetClusterName,
      ...(target === undefined ? {} : { targetClusterId: target }),
    };
  } else {
    jobDelivery = {
      methodName,
      statusName: 'NOT_STARTED',
      expirationHours: optionalInt(delivery, 'expirationHours', 1) ?? 48,
      maxDownloads: optionalInt(delivery, 'maxDownloads', 1) ?? 1,
    };
  }
  const parts = checkpoint.parts ?? [];
  // A sharded restore is one job per part (shards + config server) grouped by a batchId.
  const batchId = parts.length > 1 ? nextId(ctx.data, 'legacy-batch') : undefined;
  const created = now();
  const jobs: LegacyRestoreJob[] = (parts.length > 0 ? parts : [{}]).map((part) => ({
    id: nextId(ctx.data, 'legacy-restore'),
    ...(batchId === undefined ? {} : { batchId }),
    groupId,
    clusterId: cluster.value.id,
    clusterName,
    checkpointId,
    created,
    ...(part.tokenTimestamp === undefined ? {} : { timestamp: part.tokenTimestamp }),
    statusName: 'IN_PROGRESS',
    encryptionEnabled: false,
    delivery: jobDelivery,
  }));
  ctx.data.legacyRestoreJobs.unshift(...jobs.map((value) => ({ groupId, clusterName, value })));
  const base = `${ctx.baseUrl}${clusterPath(cluster.value)}/restoreJobs`;
  return ok({
    links: [{ rel: 'self', href: `${ctx.baseUrl}${ctx.path}` }],
    results: jobs.map((j) => withSelf(j, `${base}/${j.id ?? ''}`)),
    totalCount: jobs.length,
  });
};

// ---------------------------------------------------------------------------------------------
// Serverless instances and their backups
// ---------------------------------------------------------------------------------------------

const listServerlessInstances: Handler = (ctx) => {
  const groupId = requireProject(ctx);
  const instances = ctx.data.serverlessInstances.filter((s) => s.groupId === groupId);
  return page(ctx, instances, (s) => withSelf(s, `${ctx.baseUrl}${ctx.path}/${s.name ?? ''}`));
};

const getServerlessInstance: Handler = (ctx) =>
  ok(withSelf(requireServerless(ctx, 'name'), `${ctx.baseUrl}${ctx.path}`));

const listServerlessBackupSnapshots = listOwned(ofServerless, (d) => d.serverlessSnapshots);

const getServerlessBackupSnapshot = getOwned(ofServerless, (d) => d.serverlessSnapshots, 'snapshotId', 'snapshot');

const listServerlessRestoreJobs = listOwned(ofServerless, (d) => d.serverlessRestoreJobs);

const getServerlessRestoreJob = getOwned(ofServerless, (d) => d.serverlessRestoreJobs, 'restoreJobId', 'restoreJob');

const createServerlessRestoreJob: Handler = (ctx) => {
  const instance = requireServerless(ctx, 'clusterName');
  const b = body(ctx);
  const deliveryType = requiredString(b, 'deliveryType');
  if (!DELIVERY_TYPES.includes(deliveryType)) throw errors.invalidAttribute('deliveryType');
  const targetGroupId = requiredString(b, 'targetGroupId', ID_PATTERN);
  const targetClusterName = requiredString(b, 'targetClusterName', NAME_PATTERN);
  requireTarget(ctx.data, targetGroupId, targetClusterName);
  const groupId = instance.groupId ?? '';
  const name = instance.name ?? '';
  const job: ServerlessRestoreJob = {
    id: nextId(ctx.data, 'serverless-restore'),
    deliveryType,
    targetGroupId,
    targetClusterName,
    cancelled: false,
    expired: false,
    failed: false,
    deliveryUrl: [],
  };
  if (deliveryType === 'pointInTime') {
    const seconds = optionalInt(b, 'pointInTimeUTCSeconds', 1199145600);
    if (seconds === undefined) throw errors.missingAttribute('pointInTimeUTCSeconds');
    Object.assign(job, { pointInTimeUTCSeconds: seconds, timestamp: iso(seconds * 1000) });
  } else {
    const snapshotId = requiredString(b, 'snapshotId', ID_PATTERN);
    const snap = findOwned(ctx.data.serverlessSnapshots, groupId, name, snapshotId, (s) => s.id, 'snapshot').value;
    if (snap.status !== 'completed') throw errors.invalidAttribute('snapshotId');
    Object.assign(job, { snapshotId, timestamp: snap.createdAt });
  }
  ctx.data.serverlessRestoreJobs.unshift({ groupId, clusterName: name, value: job });
  return ok(withSelf(job, `${ctx.baseUrl}${ctx.path}/${job.id ?? ''}`));
};

// ---------------------------------------------------------------------------------------------
// Flex clusters and their backups
// ---------------------------------------------------------------------------------------------

const listFlexClusters: Handler = (ctx) => {
  const groupId = requireProject(ctx);
  const flex = ctx.data.flexClusters.filter((f) => f.groupId === groupId);
  return page(ctx, flex, (f) => withSelf(f, `${ctx.baseUrl}${ctx.path}/${f.name ?? ''}`));
};

const getFlexCluster: Handler = (ctx) => ok(withSelf(requireFlex(ctx), `${ctx.baseUrl}${ctx.path}`));

const listFlexBackupSnapshots = listOwned(ofFlex, (d) => d.flexSnapshots);

const getFlexBackupSnapshot = getOwned(ofFlex, (d) => d.flexSnapshots, 'snapshotId', 'snapshot');

const listFlexRestoreJobs = listOwned(ofFlex, (d) => d.flexRestoreJobs);

const getFlexRestoreJob = getOwned(ofFlex, (d) => d.flexRestoreJobs, 'restoreJobId', 'restoreJob');

const createFlexRestoreJob: Handler = (ctx) => {
  const flex = requireFlex(ctx);
  const b = body(ctx);
  const groupId = flex.groupId ?? '';
  const name = flex.name ?? '';
  const snapshotId = requiredString(b, 'snapshotId', ID_PATTERN);
  const targetDeploymentItemName = requiredString(b, 'targetDeploymentItemName', NAME_PATTERN);
  // Atlas rejects Flex restores without targetProjectId (MISSING_ATTRIBUTE), see the CLI fix in the notes.
  const targetProjectId = requiredString(b, 'targetProjectId', ID_PATTERN);
  requireTarget(ctx.data, targetProjectId, targetDeploymentItemName);
  const snap = findOwned(ctx.data.flexSnapshots, groupId, name, snapshotId, (s) => s.id, 'snapshot').value;
  if (snap.status !== 'COMPLETED') throw errors.invalidAttribute('snapshotId');
  const scheduled = now();
  const job: FlexRestoreJob = {
    id: nextId(ctx.data, 'flex-restore'),
    deliveryType: 'RESTORE',
    instanceName: name,
    projectId: groupId,
    snapshotId,
    snapshotFinishedDate: snap.finishTime,
    targetProjectId,
    targetDeploymentItemName,
    restoreScheduledDate: scheduled,
    expirationDate: iso(Date.parse(scheduled) + 7 * DAY),
    status: 'PENDING',
  };
  ctx.data.flexRestoreJobs.unshift({ groupId, clusterName: name, value: job });
  return ok(withSelf(job, `${ctx.baseUrl}${ctx.path}/${job.id ?? ''}`));
};

/** Handlers by operationId; the server refuses to start if a GET operation of the spec has none. */
export const handlers: Record<string, Handler> = {
  listGroups,
  getGroup,
  listClusters,
  getCluster,
  listExportBuckets,
  getExportBucket,
  listBackupSnapshots,
  getClusterBackupSnapshot,
  listBackupShardedClusters,
  getBackupShardedCluster,
  takeSnapshots,
  getBackupSchedule,
  listBackupRestoreJobs,
  getBackupRestoreJob,
  createBackupRestoreJob,
  cancelBackupRestoreJob,
  listBackupExports,
  getBackupExport,
  createBackupExport,
  listClusterBackupCheckpoints,
  getClusterBackupCheckpoint,
  listClusterRestoreJobs,
  getClusterRestoreJob,
  createClusterRestoreJob,
  listServerlessInstances,
  getServerlessInstance,
  listServerlessBackupSnapshots,
  getServerlessBackupSnapshot,
  listServerlessRestoreJobs,
  getServerlessRestoreJob,
  createServerlessRestoreJob,
  listFlexClusters,
  getFlexCluster,
  listFlexBackupSnapshots,
  getFlexBackupSnapshot,
  listFlexRestoreJobs,
  getFlexRestoreJob,
  createFlexRestoreJob,
};
