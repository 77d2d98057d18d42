// Handlers, Cloud Backup family: cloud snapshots (replica-set and sharded), on-demand snapshots, the
// backup schedule, and cloud restore jobs (create, cancel). `requireCloudBackup`, `completedSnapshot`
// and `DELIVERY_TYPES` are also used by the exports and serverless families.
import { SimulatedApiError, errors } from '../errors.js';
import { objectId } from '../object-ids.js';
import { downloadUrl, masterKeyOf, snapshotTopology } from '../seed/cloud-backup.js';
import { restoreRunning } from '../progress.js';
import { DAY, epochSeconds, iso } from '../time.js';
import type { ClusterEntry, Owned, StoredCloudRestoreJob, StoredCloudSnapshot } from '../store.js';
import {
  ID_PATTERN,
  NAME_PATTERN,
  body,
  clusterPath,
  findOwned,
  getOwned,
  listOwned,
  nextId,
  now,
  ofCluster,
  ok,
  optionalInt,
  optionalString,
  ownedBy,
  page,
  param,
  requireCluster,
  requireTarget,
  requiredString,
  withSelf,
  type Handler,
  type RequestContext,
} from './shared.js';

/** The last instant whose year has four digits (the date-time format Atlas writes). */
const LAST_DATE_MS = Date.parse('9999-12-31T23:59:59Z');

/** Writes that need cloud backup answer FEATURE_UNSUPPORTED on legacy- or un-backed clusters. */
export function requireCloudBackup(cluster: ClusterEntry): void {
  if (cluster.backup !== 'cloud') {
    throw errors.featureUnsupported(`Cloud Backup is not enabled for cluster ${cluster.value.name}.`);
  }
}

