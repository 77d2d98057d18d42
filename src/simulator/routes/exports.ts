// Handlers, exports family: a project's export buckets, and snapshot export jobs of a cloud-backed
// cluster (list, get, create).
import { errors } from '../errors.js';
import { isObject } from '../spec.js';
import { epochSeconds } from '../time.js';
import type { StoredExportJob } from '../store.js';
import { completedSnapshot, requireCloudBackup } from './cloud-backup.js';
import {
  ID_PATTERN,
  body,
  getOwned,
  listOwned,
  nextId,
  now,
  ofCluster,
  ok,
  page,
  param,
  requireCluster,
  requireProject,
  requiredString,
  withSelf,
  type Handler,
} from './shared.js';

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
  const running = ctx.data.exportJobs.find(
    (x) =>
      x.groupId === groupId &&
      x.value.snapshotId === snapshot.id &&
      x.value.exportBucketId === exportBucketId &&
      (x.value.state === 'Queued' || x.value.state === 'InProgress'),
  );
  if (running !== undefined) {
    throw errors.conflict(
      'EXPORT_ALREADY_IN_PROGRESS',
      `Snapshot ${snapshot.id ?? ''} is already being exported to bucket ${exportBucketId} by export job ${running.value.id ?? ''}.`,
      [snapshot.id ?? '', exportBucketId, running.value.id ?? ''],
    );
  }
  const createdAt = now(ctx);
  const project = ctx.data.projects.find((p) => p.id === groupId);
  const taken = (snapshot.createdAt ?? createdAt).slice(0, 16).replace(':', '');
  const job: StoredExportJob = {
    id: nextId(ctx, 'export'),
    snapshotId: snapshot.id,
    exportBucketId,
    createdAt,
    state: 'Queued',
    exportStatus: { exportedCollections: 0, totalCollections: 0 },
    prefix: `/exported_snapshots/${ctx.data.orgName}/${project?.name ?? groupId}/${cluster.value.name ?? ''}/${taken}/${epochSeconds(createdAt)}`,
    customData,
  };
  const entry = { groupId, clusterName: cluster.value.name ?? '', value: job };
  ctx.data.exportJobs.unshift(entry);
  // How many collections the export will count up to: a number of the snapshot's own, 12 to 47.
  const collections = 12 + (parseInt((snapshot.id ?? '0').slice(-2), 16) % 36);
  ctx.data.createdJobs.push({ kind: 'export', createdMs: ctx.nowMs, entry, collections });
  return ok(withSelf(job, `${ctx.baseUrl}${ctx.path}/${job.id ?? ''}`));
};

export const exportHandlers: Record<string, Handler> = {
  listExportBuckets,
  getExportBucket,
  listBackupExports,
  getBackupExport,
  createBackupExport,
};
