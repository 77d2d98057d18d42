// Seed, legacy backup family: checkpoints and legacy restore jobs of the two legacy-backed clusters
// (inventory-sharded, with per-part batches, and the replica set inventory-archive), with their DEMO
// references.
import { hexDigest, objectId } from '../object-ids.js';
import { DAY, HOUR, MINUTE, SEED_INSTANT_MS, ago, epochSeconds, iso } from '../time.js';
import type { Owned, StoredLegacyCheckpoint, StoredLegacyRestoreJob } from '../store.js';
import { CLUSTERS, scoped, type DemoClusterKey } from './clusters.js';

/**
 * The spec gives `ApiBSONTimestamp.increment` a minimum of 1199145600 (a copy of the epoch-seconds
 * minimum used for dates). Real Atlas sends small ordinals, but responses must validate against the
 * spec, so seeded increments are the timestamp's epoch seconds (+ n), which satisfies it and still
 * fits a 32-bit Int.
 */
function bsonTimestamp(date: string, n = 1): { date: string; increment: number } {
  return { date, increment: epochSeconds(date) + n };
}

/** DEMO.legacy: legacy backup on inventory-sharded (sharded, MongoDB 4.0). */
export const DEMO_LEGACY = {
  cluster: CLUSTERS.inventorySharded,
  /** Newest restorable checkpoint. */
  checkpoint: scoped('inventorySharded', 'checkpoint:1'),
  /** HTTP-delivery batch: one job per shard plus the config server. */
  restoreBatchId: objectId('legacy-batch:http-ready'),
  /** One job of that batch (shard 0). */
  restoreJob: scoped('inventorySharded', 'legacy-job:http-ready:0'),
  /** Replica-set legacy cluster with its own checkpoints and jobs (no batches). */
  replicaSetCluster: CLUSTERS.inventoryArchive,
} as const;

/** Checkpoints of both legacy clusters, then their restore jobs. */
export function buildLegacyBackup(): {
  checkpoints: Owned<StoredLegacyCheckpoint>[];
  jobs: Owned<StoredLegacyRestoreJob>[];
} {
  const checkpoints = [...buildCheckpoints('inventorySharded', 8, 2), ...buildCheckpoints('inventoryArchive', 4, 0)];
  return { checkpoints, jobs: buildLegacyJobs(checkpoints) };
}

function buildCheckpoints(key: DemoClusterKey, count: number, shards: number): Owned<StoredLegacyCheckpoint>[] {
  const ref = CLUSTERS[key];
  const out: Owned<StoredLegacyCheckpoint>[] = [];
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

function buildLegacyJobs(checkpoints: Owned<StoredLegacyCheckpoint>[]): Owned<StoredLegacyRestoreJob>[] {
  const out: Owned<StoredLegacyRestoreJob>[] = [];
  const checkpoint = (key: DemoClusterKey, i: number): StoredLegacyCheckpoint => {
    const id = objectId(`checkpoint:${i}:${CLUSTERS[key].id}`);
    const found = checkpoints.find((c) => c.value.id === id);
    if (found === undefined) throw new Error(`seed: no checkpoint ${key}#${i}`);
    return found.value;
  };

  // A sharded legacy restore makes one job per part (shards + config server) sharing a batchId.
  const batch = (
    name: string,
    cp: StoredLegacyCheckpoint,
    createdMinutesAgo: number,
    statusName: string,
    delivery: (jobId: string, part: string) => StoredLegacyRestoreJob['delivery'],
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
  const automated = (statusName: string) => (): StoredLegacyRestoreJob['delivery'] => ({
    methodName: 'AUTOMATED_RESTORE',
    statusName,
    targetGroupId: CLUSTERS.inventorySharded.groupId,
    targetClusterId: CLUSTERS.inventorySharded.id,
    targetClusterName: CLUSTERS.inventorySharded.name,
  });
  const http =
    (statusName: string, expiresMs: number) =>
    (jobId: string, fileName: string): StoredLegacyRestoreJob['delivery'] => ({
      methodName: 'HTTP',
      statusName,
      url: `https://restore-${jobId}.inventory.mongodb.net/backup/restore/v2/${hexDigest(`url:${jobId}`)}/${fileName}`,
      urlV2: `https://restore-${jobId}.inventory.mongodb.net/backup/restore/v3/${hexDigest(`url2:${jobId}`)}/${fileName}`,
      expires: iso(expiresMs),
      expirationHours: 48,
      maxDownloads: 3,
      // The download's credential: a header to send with it, and its value (a secret the graph withholds).
      authHeader: 'Authorization',
      authValue: `Bearer ${hexDigest(`download-token:${jobId}`)}`,
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
    delivery: (jobId: string, fileName: string) => StoredLegacyRestoreJob['delivery'],
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
