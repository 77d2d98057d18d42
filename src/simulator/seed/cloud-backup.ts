// Seed, Cloud Backup family: backup schedules, cloud snapshots (replica-set and sharded) and cloud
// restore jobs of the cloud-backed clusters, their DEMO references, and `addRestoreJobs` for benchmarks.
// `snapshotTopology` and `masterKeyOf` are shared with the takeSnapshots handler so seeded and taken snapshots agree.
import { hexDigest, objectId, uuidFrom } from '../object-ids.js';
import { DAY, HOUR, MINUTE, SEED_INSTANT_MS, epochSeconds, iso } from '../time.js';
import type {
  Owned,
  SimulatorData,
  StoredBackupSchedule,
  StoredCloudRestoreJob,
  StoredCloudSnapshot,
} from '../store.js';
import {
  CLUSTERS,
  CLUSTER_SEEDS,
  replicaSetName,
  scoped,
  under,
  zoneId,
  type ClusterSeed,
  type DemoClusterKey,
} from './clusters.js';
import { GB, hostId } from './shared.js';

function snapshotId(cluster: DemoClusterKey, index: number): string {
  return objectId(`snapshot:${CLUSTERS[cluster].id}:${index}`);
}

/** Indexes of notable snapshots of payments-prod (newest is 0). */
const PAYMENTS_PROD_SNAPSHOTS = 25;
const PP = { inProgress: 0, latestCompleted: 1, onDemand: 3, failed: 9, oldestCompleted: PAYMENTS_PROD_SNAPSHOTS - 1 };

/** DEMO.snapshots: cloud snapshots of note. */
export const DEMO_SNAPSHOTS = {
  /** payments-prod, `inProgress`. */
  inProgress: under('paymentsProd', snapshotId('paymentsProd', PP.inProgress)),
  /** payments-prod, newest `completed` scheduled snapshot. */
  completed: under('paymentsProd', snapshotId('paymentsProd', PP.latestCompleted)),
  /** payments-prod, `onDemand` snapshot with a description. */
  onDemand: under('paymentsProd', snapshotId('paymentsProd', PP.onDemand)),
  /** payments-prod, `failed`. */
  failed: under('paymentsProd', snapshotId('paymentsProd', PP.failed)),
  /** payments-ledger (sharded), newest sharded snapshot. */
  sharded: under('paymentsLedger', snapshotId('paymentsLedger', 0)),
} as const;

/** DEMO.restoreJobs: cloud restore jobs; all but `shardedDownload` are on payments-prod. */
export const DEMO_RESTORE_JOBS = {
  automated: scoped('paymentsProd', 'restore:automated'),
  download: scoped('paymentsProd', 'restore:download'),
  pointInTime: scoped('paymentsProd', 'restore:pointInTime'),
  /** Automated restore still running (no finishedAt), onto its own source cluster. */
  inProgress: scoped('paymentsProd', 'restore:inProgress'),
  /** Automated restore into analytics-staging / analytics-warehouse. */
  crossProject: scoped('paymentsProd', 'restore:crossProject'),
  failed: scoped('paymentsProd', 'restore:failed'),
  cancelled: scoped('paymentsProd', 'restore:cancelled'),
  expired: scoped('paymentsProd', 'restore:expired'),
  /** Download restore of a sharded snapshot on payments-ledger, with per-shard `components`. */
  shardedDownload: scoped('paymentsLedger', 'restore:shardedDownload'),
} as const;

// ---------------------------------------------------------------------------------------------
// Schedules and snapshots
// ---------------------------------------------------------------------------------------------

type Frequency = 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly' | 'ondemand';

const RETENTION_MS: Record<Frequency, number> = {
  hourly: 7 * DAY,
  daily: 30 * DAY,
  weekly: 8 * 7 * DAY,
  monthly: 365 * DAY,
  yearly: 7 * 365 * DAY,
  ondemand: 14 * DAY,
};

function policyItemId(key: DemoClusterKey, frequency: Frequency): string {
  return objectId(`policy-item:${CLUSTERS[key].id}:${frequency}`);
}

/** The cluster whose schedule auto-exports snapshots, and the export bucket it writes to. */
export interface AutoExport {
  cluster: DemoClusterKey;
  exportBucketId: string;
}

