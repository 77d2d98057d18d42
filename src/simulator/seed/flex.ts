// Seed, Flex family: three Flex clusters in two projects, their daily snapshots and restore jobs, with
// their DEMO references. Between them the snapshots and restore jobs show every Flex status (PENDING,
// QUEUED, RUNNING, FAILED, COMPLETED) and both delivery types:
// - analytics-flex (analytics-staging): born Flex; newest snapshot PENDING; a COMPLETED restore onto the
//   dedicated analytics-sandbox and a PENDING download.
// - analytics-clickstream (analytics-staging): the serverless instance of that name migrated to Flex in
//   March 2025 (same project, same name; see seed/serverless.ts); newest snapshot RUNNING, one FAILED;
//   restores RUNNING (onto itself), FAILED (onto the dedicated analytics-sandbox), COMPLETED into another
//   project (inventory-legacy / inventory-catalog), and a COMPLETED download.
// - inventory-catalog (inventory-legacy): born Flex; newest snapshot QUEUED; a QUEUED restore onto the
//   dedicated inventory-api.
// Flex snapshots are daily and expire 8 days after `scheduledTime`.
import { hexDigest, objectId } from '../object-ids.js';
import { DAY, HOUR, MINUTE, SEED_INSTANT_MS, ago, iso } from '../time.js';
import type { Owned, StoredFlexCluster, StoredFlexRestoreJob, StoredFlexSnapshot } from '../store.js';
import { CLUSTERS } from './clusters.js';
import { PROJECTS } from './projects.js';
import { MIGRATED_TO_FLEX } from './serverless.js';
import { hostId, type Provider } from './shared.js';

interface FlexRef {
  groupId: string;
  name: string;
  id: string;
}

const FLEX = {
  groupId: PROJECTS.analytics.id,
  name: 'analytics-flex',
  id: objectId('flex:analytics-flex'),
} as const;

const CLICKSTREAM = {
  groupId: MIGRATED_TO_FLEX.groupId,
  name: MIGRATED_TO_FLEX.name,
  id: objectId(`flex:${MIGRATED_TO_FLEX.name}`),
} as const;

const CATALOG = {
  groupId: PROJECTS.inventory.id,
  name: 'inventory-catalog',
  id: objectId('flex:inventory-catalog'),
} as const;

const SNAPSHOT_RETENTION_MS = 8 * DAY;

function snapshotId(ref: FlexRef, index: number): string {
  return objectId(`flex-snapshot:${ref.id}:${index}`);
}

function restoreJobId(ref: FlexRef, label: string): string {
  return objectId(`flex-restore:${ref.id}:${label}`);
}

/** An object under a Flex cluster, as DEMO lists it (`clusterName` is the Flex `name` path parameter). */
function under(ref: FlexRef, id: string): { groupId: string; clusterName: string; id: string } {
  return { groupId: ref.groupId, clusterName: ref.name, id };
}

/**
 * DEMO.flex: analytics-flex at the top level (its newest completed snapshot and its finished restore
 * job), then every Flex cluster and a snapshot and restore job per status.
 */
