/**
 * FlexCluster, FlexSnapshot and FlexRestoreJob: the Flex family's deployments and backups (API version
 * 2024-11-13), named as the graph names the same things on Cluster, Snapshot and CloudBackupRestoreJob.
 */
import {
  ClusterState,
  ClusterType,
  FlexRestoreDeliveryType,
  FlexRestoreJobStatus,
  FlexSnapshotStatus,
  VersionReleaseSystem,
  type Resolvers,
} from '../../generated/resolvers-types.js';
import type { FlexCluster } from '../mappers.js';
import { toGlobalId } from '../ids.js';
import { loadConnection } from '../pagination.js';
import { atlasEnum, knownValues, need, orNull, referencedId } from './atlas-values.js';
import { clusterNamePattern } from '../scalars.js';
import { asDeployment, latestOf } from './deployment.js';
import { resolveEntity } from './node.js';
import { cloudProviders } from './snapshot.js';

const clusterTypes = knownValues(ClusterType);
const clusterStates = knownValues(ClusterState);
export const releaseSystems = knownValues(VersionReleaseSystem);
const snapshotStatuses = knownValues(FlexSnapshotStatus);
const jobStatuses = knownValues(FlexRestoreJobStatus);
const deliveryTypes = knownValues(FlexRestoreDeliveryType);

/** What Atlas's Flex paths take: the Flex cluster's name (the loaders' key calls it clusterName). */
function key(flex: FlexCluster) {
  return { groupId: flex.groupId, clusterName: flex.name };
}

export const flexClusterResolvers: Resolvers = {
  FlexCluster: {
    __resolveReference: (reference, context) =>
      'projectId' in reference
        ? context.loaders.deployments.load('flexCluster', {
            groupId: reference.projectId,
            clusterName: reference.name,
          })
        : resolveEntity(reference.id, 'FlexCluster', context),
    id: (flex) => toGlobalId('FlexCluster', flex.groupId, flex.name),
    atlasId: (flex) => need(flex.id, 'Flex cluster id'),
    projectId: (flex) => flex.groupId,
    project: (flex, _, { loaders }) => loaders.project.load({ groupId: flex.groupId }),
    family: () => 'FLEX',
    clusterType: (flex) => atlasEnum(clusterTypes, flex.clusterType),
    stateName: (flex) => atlasEnum(clusterStates, flex.stateName),
    deploymentState: (flex) => atlasEnum(clusterStates, flex.stateName),
    versionReleaseSystem: (flex) => atlasEnum(releaseSystems, flex.versionReleaseSystem),
    backupEnabled: (flex) => flex.backupSettings?.enabled ?? null,
    tags: (flex) => flex.tags ?? [],
    // `?.`: the spec requires providerSettings, but its absence should cost these fields only.
    backingProviderName: (flex) => atlasEnum(cloudProviders, flex.providerSettings?.backingProviderName),
    regionName: (flex) => flex.providerSettings?.regionName ?? null,
    diskSizeGB: (flex) => flex.providerSettings?.diskSizeGB ?? null,
    latestSnapshot: (flex, _, { loaders }) =>
      flex.backupSettings?.enabled === false ? null : latestOf(loaders.flexSnapshotPage, key(flex)),
    snapshots: (flex, args, { loaders }) =>
      loadConnection(args, (page) => loaders.flexSnapshotPage.load({ ...key(flex), ...page })),
    snapshot: (flex, { id }, { loaders }) => orNull(loaders.flexSnapshot.load({ ...key(flex), id })),
    restoreJobs: (flex, args, { loaders }) =>
      loadConnection(args, (page) => loaders.flexRestoreJobPage.load({ ...key(flex), ...page })),
    restoreJob: (flex, { id }, { loaders }) => orNull(loaders.flexRestoreJob.load({ ...key(flex), id })),
  },
  FlexSnapshot: {
    __resolveReference: (reference, context) => resolveEntity(reference.id, 'FlexSnapshot', context),
    id: (s) => toGlobalId('FlexSnapshot', s.groupId, s.clusterName, need(s.id, 'snapshot id')),
    atlasId: (s) => need(s.id, 'snapshot id'),
    flexCluster: (s, _, { loaders }) => loaders.flexCluster.load({ groupId: s.groupId, clusterName: s.clusterName }),
    status: (s) => atlasEnum(snapshotStatuses, s.status),
    createdAt: (s) => s.scheduledTime ?? null,
    startedAt: (s) => s.startTime ?? null,
    finishedAt: (s) => s.finishTime ?? null,
    expiresAt: (s) => s.expiration ?? null,
    mongodVersion: (s) => s.mongoDBVersion ?? null,
  },
  FlexRestoreJob: {
    __resolveReference: (reference, context) => resolveEntity(reference.id, 'FlexRestoreJob', context),
    id: (job) => toGlobalId('FlexRestoreJob', job.groupId, job.clusterName, need(job.id, 'restore job id')),
    atlasId: (job) => need(job.id, 'restore job id'),
    // `||`: an empty name is no name (the field is a non-null ClusterName; the path's name always is one).
    flexClusterName: (job) => job.instanceName || job.clusterName,
    flexCluster: (job, _, { loaders }) =>
      loaders.flexCluster.load({ groupId: job.groupId, clusterName: job.clusterName }),
    projectId: (job) => job.projectId ?? job.groupId,
    project: (job, _, { loaders }) => loaders.project.load({ groupId: job.groupId }),
    status: (job) => atlasEnum(jobStatuses, job.status),
    deliveryType: (job) => atlasEnum(deliveryTypes, job.deliveryType) ?? 'OTHER',
    snapshot: (job, _, { loaders }) =>
      job.snapshotId
        ? loaders.flexSnapshot.load({
            groupId: job.groupId,
            clusterName: job.clusterName,
            id: referencedId(job.snapshotId),
          })
        : null,
    snapshotFinishedAt: (job) => job.snapshotFinishedDate ?? null,
    scheduledAt: (job) => job.restoreScheduledDate ?? null,
    finishedAt: (job) => job.restoreFinishedDate ?? null,
    expiresAt: (job) => job.expirationDate ?? null,
    targetDeploymentName: (job) => job.targetDeploymentItemName ?? null,
    // The target may be Flex or dedicated and in another project; its family is not in the payload.
    targetDeployment: async (job, _, { loaders }) => {
      // Only a restore has a target. A download restores into nothing: Atlas names its source there, which a
      // console would show as the deployment about to be overwritten; so is a job whose delivery type Atlas
      // left out or this gateway does not know.
      if (atlasEnum(deliveryTypes, job.deliveryType) !== 'RESTORE') return null;
      const name = job.targetDeploymentItemName;
      // Only a name the graph can look up (Atlas allows a wider pattern for a restore target's name).
      if (!name || !clusterNamePattern.test(name)) return null;
      const found = await loaders.deployments.require({
        groupId: referencedId(job.targetProjectId ?? job.projectId ?? job.groupId),
        clusterName: name,
      });
      return asDeployment(found);
    },
  },
};
