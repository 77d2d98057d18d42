/**
 * The Atlas REST shapes the gateway reads, named as in the Atlas spec, plus the path coordinates the
 * client stamps onto them: Atlas omits the project and cluster from several payloads (restore jobs,
 * exports, snapshots), but refetching and following references needs them.
 */
import type { components } from '../generated/atlas-api.js';

type Schemas = components['schemas'];

export type AtlasGroup = Schemas['Group'];
export type AtlasClusterDescription = Schemas['ClusterDescription20240805'];
export type AtlasDiskBackupReplicaSet = Schemas['DiskBackupReplicaSet'];
export type AtlasDiskBackupShardedClusterSnapshot = Schemas['DiskBackupShardedClusterSnapshot'];
export type AtlasDiskBackupSnapshotRestoreJob = Schemas['DiskBackupSnapshotRestoreJob'];
export type AtlasBackupRestoreJob = Schemas['BackupRestoreJob'];
export type AtlasBackupRestoreJobDelivery = Schemas['BackupRestoreJobDelivery'];
export type AtlasDiskBackupExportJob = Schemas['DiskBackupExportJob'];
export type AtlasExportBucket = Schemas['DiskBackupSnapshotExportBucketResponse'];
export type AtlasCheckpoint = Schemas['ApiAtlasCheckpoint'];
export type AtlasCheckpointPart = Schemas['ApiCheckpointPart'];
export type AtlasServerlessInstance = Schemas['ServerlessInstanceDescription'];
export type AtlasServerlessBackupSnapshot = Schemas['ServerlessBackupSnapshot'];
export type AtlasBackupSchedule = Schemas['DiskBackupSnapshotSchedule20240805'];
export type AtlasFlexClusterDescription = Schemas['FlexClusterDescription20241113'];
export type AtlasFlexBackupSnapshot = Schemas['FlexBackupSnapshot20241113'];
export type AtlasFlexBackupRestoreJob = Schemas['FlexBackupRestoreJob20241113'];
export type AtlasApiError = Schemas['ApiError'];
export type AtlasLink = Schemas['Link'];

/** An object addressed under a project: `/groups/{groupId}/...`. */
export type InProject<T> = T & { groupId: string };
/** A deployment (cluster, Flex cluster, serverless instance): addressed by name under a project, and always carrying both. */
export type Named<T> = T & { groupId: string; name: string };
/**
 * An object addressed under a deployment: `/groups/{groupId}/clusters/{clusterName}/...` (Flex:
 * `/flexClusters/{name}/...`); `clusterName` is the deployment's name whatever the family.
 */
export type InCluster<T> = T & { groupId: string; clusterName: string };

/** One page of an Atlas list endpoint (`Paginated*` schemas), with the page it was asked for. */
export interface AtlasPage<T> {
  results: T[];
  /** Atlas's count of the whole list (an estimate, per the spec); absent when `includeCount=false`. */
  totalCount: number | undefined;
  /** True when Atlas linked a `next` page. */
  hasNext: boolean;
  pageNum: number;
  itemsPerPage: number;
}

/** Paging parameters every Atlas list endpoint takes. */
export interface PageRequest {
  pageNum: number;
  itemsPerPage: number;
}
