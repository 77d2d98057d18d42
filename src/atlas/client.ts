/**
 * AtlasClient: one method per Atlas operation, named by its operationId. Each method sends the
 * operation's own version media type (from the spec, via src/generated/atlas-operations.ts), checks
 * every path parameter against the spec's pattern before building the URL, and stamps the path
 * coordinates (project, cluster) onto what it returns.
 */
import { atlasOperations, type AtlasOperationId } from '../generated/atlas-operations.js';
import type { OperationTransport } from './session.js';
import type {
  AtlasBackupRestoreJob,
  AtlasCheckpoint,
  AtlasClusterDescription,
  AtlasDiskBackupExportJob,
  AtlasDiskBackupReplicaSet,
  AtlasDiskBackupSnapshotRestoreJob,
  AtlasExportBucket,
  AtlasGroup,
  AtlasLink,
  AtlasPage,
  AtlasServerlessBackupSnapshot,
  AtlasServerlessInstance,
  InCluster,
  InProject,
  PageRequest,
} from './types.js';

export interface ProjectKey {
  groupId: string;
}
export interface ClusterKey extends ProjectKey {
  clusterName: string;
}
/** A resource under a cluster (or serverless instance), addressed by its Atlas id. */
export interface ClusterItemKey extends ClusterKey {
  id: string;
}
/** A resource under a project, addressed by its Atlas id. */
export interface ProjectItemKey extends ProjectKey {
  id: string;
}

/** A path parameter that does not match the spec's pattern; raised before any URL exists. */
export class InvalidPathParameterError extends Error {
  override readonly name = 'InvalidPathParameterError';
  constructor(readonly parameter: string) {
    super(`Invalid Atlas path parameter ${parameter}`);
  }
}

interface RawPage<T> {
  results?: T[];
  totalCount?: number;
  links?: AtlasLink[];
}

export type Cluster = AtlasClusterDescription & { groupId: string; name: string };
export type ServerlessInstance = AtlasServerlessInstance & { groupId: string; name: string };

export class AtlasClient {
  constructor(private readonly transport: OperationTransport) {}