/** A completed cloud snapshot of the cluster, as a restore or export source; others are INVALID_ATTRIBUTE. */
export function completedSnapshot(ctx: RequestContext, cluster: ClusterEntry, snapshotId: string): StoredCloudSnapshot {
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
// Snapshots and schedule
// ---------------------------------------------------------------------------------------------

function snapshotsOf(ctx: RequestContext, cluster: ClusterEntry): Owned<StoredCloudSnapshot>[] {
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
    const newest = before.reduce<Owned<StoredCloudSnapshot> | null>(
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
  const pending = snapshotsOf(ctx, cluster).find(
    (s) => s.value.snapshotType === 'onDemand' && (s.value.status === 'queued' || s.value.status === 'inProgress'),
  );
  if (pending !== undefined) {
    // Atlas refuses a second on-demand snapshot while one is queued or running; takeSnapshots declares no
    // 409, so a 400. The code is the simulator's own (notes §11: Atlas's is unconfirmed).
    throw new SimulatedApiError(
      400,
      'ON_DEMAND_SNAPSHOT_IN_PROGRESS',
      `An on-demand snapshot of cluster ${cluster.value.name ?? ''} is already ${pending.value.status ?? ''}: ${pending.value.id ?? ''}.`,
      [cluster.value.name ?? '', pending.value.id ?? ''],
    );
  }
  const description = optionalString(b, 'description');
  const retentionInDays = optionalInt(b, 'retentionInDays', 1) ?? 1;
  const c = cluster.value;
  const createdAt = now(ctx);
  const id = nextId(ctx, 'snapshot');
  const provider = c.replicationSpecs?.[0]?.regionConfigs?.[0]?.providerName ?? 'AWS';
  const rsPrefix = `atlas-${objectId(`rs:${c.id ?? ''}`).slice(0, 6)}`;
  const base = {
    id,
    createdAt,
    // A retention past year 9999 (int32 days reach far beyond) expires at its end: a date still has four digits.
    expiresAt: iso(Math.min(Date.parse(createdAt) + retentionInDays * DAY, LAST_DATE_MS)),
    frequencyType: 'ondemand',
    snapshotType: 'onDemand',
    ...(description === undefined ? {} : { description }),
    status: 'queued',
    storageSizeBytes: 0,
    mongodVersion: c.mongoDBVersion,
    policyItems: [],
    copyRegions: onDemandCopyRegions(ctx, c),
  };
  const sharded = c.clusterType === 'SHARDED';
  const names = sharded
    ? [...(c.replicationSpecs ?? []).map((_, s) => `${rsPrefix}-shard-${s}`), `${rsPrefix}-config-0`]
    : [`${rsPrefix}-shard-0`];
  const value: StoredCloudSnapshot = { ...base, ...masterKeyOf(c), ...snapshotTopology(sharded, names, id, provider) };
  const entry = { groupId: c.groupId ?? '', clusterName: c.name ?? '', value };
  ctx.data.snapshots.unshift(entry);
  // Completed, it weighs what the cluster's newest completed snapshot did.
  const previous = snapshotsOf(ctx, cluster).find((s) => s.value.status === 'completed');
  const sizeBytes = previous?.value.storageSizeBytes ?? 1024 ** 3;
  ctx.data.createdJobs.push({ kind: 'snapshot', createdMs: ctx.nowMs, entry, sizeBytes });
  return ok(withSelf(value, `${ctx.baseUrl}${ctx.path}/${id}`));
};

/**
 * Where the schedule copies an on-demand snapshot: the copy settings that copy the newest snapshots by number
 * (a new one is the newest), or on-demand ones by frequency. As the seed's snapshots follow the same rule.
 */
function onDemandCopyRegions(ctx: RequestContext, cluster: ClusterEntry['value']): string[] {
  const schedule = ctx.data.backupSchedules.find(
    (s) => s.groupId === cluster.groupId && s.clusterName === cluster.name,
  );
  return (schedule?.value.copySettings ?? [])
    .filter((copy) => (copy.lastNumberOfSnapshots ?? 0) > 0 || (copy.frequencies ?? []).includes('ONDEMAND'))
    .flatMap((copy) => (copy.regionName ? [copy.regionName] : []));
}

const getBackupSchedule: Handler = (ctx) => {
  const cluster = requireCluster(ctx);
  const name = cluster.value.name ?? '';
  const schedule = ctx.data.backupSchedules.find((s) => s.groupId === cluster.value.groupId && s.clusterName === name);
  if (cluster.backup !== 'cloud' || schedule === undefined) throw errors.backupConfigNotFound(name);
  return ok(withSelf(schedule.value, `${ctx.baseUrl}${ctx.path}`));
};

// ---------------------------------------------------------------------------------------------
// Restore jobs
// ---------------------------------------------------------------------------------------------

const listBackupRestoreJobs = listOwned(ofCluster, (d) => d.restoreJobs);

const getBackupRestoreJob = getOwned(ofCluster, (d) => d.restoreJobs, 'restoreJobId', 'restoreJob');

export const DELIVERY_TYPES = ['automated', 'download', 'pointInTime'];

const createBackupRestoreJob: Handler = (ctx) => {
  const cluster = requireCluster(ctx);
  requireCloudBackup(cluster);
  const b = body(ctx);
  const deliveryType = requiredString(b, 'deliveryType');
  if (!DELIVERY_TYPES.includes(deliveryType)) throw errors.invalidAttribute('deliveryType');
  const job: StoredCloudRestoreJob = {
    id: nextId(ctx, 'restore'),
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
  let snapshot: StoredCloudSnapshot | undefined;
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
    snapshot = completedSnapshot(ctx, cluster, requiredString(b, 'snapshotId', ID_PATTERN));
    Object.assign(job, { snapshotId: snapshot.id, timestamp: snapshot.createdAt });
  }
  if (deliveryType !== 'download') {
    // A cluster being restored into cannot take another restore until the first ends.
    const busy = ctx.data.restoreJobs.find(
      (j) =>
        j.value.deliveryType !== 'download' &&
        j.value.targetGroupId === job.targetGroupId &&
        j.value.targetClusterName === job.targetClusterName &&
        restoreRunning(j.value),
    );
    if (busy !== undefined) {
      throw errors.conflict(
        'CLUSTER_RESTORE_IN_PROGRESS',
        `Cluster ${job.targetClusterName ?? ''} is the target of restore job ${busy.value.id ?? ''}, which is still running.`,
        [job.targetClusterName ?? '', busy.value.id ?? ''],
      );
    }
  }
  const entry = { groupId: cluster.value.groupId ?? '', clusterName: cluster.value.name ?? '', value: job };
  ctx.data.restoreJobs.unshift(entry);
  const id = job.id ?? '';
  const downloadUrls =
    snapshot === undefined
      ? []
      : snapshot.members !== undefined && snapshot.members.length > 0
        ? snapshot.members.map((m) => downloadUrl(id, snapshot, m.replicaSetName ?? ''))
        : [downloadUrl(id, snapshot, snapshot.replicaSetName ?? '')];
  ctx.data.createdJobs.push({ kind: 'restore', createdMs: ctx.nowMs, entry, downloadUrls });
  return ok(withSelf(job, `${ctx.baseUrl}${ctx.path}/${id}`));
};

const cancelBackupRestoreJob: Handler = (ctx) => {
  const cluster = requireCluster(ctx);
  const groupId = cluster.value.groupId ?? '';
  const name = cluster.value.name ?? '';
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
    // 405 as the spec declares for jobs that cannot be cancelled; the code is the simulator's own.
    throw errors.notCancellable(
      'BACKUP_RESTORE_JOB_NOT_CANCELLABLE',
      `Restore job ${id} has already finished and cannot be cancelled.`,
      [id],
    );
  }
  if (cluster.value.clusterType === 'SHARDED' && job.deliveryType !== 'download') {
    // The spec's own 405 example: a sharded cluster's restore cannot be cancelled while it runs.
    throw errors.notCancellable(
      'ATLAS_BACKUP_CANCEL_SHARD_RESTORE_JOB_NOT_ALLOWED',
      `Restore job ${id} restores a sharded cluster and cannot be cancelled.`,
      [id],
    );
  }
  entry.value = { ...job, cancelled: true };
  return { status: 204 };
};

export const cloudBackupHandlers: Record<string, Handler> = {
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
};