/**
 * How each cloud-backed cluster's schedule differs. Every policy has one item of each scheduled
 * frequency (hourly, daily, weekly, monthly, yearly), so every snapshot's `policyItems` id resolves.
 * Seeded snapshots are taken every 6 hours at :25, so every schedule runs its hourly item every 6
 * hours at :25 (reference hours 5, 11, 17 or 23); retention, restore window and copies differ.
 */
interface ScheduleProfile {
  referenceHourOfDay: number;
  referenceMinuteOfHour: number;
  restoreWindowDays: number;
  /** [frequencyInterval, retentionUnit, retentionValue] per frequency. */
  items: Record<Exclude<Frequency, 'ondemand'>, [number, string, number]>;
  /**
   * Copies to another region, and whether oplogs go too (point-in-time clusters): the snapshots of some
   * frequencies, or the newest few (Atlas allows one of the two per copy setting).
   */
  copy?: { regionName: string; shouldCopyOplogs: boolean } & (
    { frequencies: Exclude<Frequency, 'ondemand' | 'hourly'>[] } | { lastNumberOfSnapshots: number }
  );
  extraRetention?: { frequencyType: string; retentionDays: number }[];
}

const SCHEDULE_PROFILES: Partial<Record<DemoClusterKey, ScheduleProfile>> = {
  // Point in time over 7 days, copies to US_WEST_2 with oplogs, monthly auto-export (see index.ts).
  paymentsProd: {
    referenceHourOfDay: 23,
    referenceMinuteOfHour: 25,
    restoreWindowDays: 7,
    items: {
      hourly: [6, 'days', 7],
      daily: [1, 'days', 30],
      weekly: [6, 'weeks', 8],
      monthly: [40, 'months', 12],
      yearly: [12, 'years', 7],
    },
    copy: { regionName: 'US_WEST_2', frequencies: ['daily', 'weekly', 'monthly', 'yearly'], shouldCopyOplogs: true },
  },
  // Sharded, point in time over 3 days, keeps monthly snapshots two years past their policy.
  paymentsLedger: {
    referenceHourOfDay: 5,
    referenceMinuteOfHour: 25,
    restoreWindowDays: 3,
    items: {
      hourly: [6, 'days', 3],
      daily: [1, 'days', 14],
      weekly: [7, 'weeks', 12],
      monthly: [1, 'months', 24],
      yearly: [1, 'years', 10],
    },
    extraRetention: [{ frequencyType: 'MONTHLY', retentionDays: 730 }],
  },
  // Copies only its monthly and yearly snapshots (none taken yet) to another GCP region.
  analyticsWarehouse: {
    referenceHourOfDay: 11,
    referenceMinuteOfHour: 25,
    restoreWindowDays: 2,
    items: {
      hourly: [6, 'days', 2],
      daily: [1, 'days', 7],
      weekly: [1, 'weeks', 4],
      monthly: [40, 'months', 6],
      yearly: [12, 'years', 2],
    },
    copy: { regionName: 'WESTERN_US', frequencies: ['monthly', 'yearly'], shouldCopyOplogs: false },
  },
  // A small sandbox with short retention.
  analyticsSandbox: {
    referenceHourOfDay: 17,
    referenceMinuteOfHour: 25,
    restoreWindowDays: 2,
    items: {
      hourly: [6, 'days', 1],
      daily: [1, 'days', 5],
      weekly: [7, 'weeks', 2],
      monthly: [1, 'months', 3],
      yearly: [1, 'years', 1],
    },
  },
  // Copies its three newest snapshots to another region.
  inventoryApi: {
    referenceHourOfDay: 23,
    referenceMinuteOfHour: 25,
    restoreWindowDays: 2,
    items: {
      hourly: [6, 'days', 2],
      daily: [1, 'days', 14],
      weekly: [6, 'weeks', 6],
      monthly: [40, 'months', 12],
      yearly: [12, 'years', 3],
    },
    copy: { regionName: 'EU_CENTRAL_1', lastNumberOfSnapshots: 3, shouldCopyOplogs: false },
  },
};

