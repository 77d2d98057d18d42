/**
 * The parent types resolvers receive (codegen mappers, see codegen.yml): Atlas REST shapes with the
 * path coordinates the client stamps on them, and connections built from Atlas pages.
 * `__typename` is set only where an object is returned through an interface (`node`, `nodes`).
 */
import type { Cluster as AtlasCluster, ServerlessInstance as AtlasServerless } from '../atlas/client.js';
import type {
  AtlasBackupRestoreJob,
  AtlasBackupRestoreJobDelivery,
  AtlasCheckpoint,
  AtlasCheckpointPart,
  AtlasDiskBackupExportJob,
  AtlasDiskBackupReplicaSet,
  AtlasDiskBackupSnapshotRestoreJob,
  AtlasExportBucket,
  AtlasGroup,
  AtlasServerlessBackupSnapshot,
  InCluster,
  InProject,
} from '../atlas/types.js';
import type { Connection, Edge } from './pagination.js';

type Typed<T, Name extends string> = T & { __typename?: Name };

export type Project = Typed<AtlasGroup, 'Project'>;
export type Cluster = Typed<AtlasCluster, 'Cluster'>;
export type Snapshot = Typed<InCluster<AtlasDiskBackupReplicaSet>, 'Snapshot'>;
export type CloudBackupRestoreJob = Typed<InCluster<AtlasDiskBackupSnapshotRestoreJob>, 'CloudBackupRestoreJob'>;
export type LegacyBackupRestoreJob = Typed<InCluster<AtlasBackupRestoreJob>, 'LegacyBackupRestoreJob'>;
export type Export = Typed<InCluster<AtlasDiskBackupExportJob>, 'Export'>;
export type ExportBucket = Typed<InProject<AtlasExportBucket>, 'ExportBucket'>;
export type Checkpoint = Typed<InCluster<AtlasCheckpoint>, 'Checkpoint'>;
export type ServerlessInstance = Typed<AtlasServerless, 'ServerlessInstance'>;
/** `clusterName` is the serverless instance's name (Atlas calls the path parameter clusterName). */
export type ServerlessSnapshot = Typed<InCluster<AtlasServerlessBackupSnapshot>, 'ServerlessSnapshot'>;
export type CheckpointPart = AtlasCheckpointPart;
export type LegacyRestoreDelivery = AtlasBackupRestoreJobDelivery;
export type RestoreJobComponent = NonNullable<AtlasDiskBackupSnapshotRestoreJob['components']>[number];
/** Project tags (`ResourceTag`) and export custom data (`BackupLabel`) share one graph type. */
export type KeyValue = { key?: string; value?: string };

export type ProjectConnection = Connection<Project>;
export type ClusterConnection = Connection<Cluster>;
export type SnapshotConnection = Connection<Snapshot>;
export type CloudBackupRestoreJobConnection = Connection<CloudBackupRestoreJob>;
export type LegacyBackupRestoreJobConnection = Connection<LegacyBackupRestoreJob>;
export type ExportConnection = Connection<Export>;
export type ExportBucketConnection = Connection<ExportBucket>;
export type CheckpointConnection = Connection<Checkpoint>;
export type ServerlessInstanceConnection = Connection<ServerlessInstance>;
export type ServerlessSnapshotConnection = Connection<ServerlessSnapshot>;

export type ProjectEdge = Edge<Project>;
export type ClusterEdge = Edge<Cluster>;
export type SnapshotEdge = Edge<Snapshot>;
export type CloudBackupRestoreJobEdge = Edge<CloudBackupRestoreJob>;
export type LegacyBackupRestoreJobEdge = Edge<LegacyBackupRestoreJob>;
export type ExportEdge = Edge<Export>;
export type ExportBucketEdge = Edge<ExportBucket>;
export type CheckpointEdge = Edge<Checkpoint>;
export type ServerlessInstanceEdge = Edge<ServerlessInstance>;
export type ServerlessSnapshotEdge = Edge<ServerlessSnapshot>;
