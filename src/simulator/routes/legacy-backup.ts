// Handlers, legacy backup family: checkpoints and legacy restore jobs of a legacy-backed cluster; a
// restore of a sharded checkpoint creates one job per part, grouped by a batchId.
import { errors } from '../errors.js';
import { isObject, loadSpec, propertyPattern, type JsonObject } from '../spec.js';
import { epochSeconds, iso } from '../time.js';
import type { Owned, StoredLegacyCheckpoint, StoredLegacyRestoreJob } from '../store.js';
import {
  ID_PATTERN,
  NAME_PATTERN,
  body,
  clusterPath,
  findDeployment,
  findOwned,
  getOwned,
  listOwned,
  nextId,
  now,
  ofCluster,
  ok,
  optionalInt,
  ownedBy,
  page,
  requireCluster,
  requireTarget,
  requiredString,
  withSelf,
  type Handler,
} from './shared.js';

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

/**
 * `BackupRestoreJob.oplogTs`'s pattern, an ISO 8601 date-time with its offset. The subset writes it with
 * doubled backslashes (`\\d` for `\d`: escaped once too often on its way to JSON), which taken literally
 * would match no date at all; the pattern is read from the spec and undoubled.
 */
const OPLOG_TS_PATTERN = new RegExp(
  propertyPattern(loadSpec(), 'BackupRestoreJob', 'oplogTs').source.replace(/\\\\/g, '\\'),
  'u',
);
/** `BackupRestoreJob.pointInTimeUTCMillis`'s minimum in the spec (2008-01-01). */
const MIN_POINT_IN_TIME_MS = 1_199_145_600_000;
const SOURCE_FIELDS = ['checkpointId', 'snapshotId', 'pointInTimeUTCMillis', 'oplogTs'] as const;

interface RestoreSource {
  /** The checkpoint restored, or the one a point-in-time restore starts from (it gives the parts). */
  checkpoint: StoredLegacyCheckpoint;
  /** The point in time restored to (`pointInTimeUTCMillis`, `oplogTs`). */
  pointMs?: number;
  /** What the job records of its source. */
  fields: Partial<StoredLegacyRestoreJob>;
}

/**
 * The source of a legacy restore, one of what `BackupRestoreJob` lists (its only required field is
 * `delivery`): a checkpoint (`checkpointId`), a snapshot (`snapshotId`), a point in time
 * (`pointInTimeUTCMillis`), or an oplog position (`oplogTs` with `oplogInc`). Atlas's reference allows one
 * of them per request. The simulator keeps no legacy snapshots of their own (the subset has no endpoint
 * for them): a `snapshotId` names one of the cluster's restorable checkpoints, the snapshot each stands
 * for. A point in time must lie between the oldest restorable checkpoint and now.
 */
function restoreSource(
  b: JsonObject,
  checkpoints: readonly Owned<StoredLegacyCheckpoint>[],
  groupId: string,
  clusterName: string,
  nowMs: number,
): RestoreSource {
  const given = SOURCE_FIELDS.filter((f) => b[f] !== undefined && b[f] !== null);
  if (b['oplogInc'] !== undefined && b['oplogInc'] !== null && !given.includes('oplogTs')) {
    throw errors.missingAttribute('oplogTs');
  }
  if (given.length === 0) throw errors.missingAttribute('checkpointId');
  if (given.length > 1) throw errors.invalidAttribute(given[1] ?? '');
  const restorable = checkpoints.filter(
    (c) => c.groupId === groupId && c.clusterName === clusterName && c.value.restorable === true,
  );
  const restorableAt = (pointMs: number, field: string): StoredLegacyCheckpoint => {
    const base = restorable
      .filter((c) => Date.parse(c.value.timestamp ?? '') <= pointMs)
      .sort((x, y) => Date.parse(y.value.timestamp ?? '') - Date.parse(x.value.timestamp ?? ''))[0];
    if (base === undefined || pointMs > nowMs) throw errors.invalidAttribute(field);
    return base.value;
  };
  switch (given[0]) {
    case 'checkpointId':
    case 'snapshotId': {
      const field = given[0];
      const id = requiredString(b, field, ID_PATTERN);
      const checkpoint = findOwned(
        checkpoints,
        groupId,
        clusterName,
        id,
        (c) => c.id,
        field === 'checkpointId' ? 'checkpoint' : 'snapshot',
      ).value;
      if (checkpoint.restorable !== true) throw errors.invalidAttribute(field);
      return { checkpoint, fields: field === 'checkpointId' ? { checkpointId: id } : { snapshotId: id } };
    }
    case 'pointInTimeUTCMillis': {
      // int64 in the spec.
      const pointMs = optionalInt(b, 'pointInTimeUTCMillis', MIN_POINT_IN_TIME_MS, Number.MAX_SAFE_INTEGER) ?? 0;
      return { checkpoint: restorableAt(pointMs, 'pointInTimeUTCMillis'), pointMs, fields: {} };
    }
    default: {
      const oplogTs = requiredString(b, 'oplogTs', OPLOG_TS_PATTERN);
      if (b['oplogInc'] === undefined || b['oplogInc'] === null) throw errors.missingAttribute('oplogInc');
      optionalInt(b, 'oplogInc', 1);
      const pointMs = Date.parse(oplogTs);
      return { checkpoint: restorableAt(pointMs, 'oplogTs'), pointMs, fields: {} };
    }
  }
}

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
  const source = restoreSource(b, ctx.data.legacyCheckpoints, groupId, clusterName, ctx.nowMs);
  let jobDelivery: StoredLegacyRestoreJob['delivery'];
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
  const parts = source.checkpoint.parts ?? [];
  // A sharded restore is one job per part (shards + config server) grouped by a batchId.
  const batchId = parts.length > 1 ? nextId(ctx, 'legacy-batch') : undefined;
  const created = now(ctx);
  const jobs: StoredLegacyRestoreJob[] = (parts.length > 0 ? parts : [{}]).map((part, p) => {
    // A restore to a point in time restores each part to that point (increments as in the seed).
    const timestamp =
      source.pointMs === undefined
        ? part.tokenTimestamp
        : { date: iso(source.pointMs), increment: epochSeconds(iso(source.pointMs)) + p + 1 };
    return {
      id: nextId(ctx, 'legacy-restore'),
      ...(batchId === undefined ? {} : { batchId }),
      groupId,
      clusterId: cluster.value.id,
      clusterName,
      ...source.fields,
      created,
      ...(timestamp === undefined ? {} : { timestamp }),
      statusName: 'IN_PROGRESS',
      encryptionEnabled: false,
      delivery: jobDelivery,
    };
  });
  ctx.data.legacyRestoreJobs.unshift(...jobs.map((value) => ({ groupId, clusterName, value })));
  const base = `${ctx.baseUrl}${clusterPath(cluster.value)}/restoreJobs`;
  return ok({
    links: [{ rel: 'self', href: `${ctx.baseUrl}${ctx.path}` }],
    results: jobs.map((j) => withSelf(j, `${base}/${j.id ?? ''}`)),
    totalCount: jobs.length,
  });
};

export const legacyBackupHandlers: Record<string, Handler> = {
  listClusterBackupCheckpoints,
  getClusterBackupCheckpoint,
  listClusterRestoreJobs,
  getClusterRestoreJob,
  createClusterRestoreJob,
};
