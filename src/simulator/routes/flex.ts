// Handlers, Flex family: Flex clusters, their backup snapshots and restore jobs.
import { errors } from '../errors.js';
import { snapshotUrl } from '../seed/flex.js';
import { loadSpec, propertyPattern } from '../spec.js';
import { DAY, HOUR, iso } from '../time.js';
import type { StoredFlexRestoreJob } from '../store.js';
import {
  ID_PATTERN,
  body,
  findOwned,
  getOwned,
  listOwned,
  nextId,
  now,
  ofFlex,
  ok,
  requireFlex,
  requireTarget,
  optionalString,
  requiredString,
  withSelf,
  type Handler,
  listByNameInProject,
} from './shared.js';

const listFlexClusters = listByNameInProject((d) => d.flexClusters);

const getFlexCluster: Handler = (ctx) => ok(withSelf(requireFlex(ctx), `${ctx.baseUrl}${ctx.path}`));

const listFlexBackupSnapshots = listOwned(ofFlex, (d) => d.flexSnapshots);

const getFlexBackupSnapshot = getOwned(ofFlex, (d) => d.flexSnapshots, 'snapshotId', 'snapshot');

const listFlexRestoreJobs = listOwned(ofFlex, (d) => d.flexRestoreJobs);

const getFlexRestoreJob = getOwned(ofFlex, (d) => d.flexRestoreJobs, 'restoreJobId', 'restoreJob');

/**
 * The spec's pattern for a Flex restore's target (`FlexBackupRestoreJobCreate20241113`): any letter or
 * digit and `-_.(),:&@+'`, 1 to 64 characters, wider than the cluster-name pattern of the path parameters.
 */
const TARGET_DEPLOYMENT_NAME = propertyPattern(
  loadSpec(),
  'FlexBackupRestoreJobCreate20241113',
  'targetDeploymentItemName',
);

/**
 * `createFlexRestoreJob`: the spec requires `snapshotId` and `targetDeploymentItemName`; `targetProjectId`
 * is optional (notes §11), and without it the target is in the source cluster's project.
 */
const createFlexRestoreJob: Handler = (ctx) => {
  const flex = requireFlex(ctx);
  const b = body(ctx);
  const groupId = flex.groupId ?? '';
  const name = flex.name ?? '';
  const snapshotId = requiredString(b, 'snapshotId', ID_PATTERN);
  const targetDeploymentItemName = requiredString(b, 'targetDeploymentItemName', TARGET_DEPLOYMENT_NAME);
  const targetProjectId = optionalString(b, 'targetProjectId', ID_PATTERN) ?? groupId;
  requireTarget(ctx.data, targetProjectId, targetDeploymentItemName);
  const snap = findOwned(ctx.data.flexSnapshots, groupId, name, snapshotId, (s) => s.id, 'snapshot').value;
  if (snap.status !== 'COMPLETED') throw errors.invalidAttribute('snapshotId');
  const busy = ctx.data.flexRestoreJobs.find(
    (j) =>
      j.value.deliveryType === 'RESTORE' &&
      j.value.targetProjectId === targetProjectId &&
      j.value.targetDeploymentItemName === targetDeploymentItemName &&
      !['COMPLETED', 'FAILED', 'CLOSED'].includes(j.value.status ?? ''),
  );
  if (busy !== undefined) {
    throw errors.conflict(
      'FLEX_RESTORE_IN_PROGRESS',
      `Deployment ${targetDeploymentItemName} is the target of Flex restore job ${busy.value.id ?? ''}, which is still running.`,
      [targetDeploymentItemName, busy.value.id ?? ''],
    );
  }
  const scheduled = now(ctx);
  const job: StoredFlexRestoreJob = {
    id: nextId(ctx, 'flex-restore'),
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
  const entry = { groupId, clusterName: name, value: job };
  ctx.data.flexRestoreJobs.unshift(entry);
  ctx.data.createdJobs.push({ kind: 'flexRestore', createdMs: ctx.nowMs, entry });
  return ok(withSelf(job, `${ctx.baseUrl}${ctx.path}/${job.id ?? ''}`));
};

/**
 * `downloadFlexBackup`: a DOWNLOAD restore job, PENDING until its `snapshotUrl` appears (valid four hours).
 * Atlas names the source as the job's target, as in the recorded downloads.
 */
const downloadFlexBackup: Handler = (ctx) => {
  const flex = requireFlex(ctx);
  const b = body(ctx);
  const groupId = flex.groupId ?? '';
  const name = flex.name ?? '';
  const snapshotId = requiredString(b, 'snapshotId', ID_PATTERN);
  const snap = findOwned(ctx.data.flexSnapshots, groupId, name, snapshotId, (s) => s.id, 'snapshot').value;
  if (snap.status !== 'COMPLETED') throw errors.invalidAttribute('snapshotId');
  const scheduled = now(ctx);
  const job: StoredFlexRestoreJob = {
    id: nextId(ctx, 'flex-download'),
    deliveryType: 'DOWNLOAD',
    instanceName: name,
    projectId: groupId,
    snapshotId,
    snapshotFinishedDate: snap.finishTime,
    targetProjectId: groupId,
    targetDeploymentItemName: name,
    restoreScheduledDate: scheduled,
    expirationDate: iso(Date.parse(scheduled) + 4 * HOUR),
    status: 'PENDING',
  };
  const entry = { groupId, clusterName: name, value: job };
  ctx.data.flexRestoreJobs.unshift(entry);
  ctx.data.createdJobs.push({
    kind: 'flexDownload',
    createdMs: ctx.nowMs,
    entry,
    snapshotUrl: snapshotUrl({ groupId, name }, snap),
  });
  const restoreJobs = `${ctx.baseUrl}${ctx.path.replace(/\/download$/, '/restoreJobs')}`;
  return ok(withSelf(job, `${restoreJobs}/${job.id ?? ''}`));
};

export const flexHandlers: Record<string, Handler> = {
  listFlexClusters,
  getFlexCluster,
  listFlexBackupSnapshots,
  getFlexBackupSnapshot,
  listFlexRestoreJobs,
  getFlexRestoreJob,
  createFlexRestoreJob,
  downloadFlexBackup,
};
