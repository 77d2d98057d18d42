// Seed, exports family: export buckets (AWS, Azure, GCP) of each project and snapshot export jobs in
// every state, with their DEMO references. Export jobs point at snapshots of the Cloud Backup family.
import { objectId, uuidFrom } from '../object-ids.js';
import { MINUTE, ago, epochSeconds } from '../time.js';
import type { Owned, StoredCloudSnapshot, StoredExportBucket, StoredExportJob } from '../store.js';
import { findSnapshot } from './cloud-backup.js';
import { CLUSTERS, scoped, type DemoClusterKey } from './clusters.js';
import { ORG, PROJECTS, type DemoProjectKey } from './projects.js';
import type { Provider } from './shared.js';

function bucketRef(group: DemoProjectKey, provider: Provider): { groupId: string; id: string } {
  return { groupId: PROJECTS[group].id, id: objectId(`bucket:${group}:${provider}`) };
}

/** DEMO.exportBuckets: every seeded export bucket. */
export const DEMO_EXPORT_BUCKETS = {
  paymentsAws: bucketRef('payments', 'AWS'),
  paymentsAzure: bucketRef('payments', 'AZURE'),
  paymentsGcp: bucketRef('payments', 'GCP'),
  analyticsAws: bucketRef('analytics', 'AWS'),
  analyticsGcp: bucketRef('analytics', 'GCP'),
  inventoryAws: bucketRef('inventory', 'AWS'),
  inventoryAzure: bucketRef('inventory', 'AZURE'),
} as const;

/** DEMO.exports: export jobs on payments-prod, one per state, plus a sharded one on payments-ledger. */
export const DEMO_EXPORTS = {
  queued: scoped('paymentsProd', 'export:queued'),
  inProgress: scoped('paymentsProd', 'export:inProgress'),
  successful: scoped('paymentsProd', 'export:successful'),
  failed: scoped('paymentsProd', 'export:failed'),
  cancelled: scoped('paymentsProd', 'export:cancelled'),
  sharded: scoped('paymentsLedger', 'export:sharded'),
} as const;

export function buildBuckets(): { groupId: string; value: StoredExportBucket }[] {
  const b = DEMO_EXPORT_BUCKETS;
  const aws = (
    ref: { groupId: string; id: string },
    bucketName: string,
    region: string,
  ): { groupId: string; value: StoredExportBucket } => ({
    groupId: ref.groupId,
    value: {
      _id: ref.id,
      bucketName,
      cloudProvider: 'AWS',
      iamRoleId: objectId(`iam-role:${ref.id}`),
      region,
      requirePrivateNetworking: false,
    },
  });
  const azure = (
    ref: { groupId: string; id: string },
    account: string,
    container: string,
  ): { groupId: string; value: StoredExportBucket } => ({
    groupId: ref.groupId,
    value: {
      _id: ref.id,
      bucketName: container,
      cloudProvider: 'AZURE',
      roleId: objectId(`azure-role:${ref.id}`),
      serviceUrl: `https://${account}.blob.core.windows.net/${container}`,
      tenantId: uuidFrom(`tenant:${ref.id}`),
      requirePrivateNetworking: false,
    },
  });
  const gcp = (
    ref: { groupId: string; id: string },
    bucketName: string,
  ): { groupId: string; value: StoredExportBucket } => ({
    groupId: ref.groupId,
    value: { _id: ref.id, bucketName, cloudProvider: 'GCP', roleId: objectId(`gcp-role:${ref.id}`) },
  });
  return [
    aws(b.paymentsAws, 'acme-payments-snapshot-exports', 'us-east-1'),
    azure(b.paymentsAzure, 'acmepaymentsexports', 'snapshot-exports'),
    gcp(b.paymentsGcp, 'acme-payments-exports-eu'),
    aws(b.analyticsAws, 'acme-analytics-staging-exports', 'us-east-2'),
    gcp(b.analyticsGcp, 'acme-analytics-warehouse-exports'),
    aws(b.inventoryAws, 'acme-inventory-archive-exports', 'eu-west-1'),
    azure(b.inventoryAzure, 'acmeinventoryexports', 'legacy-exports'),
  ];
}

