// Deterministic demo data for the simulator: three projects of a fictional company, with every kind
// of backup object the gateway exposes, in every state the gateway has to render. Lists are stored
// newest first, which is the order the simulator serves them in.
import { DAY, HOUR, MINUTE, SEED_INSTANT_MS, ago, epochSeconds, hexDigest, iso, objectId, uuidFrom } from './ids.js';
import type {
  BackupMode,
  BackupSchedule,
  CloudRestoreJob,
  CloudSnapshot,
  Cluster,
  ClusterEntry,
  ExportBucket,
  ExportJob,
  FlexCluster,
  FlexRestoreJob,
  FlexSnapshot,
  Group,
  LegacyCheckpoint,
  LegacyRestoreJob,
  Owned,
  ServerlessInstance,
  ServerlessRestoreJob,
  ServerlessSnapshot,
  SimulatorData,
} from './types.js';

export type { SimulatorData } from './types.js';

type Provider = 'AWS' | 'AZURE' | 'GCP';

/**
 * The spec gives `ApiBSONTimestamp.increment` a minimum of 1199145600 (a copy of the epoch-seconds
 * minimum used for dates). Real Atlas sends small ordinals, but responses must validate against the
 * spec, so seeded increments are the timestamp's epoch seconds (+ n), which satisfies it and still
 * fits a 32-bit Int.
 */
function bsonTimestamp(date: string, n = 1): { date: string; increment: number } {
  return { date, increment: epochSeconds(date) + n };
}

// ---------------------------------------------------------------------------------------------
// Well-known names and ids
// ---------------------------------------------------------------------------------------------

const ORG = { id: objectId('org:acme'), name: 'acme-corp' };

function project(key: string, name: string): { id: string; name: string } {
  return { id: objectId(`group:${key}`), name };
}

const PROJECTS = {
  payments: project('payments', 'payments-production'),
  analytics: project('analytics', 'analytics-staging'),
  inventory: project('inventory', 'inventory-legacy'),
} as const;

type ProjectKey = keyof typeof PROJECTS;

function clusterRef(group: ProjectKey, name: string): { groupId: string; name: string; id: string } {
  const groupId = PROJECTS[group].id;
  return { groupId, name, id: objectId(`cluster:${groupId}:${name}`) };
}

const CLUSTERS = {
  paymentsProd: clusterRef('payments', 'payments-prod'),
  paymentsLedger: clusterRef('payments', 'payments-ledger'),
  paymentsReporting: clusterRef('payments', 'payments-reporting'),
  analyticsWarehouse: clusterRef('analytics', 'analytics-warehouse'),
  analyticsSandbox: clusterRef('analytics', 'analytics-sandbox'),
  inventorySharded: clusterRef('inventory', 'inventory-sharded'),
  inventoryArchive: clusterRef('inventory', 'inventory-archive'),
  inventoryApi: clusterRef('inventory', 'inventory-api'),
} as const;

type ClusterKey = keyof typeof CLUSTERS;

function snapshotId(cluster: ClusterKey, index: number): string {
  return objectId(`snapshot:${CLUSTERS[cluster].id}:${index}`);
}

/** An object under a cluster, as DEMO lists it. */
function under(cluster: ClusterKey, id: string): { groupId: string; clusterName: string; id: string } {
  const c = CLUSTERS[cluster];
  return { groupId: c.groupId, clusterName: c.name, id };
}

function scoped(cluster: ClusterKey, label: string): { groupId: string; clusterName: string; id: string } {
  return under(cluster, objectId(`${label}:${CLUSTERS[cluster].id}`));
}

const SERVERLESS = {
  events: { groupId: PROJECTS.analytics.id, name: 'analytics-events', id: objectId('serverless:analytics-events') },
  sessions: {
    groupId: PROJECTS.analytics.id,
    name: 'analytics-sessions',
    id: objectId('serverless:analytics-sessions'),
  },
} as const;

const FLEX = {
  groupId: PROJECTS.analytics.id,
  name: 'analytics-flex',
  id: objectId('flex:analytics-flex'),
} as const;

function bucketRef(group: ProjectKey, provider: Provider): { groupId: string; id: string } {
  return { groupId: PROJECTS[group].id, id: objectId(`bucket:${group}:${provider}`) };
}

/** Indexes of notable snapshots of payments-prod (newest is 0). */
const PAYMENTS_PROD_SNAPSHOTS = 25;
const PP = { inProgress: 0, latestCompleted: 1, onDemand: 3, failed: 9, oldestCompleted: PAYMENTS_PROD_SNAPSHOTS - 1 };

/**
 * Well-known objects of the seed, for tests, benchmarks and the GraphiQL example query.
 * Objects under a cluster carry `groupId` and `clusterName` so a caller can build any URL from one entry.
 */