/** The first scheduled (hourly-policy) snapshot after the seed instant: at :mm every `hours` from the reference hour. */
function nextSnapshotAfterSeed(profile: ScheduleProfile): string {
  const hours = profile.items.hourly[0];
  const day = SEED_INSTANT_MS - (SEED_INSTANT_MS % DAY);
  for (let t = day - DAY; ; t += HOUR) {
    const hour = new Date(t).getUTCHours();
    const at = t + profile.referenceMinuteOfHour * MINUTE;
    if ((hour - profile.referenceHourOfDay + 24) % hours === 0 && at > SEED_INSTANT_MS) return iso(at);
  }
}

function buildSchedule(
  seed: ClusterSeed,
  profile: ScheduleProfile,
  autoExportTo: AutoExport,
): Owned<StoredBackupSchedule> {
  const ref = CLUSTERS[seed.key];
  const item = (frequency: Exclude<Frequency, 'ondemand'>) => {
    const [frequencyInterval, retentionUnit, retentionValue] = profile.items[frequency];
    return {
      id: policyItemId(seed.key, frequency),
      frequencyType: frequency,
      frequencyInterval,
      retentionUnit,
      retentionValue,
    };
  };
  const autoExport = seed.key === autoExportTo.cluster;
  const copy = profile.copy;
  const value: StoredBackupSchedule = {
    clusterId: ref.id,
    clusterName: ref.name,
    referenceHourOfDay: profile.referenceHourOfDay,
    referenceMinuteOfHour: profile.referenceMinuteOfHour,
    restoreWindowDays: profile.restoreWindowDays,
    nextSnapshot: nextSnapshotAfterSeed(profile),
    autoExportEnabled: autoExport,
    ...(autoExport ? { export: { exportBucketId: autoExportTo.exportBucketId, frequencyType: 'monthly' } } : {}),
    useOrgAndGroupNamesInExportPrefix: true,
    autoCopySettingsEnabled: copy !== undefined,
    copyPolicyItemsEnabled: copy !== undefined && 'frequencies' in copy,
    copySettings:
      copy === undefined
        ? []
        : [
            {
              cloudProvider: seed.provider,
              regionName: copy.regionName,
              zoneId: zoneId(seed.key),
              ...('frequencies' in copy
                ? {
                    // `frequencies` is deprecated in favour of `copyPolicyItems`; Atlas still sends both.
                    frequencies: copy.frequencies.map((f) => f.toUpperCase()),
                    copyPolicyItems: copy.frequencies.map((f) => {
                      const [, retentionUnit, retentionValue] = profile.items[f];
                      return { id: policyItemId(seed.key, f), frequencyType: f, retentionUnit, retentionValue };
                    }),
                  }
                : { lastNumberOfSnapshots: copy.lastNumberOfSnapshots }),
              shouldCopyOplogs: copy.shouldCopyOplogs,
            },
          ],
    extraRetentionSettings: profile.extraRetention ?? [],
    policies: [
      {
        id: objectId(`policy:${ref.id}`),
        policyItems: [item('hourly'), item('daily'), item('weekly'), item('monthly'), item('yearly')],
      },
    ],
  };
  return { groupId: ref.groupId, clusterName: ref.name, value };
}

/** A schedule for every cloud-backed cluster, in seed order. */
export function buildSchedules(autoExport: AutoExport): Owned<StoredBackupSchedule>[] {
  return CLUSTER_SEEDS.filter((s) => s.backup === 'cloud').map((seed) => {
    const profile = SCHEDULE_PROFILES[seed.key];
    if (profile === undefined) throw new Error(`seed: no backup schedule profile for ${seed.key}`);
    return buildSchedule(seed, profile, autoExport);
  });
}

interface SnapshotPlan {
  count: number;
  /** Size of the newest completed snapshot; older ones shrink by `shrinkBytes` each. */
  newestBytes: number;
  shrinkBytes: number;
  inProgressNewest: boolean;
  onDemand: number[];
  failed: number[];
  /** Snapshots Atlas took as fallbacks (`snapshotType: fallback`). */
  fallback?: number[];
}

