/**
 * Every DataLoader, created per request (never shared between requests, so nothing crosses callers).
 * Keys are objects; the cache key is the resource's Atlas path, so the same resource asked for twice in
 * one operation (aliases, references, node ids) costs one call. A page loader primes the item loader of
 * its resource with every result, so a list answers later single lookups.
 */
import DataLoader from 'dataloader';
import {
  AtlasClient,
  type ClusterItemKey,
  type ClusterKey,
  type ProjectItemKey,
  type ProjectKey,
} from './atlas/client.js';
import type { AtlasOperationId } from './generated/atlas-operations.js';
import type { AtlasPage, PageRequest } from './atlas/types.js';
import type {
  Checkpoint,
  CloudBackupRestoreJob,
  Cluster,
  Export,
  ExportBucket,
  LegacyBackupRestoreJob,
  Project,
  ServerlessInstance,
  ServerlessSnapshot,
  Snapshot,
} from './models.js';

type Paged<K> = K & PageRequest;

interface ResourceSpec<K, V, PK> {
  /** Operation that fetches one item, and the path parameters of a key. */
  get: AtlasOperationId;
  getParams: (key: K) => Record<string, string>;
  fetchItem: (key: K) => Promise<V>;
  /** Path parameters of the list an item belongs to. */
  parentParams: (key: K) => Record<string, string>;
  /** Operation that lists items, and the path parameters and filters of a page key. */
  list: AtlasOperationId;
  listParams: (key: PK) => Record<string, string>;
  listFilters?: (key: PK) => Record<string, string | undefined>;
  fetchPage: (key: Paged<PK>) => Promise<AtlasPage<V>>;
  /** The item key a listed item answers, or undefined when it lacks its id. */
  itemKey: (pageKey: PK, item: V) => K | undefined;
}

/** Loads pages of a list; resolvers call only `load`. */
export interface PageLoader<PK, V> {
  load(key: Paged<PK>): Promise<AtlasPage<V>>;
}

export interface ResourceLoaders<K, V, PK> {
  item: DataLoader<K, V, string>;
  page: PageLoader<PK, V>;
}

function pageCacheKey(path: string, key: PageRequest, filters: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value !== undefined) query.set(name, value);
  query.set('pageNum', String(key.pageNum));
  query.set('itemsPerPage', String(key.itemsPerPage));
  return `${path}?${query.toString()}`;
}

/** Settles every key on its own: one failing key rejects only its own load. */
async function settle<K, V>(keys: readonly K[], fetch: (key: K) => Promise<V>): Promise<(V | Error)[]> {
  return Promise.all(
    keys.map((key) =>
      fetch(key).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
    ),
  );
}

function resource<K, V, PK>(spec: ResourceSpec<K, V, PK>): ResourceLoaders<K, V, PK> {
  const itemPath = (key: K) => AtlasClient.path(spec.get, spec.getParams(key));
  const listPath = (params: Record<string, string>) => AtlasClient.path(spec.list, params);
  // Pages asked for in this request, by list path: a single lookup whose list is being fetched waits for
  // it instead of making its own call (sibling fields resolve in the same tick, so a prime would be late).
  const pagesByList = new Map<string, { key: Paged<PK>; result: Promise<AtlasPage<V>> }[]>();

  async function fromPages(key: K): Promise<V | undefined> {
    const wanted = itemPath(key);
    for (const page of pagesByList.get(listPath(spec.parentParams(key))) ?? []) {
      const result = await page.result.catch(() => undefined);
      const hit = result?.results.find((value) => {
        const candidate = spec.itemKey(page.key, value);
        return candidate !== undefined && itemPath(candidate) === wanted;
      });
      if (hit) return hit;
    }
    return undefined;
  }

  const item = new DataLoader<K, V, string>(
    (keys) => settle(keys, async (key) => (await fromPages(key)) ?? spec.fetchItem(key)),
    { cacheKeyFn: itemPath },
  );
  const pages = new DataLoader<Paged<PK>, AtlasPage<V>, string>(
    async (keys) =>
      settle(keys, async (key) => {
        const result = await spec.fetchPage(key);
        for (const value of result.results) {
          const itemKey = spec.itemKey(key, value);
          if (itemKey) item.prime(itemKey, value);
        }
        return result;
      }),
    {
      cacheKeyFn: (key) => pageCacheKey(listPath(spec.listParams(key)), key, spec.listFilters?.(key) ?? {}),
    },
  );
  const page: PageLoader<PK, V> = {
    load(key) {
      const result = pages.load(key);
      const list = listPath(spec.listParams(key));
      pagesByList.set(list, [...(pagesByList.get(list) ?? []), { key, result }]);
      return result;
    },
  };
  return { item, page };
}

const clusterParams = (key: ClusterKey) => ({ groupId: key.groupId, clusterName: key.clusterName });
const projectParams = (key: ProjectKey) => ({ groupId: key.groupId });
const inCluster = (key: ClusterKey, id: string | undefined): ClusterItemKey | undefined =>
  id ? { groupId: key.groupId, clusterName: key.clusterName, id } : undefined;

export type LegacyRestoreJobPageKey = ClusterKey & { batchId?: string | undefined };

