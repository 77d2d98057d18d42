// Seed, Flex family: one Flex cluster, its snapshots and restore jobs, with their DEMO references.
import { hexDigest, objectId } from '../object-ids.js';
import { DAY, HOUR, MINUTE, SEED_INSTANT_MS, ago, iso } from '../time.js';
import type { Owned, StoredFlexCluster, StoredFlexRestoreJob, StoredFlexSnapshot } from '../store.js';
import { CLUSTERS } from './clusters.js';
import { PROJECTS } from './projects.js';
import { hostId } from './shared.js';

const FLEX = {
  groupId: PROJECTS.analytics.id,
  name: 'analytics-flex',
  id: objectId('flex:analytics-flex'),
} as const;

/** DEMO.flex: analytics-flex, its newest completed snapshot and its finished restore job. */
export const DEMO_FLEX = {
  groupId: FLEX.groupId,
  name: FLEX.name,
  id: FLEX.id,
  snapshotId: objectId(`flex-snapshot:${FLEX.id}:1`),
  restoreJobId: objectId(`flex-restore:${FLEX.id}:restore`),
} as const;

/** The Flex cluster, its snapshots (newest first, the newest still pending) and its restore jobs. */
export function buildFlex(): {
  clusters: StoredFlexCluster[];
  snapshots: Owned<StoredFlexSnapshot>[];
  jobs: Owned<StoredFlexRestoreJob>[];
} {
  const cluster: StoredFlexCluster = {
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
  const snapshots: Owned<StoredFlexSnapshot>[] = [];
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
  const jobs: Owned<StoredFlexRestoreJob>[] = [
    {
      groupId: FLEX.groupId,
      clusterName: FLEX.name,
      value: {
        id: DEMO_FLEX.restoreJobId,
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