function frequencyAt(index: number, plan: SnapshotPlan): Frequency {
  if (plan.onDemand.includes(index)) return 'ondemand';
  if (plan.count >= 20 && index === plan.count - 1) return 'yearly';
  if (plan.count >= 20 && index === plan.count - 2) return 'monthly';
  if (index % 12 === 10) return 'weekly';
  if (index % 4 === 2) return 'daily';
  return 'hourly';
}

function buildSnapshots(seed: ClusterSeed, plan: SnapshotPlan): Owned<StoredCloudSnapshot>[] {
  const ref = CLUSTERS[seed.key];
  const out: Owned<StoredCloudSnapshot>[] = [];
  for (let i = 0; i < plan.count; i++) {
    const frequency = frequencyAt(i, plan);
    // Scheduled snapshots run every 6 hours at :25; the monthly and yearly ones are far older.
    let createdMs = SEED_INSTANT_MS - (i * 6 * HOUR + 35 * MINUTE);
    if (frequency === 'monthly') createdMs = SEED_INSTANT_MS - 19 * DAY - 35 * MINUTE;
    if (frequency === 'yearly') createdMs = SEED_INSTANT_MS - 232 * DAY - 35 * MINUTE;
    if (frequency === 'ondemand') createdMs += 2 * HOUR + 17 * MINUTE;
    const status = plan.inProgressNewest && i === 0 ? 'inProgress' : plan.failed.includes(i) ? 'failed' : 'completed';
    const copy = SCHEDULE_PROFILES[seed.key]?.copy;
    const copied =
      copy !== undefined &&
      ('frequencies' in copy
        ? (copy.frequencies as Frequency[]).includes(frequency)
        : status === 'completed' && i < copy.lastNumberOfSnapshots);
    const base = {
      id: objectId(`snapshot:${ref.id}:${i}`),
      createdAt: iso(createdMs),
      expiresAt: iso(createdMs + RETENTION_MS[frequency]),
      frequencyType: frequency,
      snapshotType: frequency === 'ondemand' ? 'onDemand' : plan.fallback?.includes(i) ? 'fallback' : 'scheduled',
      ...(frequency === 'ondemand' ? { description: `Before schema migration PAY-${1400 + i}` } : {}),
      status,
      storageSizeBytes: status === 'completed' ? plan.newestBytes - i * plan.shrinkBytes : 0,
      mongodVersion: seed.version,
      policyItems: frequency === 'ondemand' ? [] : [policyItemId(seed.key, frequency)],
      copyRegions: copied ? [copy.regionName] : [],
      ...masterKeyOf({ id: ref.id, encryptionAtRestProvider: seed.keyProvider }),
    };
    const names =
      seed.type === 'SHARDED'
        ? [
            ...Array.from({ length: seed.shards }, (_, s) => replicaSetName(seed.key, `shard-${s}`)),
            replicaSetName(seed.key, 'config-0'),
          ]
        : [replicaSetName(seed.key, 'shard-0')];
    const value: StoredCloudSnapshot = {
      ...base,
      ...snapshotTopology(seed.type === 'SHARDED', names, `snapshot:${ref.id}:${i}`, seed.provider),
    };
    out.push({ groupId: ref.groupId, clusterName: ref.name, value });
  }
  return out;
}

/**
 * A snapshot of a cluster encrypted with the customer's keys names the key (`masterKeyUUID`); nothing
 * otherwise. Shared by the seed and takeSnapshots.
 */
export function masterKeyOf(cluster: { id?: string; encryptionAtRestProvider?: string }): { masterKeyUUID?: string } {
  const provider = cluster.encryptionAtRestProvider;
  return provider === undefined || provider === 'NONE' ? {} : { masterKeyUUID: uuidFrom(`key:${cluster.id ?? ''}`) };
}

/**
 * The topology part of a cloud snapshot: a sharded-cluster snapshot lists one member per shard plus the
 * config server; a replica-set snapshot names its replica set. Shared by the seed and takeSnapshots.
 */
export function snapshotTopology(sharded: boolean, replicaSetNames: string[], idLabel: string, provider: string) {
  if (!sharded) return { type: 'replicaSet', cloudProvider: provider, replicaSetName: replicaSetNames[0] ?? '' };
  const members = replicaSetNames.map((replicaSetName, m) => ({
    id: objectId(`${idLabel}:member:${m}`),
    cloudProvider: provider,
    replicaSetName,
  }));
  return { type: 'shardedCluster', configServerType: 'DEDICATED', members, snapshotIds: members.map((m) => m.id) };
}

