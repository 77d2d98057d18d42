/**
 * Every loader, created per request (never shared between requests, so nothing crosses callers).
 * Keys are objects; the cache key is the resource's Atlas path, so the same resource asked for twice in
 * one operation (aliases, references, node ids) costs one call.
 *
 * Atlas has no multi-get, so a batch of lookups under one parent (one cluster's snapshots, say) is
 * planned: a page of the parent's list already fetched in this operation answers what it holds; two or
 * more remaining keys walk the list (pages of 500) while that costs fewer calls than single GETs; the
 * rest are single GETs. Every listed item primes its lookup.
 */
import DataLoader from 'dataloader';
import {
  AtlasClient,
  type ClusterItemKey,
  type ClusterKey,
  type ProjectItemKey,
  type ProjectKey,
} from '../atlas/client.js';
import { AtlasApiError } from '../atlas/errors.js';
import type { AtlasOperationId } from '../generated/atlas-operations.js';
import type { AtlasPage, PageRequest } from '../atlas/types.js';
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
} from '../graph/mappers.js';

type Paged<K> = K & PageRequest;

interface ResourceSpec<K, V, PK> {
  /** Operation that fetches one item, and the path parameters of a key. */
  get: AtlasOperationId;
  getParams: (key: K) => Record<string, string>;
  fetchItem: (key: K) => Promise<V>;
  /** The (unfiltered) list an item belongs to. */
  parentKey: (key: K) => PK;
  /** Operation that lists items, and the path parameters and filters of a page key. */
  list: AtlasOperationId;
  listParams: (key: PK) => Record<string, string>;
  listFilters?: (key: PK) => Record<string, string | undefined>;
  fetchPage: (key: Paged<PK>) => Promise<AtlasPage<V>>;
  /** The item key a listed item answers, or undefined when it lacks its id. */
  itemKey: (pageKey: PK, item: V) => K | undefined;
}

/** Loads one resource by key; resolvers call only `load`. */
export interface ItemLoader<K, V> {
  load(key: K): Promise<V>;
}

/** Loads pages of a list; resolvers call only `load`. */
export interface PageLoader<PK, V> {
  load(key: Paged<PK>): Promise<AtlasPage<V>>;
}

export interface ResourceLoaders<K, V, PK> {
  item: ItemLoader<K, V>;
  page: PageLoader<PK, V>;
}

/** Atlas's largest page: the cheapest way to walk a list. */
const WALK_PAGE_SIZE = 500;