  /** Builds the request path of an operation, refusing any parameter that fails its spec pattern. */
  static path(operationId: AtlasOperationId, params: Record<string, string>): string {
    const operation = atlasOperations[operationId];
    const patterns: Record<string, string | null> = operation.pathParams;
    return operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = params[name];
      const pattern = patterns[name];
      if (value === undefined || (pattern && !compiled(pattern).test(value)) || value.length > 64) {
        throw new InvalidPathParameterError(name);
      }
      return encodeURIComponent(value);
    });
  }

  private async call<T>(
    operationId: AtlasOperationId,
    params: Record<string, string>,
    query?: Record<string, string | number | boolean | undefined>,
  ): Promise<T> {
    const operation = atlasOperations[operationId];
    const result = await this.transport.request<T>({
      operationId,
      method: operation.method,
      path: AtlasClient.path(operationId, params),
      query,
      mediaType: operation.mediaType,
    });
    return result.body;
  }

  private async page<T, M>(
    operationId: AtlasOperationId,
    params: Record<string, string>,
    page: PageRequest,
    stamp: (item: T) => M,
    filters: Record<string, string | undefined> = {},
  ): Promise<AtlasPage<M>> {
    const raw = await this.call<RawPage<T>>(operationId, params, {
      ...filters,
      pageNum: page.pageNum,
      itemsPerPage: page.itemsPerPage,
    });
    const results = raw.results ?? [];
    return {
      results: results.map(stamp),
      totalCount: raw.totalCount,
      hasNext: (raw.links ?? []).some((link) => link.rel === 'next'),
      pageNum: page.pageNum,
      itemsPerPage: page.itemsPerPage,
    };
  }

  // Projects (Atlas groups)
  listGroups(page: PageRequest): Promise<AtlasPage<AtlasGroup>> {
    return this.page('listGroups', {}, page, (g: AtlasGroup) => g);
  }
  getGroup(key: ProjectKey): Promise<AtlasGroup> {
    return this.call('getGroup', { groupId: key.groupId });
  }

  // Clusters
  listClusters(key: ProjectKey, page: PageRequest): Promise<AtlasPage<Cluster>> {
    return this.page('listClusters', { groupId: key.groupId }, page, (c: AtlasClusterDescription) => ({
      ...c,
      groupId: key.groupId,
      name: c.name ?? '',
    }));
  }
  async getCluster(key: ClusterKey): Promise<Cluster> {
    const cluster = await this.call<AtlasClusterDescription>('getCluster', {
      groupId: key.groupId,
      clusterName: key.clusterName,
    });
    return { ...cluster, groupId: key.groupId, name: cluster.name ?? key.clusterName };
  }

  // Cloud Backup snapshots
  listBackupSnapshots(key: ClusterKey, page: PageRequest): Promise<AtlasPage<InCluster<AtlasDiskBackupReplicaSet>>> {
    return this.page('listBackupSnapshots', clusterParams(key), page, stampCluster<AtlasDiskBackupReplicaSet>(key));
  }
  async getClusterBackupSnapshot(key: ClusterItemKey): Promise<InCluster<AtlasDiskBackupReplicaSet>> {
    const snapshot = await this.call<AtlasDiskBackupReplicaSet>('getClusterBackupSnapshot', {
      ...clusterParams(key),
      snapshotId: key.id,
    });
    return stampCluster<AtlasDiskBackupReplicaSet>(key)(snapshot);
  }

  // Cloud Backup restore jobs
  listBackupRestoreJobs(
    key: ClusterKey,
    page: PageRequest,
  ): Promise<AtlasPage<InCluster<AtlasDiskBackupSnapshotRestoreJob>>> {
    return this.page(
      'listBackupRestoreJobs',
      clusterParams(key),
      page,
      stampCluster<AtlasDiskBackupSnapshotRestoreJob>(key),
    );
  }
  async getBackupRestoreJob(key: ClusterItemKey): Promise<InCluster<AtlasDiskBackupSnapshotRestoreJob>> {
    const job = await this.call<AtlasDiskBackupSnapshotRestoreJob>('getBackupRestoreJob', {
      ...clusterParams(key),
      restoreJobId: key.id,
    });
    return stampCluster<AtlasDiskBackupSnapshotRestoreJob>(key)(job);
  }

  // Snapshot export jobs and export buckets
  listBackupExports(key: ClusterKey, page: PageRequest): Promise<AtlasPage<InCluster<AtlasDiskBackupExportJob>>> {
    return this.page('listBackupExports', clusterParams(key), page, stampCluster<AtlasDiskBackupExportJob>(key));
  }
  async getBackupExport(key: ClusterItemKey): Promise<InCluster<AtlasDiskBackupExportJob>> {
    const job = await this.call<AtlasDiskBackupExportJob>('getBackupExport', {
      ...clusterParams(key),
      exportId: key.id,
    });
    return stampCluster<AtlasDiskBackupExportJob>(key)(job);
  }
  listExportBuckets(key: ProjectKey, page: PageRequest): Promise<AtlasPage<InProject<AtlasExportBucket>>> {
    return this.page('listExportBuckets', { groupId: key.groupId }, page, (b: AtlasExportBucket) =>
      inGroup(b, key.groupId),
    );
  }
  async getExportBucket(key: ProjectItemKey): Promise<InProject<AtlasExportBucket>> {
    const bucket = await this.call<AtlasExportBucket>('getExportBucket', {
      groupId: key.groupId,
      exportBucketId: key.id,
    });
    return inGroup(bucket, key.groupId);
  }

  // Legacy Backup (deprecated by Atlas)
  listClusterBackupCheckpoints(key: ClusterKey, page: PageRequest): Promise<AtlasPage<InCluster<AtlasCheckpoint>>> {
    return this.page('listClusterBackupCheckpoints', clusterParams(key), page, stampCluster<AtlasCheckpoint>(key));
  }
  async getClusterBackupCheckpoint(key: ClusterItemKey): Promise<InCluster<AtlasCheckpoint>> {
    const checkpoint = await this.call<AtlasCheckpoint>('getClusterBackupCheckpoint', {
      ...clusterParams(key),
      checkpointId: key.id,
    });
    return stampCluster<AtlasCheckpoint>(key)(checkpoint);
  }
  listClusterRestoreJobs(
    key: ClusterKey & { batchId?: string | undefined },
    page: PageRequest,
  ): Promise<AtlasPage<InCluster<AtlasBackupRestoreJob>>> {
    if (key.batchId !== undefined && !/^[a-f0-9]{24}$/.test(key.batchId)) {
      return Promise.reject(new InvalidPathParameterError('batchId'));
    }
    return this.page('listClusterRestoreJobs', clusterParams(key), page, stampCluster<AtlasBackupRestoreJob>(key), {
      batchId: key.batchId,
    });
  }
  async getClusterRestoreJob(key: ClusterItemKey): Promise<InCluster<AtlasBackupRestoreJob>> {
    const job = await this.call<AtlasBackupRestoreJob>('getClusterRestoreJob', {
      ...clusterParams(key),
      jobId: key.id,
    });
    return stampCluster<AtlasBackupRestoreJob>(key)(job);
  }

  // Serverless instances and their backups (deprecated by Atlas)
  listServerlessInstances(key: ProjectKey, page: PageRequest): Promise<AtlasPage<ServerlessInstance>> {
    return this.page('listServerlessInstances', { groupId: key.groupId }, page, (i: AtlasServerlessInstance) => ({
      ...i,
      groupId: key.groupId,
      name: i.name ?? '',
    }));
  }
  async getServerlessInstance(key: ClusterKey): Promise<ServerlessInstance> {
    const instance = await this.call<AtlasServerlessInstance>('getServerlessInstance', {
      groupId: key.groupId,
      name: key.clusterName,
    });
    return { ...instance, groupId: key.groupId, name: instance.name ?? key.clusterName };
  }
  listServerlessBackupSnapshots(
    key: ClusterKey,
    page: PageRequest,
  ): Promise<AtlasPage<InCluster<AtlasServerlessBackupSnapshot>>> {
    return this.page(
      'listServerlessBackupSnapshots',
      clusterParams(key),
      page,
      stampCluster<AtlasServerlessBackupSnapshot>(key),
    );
  }
  async getServerlessBackupSnapshot(key: ClusterItemKey): Promise<InCluster<AtlasServerlessBackupSnapshot>> {
    const snapshot = await this.call<AtlasServerlessBackupSnapshot>('getServerlessBackupSnapshot', {
      ...clusterParams(key),
      snapshotId: key.id,
    });
    return stampCluster<AtlasServerlessBackupSnapshot>(key)(snapshot);
  }
}

// Paths are built for every cache key, so each spec pattern is compiled once.
const patternCache = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  let regex = patternCache.get(pattern);
  if (!regex) patternCache.set(pattern, (regex = new RegExp(pattern)));
  return regex;
}

function clusterParams(key: ClusterKey): Record<string, string> {
  return { groupId: key.groupId, clusterName: key.clusterName };
}

function inGroup<T>(item: T, groupId: string): InProject<T> {
  return { ...item, groupId };
}

function stampCluster<T>(key: ClusterKey): (item: T) => InCluster<T> {
  return (item) => ({ ...item, groupId: key.groupId, clusterName: key.clusterName });
}