const SNAPSHOT_PLANS: Partial<Record<DemoClusterKey, SnapshotPlan>> = {
  // Sizes above 2^32 bytes exercise 64-bit handling end to end.
  paymentsProd: {
    count: PAYMENTS_PROD_SNAPSHOTS,
    newestBytes: Math.round(5.4 * GB),
    shrinkBytes: 13_421_773,
    inProgressNewest: true,
    onDemand: [PP.onDemand, 17],
    failed: [PP.failed],
  },
  paymentsLedger: {
    count: 8,
    newestBytes: Math.round(9.6 * GB),
    shrinkBytes: 52_428_800,
    inProgressNewest: false,
    onDemand: [5],
    failed: [],
  },
  analyticsWarehouse: {
    count: 12,
    newestBytes: Math.round(48.25 * GB),
    shrinkBytes: 268_435_456,
    inProgressNewest: false,
    onDemand: [],
    failed: [7],
  },
  analyticsSandbox: {
    count: 5,
    newestBytes: 125_829_120,
    shrinkBytes: 1_048_576,
    inProgressNewest: false,
    onDemand: [1],
    failed: [],
  },
  inventoryApi: {
    count: 6,
    newestBytes: Math.round(2.1 * GB),
    shrinkBytes: 4_194_304,
    inProgressNewest: false,
    onDemand: [],
    failed: [],
    fallback: [4],
  },
};

/** The snapshots of every cloud-backed cluster that has a plan, in seed order, newest first per cluster. */
export function buildCloudSnapshots(): Owned<StoredCloudSnapshot>[] {
  return CLUSTER_SEEDS.flatMap((seed) => {
    const plan = SNAPSHOT_PLANS[seed.key];
    return seed.backup === 'cloud' && plan !== undefined ? buildSnapshots(seed, plan) : [];
  });
}

// ---------------------------------------------------------------------------------------------
// Cloud restore jobs
// ---------------------------------------------------------------------------------------------

/** Seeded snapshot `index` (newest is 0) of a cluster; the exports family uses it too. */
export function findSnapshot(
  snapshots: Owned<StoredCloudSnapshot>[],
  key: DemoClusterKey,
  index: number,
): StoredCloudSnapshot {
  const id = snapshotId(key, index);
  const found = snapshots.find((s) => s.value.id === id);
  if (found === undefined) throw new Error(`seed: no snapshot ${key}#${index}`);
  return found.value;
}

/** A download restore's URL for one replica set (also the URLs a created download restore publishes). */
export function downloadUrl(jobId: string, snapshot: StoredCloudSnapshot, replicaSet: string): string {
  return `https://restore-${jobId}.${hostId(replicaSet)}.mongodb.net:27017/${hexDigest(`token:${jobId}:${replicaSet}`)}/restore-${snapshot.id}.tar.gz`;
}

function finishedAfter(snapshot: StoredCloudSnapshot, minutes: number): string {
  return iso(Date.parse(snapshot.createdAt ?? iso(SEED_INSTANT_MS)) + minutes * MINUTE);
}