function exportPrefix(
  group: DemoProjectKey,
  cluster: DemoClusterKey,
  snapshot: StoredCloudSnapshot,
  createdAt: string,
): string {
  const taken = (snapshot.createdAt ?? createdAt).slice(0, 16).replace(':', '');
  return `/exported_snapshots/${ORG.name}/${PROJECTS[group].name}/${CLUSTERS[cluster].name}/${taken}/${epochSeconds(createdAt)}`;
}

export function buildExports(snapshots: Owned<StoredCloudSnapshot>[]): Owned<StoredExportJob>[] {
  const out: Owned<StoredExportJob>[] = [];
  const ex = DEMO_EXPORTS;
  const labels = [
    { key: 'requested_by', value: 'nightly-archiver' },
    { key: 'ticket', value: 'OPS-2291' },
  ];
  const add = (
    ref: { groupId: string; clusterName: string; id: string },
    cluster: DemoClusterKey,
    group: DemoProjectKey,
    snapshotIndex: number,
    bucketId: string,
    minutesAgo: number,
    rest: Omit<StoredExportJob, 'id' | 'snapshotId' | 'exportBucketId' | 'createdAt' | 'prefix'>,
  ): void => {
    const snapshot = findSnapshot(snapshots, cluster, snapshotIndex);
    const createdAt = ago(minutesAgo * MINUTE);
    out.push({
      groupId: ref.groupId,
      clusterName: ref.clusterName,
      value: {
        id: ref.id,
        snapshotId: snapshot.id,
        exportBucketId: bucketId,
        createdAt,
        prefix: exportPrefix(group, cluster, snapshot, createdAt),
        ...rest,
      },
    });
  };
  const b = DEMO_EXPORT_BUCKETS;
  add(ex.queued, 'paymentsProd', 'payments', 1, b.paymentsAws.id, 8, {
    state: 'Queued',
    exportStatus: { exportedCollections: 0, totalCollections: 0 },
    customData: labels,
  });
  add(ex.inProgress, 'paymentsProd', 'payments', 2, b.paymentsAzure.id, 55, {
    state: 'InProgress',
    exportStatus: { exportedCollections: 17, totalCollections: 42 },
    customData: [],
  });
  add(ex.successful, 'paymentsProd', 'payments', 6, b.paymentsAws.id, 26 * 60, {
    state: 'Successful',
    exportStatus: { exportedCollections: 42, totalCollections: 42 },
    finishedAt: ago((26 * 60 - 38) * MINUTE),
    customData: labels,
  });
  add(ex.failed, 'paymentsProd', 'payments', 10, b.paymentsGcp.id, 3 * 24 * 60, {
    state: 'Failed',
    exportStatus: { exportedCollections: 3, totalCollections: 42 },
    finishedAt: ago((3 * 24 * 60 - 6) * MINUTE),
    stateReason: {
      errorCode: 'EXPORT_BUCKET_ACCESS_DENIED',
      message: 'Access denied writing to gs://acme-payments-exports-eu; check the role granted to Atlas.',
    },
    customData: [],
  });
  add(ex.cancelled, 'paymentsProd', 'payments', 14, b.paymentsAws.id, 4 * 24 * 60, {
    state: 'Cancelled',
    exportStatus: { exportedCollections: 9, totalCollections: 42 },
    finishedAt: ago((4 * 24 * 60 - 12) * MINUTE),
    customData: [],
  });
  const sharded = findSnapshot(snapshots, 'paymentsLedger', 1);
  add(ex.sharded, 'paymentsLedger', 'payments', 1, b.paymentsAws.id, 10 * 60, {
    state: 'Successful',
    exportStatus: { exportedCollections: 12, totalCollections: 12 },
    finishedAt: ago((10 * 60 - 51) * MINUTE),
    // A sharded export runs one export per shard and config server.
    components: (sharded.members ?? []).map((m) => ({
      exportId: objectId(`export-component:${ex.sharded.id}:${m.replicaSetName}`),
      replicaSetName: m.replicaSetName,
    })),
    customData: [],
  });
  add(
    scoped('analyticsWarehouse', 'export:successful'),
    'analyticsWarehouse',
    'analytics',
    3,
    b.analyticsGcp.id,
    30 * 60,
    {
      state: 'Successful',
      exportStatus: { exportedCollections: 118, totalCollections: 118 },
      finishedAt: ago((30 * 60 - 185) * MINUTE),
      customData: [{ key: 'dataset', value: 'warehouse-weekly' }],
    },
  );
  return out;
}
