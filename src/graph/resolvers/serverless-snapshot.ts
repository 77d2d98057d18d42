/** ServerlessInstance and ServerlessSnapshot (both deprecated by Atlas). */
import { ClusterState, type Resolvers } from '../../generated/resolvers-types.js';
import { toGlobalId } from '../ids.js';
import { loadConnection } from '../pagination.js';
import { atlasEnum, knownValues, need, orNull } from './atlas-values.js';
import { latestOf } from './deployment.js';
import { resolveEntity } from './node.js';
import { flexSuccessorOf, readServerlessBackup } from './serverless-backup.js';
import { cloudProviders, frequencyAliases, snapshotFrequencies, snapshotStatuses, snapshotTypes } from './snapshot.js';

const clusterStates = knownValues(ClusterState);

export const serverlessResolvers: Resolvers = {
  ServerlessInstance: {
    __resolveReference: (reference, context) =>
      'projectId' in reference
        ? context.loaders.deployments.load('serverlessInstance', {
            groupId: reference.projectId,
            clusterName: reference.name,
          })
        : resolveEntity(reference.id, 'ServerlessInstance', context),
    id: (i) => toGlobalId('ServerlessInstance', i.groupId, i.name),
    atlasId: (i) => need(i.id, 'serverless instance id'),
    projectId: (i) => i.groupId,
    project: (i, _, { loaders }) => loaders.project.load({ groupId: i.groupId }),
    family: () => 'SERVERLESS',
    deploymentState: (i) => atlasEnum(clusterStates, i.stateName),
    // Atlas backs up every serverless instance; there is no switch to read.
    backupEnabled: () => true,
    latestSnapshot: (i, _, { loaders }) =>
      readServerlessBackup(
        i,
        loaders,
        latestOf(loaders.serverlessSnapshotPage, { groupId: i.groupId, clusterName: i.name }),
      ),
    flexSuccessor: (i, _, { loaders }) => flexSuccessorOf(i, loaders),
    continuousBackupEnabled: (i) => i.serverlessBackupOptions?.serverlessContinuousBackupEnabled ?? null,
    // `?.`: the spec requires providerSettings, but its absence should cost these fields only.
    backingProviderName: (i) => atlasEnum(cloudProviders, i.providerSettings?.backingProviderName),
    regionName: (i) => i.providerSettings?.regionName ?? null,
    tags: (i) => i.tags ?? [],
    snapshots: (i, args, { loaders }) =>
      readServerlessBackup(
        i,
        loaders,
        loadConnection(args, (page) =>
          loaders.serverlessSnapshotPage.load({ groupId: i.groupId, clusterName: i.name, ...page }),
        ),
      ),
    snapshot: (i, { id }, { loaders }) =>
      readServerlessBackup(
        i,
        loaders,
        orNull(loaders.serverlessSnapshot.load({ groupId: i.groupId, clusterName: i.name, id })),
      ),
  },
  ServerlessSnapshot: {
    __resolveReference: (reference, context) => resolveEntity(reference.id, 'ServerlessSnapshot', context),
    id: (s) => toGlobalId('ServerlessSnapshot', s.groupId, s.clusterName, need(s.id, 'snapshot id')),
    atlasId: (s) => need(s.id, 'snapshot id'),
    // `||`: an empty name is no name (the field is a non-null ClusterName; the path's name always is one).
    serverlessInstanceName: (s) => s.serverlessInstanceName || s.clusterName,
    serverlessInstance: (s, _, { loaders }) =>
      loaders.serverlessInstance.load({ groupId: s.groupId, clusterName: s.clusterName }),
    status: (s) => atlasEnum(snapshotStatuses, s.status),
    snapshotType: (s) => atlasEnum(snapshotTypes, s.snapshotType),
    frequencyType: (s) => atlasEnum(snapshotFrequencies, s.frequencyType, frequencyAliases),
  },
};
