/** Snapshot (Cloud Backup): identity, cluster back-link, Atlas enums, and a sharded snapshot's members. */
import {
  CloudProvider,
  ConfigServerType,
  SnapshotFrequency,
  SnapshotKind,
  SnapshotStatus,
  SnapshotType,
  type Resolvers,
} from '../../generated/resolvers-types.js';
import { toGlobalId } from '../ids.js';
import type { Snapshot } from '../mappers.js';
import type { Loaders } from '../../loaders/index.js';
import type { ResourceModels } from '../../loaders/resources.js';
import { atlasEnum, knownValues, need, referencedId } from './atlas-values.js';
import { resolveEntity } from './node.js';

export const snapshotStatuses = knownValues(SnapshotStatus);
export const snapshotTypes = knownValues(SnapshotType);
export const snapshotFrequencies = knownValues(SnapshotFrequency);
/** Atlas writes the on-demand frequency in one word. */
export const frequencyAliases: Record<string, Exclude<SnapshotFrequency, 'OTHER'>> = {
  ondemand: SnapshotFrequency.OnDemand,
};
export const cloudProviders = knownValues(CloudProvider);
const snapshotKinds = knownValues(SnapshotKind);
const configServerTypes = knownValues(ConfigServerType);

/** What a snapshot's sharded-cluster view adds to the replica-set view. */
type ShardedView = Pick<ResourceModels['shardedSnapshot'], 'members' | 'configServerType'>;

/**
 * Atlas's sharded-cluster view of a snapshot (what its `members` come from), asked only of a snapshot that
 * says it is one: null, and no call, for any other. An answer that carries the members itself (takeSnapshots
 * answers the whole `DiskBackupSnapshot`) is its own view.
 */
async function shardedView(s: Snapshot, loaders: Loaders): Promise<ShardedView | null> {
  if (atlasEnum(snapshotKinds, s.type) !== SnapshotKind.ShardedCluster) return null;
  const own: Snapshot & ShardedView = s;
  if (Array.isArray(own.members)) return own;
  return loaders.shardedSnapshot.load({
    groupId: s.groupId,
    clusterName: s.clusterName,
    id: need(s.id, 'snapshot id'),
  });
}

/** The snapshot a job of a cluster (a restore, an export) names by `snapshotId`; null when it names none. */
export function snapshotOfJob(job: { groupId: string; clusterName: string; snapshotId?: string }, loaders: Loaders) {
  if (!job.snapshotId) return null;
  return loaders.snapshot.load({
    groupId: job.groupId,
    clusterName: job.clusterName,
    id: referencedId(job.snapshotId),
  });
}

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
    members: async (s, _, { loaders }) => {
      const view = await shardedView(s, loaders);
      return view ? (view.members ?? []) : null;
    },
    configServerType: async (s, _, { loaders }) => {
      const view = await shardedView(s, loaders);
      return view ? atlasEnum(configServerTypes, view.configServerType) : null;
    },
  },
  SnapshotMember: {
    atlasId: (m) => need(m.id, 'member snapshot id'),
    replicaSetName: (m) => need(m.replicaSetName, 'member replica set name'),
    cloudProvider: (m) => atlasEnum(cloudProviders, m.cloudProvider),
  },
};