export const DEMO_FLEX = {
  groupId: FLEX.groupId,
  name: FLEX.name,
  id: FLEX.id,
  snapshotId: snapshotId(FLEX, 1),
  restoreJobId: restoreJobId(FLEX, 'restore'),
  /** `migrated` has the name of the serverless instance DEMO.serverless.migrated, in the same project. */
  clusters: { analytics: FLEX, migrated: CLICKSTREAM, catalog: CATALOG },
  /** One snapshot per status. */
  snapshots: {
    pending: under(FLEX, snapshotId(FLEX, 0)),
    queued: under(CATALOG, snapshotId(CATALOG, 0)),
    running: under(CLICKSTREAM, snapshotId(CLICKSTREAM, 0)),
    failed: under(CLICKSTREAM, snapshotId(CLICKSTREAM, 3)),
    completed: under(FLEX, snapshotId(FLEX, 1)),
  },
  /** One restore job per status, plus the notable targets and deliveries. */
  restoreJobs: {
    /** DOWNLOAD, PENDING, already carrying its snapshotUrl (analytics-flex). */
    pending: under(FLEX, restoreJobId(FLEX, 'download')),
    /** RESTORE onto the dedicated inventory-api, QUEUED (inventory-catalog). */
    queued: under(CATALOG, restoreJobId(CATALOG, 'queued')),
    /** RESTORE onto itself, RUNNING (analytics-clickstream). */
    running: under(CLICKSTREAM, restoreJobId(CLICKSTREAM, 'running')),
    /** RESTORE onto the dedicated analytics-sandbox, FAILED (analytics-clickstream). */
    failed: under(CLICKSTREAM, restoreJobId(CLICKSTREAM, 'failed')),
    /** RESTORE onto the dedicated analytics-sandbox, COMPLETED (analytics-flex; same as `restoreJobId`). */
    completed: under(FLEX, restoreJobId(FLEX, 'restore')),
    /** DOWNLOAD, COMPLETED, with its snapshotUrl (analytics-clickstream). */
    download: under(CLICKSTREAM, restoreJobId(CLICKSTREAM, 'download')),
    /** RESTORE into another project (inventory-legacy / inventory-catalog), COMPLETED (analytics-clickstream). */
    crossProject: under(CLICKSTREAM, restoreJobId(CLICKSTREAM, 'crossProject')),
    /** Same job as `completed`: a Flex snapshot restored onto a dedicated cluster. */
    toDedicated: under(FLEX, restoreJobId(FLEX, 'restore')),
  },
} as const;

type FlexStatus = 'PENDING' | 'QUEUED' | 'RUNNING' | 'FAILED' | 'COMPLETED';

function flexCluster(
  ref: FlexRef,
  options: {
    createdDaysAgo: number;
    version: string;
    backingProviderName: Provider;
    regionName: string;
    tags: { key: string; value: string }[];
  },
): StoredFlexCluster {
  return {
    id: ref.id,
    groupId: ref.groupId,
    name: ref.name,
    clusterType: 'REPLICASET',
    createDate: ago(options.createdDaysAgo * DAY),
    mongoDBVersion: options.version,
    stateName: 'IDLE',
    versionReleaseSystem: 'LTS',
    terminationProtectionEnabled: false,
    backupSettings: { enabled: true },
    providerSettings: {
      providerName: 'FLEX',
      backingProviderName: options.backingProviderName,
      regionName: options.regionName,
      diskSizeGB: 5,
    },
    connectionStrings: {
      standard: `mongodb://${ref.name}-shard-00-00.${hostId(ref.name)}.mongodb.net:27017/?ssl=true&authSource=admin`,
      standardSrv: `mongodb+srv://${ref.name}.${hostId(ref.name)}.mongodb.net`,
    },
    tags: options.tags,
  };
}

/**
 * Daily snapshots of one cluster, newest first: `count` of them, scheduled `offsetMs` before each day's
 * seed instant; `statuses` overrides the status of some (all others are COMPLETED).
 */
function dailySnapshots(
  ref: FlexRef,
  count: number,
  offsetMs: number,
  version: string,
  statuses: Partial<Record<number, FlexStatus>>,
): Owned<StoredFlexSnapshot>[] {
  const out: Owned<StoredFlexSnapshot>[] = [];
  for (let i = 0; i < count; i++) {
    const scheduledMs = SEED_INSTANT_MS - (i * DAY + offsetMs);
    const status = statuses[i] ?? 'COMPLETED';
    const started = status === 'RUNNING' || status === 'FAILED' || status === 'COMPLETED';
    const finished = status === 'FAILED' || status === 'COMPLETED';
    out.push({
      groupId: ref.groupId,
      clusterName: ref.name,
      value: {
        id: snapshotId(ref, i),
        scheduledTime: iso(scheduledMs),
        ...(started ? { startTime: iso(scheduledMs + MINUTE) } : {}),
        ...(finished ? { finishTime: iso(scheduledMs + (status === 'FAILED' ? 2 : 4) * MINUTE) } : {}),
        expiration: iso(scheduledMs + SNAPSHOT_RETENTION_MS),
        mongoDBVersion: version,
        status,
      },
    });
  }
  return out;
}