export function buildRestoreJobs(snapshots: Owned<StoredCloudSnapshot>[]): Owned<StoredCloudRestoreJob>[] {
  const jobs: Owned<StoredCloudRestoreJob>[] = [];
  const add = (
    ref: { groupId: string; clusterName: string; id: string },
    value: Omit<StoredCloudRestoreJob, 'id'>,
  ): void => {
    jobs.push({ groupId: ref.groupId, clusterName: ref.clusterName, value: { id: ref.id, ...value } });
  };
  const rj = DEMO_RESTORE_JOBS;
  const newest = findSnapshot(snapshots, 'paymentsProd', PP.latestCompleted);
  const older = findSnapshot(snapshots, 'paymentsProd', 6);
  const weekly = findSnapshot(snapshots, 'paymentsProd', 10);
  const flags = { cancelled: false, expired: false, failed: false };

  add(rj.inProgress, {
    ...flags,
    deliveryType: 'automated',
    snapshotId: newest.id,
    timestamp: newest.createdAt,
    targetGroupId: CLUSTERS.paymentsProd.groupId,
    targetClusterName: CLUSTERS.paymentsProd.name,
    deliveryUrl: [],
  });
  add(rj.crossProject, {
    ...flags,
    deliveryType: 'automated',
    snapshotId: newest.id,
    timestamp: newest.createdAt,
    targetGroupId: CLUSTERS.analyticsWarehouse.groupId,
    targetClusterName: CLUSTERS.analyticsWarehouse.name,
    deliveryUrl: [],
    finishedAt: finishedAfter(newest, 95),
  });
  add(rj.download, {
    ...flags,
    deliveryType: 'download',
    snapshotId: newest.id,
    timestamp: newest.createdAt,
    deliveryUrl: [downloadUrl(rj.download.id, newest, replicaSetName('paymentsProd', 'shard-0'))],
    finishedAt: finishedAfter(newest, 40),
    // Download links stay valid for a few days after the job finishes.
    expiresAt: iso(SEED_INSTANT_MS + 2 * DAY),
  });
  const pitSeconds = epochSeconds(older.createdAt ?? iso(SEED_INSTANT_MS)) + 47 * 60;
  add(rj.pointInTime, {
    ...flags,
    deliveryType: 'pointInTime',
    pointInTimeUTCSeconds: pitSeconds,
    timestamp: iso(pitSeconds * 1000),
    targetGroupId: CLUSTERS.paymentsReporting.groupId,
    targetClusterName: CLUSTERS.paymentsReporting.name,
    deliveryUrl: [],
    finishedAt: finishedAfter(older, 300),
  });
  add(rj.failed, {
    ...flags,
    failed: true,
    deliveryType: 'pointInTime',
    oplogTs: epochSeconds(weekly.createdAt ?? iso(SEED_INSTANT_MS)) + 1800,
    oplogInc: 4,
    targetGroupId: CLUSTERS.paymentsReporting.groupId,
    targetClusterName: CLUSTERS.paymentsReporting.name,
    deliveryUrl: [],
  });
  add(rj.cancelled, {
    ...flags,
    cancelled: true,
    deliveryType: 'automated',
    snapshotId: weekly.id,
    timestamp: weekly.createdAt,
    targetGroupId: CLUSTERS.paymentsReporting.groupId,
    targetClusterName: CLUSTERS.paymentsReporting.name,
    deliveryUrl: [],
  });
  add(rj.expired, {
    ...flags,
    expired: true,
    deliveryType: 'download',
    snapshotId: weekly.id,
    timestamp: weekly.createdAt,
    deliveryUrl: [],
    finishedAt: finishedAfter(weekly, 35),
    expiresAt: finishedAfter(weekly, 35 + 48 * 60),
  });
  add(rj.automated, {
    ...flags,
    deliveryType: 'automated',
    snapshotId: weekly.id,
    timestamp: weekly.createdAt,
    targetGroupId: CLUSTERS.paymentsReporting.groupId,
    targetClusterName: CLUSTERS.paymentsReporting.name,
    deliveryUrl: [],
    finishedAt: finishedAfter(weekly, 80),
  });

  // Sharded download: one url per shard and config server, also listed per component.
  const sharded = findSnapshot(snapshots, 'paymentsLedger', 0);
  const shardedUrls = (sharded.members ?? []).map((m) => ({
    replicaSetName: m.replicaSetName,
    downloadUrl: downloadUrl(rj.shardedDownload.id, sharded, m.replicaSetName),
  }));
  add(rj.shardedDownload, {
    ...flags,
    deliveryType: 'download',
    snapshotId: sharded.id,
    timestamp: sharded.createdAt,
    deliveryUrl: shardedUrls.map((c) => c.downloadUrl),
    components: shardedUrls,
    finishedAt: finishedAfter(sharded, 70),
    expiresAt: iso(SEED_INSTANT_MS + DAY),
  });
  const ledgerOld = findSnapshot(snapshots, 'paymentsLedger', 3);
  add(scoped('paymentsLedger', 'restore:automated'), {
    ...flags,
    deliveryType: 'automated',
    snapshotId: ledgerOld.id,
    timestamp: ledgerOld.createdAt,
    targetGroupId: CLUSTERS.paymentsLedger.groupId,
    targetClusterName: CLUSTERS.paymentsLedger.name,
    deliveryUrl: [],
    finishedAt: finishedAfter(ledgerOld, 140),
  });

  const warehouse = findSnapshot(snapshots, 'analyticsWarehouse', 2);
  add(scoped('analyticsWarehouse', 'restore:automated'), {
    ...flags,
    deliveryType: 'automated',
    snapshotId: warehouse.id,
    timestamp: warehouse.createdAt,
    targetGroupId: CLUSTERS.analyticsSandbox.groupId,
    targetClusterName: CLUSTERS.analyticsSandbox.name,
    deliveryUrl: [],
    finishedAt: finishedAfter(warehouse, 210),
  });
  add(scoped('analyticsWarehouse', 'restore:download'), {
    ...flags,
    deliveryType: 'download',
    snapshotId: warehouse.id,
    timestamp: warehouse.createdAt,
    deliveryUrl: [
      downloadUrl(objectId('restore:download:warehouse'), warehouse, replicaSetName('analyticsWarehouse', 'shard-0')),
    ],
    finishedAt: finishedAfter(warehouse, 60),
    expiresAt: iso(SEED_INSTANT_MS + 36 * HOUR),
  });

  const api = findSnapshot(snapshots, 'inventoryApi', 1);
  add(scoped('inventoryApi', 'restore:automated'), {
    ...flags,
    deliveryType: 'automated',
    snapshotId: api.id,
    timestamp: api.createdAt,
    targetGroupId: CLUSTERS.inventoryApi.groupId,
    targetClusterName: CLUSTERS.inventoryApi.name,
    deliveryUrl: [],
    finishedAt: finishedAfter(api, 25),
  });
  return jobs;
}