export const DEMO = {
  token: 'demo-token',
  org: ORG,
  projects: PROJECTS,
  clusters: CLUSTERS,
  snapshots: {
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
  },
  /** Cloud restore jobs; all but `shardedDownload` are on payments-prod. */
  restoreJobs: {
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
  },
  /** Export jobs on payments-prod, one per state, plus a sharded one on payments-ledger. */
  exports: {
    queued: scoped('paymentsProd', 'export:queued'),
    inProgress: scoped('paymentsProd', 'export:inProgress'),
    successful: scoped('paymentsProd', 'export:successful'),
    failed: scoped('paymentsProd', 'export:failed'),
    cancelled: scoped('paymentsProd', 'export:cancelled'),
    sharded: scoped('paymentsLedger', 'export:sharded'),
  },
  exportBuckets: {
    paymentsAws: bucketRef('payments', 'AWS'),
    paymentsAzure: bucketRef('payments', 'AZURE'),
    paymentsGcp: bucketRef('payments', 'GCP'),
    analyticsAws: bucketRef('analytics', 'AWS'),
    analyticsGcp: bucketRef('analytics', 'GCP'),
    inventoryAws: bucketRef('inventory', 'AWS'),
    inventoryAzure: bucketRef('inventory', 'AZURE'),
  },
  /** Legacy backup on inventory-sharded (sharded, MongoDB 4.0). */
  legacy: {
    cluster: CLUSTERS.inventorySharded,
    /** Newest restorable checkpoint. */
    checkpoint: scoped('inventorySharded', 'checkpoint:1'),
    /** HTTP-delivery batch: one job per shard plus the config server. */
    restoreBatchId: objectId('legacy-batch:http-ready'),
    /** One job of that batch (shard 0). */
    restoreJob: scoped('inventorySharded', 'legacy-job:http-ready:0'),
    /** Replica-set legacy cluster with its own checkpoints and jobs (no batches). */
    replicaSetCluster: CLUSTERS.inventoryArchive,
  },
  serverless: {
    groupId: SERVERLESS.events.groupId,
    instanceName: SERVERLESS.events.name,
    instanceId: SERVERLESS.events.id,
    otherInstanceName: SERVERLESS.sessions.name,
    snapshotId: objectId(`serverless-snapshot:${SERVERLESS.events.id}:1`),
    restoreJobId: objectId(`serverless-restore:${SERVERLESS.events.id}:automated`),
  },
  flex: {
    groupId: FLEX.groupId,
    name: FLEX.name,
    id: FLEX.id,
    snapshotId: objectId(`flex-snapshot:${FLEX.id}:1`),
    restoreJobId: objectId(`flex-restore:${FLEX.id}:restore`),
  },
} as const;

// ---------------------------------------------------------------------------------------------
// Clusters
// ---------------------------------------------------------------------------------------------

interface ClusterSeed {
  key: ClusterKey;
  type: 'REPLICASET' | 'SHARDED';
  version: string;
  provider: Provider;
  region: string;
  instanceSize: string;
  diskSizeGB: number;
  shards: number;
  backup: BackupMode;
  pit: boolean;
  createdDaysAgo: number;
  env: string;
  /** Cross-region snapshot copy target (cloud backup only). */
  copyRegion?: string;
}

const CLUSTER_SEEDS: ClusterSeed[] = [
  {
    key: 'paymentsProd',
    type: 'REPLICASET',
    version: '7.0.14',
    provider: 'AWS',
    region: 'US_EAST_1',
    instanceSize: 'M40',
    diskSizeGB: 160,
    shards: 1,
    backup: 'cloud',
    pit: true,
    createdDaysAgo: 910,
    env: 'production',
    copyRegion: 'US_WEST_2',
  },
  {
    key: 'paymentsLedger',
    type: 'SHARDED',
    version: '8.0.4',
    provider: 'AWS',
    region: 'US_EAST_1',
    instanceSize: 'M50',
    diskSizeGB: 320,
    shards: 2,
    backup: 'cloud',
    pit: true,
    createdDaysAgo: 400,
    env: 'production',
  },
  {
    key: 'paymentsReporting',
    type: 'REPLICASET',
    version: '7.0.14',
    provider: 'AWS',
    region: 'US_EAST_1',
    instanceSize: 'M30',
    diskSizeGB: 80,
    shards: 1,
    backup: 'none',
    pit: false,
    createdDaysAgo: 120,
    env: 'production',
  },
  {
    key: 'analyticsWarehouse',
    type: 'REPLICASET',
    version: '7.0.14',
    provider: 'GCP',
    region: 'CENTRAL_US',
    instanceSize: 'M60',
    diskSizeGB: 1024,
    shards: 1,
    backup: 'cloud',
    pit: false,
    createdDaysAgo: 300,
    env: 'staging',
  },
  {
    key: 'analyticsSandbox',
    type: 'REPLICASET',
    version: '8.0.4',
    provider: 'AZURE',
    region: 'US_EAST_2',
    instanceSize: 'M10',
    diskSizeGB: 10,
    shards: 1,
    backup: 'cloud',
    pit: false,
    createdDaysAgo: 45,
    env: 'staging',
  },
  {
    key: 'inventorySharded',
    type: 'SHARDED',
    version: '4.0.28',
    provider: 'AWS',
    region: 'EU_WEST_1',
    instanceSize: 'M30',
    diskSizeGB: 200,
    shards: 2,
    backup: 'legacy',
    pit: false,
    createdDaysAgo: 2400,
    env: 'production',
  },
  {
    key: 'inventoryArchive',
    type: 'REPLICASET',
    version: '4.0.28',
    provider: 'AWS',
    region: 'EU_WEST_1',
    instanceSize: 'M20',
    diskSizeGB: 40,
    shards: 1,
    backup: 'legacy',
    pit: false,
    createdDaysAgo: 2300,
    env: 'production',
  },
  {
    key: 'inventoryApi',
    type: 'REPLICASET',
    version: '7.0.14',
    provider: 'AWS',
    region: 'EU_WEST_1',
    instanceSize: 'M20',
    diskSizeGB: 40,
    shards: 1,
    backup: 'cloud',
    pit: false,
    createdDaysAgo: 200,
    env: 'production',
  },
];

