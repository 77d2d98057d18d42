/**
 * All resolvers. Where a field is resolved: `src/graph/resolvers/<resource>.ts`, same stem as `schema/<resource>.graphql`.
 * Fields named as in Atlas need no resolver (the default reads the property); only renamed, derived,
 * enum and reference fields appear in those files. Connection fields are shared (src/graph/pagination.ts).
 */
import { mergeResolvers } from '@graphql-tools/merge';
import { connectionFields } from '../pagination.js';
import { ClusterName, DateTime, Long, ObjectId } from '../scalars.js';
import { backupScheduleResolvers } from './backup-schedule.js';
import { checkpointResolvers } from './checkpoint.js';
import { clusterResolvers } from './cluster.js';
import { deploymentResolvers } from './deployment.js';
import { exportResolvers } from './export.js';
import { flexClusterResolvers } from './flex-cluster.js';
import { mutationResolvers } from './mutations.js';
import { nodeListResolvers, nodeResolvers } from './node.js';
import { projectResolvers } from './project.js';
import { restoreJobResolvers } from './restore-job.js';
import { serverlessResolvers } from './serverless-snapshot.js';
import { snapshotResolvers } from './snapshot.js';
import { subscriptionResolvers } from './subscriptions.js';

const connectionTypes = [
  'ProjectConnection',
  'ClusterConnection',
  'SnapshotConnection',
  'CloudBackupRestoreJobConnection',
  'LegacyBackupRestoreJobConnection',
  'ExportConnection',
  'ExportBucketConnection',
  'CheckpointConnection',
  'ServerlessInstanceConnection',
  'ServerlessSnapshotConnection',
  'FlexClusterConnection',
  'FlexSnapshotConnection',
  'FlexRestoreJobConnection',
];

const connectionResolvers = Object.fromEntries(connectionTypes.map((type) => [type, connectionFields]));

export const resolvers = mergeResolvers([
  { DateTime, Long, ObjectId, ClusterName },
  connectionResolvers,
  nodeResolvers,
  nodeListResolvers,
  projectResolvers,
  clusterResolvers,
  backupScheduleResolvers,
  snapshotResolvers,
  restoreJobResolvers,
  exportResolvers,
  checkpointResolvers,
  serverlessResolvers,
  flexClusterResolvers,
  deploymentResolvers,
  mutationResolvers,
  subscriptionResolvers,
]);
