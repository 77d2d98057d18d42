/** Cluster: its identity, its project, and every backup resource under it. */
import {
  ClusterState,
  ClusterType,
  EncryptionAtRestProvider,
  type ClusterRegion,
  type Resolvers,
} from '../../generated/resolvers-types.js';
import type { PageRequest } from '../../atlas/types.js';
import { toGlobalId } from '../ids.js';
import { loadConnection } from '../pagination.js';
import { atlasEnum, knownValues, orNull } from './atlas-values.js';
import { latestOf } from './deployment.js';
import { releaseSystems } from './flex-cluster.js';
import { resolveEntity } from './node.js';
import { cloudProviders } from './snapshot.js';
import type { Cluster } from '../mappers.js';

const clusterTypes = knownValues(ClusterType);
const clusterStates = knownValues(ClusterState);
const keyProviders = knownValues(EncryptionAtRestProvider);

export const clusterResolvers: Resolvers = {
  Cluster: {
    __resolveReference: async (reference, context) => {
      if ('projectId' in reference) {
        // A neighbour may not know the family: a Flex cluster's name is null here, never a wrong object.
        return context.loaders.deployments.load('cluster', {
          groupId: reference.projectId,
          clusterName: reference.name,
        });
      }
      return resolveEntity(reference.id, 'Cluster', context);
    },
    id: (cluster) => toGlobalId('Cluster', cluster.groupId, cluster.name),
    atlasId: (cluster) => cluster.id ?? null,
    projectId: (cluster) => cluster.groupId,
    project: (cluster, _, { loaders }) => loaders.project.load({ groupId: cluster.groupId }),
    family: () => 'DEDICATED',
    clusterType: (cluster) => atlasEnum(clusterTypes, cluster.clusterType),
    stateName: (cluster) => atlasEnum(clusterStates, cluster.stateName),
    deploymentState: (cluster) => atlasEnum(clusterStates, cluster.stateName),
    tags: (cluster) => cluster.tags ?? [],
    versionReleaseSystem: (cluster) => atlasEnum(releaseSystems, cluster.versionReleaseSystem),
    featureCompatibilityVersionExpiresAt: (cluster) => cluster.featureCompatibilityVersionExpirationDate ?? null,
    regions: (cluster) => regionsOf(cluster),
    encryptionAtRestProvider: (cluster) => atlasEnum(keyProviders, cluster.encryptionAtRestProvider),
    latestSnapshot: (cluster, _, { loaders }) =>
      cluster.backupEnabled === false ? null : latestOf(loaders.snapshotPage, key(cluster)),

    snapshots: (cluster, args, { loaders }) =>
      loadConnection(args, (page) => loaders.snapshotPage.load(pageOf(cluster, page))),
    snapshot: (cluster, { id }, { loaders }) => orNull(loaders.snapshot.load({ ...key(cluster), id })),
    restoreJobs: (cluster, args, { loaders }) =>
      loadConnection(args, (page) => loaders.restoreJobPage.load(pageOf(cluster, page))),
    restoreJob: (cluster, { id }, { loaders }) => orNull(loaders.restoreJob.load({ ...key(cluster), id })),
    exports: (cluster, args, { loaders }) =>
      loadConnection(args, (page) => loaders.exportPage.load(pageOf(cluster, page))),
    export: (cluster, { id }, { loaders }) => orNull(loaders.export.load({ ...key(cluster), id })),
    checkpoints: (cluster, args, { loaders }) =>
      loadConnection(args, (page) => loaders.checkpointPage.load(pageOf(cluster, page))),
    checkpoint: (cluster, { id }, { loaders }) => orNull(loaders.checkpoint.load({ ...key(cluster), id })),
    legacyRestoreJobs: (cluster, { batchId, ...args }, { loaders }) =>
      loadConnection(args, (page) =>
        loaders.legacyRestoreJobPage.load({ ...key(cluster), batchId: batchId ?? undefined, ...page }),
      ),
    legacyRestoreJob: (cluster, { id }, { loaders }) => orNull(loaders.legacyRestoreJob.load({ ...key(cluster), id })),
  },
};

/**
 * The cluster's zones and regions. Atlas's 2024-08-05 version gives each shard its own replication spec, so
 * the shards of one zone repeat its regions: one entry per zone, provider, region and electable size (shards
 * scaled apart are entries apart).
 */
function regionsOf(cluster: Cluster): ClusterRegion[] {
  const regions = new Map<string, ClusterRegion>();
  for (const spec of cluster.replicationSpecs ?? []) {
    for (const config of spec?.regionConfigs ?? []) {
      if (!config) continue;
      const size = config.electableSpecs;
      const where = `${spec.zoneId ?? spec.zoneName ?? ''} ${config.providerName ?? ''} ${config.regionName ?? ''} ${size?.instanceSize ?? ''} ${size?.nodeCount ?? ''}`;
      if (regions.has(where)) continue;
      regions.set(where, {
        // A dedicated cluster's region names its provider; `TENANT` (shared tiers) names it in `backingProviderName`.
        cloudProvider: atlasEnum(cloudProviders, config.backingProviderName ?? config.providerName),
        regionName: config.regionName ?? null,
        zoneId: spec.zoneId ?? null,
        zoneName: spec.zoneName ?? null,
        priority: config.priority ?? null,
        instanceSize: size?.instanceSize ?? null,
        electableNodeCount: size?.nodeCount ?? null,
      });
    }
  }
  return [...regions.values()];
}

function key(cluster: { groupId: string; name: string }) {
  return { groupId: cluster.groupId, clusterName: cluster.name };
}

/** A page of one of the cluster's lists, written out: spreading two objects into one is a slow path in V8. */
function pageOf(cluster: { groupId: string; name: string }, page: PageRequest) {
  return {
    groupId: cluster.groupId,
    clusterName: cluster.name,
    pageNum: page.pageNum,
    itemsPerPage: page.itemsPerPage,
  };
}
