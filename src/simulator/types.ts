// Shapes of the simulator's in-memory store. Values are Atlas API bodies (typed from the generated
// spec types so property names cannot drift) without their `links`, which depend on the server's
// base url and are added when a response is built.
import type { components } from '../generated/atlas-api.js';

export type Schemas = components['schemas'];

export type Group = Schemas['Group'];
export type Cluster = Schemas['ClusterDescription20240805'];
export type CloudSnapshot = Schemas['DiskBackupSnapshot'];
export type BackupSchedule = Schemas['DiskBackupSnapshotSchedule20240805'];
export type CloudRestoreJob = Schemas['DiskBackupSnapshotRestoreJob'];
export type ExportJob = Schemas['DiskBackupExportJob'];
export type ExportBucket = Schemas['DiskBackupSnapshotExportBucketResponse'];
export type LegacyCheckpoint = Schemas['ApiAtlasCheckpoint'];
export type LegacyRestoreJob = Schemas['BackupRestoreJob'];
export type ServerlessInstance = Schemas['ServerlessInstanceDescription'];
export type ServerlessSnapshot = Schemas['ServerlessBackupSnapshot'];
export type ServerlessRestoreJob = Schemas['ServerlessBackupRestoreJob'];
export type FlexCluster = Schemas['FlexClusterDescription20241113'];
export type FlexSnapshot = Schemas['FlexBackupSnapshot20241113'];
export type FlexRestoreJob = Schemas['FlexBackupRestoreJob20241113'];

/**
 * An object that lives under one deployment. `clusterName` is the cluster, serverless instance or
 * Flex cluster name from the URL. Kept outside `value` because several Atlas shapes (cloud restore
 * jobs, exports, snapshots) do not carry their owner.
 */
export interface Owned<T> {
  groupId: string;
  clusterName: string;
  value: T;
}

/** How a dedicated cluster is backed up; decides which backup endpoints return data for it. */
export type BackupMode = 'cloud' | 'legacy' | 'none';

export interface ClusterEntry {
  backup: BackupMode;
  value: Cluster;
}

export interface SimulatorData {
  orgId: string;
  /** Used in export prefixes (`/exported_snapshots/<org>/...`). */
  orgName: string;
  projects: Group[];
  clusters: ClusterEntry[];
  backupSchedules: Owned<BackupSchedule>[];
  /** Cloud snapshots; replica-set and sharded ones share one shape (`DiskBackupSnapshot`). */
  snapshots: Owned<CloudSnapshot>[];
  restoreJobs: Owned<CloudRestoreJob>[];
  exportJobs: Owned<ExportJob>[];
  exportBuckets: { groupId: string; value: ExportBucket }[];
  legacyCheckpoints: Owned<LegacyCheckpoint>[];
  legacyRestoreJobs: Owned<LegacyRestoreJob>[];
  serverlessInstances: ServerlessInstance[];
  serverlessSnapshots: Owned<ServerlessSnapshot>[];
  serverlessRestoreJobs: Owned<ServerlessRestoreJob>[];
  flexClusters: FlexCluster[];
  flexSnapshots: Owned<FlexSnapshot>[];
  flexRestoreJobs: Owned<FlexRestoreJob>[];
  /** Number of objects created through POST so far; feeds their deterministic ids. */
  createdCount: number;
}