/** Atlas names replica sets `atlas-<6 chars>-shard-<n>` / `-config-0`. */
function replicaSetName(key: ClusterKey, suffix: string): string {
  return `atlas-${objectId(`rs:${CLUSTERS[key].id}`).slice(0, 6)}-${suffix}`;
}

function hostId(name: string): string {
  return objectId(`host:${name}`).slice(0, 5);
}

function zoneId(key: ClusterKey): string {
  return objectId(`zone:${CLUSTERS[key].id}`);
}

function buildCluster(seed: ClusterSeed): Cluster {
  const ref = CLUSTERS[seed.key];
  const host = hostId(ref.name);
  const major = seed.version.split('.').slice(0, 2).join('.');
  const regionConfig = {
    providerName: seed.provider,
    regionName: seed.region,
    priority: 7,
    electableSpecs: {
      instanceSize: seed.instanceSize,
      nodeCount: 3,
      diskSizeGB: seed.diskSizeGB,
      ...(seed.provider === 'AWS' ? { diskIOPS: 3000, ebsVolumeType: 'STANDARD' } : {}),
    },
    readOnlySpecs: { instanceSize: seed.instanceSize, nodeCount: 0, diskSizeGB: seed.diskSizeGB },
    analyticsSpecs: { instanceSize: seed.instanceSize, nodeCount: 0, diskSizeGB: seed.diskSizeGB },
    autoScaling: {
      compute: { enabled: false, scaleDownEnabled: false },
      diskGB: { enabled: true },
    },
  };
  const replicationSpecs = Array.from({ length: seed.shards }, (_, shard) => ({
    id: objectId(`replication-spec:${ref.id}:${shard}`),
    zoneId: zoneId(seed.key),
    zoneName: 'Zone 1',
    regionConfigs: [regionConfig],
  }));
  const sharded = seed.type === 'SHARDED';
  const members = [0, 1, 2].map((n) => `${ref.name}-shard-00-0${n}.${host}.mongodb.net:27017`).join(',');
  return {
    id: ref.id,
    groupId: ref.groupId,
    name: ref.name,
    clusterType: seed.type,
    mongoDBMajorVersion: major,
    mongoDBVersion: seed.version,
    featureCompatibilityVersion: major,
    versionReleaseSystem: 'LTS',
    stateName: 'IDLE',
    paused: false,
    backupEnabled: seed.backup !== 'none',
    pitEnabled: seed.pit,
    createDate: ago(seed.createdDaysAgo * DAY),
    terminationProtectionEnabled: seed.env === 'production',
    rootCertType: 'ISRGROOTX1',
    encryptionAtRestProvider: 'NONE',
    diskWarmingMode: 'FULLY_WARMED',
    replicaSetScalingStrategy: 'WORKLOAD_TYPE',
    redactClientLogData: false,
    globalClusterSelfManagedSharding: false,
    ...(sharded ? { configServerType: 'DEDICATED', configServerManagementMode: 'ATLAS_MANAGED' } : {}),
    biConnector: { enabled: false, readPreference: 'secondary' },
    advancedConfiguration: { minimumEnabledTlsProtocol: 'TLS1_2', tlsCipherConfigMode: 'DEFAULT' },
    connectionStrings: {
      standard: sharded
        ? `mongodb://${members}/?ssl=true&authSource=admin`
        : `mongodb://${members}/?ssl=true&authSource=admin&replicaSet=${replicaSetName(seed.key, 'shard-0')}`,
      standardSrv: `mongodb+srv://${ref.name}.${host}.mongodb.net`,
    },
    labels: [],
    tags: [
      { key: 'environment', value: seed.env },
      { key: 'team', value: ref.name.split('-')[0] ?? 'platform' },
    ],
    replicationSpecs,
  };
}

// ---------------------------------------------------------------------------------------------
// Cloud backup: schedules and snapshots
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

function policyItemId(key: ClusterKey, frequency: Frequency): string {
  return objectId(`policy-item:${CLUSTERS[key].id}:${frequency}`);
}

