/**
 * Restore jobs: Cloud Backup (`CloudBackupRestoreJob`) and Legacy Backup (`LegacyBackupRestoreJob`),
 * with their references (snapshot, target cluster, checkpoint, batch siblings) resolved through loaders.
 */
import {
  LegacyRestoreDeliveryMethod,
  LegacyRestoreDeliveryStatus,
  LegacyRestoreJobStatus,
  RestoreDeliveryType,
  type RestoreJobState,
  type Resolvers,
} from '../../generated/resolvers-types.js';
import type { GraphQLContext } from '../context.js';
import type { CloudBackupRestoreJob, LegacyBackupRestoreJob } from '../mappers.js';
import { toGlobalId } from '../ids.js';
import { ATLAS_MAX_PAGE_SIZE, isLastPage } from '../../loaders/pages.js';
import { atlasEnum, knownValues, need, nullIfOtherFamily, referencedId, referencedName } from './atlas-values.js';
import { resolveEntity } from './node.js';
import { snapshotOfJob } from './snapshot.js';

const deliveryTypes = knownValues(RestoreDeliveryType);
const legacyStatuses = knownValues(LegacyRestoreJobStatus);
const legacyMethods = knownValues(LegacyRestoreDeliveryMethod);
const legacyDeliveryStatuses = knownValues(LegacyRestoreDeliveryStatus);

/** The rule MongoDB's CLI uses to decide a restore job is done (`backup restores watch`). */
export function restoreJobState(job: CloudBackupRestoreJob): RestoreJobState {
  if (job.failed) return 'FAILED';
  if (job.cancelled) return 'CANCELLED';
  if (job.expired) return 'EXPIRED';
  if (job.finishedAt) return 'FINISHED';
  if (job.deliveryType === 'download' && (job.deliveryUrl?.length ?? 0) > 0) return 'FINISHED';
  return 'IN_PROGRESS';
}

/** The dedicated cluster restored into; null when the target is a deployment of another family. */
function targetCluster(groupId: string | undefined, clusterName: string | undefined, { loaders }: GraphQLContext) {
  if (!groupId || !clusterName) return null;
  return nullIfOtherFamily(
    loaders.cluster.load({ groupId: referencedId(groupId), clusterName: referencedName(clusterName) }),
  );
}

/**
 * Every job of a legacy restore batch. When this operation already read the whole list (or the batch's
 * own), the batch is cut out of it at no cost; otherwise the batch filter is read to its end.
 */
async function legacyBatch(job: LegacyBackupRestoreJob, { loaders }: GraphQLContext) {
  const { batchId } = job;
  if (!batchId) return null;
  const cluster = { groupId: job.groupId, clusterName: job.clusterName };
  const pages = loaders.legacyRestoreJobPage;
  const known =
    (await pages.knownWholeList({ ...cluster, batchId })) ??
    (await pages.knownWholeList(cluster))?.filter((sibling) => sibling.batchId === batchId);
  if (known) return known;
  const jobs: LegacyBackupRestoreJob[] = [];
  for (let pageNum = 1; ; pageNum++) {
    const page = await pages.load({ ...cluster, batchId, pageNum, itemsPerPage: ATLAS_MAX_PAGE_SIZE });
    jobs.push(...page.results);
    if (isLastPage(page) || page.results.length === 0) return jobs;
  }
}

export const restoreJobResolvers: Resolvers = {
  CloudBackupRestoreJob: {
    __resolveReference: (reference, context) => resolveEntity(reference.id, 'CloudBackupRestoreJob', context),
    id: (job) => toGlobalId('CloudBackupRestoreJob', job.groupId, job.clusterName, need(job.id, 'restore job id')),
    atlasId: (job) => need(job.id, 'restore job id'),
    cluster: (job, _, { loaders }) => loaders.cluster.load({ groupId: job.groupId, clusterName: job.clusterName }),
    deliveryType: (job) => atlasEnum(deliveryTypes, job.deliveryType) ?? 'OTHER',
    state: (job) => restoreJobState(job),
    snapshot: (job, _, { loaders }) => snapshotOfJob(job, loaders),
    targetProjectId: (job) => job.targetGroupId ?? null,
    targetCluster: (job, _, context) => targetCluster(job.targetGroupId, job.targetClusterName, context),
    deliveryUrl: (job) => job.deliveryUrl ?? [],
    privateDownloadDeliveryUrls: (job) => job.privateDownloadDeliveryUrls ?? [],
    components: (job) => job.components ?? [],
  },
  RestoreJobComponent: {
    privateDownloadDeliveryUrls: (component) => component.privateDownloadDeliveryUrls ?? [],
  },
  LegacyBackupRestoreJob: {
    __resolveReference: (reference, context) => resolveEntity(reference.id, 'LegacyBackupRestoreJob', context),
    id: (job) => toGlobalId('LegacyBackupRestoreJob', job.groupId, job.clusterName, need(job.id, 'restore job id')),
    atlasId: (job) => need(job.id, 'restore job id'),
    cluster: (job, _, { loaders }) => loaders.cluster.load({ groupId: job.groupId, clusterName: job.clusterName }),
    statusName: (job) => atlasEnum(legacyStatuses, job.statusName),
    batch: (job, _, context) => legacyBatch(job, context),
    checkpoint: (job, _, { loaders }) =>
      job.checkpointId
        ? loaders.checkpoint.load({
            groupId: job.groupId,
            clusterName: job.clusterName,
            id: referencedId(job.checkpointId),
          })
        : null,
    clusterAtlasId: (job) => job.clusterId ?? null,
    // `?.`: the spec requires delivery, but its absence should cost this field only.
    targetCluster: (job, _, context) =>
      targetCluster(job.delivery?.targetGroupId, job.delivery?.targetClusterName, context),
    hashes: (job) => job.hashes ?? [],
  },
  LegacyRestoreDelivery: {
    methodName: (delivery) => atlasEnum(legacyMethods, delivery.methodName),
    statusName: (delivery) => atlasEnum(legacyDeliveryStatuses, delivery.statusName),
    targetProjectId: (delivery) => delivery.targetGroupId ?? null,
    targetClusterAtlasId: (delivery) => delivery.targetClusterId ?? null,
  },
};
