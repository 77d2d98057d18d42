/**
 * The parent types resolvers receive (codegen mappers, see codegen.yml): Atlas REST shapes with the
 * path coordinates the client stamps on them, and connections built from Atlas pages.
 * `__typename` is set only where an object is returned through an interface (`node`, `nodes`).
 */
import type {
  AtlasBackupRestoreJobDelivery,
  AtlasCheckpointPart,
  AtlasDiskBackupSnapshotRestoreJob,
} from '../atlas/types.js';
import type { ClusterSettingModels, NodeTypeOf, ResourceModels, ResourceName } from '../loaders/resources.js';
import type { Connection, Edge } from './pagination.js';

/** What the loaders of resource N answer, as the graph type it is (named when returned through an interface). */
type Model<N extends ResourceName> = ResourceModels[N] & { __typename?: NodeTypeOf<N> };

export type Project = Model<'project'>;
export type Cluster = Model<'cluster'>;
export type Snapshot = Model<'snapshot'>;
export type CloudBackupRestoreJob = Model<'restoreJob'>;
export type LegacyBackupRestoreJob = Model<'legacyRestoreJob'>;
export type Export = Model<'export'>;
export type ExportBucket = Model<'exportBucket'>;
export type Checkpoint = Model<'checkpoint'>;
export type ServerlessInstance = Model<'serverlessInstance'>;
/** `clusterName` is the serverless instance's name (Atlas calls the path parameter clusterName). */
export type ServerlessSnapshot = Model<'serverlessSnapshot'>;
export type FlexCluster = Model<'flexCluster'>;
/** `clusterName` is the Flex cluster's name (Atlas calls the path parameter name). */
export type FlexSnapshot = Model<'flexSnapshot'>;
export type FlexRestoreJob = Model<'flexRestoreJob'>;
/** A deployment of any family, named (`__typename`) since it is returned through the Deployment interface. */
export type Deployment = Cluster | FlexCluster | ServerlessInstance;
/** A cluster's backup schedule and its parts, as Atlas sends them (the schedule stamped with its cluster). */
export type BackupSchedule = ClusterSettingModels['backupSchedule'];
export type BackupPolicy = NonNullable<BackupSchedule['policies']>[number];
/** A policy's item, or a copy setting's (which has no `frequencyInterval`). */
export type BackupPolicyItem =
  NonNullable<BackupPolicy['policyItems']>[number] | NonNullable<BackupCopySetting['copyPolicyItems']>[number];
export type BackupExtraRetention = NonNullable<BackupSchedule['extraRetentionSettings']>[number];
/** The export policy, with the project it belongs to (for its bucket). */
export type BackupAutoExport = NonNullable<BackupSchedule['export']> & { groupId: string };
export type BackupCopySetting = NonNullable<BackupSchedule['copySettings']>[number];
export type CheckpointPart = AtlasCheckpointPart;
export type LegacyRestoreDelivery = AtlasBackupRestoreJobDelivery;
/** One member snapshot of a sharded-cluster snapshot, as Atlas's sharded-cluster view lists it. */
export type SnapshotMember = NonNullable<ResourceModels['shardedSnapshot']['members']>[number];
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
export type FlexClusterConnection = Connection<FlexCluster>;
export type FlexSnapshotConnection = Connection<FlexSnapshot>;
export type FlexRestoreJobConnection = Connection<FlexRestoreJob>;

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
export type FlexClusterEdge = Edge<FlexCluster>;
export type FlexSnapshotEdge = Edge<FlexSnapshot>;
export type FlexRestoreJobEdge = Edge<FlexRestoreJob>;
export type DeploymentEdge = Edge<Deployment>;

/**
 * A page of a project's deployments across families: its edges (cursors carry the family and the position
 * in that family's Atlas list), and its total, computed only when asked (it may read families the page
 * did not reach).
 */
export interface DeploymentConnection {
  edges: DeploymentEdge[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  totalCount: () => Promise<number | null>;
}