function buildSchedule(seed: ClusterSeed): Owned<BackupSchedule> {
  const ref = CLUSTERS[seed.key];
  const item = (frequency: Frequency, frequencyInterval: number, retentionUnit: string, retentionValue: number) => ({
    id: policyItemId(seed.key, frequency),
    frequencyType: frequency,
    frequencyInterval,
    retentionUnit,
    retentionValue,
  });
  const autoExport = seed.key === 'paymentsProd';
  const value: BackupSchedule = {
    clusterId: ref.id,
    clusterName: ref.name,
    referenceHourOfDay: 23,
    referenceMinuteOfHour: 25,
    restoreWindowDays: seed.pit ? 7 : 2,
    nextSnapshot: iso(SEED_INSTANT_MS + 5 * HOUR + 25 * MINUTE),
    autoExportEnabled: autoExport,
    ...(autoExport ? { export: { exportBucketId: DEMO.exportBuckets.paymentsAws.id, frequencyType: 'monthly' } } : {}),
    useOrgAndGroupNamesInExportPrefix: true,
    copySettings:
      seed.copyRegion === undefined
        ? []
        : [
            {
              cloudProvider: seed.provider,
              regionName: seed.copyRegion,
              zoneId: zoneId(seed.key),
              frequencies: ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'],
              shouldCopyOplogs: seed.pit,
            },
          ],
    extraRetentionSettings: [],
    policies: [
      {
        id: objectId(`policy:${ref.id}`),
        policyItems: [
          item('hourly', 6, 'days', 7),
          item('daily', 1, 'days', 30),
          item('weekly', 6, 'weeks', 8),
          item('monthly', 40, 'months', 12),
          item('yearly', 12, 'years', 7),
        ],
      },
    ],
  };
  return { groupId: ref.groupId, clusterName: ref.name, value };
}

interface SnapshotPlan {
  count: number;
  /** Size of the newest completed snapshot; older ones shrink by `shrinkBytes` each. */
  newestBytes: number;
  shrinkBytes: number;
  inProgressNewest: boolean;
  onDemand: number[];
  failed: number[];
}

function frequencyAt(index: number, plan: SnapshotPlan): Frequency {
  if (plan.onDemand.includes(index)) return 'ondemand';
  if (plan.count >= 20 && index === plan.count - 1) return 'yearly';
  if (plan.count >= 20 && index === plan.count - 2) return 'monthly';
  if (index % 12 === 10) return 'weekly';
  if (index % 4 === 2) return 'daily';
  return 'hourly';
}

function buildSnapshots(seed: ClusterSeed, plan: SnapshotPlan): Owned<CloudSnapshot>[] {
  const ref = CLUSTERS[seed.key];
  const out: Owned<CloudSnapshot>[] = [];
  for (let i = 0; i < plan.count; i++) {
    const frequency = frequencyAt(i, plan);
    // Scheduled snapshots run every 6 hours at :25; the monthly and yearly ones are far older.
    let createdMs = SEED_INSTANT_MS - (i * 6 * HOUR + 35 * MINUTE);
    if (frequency === 'monthly') createdMs = SEED_INSTANT_MS - 19 * DAY - 35 * MINUTE;
    if (frequency === 'yearly') createdMs = SEED_INSTANT_MS - 232 * DAY - 35 * MINUTE;
    if (frequency === 'ondemand') createdMs += 2 * HOUR + 17 * MINUTE;
    const status = plan.inProgressNewest && i === 0 ? 'inProgress' : plan.failed.includes(i) ? 'failed' : 'completed';
    const copied = seed.copyRegion !== undefined && frequency !== 'hourly' && frequency !== 'ondemand';
    const base = {
      id: objectId(`snapshot:${ref.id}:${i}`),
      createdAt: iso(createdMs),
      expiresAt: iso(createdMs + RETENTION_MS[frequency]),
      frequencyType: frequency,
      snapshotType: frequency === 'ondemand' ? 'onDemand' : 'scheduled',
      ...(frequency === 'ondemand' ? { description: `Before schema migration PAY-${1400 + i}` } : {}),
      status,
      storageSizeBytes: status === 'completed' ? plan.newestBytes - i * plan.shrinkBytes : 0,
      mongodVersion: seed.version,
      policyItems: frequency === 'ondemand' ? [] : [policyItemId(seed.key, frequency)],
      copyRegions: copied && seed.copyRegion !== undefined ? [seed.copyRegion] : [],
    };
    const names =
      seed.type === 'SHARDED'
        ? [
            ...Array.from({ length: seed.shards }, (_, s) => replicaSetName(seed.key, `shard-${s}`)),
            replicaSetName(seed.key, 'config-0'),
          ]
        : [replicaSetName(seed.key, 'shard-0')];
    const value: CloudSnapshot = {
      ...base,
      ...snapshotTopology(seed.type === 'SHARDED', names, `snapshot:${ref.id}:${i}`, seed.provider),
    };
    out.push({ groupId: ref.groupId, clusterName: ref.name, value });
  }
  return out;
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

const GB = 1024 * 1024 * 1024;

const SNAPSHOT_PLANS: Partial<Record<ClusterKey, SnapshotPlan>> = {
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
  },
};

// ---------------------------------------------------------------------------------------------
// Cloud restore jobs
// ---------------------------------------------------------------------------------------------

function findSnapshot(snapshots: Owned<CloudSnapshot>[], key: ClusterKey, index: number): CloudSnapshot {
  const id = snapshotId(key, index);
  const found = snapshots.find((s) => s.value.id === id);
  if (found === undefined) throw new Error(`seed: no snapshot ${key}#${index}`);
  return found.value;
}

