// Shapes of the simulator's in-memory store. Values are Atlas API bodies (typed from the generated
// spec types so property names cannot drift) without their `links`, which depend on the server's
// base url and are added when a response is built. The `Stored` prefix keeps them apart from the
// gateway's own `Cluster`, `ServerlessInstance`, ... types, which are what a client makes of them.
import type { components } from '../generated/atlas-api.js';

type SpecSchemas = components['schemas'];

export type StoredGroup = SpecSchemas['Group'];
export type StoredCluster = SpecSchemas['ClusterDescription20240805'];
export type StoredCloudSnapshot = SpecSchemas['DiskBackupSnapshot'];
export type StoredBackupSchedule = SpecSchemas['DiskBackupSnapshotSchedule20240805'];
export type StoredCloudRestoreJob = SpecSchemas['DiskBackupSnapshotRestoreJob'];
export type StoredExportJob = SpecSchemas['DiskBackupExportJob'];
export type StoredExportBucket = SpecSchemas['DiskBackupSnapshotExportBucketResponse'];
export type StoredLegacyCheckpoint = SpecSchemas['ApiAtlasCheckpoint'];
export type StoredLegacyRestoreJob = SpecSchemas['BackupRestoreJob'];
export type StoredServerlessInstance = SpecSchemas['ServerlessInstanceDescription'];
export type StoredServerlessSnapshot = SpecSchemas['ServerlessBackupSnapshot'];
export type StoredServerlessRestoreJob = SpecSchemas['ServerlessBackupRestoreJob'];
export type StoredFlexCluster = SpecSchemas['FlexClusterDescription20241113'];
export type StoredFlexSnapshot = SpecSchemas['FlexBackupSnapshot20241113'];
export type StoredFlexRestoreJob = SpecSchemas['FlexBackupRestoreJob20241113'];

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
  value: StoredCluster;
}

export interface SimulatorData {
  orgId: string;
  /** Used in export prefixes (`/exported_snapshots/<org>/...`). */
  orgName: string;
  projects: StoredGroup[];
  clusters: ClusterEntry[];
  backupSchedules: Owned<StoredBackupSchedule>[];
  /** Cloud snapshots; replica-set and sharded ones share one shape (`DiskBackupSnapshot`). */
  snapshots: Owned<StoredCloudSnapshot>[];
  restoreJobs: Owned<StoredCloudRestoreJob>[];
  exportJobs: Owned<StoredExportJob>[];
  exportBuckets: { groupId: string; value: StoredExportBucket }[];
  legacyCheckpoints: Owned<StoredLegacyCheckpoint>[];
  legacyRestoreJobs: Owned<StoredLegacyRestoreJob>[];
  serverlessInstances: StoredServerlessInstance[];
  serverlessSnapshots: Owned<StoredServerlessSnapshot>[];
  serverlessRestoreJobs: Owned<StoredServerlessRestoreJob>[];
  flexClusters: StoredFlexCluster[];
  flexSnapshots: Owned<StoredFlexSnapshot>[];
  flexRestoreJobs: Owned<StoredFlexRestoreJob>[];
  /** Number of objects created through POST so far; feeds their deterministic ids. */
  createdCount: number;
  /** Jobs created through POST, which move through their states on the simulator's clock (progress.ts). */
  createdJobs: CreatedJob[];
}

/**
 * A job created through POST, with what its later states need: when it was created (simulator clock),
 * and what it will publish (a download's URLs, an export's collection count, a snapshot's size).
 */
export type CreatedJob =
  | { kind: 'snapshot'; createdMs: number; entry: Owned<StoredCloudSnapshot>; sizeBytes: number }
  | { kind: 'restore'; createdMs: number; entry: Owned<StoredCloudRestoreJob>; downloadUrls: string[] }
  | { kind: 'export'; createdMs: number; entry: Owned<StoredExportJob>; collections: number }
  | { kind: 'flexRestore'; createdMs: number; entry: Owned<StoredFlexRestoreJob> }
  | { kind: 'flexDownload'; createdMs: number; entry: Owned<StoredFlexRestoreJob>; snapshotUrl: string };