/**
 * Appends `count` deterministic, finished cloud restore jobs to a cloud-backed cluster (benchmarks
 * use 30/300/3,000). They are older than the seeded jobs, so they land after them in list order.
 * Calling it again appends further distinct jobs. Returns the new jobs' ids.
 */
export function addRestoreJobs(data: SimulatorData, groupId: string, clusterName: string, count: number): string[] {
  const cluster = data.clusters.find((c) => c.value.groupId === groupId && c.value.name === clusterName);
  if (cluster === undefined) throw new Error(`addRestoreJobs: no cluster ${clusterName} in project ${groupId}`);
  const snapshots = data.snapshots
    .filter((s) => s.groupId === groupId && s.clusterName === clusterName && s.value.status === 'completed')
    .map((s) => s.value);
  if (snapshots.length === 0) throw new Error(`addRestoreJobs: cluster ${clusterName} has no completed snapshots`);
  const existing = data.restoreJobs.filter((j) => j.groupId === groupId && j.clusterName === clusterName).length;
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = existing + i;
    const snapshot = snapshots[n % snapshots.length];
    if (snapshot === undefined) continue;
    const id = objectId(`bench-restore:${groupId}:${clusterName}:${n}`);
    const finishedAt = iso(SEED_INSTANT_MS - 30 * DAY - n * HOUR);
    const kind = n % 3;
    const base = {
      id,
      snapshotId: snapshot.id,
      timestamp: snapshot.createdAt,
      cancelled: false,
      failed: false,
      finishedAt,
    };
    const value: StoredCloudRestoreJob =
      kind === 0
        ? {
            ...base,
            deliveryType: 'automated',
            expired: false,
            targetGroupId: groupId,
            targetClusterName: clusterName,
            deliveryUrl: [],
          }
        : kind === 1
          ? {
              ...base,
              deliveryType: 'download',
              expired: true,
              deliveryUrl: [],
              expiresAt: iso(Date.parse(finishedAt) + 2 * DAY),
            }
          : {
              ...base,
              deliveryType: 'pointInTime',
              expired: false,
              pointInTimeUTCSeconds: epochSeconds(snapshot.createdAt ?? finishedAt) + 600,
              targetGroupId: groupId,
              targetClusterName: clusterName,
              deliveryUrl: [],
            };
    data.restoreJobs.push({ groupId, clusterName, value });
    ids.push(id);
  }
  return ids;
}
