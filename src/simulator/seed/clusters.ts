// Seed, clusters family: the eight dedicated clusters (which project, topology, provider, backup mode),
// their Atlas bodies, and the names derived from them (replica sets, zones) that backup objects reuse.
// `under`/`scoped` make the DEMO references of objects that live under a cluster.
import { objectId } from '../object-ids.js';
import { DAY, ago } from '../time.js';
import type { BackupMode, ClusterEntry, StoredCluster } from '../store.js';
import { PROJECTS, type DemoProjectKey } from './projects.js';
import { hostId, type Provider } from './shared.js';

function clusterRef(group: DemoProjectKey, name: string): { groupId: string; name: string; id: string } {
  const groupId = PROJECTS[group].id;
  return { groupId, name, id: objectId(`cluster:${groupId}:${name}`) };
}

export const CLUSTERS = {
  paymentsProd: clusterRef('payments', 'payments-prod'),
  paymentsLedger: clusterRef('payments', 'payments-ledger'),
  paymentsReporting: clusterRef('payments', 'payments-reporting'),
  analyticsWarehouse: clusterRef('analytics', 'analytics-warehouse'),
  analyticsSandbox: clusterRef('analytics', 'analytics-sandbox'),
  inventorySharded: clusterRef('inventory', 'inventory-sharded'),
  inventoryArchive: clusterRef('inventory', 'inventory-archive'),
  inventoryApi: clusterRef('inventory', 'inventory-api'),
} as const;

export type DemoClusterKey = keyof typeof CLUSTERS;

/** An object under a cluster, as DEMO lists it. */
export function under(cluster: DemoClusterKey, id: string): { groupId: string; clusterName: string; id: string } {
  const c = CLUSTERS[cluster];
  return { groupId: c.groupId, clusterName: c.name, id };
}

/** An object under a cluster whose id is derived from `label` and the cluster id. */
export function scoped(cluster: DemoClusterKey, label: string): { groupId: string; clusterName: string; id: string } {
  return under(cluster, objectId(`${label}:${CLUSTERS[cluster].id}`));
}

/** What differs between the seeded clusters; buildCluster fills in the rest of the Atlas body. */
export interface ClusterSeed {
  key: DemoClusterKey;
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
  /** Encryption at rest with the customer's keys of this provider (its snapshots carry the key's UUID). */
  keyProvider?: 'AWS' | 'AZURE' | 'GCP';
  /** How the MongoDB version is upgraded (Atlas's default: LTS). */
  releaseSystem?: 'LTS' | 'CONTINUOUS';
  /** A feature compatibility version pinned below the running major, and the days until the pin lapses. */
  pinnedFcv?: { version: string; daysLeft: number };
}

export const CLUSTER_SEEDS: ClusterSeed[] = [
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
    keyProvider: 'AWS',
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
    releaseSystem: 'CONTINUOUS',
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
    pinnedFcv: { version: '6.0', daysLeft: 21 },
  },
];

/** Atlas names replica sets `atlas-<6 chars>-shard-<n>` / `-config-0`. */
export function replicaSetName(key: DemoClusterKey, suffix: string): string {
  return `atlas-${objectId(`rs:${CLUSTERS[key].id}`).slice(0, 6)}-${suffix}`;
}

export function zoneId(key: DemoClusterKey): string {
  return objectId(`zone:${CLUSTERS[key].id}`);
}

function buildCluster(seed: ClusterSeed): StoredCluster {
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
    featureCompatibilityVersion: seed.pinnedFcv?.version ?? major,
    ...(seed.pinnedFcv ? { featureCompatibilityVersionExpirationDate: ago(-seed.pinnedFcv.daysLeft * DAY) } : {}),
    versionReleaseSystem: seed.releaseSystem ?? 'LTS',
    stateName: 'IDLE',
    paused: false,
    backupEnabled: seed.backup !== 'none',
    pitEnabled: seed.pit,
    createDate: ago(seed.createdDaysAgo * DAY),
    terminationProtectionEnabled: seed.env === 'production',
    rootCertType: 'ISRGROOTX1',
    encryptionAtRestProvider: seed.keyProvider ?? 'NONE',
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

/** Every cluster body with its backup mode, in seed order. */
export function buildClusters(): ClusterEntry[] {
  return CLUSTER_SEEDS.map((seed) => ({ backup: seed.backup, value: buildCluster(seed) }));
}