export function createLoaders(client: AtlasClient) {
  const project = resource<ProjectKey, Project, object>({
    get: 'getGroup',
    getParams: projectParams,
    fetchItem: (key) => client.getGroup(key),
    parentParams: () => ({}),
    list: 'listGroups',
    listParams: () => ({}),
    fetchPage: (key) => client.listGroups(key),
    itemKey: (_, group) => (group.id ? { groupId: group.id } : undefined),
  });
  const cluster = resource<ClusterKey, Cluster, ProjectKey>({
    get: 'getCluster',
    getParams: clusterParams,
    fetchItem: (key) => client.getCluster(key),
    parentParams: projectParams,
    list: 'listClusters',
    listParams: projectParams,
    fetchPage: (key) => client.listClusters(key, key),
    itemKey: (key, c) => (c.name ? { groupId: key.groupId, clusterName: c.name } : undefined),
  });
  const snapshot = resource<ClusterItemKey, Snapshot, ClusterKey>({
    get: 'getClusterBackupSnapshot',
    getParams: (key) => ({ ...clusterParams(key), snapshotId: key.id }),
    fetchItem: (key) => client.getClusterBackupSnapshot(key),
    parentParams: clusterParams,
    list: 'listBackupSnapshots',
    listParams: clusterParams,
    fetchPage: (key) => client.listBackupSnapshots(key, key),
    itemKey: (key, s) => inCluster(key, s.id),
  });
  const restoreJob = resource<ClusterItemKey, CloudBackupRestoreJob, ClusterKey>({
    get: 'getBackupRestoreJob',
    getParams: (key) => ({ ...clusterParams(key), restoreJobId: key.id }),
    fetchItem: (key) => client.getBackupRestoreJob(key),
    parentParams: clusterParams,
    list: 'listBackupRestoreJobs',
    listParams: clusterParams,
    fetchPage: (key) => client.listBackupRestoreJobs(key, key),
    itemKey: (key, job) => inCluster(key, job.id),
  });
  const exportJob = resource<ClusterItemKey, Export, ClusterKey>({
    get: 'getBackupExport',
    getParams: (key) => ({ ...clusterParams(key), exportId: key.id }),
    fetchItem: (key) => client.getBackupExport(key),
    parentParams: clusterParams,
    list: 'listBackupExports',
    listParams: clusterParams,
    fetchPage: (key) => client.listBackupExports(key, key),
    itemKey: (key, job) => inCluster(key, job.id),
  });
  const exportBucket = resource<ProjectItemKey, ExportBucket, ProjectKey>({
    get: 'getExportBucket',
    getParams: (key) => ({ groupId: key.groupId, exportBucketId: key.id }),
    fetchItem: (key) => client.getExportBucket(key),
    parentParams: projectParams,
    list: 'listExportBuckets',
    listParams: projectParams,
    fetchPage: (key) => client.listExportBuckets(key, key),
    itemKey: (key, bucket) => ({ groupId: key.groupId, id: bucket._id }),
  });
  const checkpoint = resource<ClusterItemKey, Checkpoint, ClusterKey>({
    get: 'getClusterBackupCheckpoint',
    getParams: (key) => ({ ...clusterParams(key), checkpointId: key.id }),
    fetchItem: (key) => client.getClusterBackupCheckpoint(key),
    parentParams: clusterParams,
    list: 'listClusterBackupCheckpoints',
    listParams: clusterParams,
    fetchPage: (key) => client.listClusterBackupCheckpoints(key, key),
    itemKey: (key, c) => inCluster(key, c.id),
  });
  const legacyRestoreJob = resource<ClusterItemKey, LegacyBackupRestoreJob, LegacyRestoreJobPageKey>({
    get: 'getClusterRestoreJob',
    getParams: (key) => ({ ...clusterParams(key), jobId: key.id }),
    fetchItem: (key) => client.getClusterRestoreJob(key),
    parentParams: clusterParams,
    list: 'listClusterRestoreJobs',
    listParams: clusterParams,
    listFilters: (key) => ({ batchId: key.batchId }),
    fetchPage: (key) => client.listClusterRestoreJobs(key, key),
    itemKey: (key, job) => inCluster(key, job.id),
  });
  const serverlessInstance = resource<ClusterKey, ServerlessInstance, ProjectKey>({
    get: 'getServerlessInstance',
    getParams: (key) => ({ groupId: key.groupId, name: key.clusterName }),
    fetchItem: (key) => client.getServerlessInstance(key),
    parentParams: projectParams,
    list: 'listServerlessInstances',
    listParams: projectParams,
    fetchPage: (key) => client.listServerlessInstances(key, key),
    itemKey: (key, i) => (i.name ? { groupId: key.groupId, clusterName: i.name } : undefined),
  });
  const serverlessSnapshot = resource<ClusterItemKey, ServerlessSnapshot, ClusterKey>({
    get: 'getServerlessBackupSnapshot',
    getParams: (key) => ({ ...clusterParams(key), snapshotId: key.id }),
    fetchItem: (key) => client.getServerlessBackupSnapshot(key),
    parentParams: clusterParams,
    list: 'listServerlessBackupSnapshots',
    listParams: clusterParams,
    fetchPage: (key) => client.listServerlessBackupSnapshots(key, key),
    itemKey: (key, s) => inCluster(key, s.id),
  });

  return {
    project: project.item,
    projectPage: project.page,
    cluster: cluster.item,
    clusterPage: cluster.page,
    snapshot: snapshot.item,
    snapshotPage: snapshot.page,
    restoreJob: restoreJob.item,
    restoreJobPage: restoreJob.page,
    export: exportJob.item,
    exportPage: exportJob.page,
    exportBucket: exportBucket.item,
    exportBucketPage: exportBucket.page,
    checkpoint: checkpoint.item,
    checkpointPage: checkpoint.page,
    legacyRestoreJob: legacyRestoreJob.item,
    legacyRestoreJobPage: legacyRestoreJob.page,
    serverlessInstance: serverlessInstance.item,
    serverlessInstancePage: serverlessInstance.page,
    serverlessSnapshot: serverlessSnapshot.item,
    serverlessSnapshotPage: serverlessSnapshot.page,
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
