// Handlers, serverless family: serverless instances, their backup snapshots and restore jobs.
import { errors, type SimulatedApiError } from '../errors.js';
import { iso } from '../time.js';
import type { StoredServerlessRestoreJob } from '../store.js';
import { DELIVERY_TYPES } from './cloud-backup.js';
import {
  ID_PATTERN,
  NAME_PATTERN,
  body,
  findOwned,
  getOwned,
  listOwned,
  nextId,
  ofServerless,
  ok,
  optionalInt,
  requireServerless,
  requireTarget,
  requiredString,
  withSelf,
  type Handler,
  listByNameInProject,
} from './shared.js';

/**
 * How the simulator answers the serverless *backup* operations: `available` serves them as before
 * their sunset; `sunset` answers every one of them 410 VERSION_GONE, as Atlas documents for a sunset
 * resource version (the spec's `x-sunset: 2026-01-22`). The serverless *instance* operations
 * (listServerlessInstances, getServerlessInstance) sunset later (January 2027) and keep working.
 */
export type ServerlessBackupMode = 'available' | 'sunset';

export const SERVERLESS_BACKUP_MODES: readonly ServerlessBackupMode[] = ['available', 'sunset'];

/** The serverless backup operations (snapshots and restore jobs) that `sunset` mode answers 410. */
export const SERVERLESS_BACKUP_OPERATIONS: ReadonlySet<string> = new Set([
  'listServerlessBackupSnapshots',
  'getServerlessBackupSnapshot',
  'listServerlessRestoreJobs',
  'getServerlessRestoreJob',
  'createServerlessRestoreJob',
]);

/** `x-sunset` of the serverless backup operations in Atlas's spec. */
export const SERVERLESS_BACKUP_SUNSET = '2026-01-22';

/** The 410 answer of a serverless backup operation in `sunset` mode. */
export function serverlessBackupGone(path: string, mediaType: string): SimulatedApiError {
  const version = /^application\/vnd\.atlas\.(\d{4}-\d{2}-\d{2})\+json$/.exec(mediaType)?.[1] ?? mediaType;
  return errors.versionGone(
    path,
    version,
    SERVERLESS_BACKUP_SUNSET,
    'Use the Flex backup endpoints (/api/atlas/v2/groups/{groupId}/flexClusters/{name}/backup/...) instead.',
  );
}

const listServerlessInstances = listByNameInProject((d) => d.serverlessInstances);

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
  const job: StoredServerlessRestoreJob = {
    id: nextId(ctx, 'serverless-restore'),
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

export const serverlessHandlers: Record<string, Handler> = {
  listServerlessInstances,
  getServerlessInstance,
  listServerlessBackupSnapshots,
  getServerlessBackupSnapshot,
  listServerlessRestoreJobs,
  getServerlessRestoreJob,
  createServerlessRestoreJob,
};
