// Handlers, legacy backup family: checkpoints and legacy restore jobs of a legacy-backed cluster; a
// restore of a sharded checkpoint creates one job per part, grouped by a batchId.
import { errors } from '../errors.js';
import { isObject } from '../spec.js';
import type { StoredLegacyRestoreJob } from '../store.js';
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
  const parts = checkpoint.parts ?? [];
  // A sharded restore is one job per part (shards + config server) grouped by a batchId.
  const batchId = parts.length > 1 ? nextId(ctx, 'legacy-batch') : undefined;
  const created = now(ctx);
  const jobs: StoredLegacyRestoreJob[] = (parts.length > 0 ? parts : [{}]).map((part) => ({
    id: nextId(ctx, 'legacy-restore'),
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

export const legacyBackupHandlers: Record<string, Handler> = {
  listClusterBackupCheckpoints,
  getClusterBackupCheckpoint,
  listClusterRestoreJobs,
  getClusterRestoreJob,
  createClusterRestoreJob,
};
