// Seed, serverless family: three serverless instances, their snapshots and restore jobs, with their
// DEMO references. analytics-clickstream was migrated to Flex (March 2025): Atlas kept its name, so a
// Flex cluster of that name lives in the same project (seed/flex.ts); its backups are Flex backups and
// the serverless backup endpoints list none for it. The other two have no Flex successor.
import { hexDigest, objectId } from '../object-ids.js';
import { DAY, HOUR, MINUTE, SEED_INSTANT_MS, ago, iso } from '../time.js';
import type {
  Owned,
  StoredServerlessInstance,
  StoredServerlessRestoreJob,
  StoredServerlessSnapshot,
} from '../store.js';
import { PROJECTS } from './projects.js';
import { GB, hostId, type Provider } from './shared.js';

const SERVERLESS = {
  events: { groupId: PROJECTS.analytics.id, name: 'analytics-events', id: objectId('serverless:analytics-events') },
  sessions: {
    groupId: PROJECTS.analytics.id,
    name: 'analytics-sessions',
    id: objectId('serverless:analytics-sessions'),
  },
  clickstream: {
    groupId: PROJECTS.analytics.id,
    name: 'analytics-clickstream',
    id: objectId('serverless:analytics-clickstream'),
  },
} as const;

/** The serverless instance that Atlas migrated to a Flex cluster of the same name (see seed/flex.ts). */
export const MIGRATED_TO_FLEX = SERVERLESS.clickstream;

/** DEMO.serverless: analytics-events, its newest completed snapshot and its automated restore job. */
export const DEMO_SERVERLESS = {
  groupId: SERVERLESS.events.groupId,
  instanceName: SERVERLESS.events.name,
  instanceId: SERVERLESS.events.id,
  otherInstanceName: SERVERLESS.sessions.name,
  snapshotId: objectId(`serverless-snapshot:${SERVERLESS.events.id}:1`),
  restoreJobId: objectId(`serverless-restore:${SERVERLESS.events.id}:automated`),
  /**
   * analytics-clickstream: migrated to Flex, so `DEMO.flex.clusters.migrated` has the same name in the
   * same project (`instanceId` is the serverless instance's id, `flexClusterId` the Flex cluster's).
   * It has no serverless snapshots or restore jobs.
   */
  migrated: {
    groupId: SERVERLESS.clickstream.groupId,
    name: SERVERLESS.clickstream.name,
    instanceId: SERVERLESS.clickstream.id,
    flexClusterId: objectId('flex:analytics-clickstream'),
  },
  /** Serverless instances without a Flex successor. */
  withoutFlexSuccessor: [SERVERLESS.events.name, SERVERLESS.sessions.name],
} as const;

/** The instances, their snapshots (newest first) and the restore jobs of analytics-events. */
export function buildServerless(): {
  instances: StoredServerlessInstance[];
  snapshots: Owned<StoredServerlessSnapshot>[];
  jobs: Owned<StoredServerlessRestoreJob>[];
} {
  const instance = (
    ref: { groupId: string; name: string; id: string },
    backingProviderName: Provider,
    regionName: string,
    createdDaysAgo: number,
    continuousBackup = true,
  ): StoredServerlessInstance => ({
    id: ref.id,
    groupId: ref.groupId,
    name: ref.name,
    createDate: ago(createdDaysAgo * DAY),
    mongoDBVersion: '8.0.4',
    stateName: 'IDLE',
    providerSettings: { providerName: 'SERVERLESS', backingProviderName, regionName },
    serverlessBackupOptions: { serverlessContinuousBackupEnabled: continuousBackup },
    connectionStrings: { standardSrv: `mongodb+srv://${ref.name}.${hostId(ref.name)}.mongodb.net` },
    terminationProtectionEnabled: false,
    tags: [{ key: 'environment', value: 'staging' }],
  });
  const instances = [
    instance(SERVERLESS.events, 'AWS', 'US_EAST_1', 500),
    instance(SERVERLESS.sessions, 'GCP', 'CENTRAL_US', 420),
    // Fitted Flex's limits (no continuous backup, under 5 GB), so Atlas moved it to Flex.
    instance(SERVERLESS.clickstream, 'AWS', 'US_EAST_1', 600, false),
  ];

  const snapshots: Owned<StoredServerlessSnapshot>[] = [];
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
  const snap = snapshots.find((s) => s.value.id === DEMO_SERVERLESS.snapshotId)?.value;
  if (snap === undefined) throw new Error('seed: serverless snapshot missing');
  const events = SERVERLESS.events;
  const jobs: Owned<StoredServerlessRestoreJob>[] = [
    {
      groupId: events.groupId,
      clusterName: events.name,
      value: {
        id: DEMO_SERVERLESS.restoreJobId,
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
