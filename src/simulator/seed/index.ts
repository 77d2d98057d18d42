// Deterministic demo data for the simulator: three projects of a fictional company, with every kind
// of backup object the gateway exposes, in every state the gateway has to render. Lists are stored
// newest first, which is the order the simulator serves them in. Each family file declares its
// well-known ids and builds its objects; this file joins them into DEMO and the store.
import type { SimulatorData } from '../store.js';
import {
  DEMO_RESTORE_JOBS,
  DEMO_SNAPSHOTS,
  buildCloudSnapshots,
  buildRestoreJobs,
  buildSchedules,
} from './cloud-backup.js';
import { CLUSTERS, buildClusters } from './clusters.js';
import { DEMO_EXPORTS, DEMO_EXPORT_BUCKETS, buildBuckets, buildExports } from './exports.js';
import { DEMO_FLEX, buildFlex } from './flex.js';
import { DEMO_LEGACY, buildLegacyBackup } from './legacy-backup.js';
import { ORG, PROJECTS, buildProjects } from './projects.js';
import { DEMO_SERVERLESS, buildServerless } from './serverless.js';

export { addRestoreJobs } from './cloud-backup.js';

/**
 * Well-known objects of the seed, for tests, benchmarks and the GraphiQL example query.
 * Objects under a cluster carry `groupId` and `clusterName` so a caller can build any URL from one entry.
 */
export const DEMO = {
  token: 'demo-token',
  org: ORG,
  projects: PROJECTS,
  clusters: CLUSTERS,
  /** Cloud snapshots of note, on payments-prod and (sharded) payments-ledger. */
  snapshots: DEMO_SNAPSHOTS,
  /** Cloud restore jobs; all but `shardedDownload` are on payments-prod. */
  restoreJobs: DEMO_RESTORE_JOBS,
  /** Export jobs on payments-prod, one per state, plus a sharded one on payments-ledger. */
  exports: DEMO_EXPORTS,
  exportBuckets: DEMO_EXPORT_BUCKETS,
  /** Legacy backup on inventory-sharded (sharded, MongoDB 4.0). */
  legacy: DEMO_LEGACY,
  /**
   * Serverless instances in analytics-staging: analytics-events (with snapshots and restore jobs) and
   * analytics-sessions have no Flex successor; `migrated` (analytics-clickstream) became a Flex cluster.
   */
  serverless: DEMO_SERVERLESS,
  /**
   * Flex clusters: analytics-flex (top-level fields), analytics-clickstream (migrated from serverless)
   * and inventory-catalog, with a snapshot and a restore job in every status.
   */
  flex: DEMO_FLEX,
} as const;

/** Builds a fresh, fully deterministic store. Each call returns new objects (safe to mutate). */
export function createSeedData(): SimulatorData {
  const clusters = buildClusters();
  const snapshots = buildCloudSnapshots();
  const legacy = buildLegacyBackup();
  const serverless = buildServerless();
  const flex = buildFlex();
  return {
    orgId: ORG.id,
    orgName: ORG.name,
    projects: buildProjects([...clusters.map((c) => c.value), ...serverless.instances, ...flex.clusters]),
    clusters,
    // payments-prod exports monthly to the payments AWS bucket. Passed in rather than imported by
    // cloud-backup.ts, because the exports family already depends on cloud snapshots.
    backupSchedules: buildSchedules({ cluster: 'paymentsProd', exportBucketId: DEMO_EXPORT_BUCKETS.paymentsAws.id }),
    snapshots,
    restoreJobs: buildRestoreJobs(snapshots),
    exportJobs: buildExports(snapshots),
    exportBuckets: buildBuckets(),
    legacyCheckpoints: legacy.checkpoints,
    legacyRestoreJobs: legacy.jobs,
    serverlessInstances: serverless.instances,
    serverlessSnapshots: serverless.snapshots,
    serverlessRestoreJobs: serverless.jobs,
    flexClusters: flex.clusters,
    flexSnapshots: flex.snapshots,
    flexRestoreJobs: flex.jobs,
    createdCount: 0,
    createdJobs: [],
  };
}