function downloadUrl(jobId: string, snapshot: CloudSnapshot, replicaSet: string): string {
  return `https://restore-${jobId}.${hostId(replicaSet)}.mongodb.net:27017/${hexDigest(`token:${jobId}:${replicaSet}`)}/restore-${snapshot.id}.tar.gz`;
}

function finishedAfter(snapshot: CloudSnapshot, minutes: number): string {
  return iso(Date.parse(snapshot.createdAt ?? iso(SEED_INSTANT_MS)) + minutes * MINUTE);
}

function buildRestoreJobs(snapshots: Owned<CloudSnapshot>[]): Owned<CloudRestoreJob>[] {
  const jobs: Owned<CloudRestoreJob>[] = [];
  const add = (ref: { groupId: string; clusterName: string; id: string }, value: Omit<CloudRestoreJob, 'id'>): void => {
    jobs.push({ groupId: ref.groupId, clusterName: ref.clusterName, value: { id: ref.id, ...value } });
  };
  const rj = DEMO.restoreJobs;
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

// ---------------------------------------------------------------------------------------------
// Exports and export buckets
// ---------------------------------------------------------------------------------------------

function buildBuckets(): { groupId: string; value: ExportBucket }[] {
  const b = DEMO.exportBuckets;
  const aws = (
    ref: { groupId: string; id: string },
    bucketName: string,
    region: string,
  ): { groupId: string; value: ExportBucket } => ({
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
  ): { groupId: string; value: ExportBucket } => ({
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
  const gcp = (ref: { groupId: string; id: string }, bucketName: string): { groupId: string; value: ExportBucket } => ({
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

function exportPrefix(group: ProjectKey, cluster: ClusterKey, snapshot: CloudSnapshot, createdAt: string): string {
  const taken = (snapshot.createdAt ?? createdAt).slice(0, 16).replace(':', '');
  return `/exported_snapshots/${ORG.name}/${PROJECTS[group].name}/${CLUSTERS[cluster].name}/${taken}/${epochSeconds(createdAt)}`;
}

function buildExports(snapshots: Owned<CloudSnapshot>[]): Owned<ExportJob>[] {
  const out: Owned<ExportJob>[] = [];
  const ex = DEMO.exports;
  const labels = [
    { key: 'requested_by', value: 'nightly-archiver' },
    { key: 'ticket', value: 'OPS-2291' },
  ];
  const add = (
    ref: { groupId: string; clusterName: string; id: string },
    cluster: ClusterKey,
    group: ProjectKey,
    snapshotIndex: number,
    bucketId: string,
    minutesAgo: number,
    rest: Omit<ExportJob, 'id' | 'snapshotId' | 'exportBucketId' | 'createdAt' | 'prefix'>,
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
  const b = DEMO.exportBuckets;
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

// ---------------------------------------------------------------------------------------------
// Legacy backup: checkpoints and restore jobs
// ---------------------------------------------------------------------------------------------

function buildCheckpoints(key: ClusterKey, count: number, shards: number): Owned<LegacyCheckpoint>[] {
  const ref = CLUSTERS[key];
  const out: Owned<LegacyCheckpoint>[] = [];
  for (let i = 0; i < count; i++) {
    const startedMs = SEED_INSTANT_MS - (i * 6 * HOUR + 50 * MINUTE);
    const timestamp = iso(startedMs);
    const parts =
      shards > 0
        ? [
            ...Array.from({ length: shards }, (_, s) => ({
              typeName: 'REPLICA_SET',
              replicaSetName: `${ref.name}-shard-${s}`,
              shardName: `${ref.name}-shard-${s}`,
              tokenDiscovered: true,
              tokenTimestamp: bsonTimestamp(timestamp, s + 1),
            })),
            {
              typeName: 'CONFIG_SERVER',
              replicaSetName: `${ref.name}-config-0`,
              tokenDiscovered: true,
              tokenTimestamp: bsonTimestamp(timestamp, shards + 1),
            },
          ]
        : [
            {
              typeName: 'REPLICA_SET',
              replicaSetName: `${ref.name}-shard-0`,
              tokenDiscovered: true,
              tokenTimestamp: bsonTimestamp(timestamp),
            },
          ];
    out.push({
      groupId: ref.groupId,
      clusterName: ref.name,
      value: {
        id: objectId(`checkpoint:${i}:${ref.id}`),
        groupId: ref.groupId,
        clusterId: ref.id,
        started: timestamp,
        completed: iso(startedMs + (3 + (i % 3)) * MINUTE),
        timestamp,
        // The newest checkpoint is still being verified and cannot be restored yet.
        restorable: i !== 0,
        parts,
      },
    });
  }
  return out;
}

function buildLegacyJobs(checkpoints: Owned<LegacyCheckpoint>[]): Owned<LegacyRestoreJob>[] {
  const out: Owned<LegacyRestoreJob>[] = [];
  const checkpoint = (key: ClusterKey, i: number): LegacyCheckpoint => {
    const id = objectId(`checkpoint:${i}:${CLUSTERS[key].id}`);
    const found = checkpoints.find((c) => c.value.id === id);
    if (found === undefined) throw new Error(`seed: no checkpoint ${key}#${i}`);
    return found.value;
  };

  // A sharded legacy restore makes one job per part (shards + config server) sharing a batchId.
  const batch = (
    name: string,
    cp: LegacyCheckpoint,
    createdMinutesAgo: number,
    statusName: string,
    delivery: (jobId: string, part: string) => LegacyRestoreJob['delivery'],
    withHashes: boolean,
  ): void => {
    const ref = CLUSTERS.inventorySharded;
    const batchId = objectId(`legacy-batch:${name}`);
    (cp.parts ?? []).forEach((part, p) => {
      const partName = part.replicaSetName ?? `part-${p}`;
      const id = objectId(`legacy-job:${name}:${p}:${ref.id}`);
      const fileName = `${partName}-${(cp.timestamp ?? '').replace(/[-:]/g, '')}.tar.gz`;
      out.push({
        groupId: ref.groupId,
        clusterName: ref.name,
        value: {
          id,
          batchId,
          groupId: ref.groupId,
          clusterId: ref.id,
          clusterName: ref.name,
          checkpointId: cp.id,
          created: ago(createdMinutesAgo * MINUTE),
          timestamp: part.tokenTimestamp ?? bsonTimestamp(cp.timestamp ?? ago(0)),
          statusName,
          encryptionEnabled: false,
          delivery: delivery(id, fileName),
          ...(withHashes ? { hashes: [{ fileName, hash: hexDigest(`hash:${id}`), typeName: 'SHA1' }] } : {}),
        },
      });
    });
  };
  const automated = (statusName: string) => (): LegacyRestoreJob['delivery'] => ({
    methodName: 'AUTOMATED_RESTORE',
    statusName,
    targetGroupId: CLUSTERS.inventorySharded.groupId,
    targetClusterId: CLUSTERS.inventorySharded.id,
    targetClusterName: CLUSTERS.inventorySharded.name,
  });
  const http =
    (statusName: string, expiresMs: number) =>
    (jobId: string, fileName: string): LegacyRestoreJob['delivery'] => ({
      methodName: 'HTTP',
      statusName,
      url: `https://restore-${jobId}.inventory.mongodb.net/backup/restore/v2/${hexDigest(`url:${jobId}`)}/${fileName}`,
      urlV2: `https://restore-${jobId}.inventory.mongodb.net/backup/restore/v3/${hexDigest(`url2:${jobId}`)}/${fileName}`,
      expires: iso(expiresMs),
      expirationHours: 48,
      maxDownloads: 3,
    });

  batch('automated-running', checkpoint('inventorySharded', 1), 20, 'IN_PROGRESS', automated('IN_PROGRESS'), false);
  batch(
    'http-ready',
    checkpoint('inventorySharded', 2),
    5 * 60,
    'FINISHED',
    http('READY', SEED_INSTANT_MS + 43 * HOUR),
    true,
  );
  batch(
    'http-expired',
    checkpoint('inventorySharded', 5),
    4 * 24 * 60,
    'FINISHED',
    http('EXPIRED', SEED_INSTANT_MS - 2 * DAY),
    true,
  );
  batch('automated-broken', checkpoint('inventorySharded', 7), 6 * 24 * 60, 'BROKEN', automated('FAILED'), false);

  // Replica-set legacy cluster: single jobs, no batch.
  const archive = CLUSTERS.inventoryArchive;
  const archiveJob = (
    name: string,
    i: number,
    createdMinutesAgo: number,
    statusName: string,
    delivery: (jobId: string, fileName: string) => LegacyRestoreJob['delivery'],
    withHashes: boolean,
  ): void => {
    const cp = checkpoint('inventoryArchive', i);
    const id = objectId(`legacy-job:${name}:${archive.id}`);
    const fileName = `${archive.name}-shard-0-${(cp.timestamp ?? '').replace(/[-:]/g, '')}.tar.gz`;
    out.push({
      groupId: archive.groupId,
      clusterName: archive.name,
      value: {
        id,
        groupId: archive.groupId,
        clusterId: archive.id,
        clusterName: archive.name,
        checkpointId: cp.id,
        created: ago(createdMinutesAgo * MINUTE),
        timestamp: bsonTimestamp(cp.timestamp ?? ago(0)),
        statusName,
        encryptionEnabled: false,
        delivery: delivery(id, fileName),
        ...(withHashes ? { hashes: [{ fileName, hash: hexDigest(`hash:${id}`), typeName: 'SHA1' }] } : {}),
      },
    });
  };
  archiveJob('http-ready', 1, 90, 'FINISHED', http('READY', SEED_INSTANT_MS + 46 * HOUR), true);
  archiveJob(
    'killed',
    3,
    2 * 24 * 60,
    'KILLED',
    () => ({ methodName: 'HTTP', statusName: 'NOT_STARTED', expirationHours: 48, maxDownloads: 1 }),
    false,
  );
  return out;
}

// ---------------------------------------------------------------------------------------------
// Serverless and Flex
// ---------------------------------------------------------------------------------------------

function buildServerless(): {
  instances: ServerlessInstance[];
  snapshots: Owned<ServerlessSnapshot>[];
  jobs: Owned<ServerlessRestoreJob>[];
} {
  const instance = (
    ref: { groupId: string; name: string; id: string },
    backingProviderName: Provider,
    regionName: string,
    createdDaysAgo: number,
  ): ServerlessInstance => ({
    id: ref.id,
    groupId: ref.groupId,
    name: ref.name,
    createDate: ago(createdDaysAgo * DAY),
    mongoDBVersion: '8.0.4',
    stateName: 'IDLE',
    providerSettings: { providerName: 'SERVERLESS', backingProviderName, regionName },
    serverlessBackupOptions: { serverlessContinuousBackupEnabled: true },
    connectionStrings: { standardSrv: `mongodb+srv://${ref.name}.${hostId(ref.name)}.mongodb.net` },
    terminationProtectionEnabled: false,
    tags: [{ key: 'environment', value: 'staging' }],
  });
  const instances = [
    instance(SERVERLESS.events, 'AWS', 'US_EAST_1', 500),
    instance(SERVERLESS.sessions, 'GCP', 'CENTRAL_US', 420),
  ];

  const snapshots: Owned<ServerlessSnapshot>[] = [];
  const plan = [
    { ref: SERVERLESS.events, count: 8, newestBytes: Math.round(3.2 * GB) },
    { ref: SERVERLESS.sessions, count: 3, newestBytes: 734_003_200 },
  ];
  for (const { ref, count, newestBytes } of plan) {
    for (let i = 0; i < count; i++) {
      const createdMs = SEED_INSTANT_MS - (i * 6 * HOUR + 80 * MINUTE);
      snapshots.push({
        groupId: ref.groupId,
        clusterName: ref.name,
        value: {
          id: objectId(`serverless-snapshot:${ref.id}:${i}`),
          serverlessInstanceName: ref.name,
          createdAt: iso(createdMs),
          expiresAt: iso(createdMs + 2 * DAY),
          frequencyType: 'hourly',
          snapshotType: 'scheduled',
          // The newest one is still being taken.
          status: i === 0 ? 'inProgress' : 'completed',
          storageSizeBytes: i === 0 ? 0 : newestBytes - i * 9_437_184,
          mongodVersion: '8.0.4',
        },
      });
    }
  }
  const snap = snapshots.find((s) => s.value.id === DEMO.serverless.snapshotId)?.value;
  if (snap === undefined) throw new Error('seed: serverless snapshot missing');
  const events = SERVERLESS.events;
  const jobs: Owned<ServerlessRestoreJob>[] = [
    {
      groupId: events.groupId,
      clusterName: events.name,
      value: {
        id: DEMO.serverless.restoreJobId,
        deliveryType: 'automated',
        snapshotId: snap.id,
        timestamp: snap.createdAt,
        targetGroupId: SERVERLESS.sessions.groupId,
        targetClusterName: SERVERLESS.sessions.name,
        cancelled: false,
        expired: false,
        failed: false,
        deliveryUrl: [],
        finishedAt: iso(Date.parse(snap.createdAt ?? ago(0)) + 22 * MINUTE),
      },
    },
    {
      groupId: events.groupId,
      clusterName: events.name,
      value: {
        id: objectId(`serverless-restore:${events.id}:download`),
        deliveryType: 'download',
        snapshotId: snap.id,
        timestamp: snap.createdAt,
        targetGroupId: events.groupId,
        targetClusterName: events.name,
        cancelled: false,
        expired: false,
        failed: false,
        deliveryUrl: [
          `https://restore-${objectId(`serverless-restore:${events.id}:download`)}.${hostId(events.name)}.mongodb.net/${hexDigest(`sl:${events.id}`)}/restore-${snap.id}.tar.gz`,
        ],
        finishedAt: iso(Date.parse(snap.createdAt ?? ago(0)) + 9 * MINUTE),
        expiresAt: iso(SEED_INSTANT_MS + DAY),
      },
    },
  ];
  return { instances, snapshots, jobs };
}

function buildFlex(): { clusters: FlexCluster[]; snapshots: Owned<FlexSnapshot>[]; jobs: Owned<FlexRestoreJob>[] } {
  const cluster: FlexCluster = {
    id: FLEX.id,
    groupId: FLEX.groupId,
    name: FLEX.name,
    clusterType: 'REPLICASET',
    createDate: ago(150 * DAY),
    mongoDBVersion: '8.0.4',
    stateName: 'IDLE',
    versionReleaseSystem: 'LTS',
    terminationProtectionEnabled: false,
    backupSettings: { enabled: true },
    providerSettings: { providerName: 'FLEX', backingProviderName: 'AWS', regionName: 'US_EAST_1', diskSizeGB: 5 },
    connectionStrings: {
      standard: `mongodb://${FLEX.name}-shard-00-00.${hostId(FLEX.name)}.mongodb.net:27017/?ssl=true&authSource=admin`,
      standardSrv: `mongodb+srv://${FLEX.name}.${hostId(FLEX.name)}.mongodb.net`,
    },
    tags: [],
  };
  const snapshots: Owned<FlexSnapshot>[] = [];
  for (let i = 0; i < 6; i++) {
    const scheduledMs = SEED_INSTANT_MS - (i * DAY + 3 * HOUR);
    const pending = i === 0;
    snapshots.push({
      groupId: FLEX.groupId,
      clusterName: FLEX.name,
      value: {
        id: objectId(`flex-snapshot:${FLEX.id}:${i}`),
        scheduledTime: iso(scheduledMs),
        ...(pending ? {} : { startTime: iso(scheduledMs + MINUTE), finishTime: iso(scheduledMs + 4 * MINUTE) }),
        expiration: iso(scheduledMs + 8 * DAY),
        mongoDBVersion: '8.0.4',
        status: pending ? 'PENDING' : 'COMPLETED',
      },
    });
  }
  const snap = snapshots[1]?.value;
  if (snap === undefined) throw new Error('seed: flex snapshot missing');
  const jobs: Owned<FlexRestoreJob>[] = [
    {
      groupId: FLEX.groupId,
      clusterName: FLEX.name,
      value: {
        id: DEMO.flex.restoreJobId,
        deliveryType: 'RESTORE',
        instanceName: FLEX.name,
        projectId: FLEX.groupId,
        snapshotId: snap.id,
        snapshotFinishedDate: snap.finishTime,
        targetProjectId: CLUSTERS.analyticsSandbox.groupId,
        targetDeploymentItemName: CLUSTERS.analyticsSandbox.name,
        restoreScheduledDate: ago(20 * HOUR),
        restoreFinishedDate: ago(19 * HOUR + 48 * MINUTE),
        expirationDate: iso(SEED_INSTANT_MS + 6 * DAY),
        status: 'COMPLETED',
      },
    },
    {
      groupId: FLEX.groupId,
      clusterName: FLEX.name,
      value: {
        id: objectId(`flex-restore:${FLEX.id}:download`),
        deliveryType: 'DOWNLOAD',
        instanceName: FLEX.name,
        projectId: FLEX.groupId,
        snapshotId: snap.id,
        snapshotFinishedDate: snap.finishTime,
        targetProjectId: FLEX.groupId,
        targetDeploymentItemName: FLEX.name,
        restoreScheduledDate: ago(2 * HOUR),
        snapshotUrl: `https://flex-backups.mongodb.net/${FLEX.groupId}/${FLEX.name}/${snap.id}.tar.gz?sig=${hexDigest(`flex:${snap.id}`)}`,
        expirationDate: iso(SEED_INSTANT_MS + 4 * HOUR),
        status: 'PENDING',
      },
    },
  ];
  return { clusters: [cluster], snapshots, jobs };
}

// ---------------------------------------------------------------------------------------------
// Assembly
// ---------------------------------------------------------------------------------------------

/** Builds a fresh, fully deterministic store. Each call returns new objects (safe to mutate). */
export function createSeedData(): SimulatorData {
  const clusters: ClusterEntry[] = CLUSTER_SEEDS.map((seed) => ({ backup: seed.backup, value: buildCluster(seed) }));
  const snapshots = CLUSTER_SEEDS.flatMap((seed) => {
    const plan = SNAPSHOT_PLANS[seed.key];
    return seed.backup === 'cloud' && plan !== undefined ? buildSnapshots(seed, plan) : [];
  });
  const checkpoints = [...buildCheckpoints('inventorySharded', 8, 2), ...buildCheckpoints('inventoryArchive', 4, 0)];
  const serverless = buildServerless();
  const flex = buildFlex();
  const projectCreated: Record<ProjectKey, number> = { payments: 1100, analytics: 700, inventory: 2500 };
  const projects: Group[] = (Object.keys(PROJECTS) as ProjectKey[]).map((key) => {
    const { id, name } = PROJECTS[key];
    // clusterCount counts every deployment in the project, whatever its type.
    const clusterCount =
      clusters.filter((c) => c.value.groupId === id).length +
      serverless.instances.filter((s) => s.groupId === id).length +
      flex.clusters.filter((f) => f.groupId === id).length;
    return {
      id,
      name,
      orgId: ORG.id,
      clusterCount,
      created: ago(projectCreated[key] * DAY),
      withDefaultAlertsSettings: true,
      tags: [
        { key: 'cost-center', value: key === 'payments' ? 'cc-1001' : key === 'analytics' ? 'cc-2040' : 'cc-3300' },
      ],
    };
  });
  return {
    orgId: ORG.id,
    orgName: ORG.name,
    projects,
    clusters,
    backupSchedules: CLUSTER_SEEDS.filter((s) => s.backup === 'cloud').map(buildSchedule),
    snapshots,
    restoreJobs: buildRestoreJobs(snapshots),
    exportJobs: buildExports(snapshots),
    exportBuckets: buildBuckets(),
    legacyCheckpoints: checkpoints,
    legacyRestoreJobs: buildLegacyJobs(checkpoints),
    serverlessInstances: serverless.instances,
    serverlessSnapshots: serverless.snapshots,
    serverlessRestoreJobs: serverless.jobs,
    flexClusters: flex.clusters,
    flexSnapshots: flex.snapshots,
    flexRestoreJobs: flex.jobs,
    createdCount: 0,
  };
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
    const value: CloudRestoreJob =
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