function snapshotAt(snapshots: Owned<StoredFlexSnapshot>[], ref: FlexRef, index: number): StoredFlexSnapshot {
  const id = snapshotId(ref, index);
  const found = snapshots.find((s) => s.value.id === id)?.value;
  if (found === undefined || found.status !== 'COMPLETED') throw new Error(`seed: no completed flex snapshot ${id}`);
  return found;
}

/** A Flex download's URL (also the one a created Flex download publishes). */
export function snapshotUrl(ref: { groupId: string; name: string }, snap: StoredFlexSnapshot): string {
  return `https://flex-backups.mongodb.net/${ref.groupId}/${ref.name}/${snap.id ?? ''}.tar.gz?sig=${hexDigest(`flex:${snap.id ?? ''}`)}`;
}

/** The Flex clusters, their snapshots (newest first per cluster) and their restore jobs (newest first). */
export function buildFlex(): {
  clusters: StoredFlexCluster[];
  snapshots: Owned<StoredFlexSnapshot>[];
  jobs: Owned<StoredFlexRestoreJob>[];
} {
  const clusters = [
    flexCluster(FLEX, {
      createdDaysAgo: 150,
      version: '8.0.4',
      backingProviderName: 'AWS',
      regionName: 'US_EAST_1',
      tags: [],
    }),
    // Migrated from serverless (which it was for 70 days before): same name, backing region and tags.
    flexCluster(CLICKSTREAM, {
      createdDaysAgo: 530,
      version: '8.0.4',
      backingProviderName: 'AWS',
      regionName: 'US_EAST_1',
      tags: [{ key: 'environment', value: 'staging' }],
    }),
    flexCluster(CATALOG, {
      createdDaysAgo: 60,
      version: '8.0.4',
      backingProviderName: 'GCP',
      regionName: 'CENTRAL_US',
      tags: [{ key: 'environment', value: 'production' }],
    }),
  ];

  const snapshots = [
    // 09:00 daily; the newest has not been queued yet.
    ...dailySnapshots(FLEX, 6, 3 * HOUR, '8.0.4', { 0: 'PENDING' }),
    // 11:55 daily; the newest is being taken, the one of three days ago failed.
    ...dailySnapshots(CLICKSTREAM, 8, 5 * MINUTE, '8.0.4', { 0: 'RUNNING', 3: 'FAILED' }),
    // 11:58 daily; the newest waits in the queue.
    ...dailySnapshots(CATALOG, 5, 2 * MINUTE, '8.0.4', { 0: 'QUEUED' }),
  ];

  const jobs: Owned<StoredFlexRestoreJob>[] = [];
  const add = (ref: FlexRef, label: string, value: Omit<StoredFlexRestoreJob, 'id' | 'instanceName' | 'projectId'>) =>
    jobs.push({
      groupId: ref.groupId,
      clusterName: ref.name,
      value: { id: restoreJobId(ref, label), instanceName: ref.name, projectId: ref.groupId, ...value },
    });

  // analytics-flex (kept as they were: DEMO.flex.restoreJobId is the first).
  const flexSnap = snapshotAt(snapshots, FLEX, 1);
  add(FLEX, 'restore', {
    deliveryType: 'RESTORE',
    snapshotId: flexSnap.id,
    snapshotFinishedDate: flexSnap.finishTime,
    targetProjectId: CLUSTERS.analyticsSandbox.groupId,
    targetDeploymentItemName: CLUSTERS.analyticsSandbox.name,
    restoreScheduledDate: ago(20 * HOUR),
    restoreFinishedDate: ago(19 * HOUR + 48 * MINUTE),
    expirationDate: iso(SEED_INSTANT_MS + 6 * DAY),
    status: 'COMPLETED',
  });
  add(FLEX, 'download', {
    deliveryType: 'DOWNLOAD',
    snapshotId: flexSnap.id,
    snapshotFinishedDate: flexSnap.finishTime,
    targetProjectId: FLEX.groupId,
    targetDeploymentItemName: FLEX.name,
    restoreScheduledDate: ago(2 * HOUR),
    snapshotUrl: snapshotUrl(FLEX, flexSnap),
    expirationDate: iso(SEED_INSTANT_MS + 4 * HOUR),
    status: 'PENDING',
  });

  // analytics-clickstream (migrated from serverless).
  const yesterday = snapshotAt(snapshots, CLICKSTREAM, 1);
  const twoDays = snapshotAt(snapshots, CLICKSTREAM, 2);
  const fiveDays = snapshotAt(snapshots, CLICKSTREAM, 5);
  add(CLICKSTREAM, 'running', {
    deliveryType: 'RESTORE',
    snapshotId: yesterday.id,
    snapshotFinishedDate: yesterday.finishTime,
    targetProjectId: CLICKSTREAM.groupId,
    targetDeploymentItemName: CLICKSTREAM.name,
    restoreScheduledDate: ago(6 * MINUTE),
    expirationDate: iso(SEED_INSTANT_MS - 6 * MINUTE + 7 * DAY),
    status: 'RUNNING',
  });
  add(CLICKSTREAM, 'download', {
    deliveryType: 'DOWNLOAD',
    snapshotId: twoDays.id,
    snapshotFinishedDate: twoDays.finishTime,
    targetProjectId: CLICKSTREAM.groupId,
    targetDeploymentItemName: CLICKSTREAM.name,
    restoreScheduledDate: ago(5 * HOUR),
    restoreFinishedDate: ago(5 * HOUR - 3 * MINUTE),
    snapshotUrl: snapshotUrl(CLICKSTREAM, twoDays),
    expirationDate: iso(SEED_INSTANT_MS + 19 * HOUR),
    status: 'COMPLETED',
  });
  add(CLICKSTREAM, 'failed', {
    deliveryType: 'RESTORE',
    snapshotId: twoDays.id,
    snapshotFinishedDate: twoDays.finishTime,
    targetProjectId: CLUSTERS.analyticsSandbox.groupId,
    targetDeploymentItemName: CLUSTERS.analyticsSandbox.name,
    restoreScheduledDate: ago(30 * HOUR),
    restoreFinishedDate: ago(30 * HOUR - 2 * MINUTE),
    expirationDate: iso(SEED_INSTANT_MS - 30 * HOUR + 7 * DAY),
    status: 'FAILED',
  });
  add(CLICKSTREAM, 'crossProject', {
    deliveryType: 'RESTORE',
    snapshotId: fiveDays.id,
    snapshotFinishedDate: fiveDays.finishTime,
    targetProjectId: CATALOG.groupId,
    targetDeploymentItemName: CATALOG.name,
    restoreScheduledDate: ago(4 * DAY + 20 * HOUR),
    restoreFinishedDate: ago(4 * DAY + 20 * HOUR - MINUTE),
    expirationDate: iso(SEED_INSTANT_MS - 4 * DAY - 20 * HOUR + 7 * DAY),
    status: 'COMPLETED',
  });

  // inventory-catalog.
  const catalogSnap = snapshotAt(snapshots, CATALOG, 1);
  add(CATALOG, 'queued', {
    deliveryType: 'RESTORE',
    snapshotId: catalogSnap.id,
    snapshotFinishedDate: catalogSnap.finishTime,
    targetProjectId: CLUSTERS.inventoryApi.groupId,
    targetDeploymentItemName: CLUSTERS.inventoryApi.name,
    restoreScheduledDate: ago(MINUTE),
    expirationDate: iso(SEED_INSTANT_MS - MINUTE + 7 * DAY),
    status: 'QUEUED',
  });
  return { clusters, snapshots, jobs };
}