/** Counts what resolvers ask for, so a response can report what batching saved. */
export interface LoadCounter {
  requested: number;
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

function resource<K, V, PK>(spec: ResourceSpec<K, V, PK>, counter: LoadCounter): ResourceLoaders<K, V, PK> {
  const itemPath = (key: K) => AtlasClient.path(spec.get, spec.getParams(key));
  const listPath = (key: PK) => AtlasClient.path(spec.list, spec.listParams(key));
  // Every page asked for in this operation, by list path (filters included in the page key), so
  // lookups can be answered from pages fetched or still in flight.
  const pagesByList = new Map<string, Map<string, { key: Paged<PK>; result: Promise<AtlasPage<V>> }>>();
  const pageKey = (key: Paged<PK>) => pageCacheKey(listPath(key), key, spec.listFilters?.(key) ?? {});

  // Created on first use: most operations touch a few resources, and every request builds this set.
  let pagesLoader: DataLoader<Paged<PK>, AtlasPage<V>, string> | undefined;
  let itemsLoader: DataLoader<K, V, string> | undefined;
  const pages = () =>
    (pagesLoader ??= new DataLoader<Paged<PK>, AtlasPage<V>, string>(
      async (keys) =>
        settle(keys, async (key) => {
          const result = await spec.fetchPage(key);
          for (const value of result.results) {
            const itemKey = spec.itemKey(key, value);
            if (itemKey) items().prime(itemKey, value);
          }
          return result;
        }),
      { cacheKeyFn: pageKey },
    ));

  function loadPage(key: Paged<PK>): Promise<AtlasPage<V>> {
    const result = pages().load(key);
    const list = listPath(key);
    const known = pagesByList.get(list) ?? new Map();
    known.set(pageKey(key), { key, result });
    pagesByList.set(list, known);
    return result;
  }

  /** Settles the keys found in pages of `list` already asked for; returns the total when one is known. */
  async function answerFromPages(list: string, wanted: Map<string, K>, found: Map<string, V>) {
    let total: number | undefined;
    for (const page of pagesByList.get(list)?.values() ?? []) {
      const result = await page.result.catch(() => undefined);
      if (!result) continue;
      const unfiltered = Object.values(spec.listFilters?.(page.key) ?? {}).every((v) => v === undefined);
      if (unfiltered && result.totalCount !== undefined) total = result.totalCount;
      for (const value of result.results) {
        const itemKey = spec.itemKey(page.key, value);
        const path = itemKey && itemPath(itemKey);
        if (path && wanted.has(path)) found.set(path, value);
      }
    }
    return total;
  }

  /** Plans one parent's lookups: known pages, then a list walk while it is cheaper, then single GETs. */
  async function loadUnderParent(parent: PK, keys: K[]): Promise<Map<string, V | Error>> {
    const list = listPath(parent);
    const only = keys[0];
    if (keys.length === 1 && only !== undefined && !pagesByList.has(list)) {
      // The common single lookup with nothing to plan: one GET.
      const [value] = await settle([only], spec.fetchItem);
      return new Map(value === undefined ? [] : [[itemPath(only), value]]);
    }
    const wanted = new Map(keys.map((key) => [itemPath(key), key]));
    const found = new Map<string, V>();
    let total = await answerFromPages(list, wanted, found);
    const missing = () => [...wanted].filter(([path]) => !found.has(path));
    // Set when this walk read the list from its first page to its last: a key not in it does not exist.
    let walkedWholeList = false;
    for (let pageNum = 1; missing().length >= 2; pageNum++) {
      const pagesLeft = total === undefined ? Infinity : Math.ceil(total / WALK_PAGE_SIZE) - (pageNum - 1);
      // Walk on only while the rest of the list costs fewer calls than the keys still missing.
      if (pagesLeft <= 0 || (total !== undefined && pagesLeft >= missing().length)) break;
      let result: AtlasPage<V>;
      try {
        result = await loadPage({ ...parent, pageNum, itemsPerPage: WALK_PAGE_SIZE });
      } catch {
        break; // the single GETs below report each key's own error
      }
      total = result.totalCount ?? total;
      await answerFromPages(list, wanted, found);
      if (!result.hasNext && result.results.length < WALK_PAGE_SIZE) {
        walkedWholeList = true;
        break;
      }
    }
    const settled = new Map<string, V | Error>(found);
    const rest = missing();
    if (walkedWholeList) {
      // A GET would only confirm the 404; answer it without the call.
      for (const [path] of rest) settled.set(path, notInList(spec.get));
      return settled;
    }
    const fetched = await settle(rest, ([, key]) => spec.fetchItem(key));
    rest.forEach(([path], i) => {
      const value = fetched[i];
      if (value !== undefined) settled.set(path, value);
    });
    return settled;
  }

  const items = () =>
    (itemsLoader ??= new DataLoader<K, V, string>(
      async (keys) => {
        const byParent = new Map<string, { parent: PK; keys: K[] }>();
        for (const key of keys) {
          const parent = spec.parentKey(key);
          const group = byParent.get(listPath(parent)) ?? { parent, keys: [] };
          group.keys.push(key);
          byParent.set(listPath(parent), group);
        }
        const answers = new Map<string, V | Error>();
        await Promise.all(
          [...byParent.values()].map(async ({ parent, keys: group }) => {
            for (const [path, value] of await loadUnderParent(parent, group)) answers.set(path, value);
          }),
        );
        return keys.map((key) => answers.get(itemPath(key)) ?? new Error('lookup was not planned'));
      },
      { cacheKeyFn: itemPath },
    ));

  return {
    item: {
      load(key) {
        counter.requested++;
        return items().load(key);
      },
    },
    page: {
      load(key) {
        counter.requested++;
        return loadPage(key);
      },
    },
  };
}

/** A resource addressed under a cluster (or serverless instance) by its Atlas id: most of them. */
function underCluster<V extends { id?: string }>(
  operations: { get: AtlasOperationId; idParam: string; list: AtlasOperationId },
  fetchItem: (key: ClusterItemKey) => Promise<V>,
  fetchPage: (key: Paged<ClusterKey>) => Promise<AtlasPage<V>>,
  counter: LoadCounter,
): ResourceLoaders<ClusterItemKey, V, ClusterKey> {
  return resource<ClusterItemKey, V, ClusterKey>(
    {
      get: operations.get,
      getParams: (key) => ({ ...clusterParams(key), [operations.idParam]: key.id }),
      fetchItem,
      parentKey: (key) => ({ groupId: key.groupId, clusterName: key.clusterName }),
      list: operations.list,
      listParams: clusterParams,
      fetchPage,
      itemKey: (key, item) => inCluster(key, item.id),
    },
    counter,
  );
}

/** What Atlas answers for an id its complete list does not contain (as a GET would: 404). */
function notInList(operationId: AtlasOperationId): AtlasApiError {
  return new AtlasApiError(operationId, 404, 'RESOURCE_NOT_FOUND', 'Not Found', undefined, undefined, undefined);
}

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

const clusterParams = (key: ClusterKey) => ({ groupId: key.groupId, clusterName: key.clusterName });
const projectParams = (key: ProjectKey) => ({ groupId: key.groupId });
const inCluster = (key: ClusterKey, id: string | undefined): ClusterItemKey | undefined =>
  id ? { groupId: key.groupId, clusterName: key.clusterName, id } : undefined;

export type LegacyRestoreJobPageKey = ClusterKey & { batchId?: string | undefined };

export function createLoaders(client: AtlasClient, counter: LoadCounter = { requested: 0 }) {
  const project = lazy(() =>
    resource<ProjectKey, Project, object>(
      {
        get: 'getGroup',
        getParams: projectParams,
        fetchItem: (key) => client.getGroup(key),
        parentKey: () => ({}),
        list: 'listGroups',
        listParams: () => ({}),
        fetchPage: (key) => client.listGroups(key),
        itemKey: (_, group) => (group.id ? { groupId: group.id } : undefined),
      },
      counter,
    ),
  );
  const cluster = lazy(() =>
    resource<ClusterKey, Cluster, ProjectKey>(
      {
        get: 'getCluster',
        getParams: clusterParams,
        fetchItem: (key) => client.getCluster(key),
        parentKey: (key) => ({ groupId: key.groupId }),
        list: 'listClusters',
        listParams: projectParams,
        fetchPage: (key) => client.listClusters(key, key),
        itemKey: (key, c) => (c.name ? { groupId: key.groupId, clusterName: c.name } : undefined),
      },
      counter,
    ),
  );
  const snapshot = lazy(() =>
    underCluster<Snapshot>(
      { get: 'getClusterBackupSnapshot', idParam: 'snapshotId', list: 'listBackupSnapshots' },
      (key) => client.getClusterBackupSnapshot(key),
      (key) => client.listBackupSnapshots(key, key),
      counter,
    ),
  );
  const restoreJob = lazy(() =>
    underCluster<CloudBackupRestoreJob>(
      { get: 'getBackupRestoreJob', idParam: 'restoreJobId', list: 'listBackupRestoreJobs' },
      (key) => client.getBackupRestoreJob(key),
      (key) => client.listBackupRestoreJobs(key, key),
      counter,
    ),
  );
  const exportJob = lazy(() =>
    underCluster<Export>(
      { get: 'getBackupExport', idParam: 'exportId', list: 'listBackupExports' },
      (key) => client.getBackupExport(key),
      (key) => client.listBackupExports(key, key),
      counter,
    ),
  );
  const exportBucket = lazy(() =>
    resource<ProjectItemKey, ExportBucket, ProjectKey>(
      {
        get: 'getExportBucket',
        getParams: (key) => ({ groupId: key.groupId, exportBucketId: key.id }),
        fetchItem: (key) => client.getExportBucket(key),
        parentKey: (key) => ({ groupId: key.groupId }),
        list: 'listExportBuckets',
        listParams: projectParams,
        fetchPage: (key) => client.listExportBuckets(key, key),
        itemKey: (key, bucket) => ({ groupId: key.groupId, id: bucket._id }),
      },
      counter,
    ),
  );
  const checkpoint = lazy(() =>
    underCluster<Checkpoint>(
      { get: 'getClusterBackupCheckpoint', idParam: 'checkpointId', list: 'listClusterBackupCheckpoints' },
      (key) => client.getClusterBackupCheckpoint(key),
      (key) => client.listClusterBackupCheckpoints(key, key),
      counter,
    ),
  );
  const legacyRestoreJob = lazy(() =>
    resource<ClusterItemKey, LegacyBackupRestoreJob, LegacyRestoreJobPageKey>(
      {
        get: 'getClusterRestoreJob',
        getParams: (key) => ({ ...clusterParams(key), jobId: key.id }),
        fetchItem: (key) => client.getClusterRestoreJob(key),
        parentKey: (key) => ({ groupId: key.groupId, clusterName: key.clusterName }),
        list: 'listClusterRestoreJobs',
        listParams: clusterParams,
        listFilters: (key) => ({ batchId: key.batchId }),
        fetchPage: (key) => client.listClusterRestoreJobs(key, key),
        itemKey: (key, job) => inCluster(key, job.id),
      },
      counter,
    ),
  );
  const serverlessInstance = lazy(() =>
    resource<ClusterKey, ServerlessInstance, ProjectKey>(
      {
        get: 'getServerlessInstance',
        getParams: (key) => ({ groupId: key.groupId, name: key.clusterName }),
        fetchItem: (key) => client.getServerlessInstance(key),
        parentKey: (key) => ({ groupId: key.groupId }),
        list: 'listServerlessInstances',
        listParams: projectParams,
        fetchPage: (key) => client.listServerlessInstances(key, key),
        itemKey: (key, i) => (i.name ? { groupId: key.groupId, clusterName: i.name } : undefined),
      },
      counter,
    ),
  );
  const serverlessSnapshot = lazy(() =>
    underCluster<ServerlessSnapshot>(
      { get: 'getServerlessBackupSnapshot', idParam: 'snapshotId', list: 'listServerlessBackupSnapshots' },
      (key) => client.getServerlessBackupSnapshot(key),
      (key) => client.listServerlessBackupSnapshots(key, key),
      counter,
    ),
  );

  // Each resource's loaders (and their closures) are built on first use: an operation touches a few.
  return {
    get project() {
      return project().item;
    },
    get projectPage() {
      return project().page;
    },
    get cluster() {
      return cluster().item;
    },
    get clusterPage() {
      return cluster().page;
    },
    get snapshot() {
      return snapshot().item;
    },
    get snapshotPage() {
      return snapshot().page;
    },
    get restoreJob() {
      return restoreJob().item;
    },
    get restoreJobPage() {
      return restoreJob().page;
    },
    get export() {
      return exportJob().item;
    },
    get exportPage() {
      return exportJob().page;
    },
    get exportBucket() {
      return exportBucket().item;
    },
    get exportBucketPage() {
      return exportBucket().page;
    },
    get checkpoint() {
      return checkpoint().item;
    },
    get checkpointPage() {
      return checkpoint().page;
    },
    get legacyRestoreJob() {
      return legacyRestoreJob().item;
    },
    get legacyRestoreJobPage() {
      return legacyRestoreJob().page;
    },
    get serverlessInstance() {
      return serverlessInstance().item;
    },
    get serverlessInstancePage() {
      return serverlessInstance().page;
    },
    get serverlessSnapshot() {
      return serverlessSnapshot().item;
    },
    get serverlessSnapshotPage() {
      return serverlessSnapshot().page;
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
