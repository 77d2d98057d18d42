/** Snapshot (Cloud Backup): identity, cluster back-link and Atlas enums. */
import type {
  CloudProvider,
  Resolvers,
  SnapshotFrequency,
  SnapshotKind,
  SnapshotStatus,
  SnapshotType,
} from '../../generated/resolvers-types.js';
import { toGlobalId } from '../ids.js';
import { atlasEnum, need } from './atlas-values.js';
import { resolveEntity } from './node.js';

export const snapshotStatuses: SnapshotStatus[] = ['QUEUED', 'IN_PROGRESS', 'COMPLETED', 'FAILED'];
export const snapshotTypes: SnapshotType[] = ['ON_DEMAND', 'SCHEDULED'];
export const snapshotFrequencies: SnapshotFrequency[] = ['HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY', 'ON_DEMAND'];
/** Atlas writes the on-demand frequency in one word. */
export const frequencyAliases: Record<string, SnapshotFrequency> = { ondemand: 'ON_DEMAND' };
export const cloudProviders: CloudProvider[] = ['AWS', 'AZURE', 'GCP'];
const snapshotKinds: SnapshotKind[] = ['REPLICA_SET', 'SHARDED_CLUSTER'];

export const snapshotResolvers: Resolvers = {
  Snapshot: {
    __resolveReference: (reference, context) =>
      reference.id ? resolveEntity(reference.id, 'Snapshot', context) : null,
    id: (s) => toGlobalId('Snapshot', s.groupId, s.clusterName, need(s.id, 'snapshot id')),
    atlasId: (s) => need(s.id, 'snapshot id'),
    cluster: (s, _, { loaders }) => loaders.cluster.load({ groupId: s.groupId, clusterName: s.clusterName }),
    status: (s) => atlasEnum(snapshotStatuses, s.status),
    snapshotType: (s) => atlasEnum(snapshotTypes, s.snapshotType),
    frequencyType: (s) => atlasEnum(snapshotFrequencies, s.frequencyType, frequencyAliases),
    type: (s) => atlasEnum(snapshotKinds, s.type),
    cloudProvider: (s) => atlasEnum(cloudProviders, s.cloudProvider),
    copyRegions: (s) => s.copyRegions ?? [],
    policyItems: (s) => s.policyItems ?? [],
  },
};
