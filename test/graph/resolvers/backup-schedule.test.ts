import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../../src/simulator/index.js';
import { TEST_TOKEN, atlasRequest, startStack, type TestStack } from '../../../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.simulator.resetCalls());

type Json = Record<string, any>;

const scheduleFields = `nextSnapshotAt referenceHourOfDay referenceMinuteOfHour restoreWindowDays
  policies { atlasId items { atlasId frequencyType frequencyInterval retentionUnit retentionValue } }
  extraRetention { frequencyType retentionDays }
  autoExportEnabled autoExport { exportBucketId frequencyType exportBucket { atlasId } }
  useOrgAndGroupNamesInExportPrefix autoCopySettingsEnabled copyPolicyItemsEnabled
  copySettings { cloudProvider regionName zoneId shouldCopyOplogs frequencies lastNumberOfSnapshots
    copyPolicyItems { atlasId frequencyType frequencyInterval retentionUnit retentionValue } }`;

const upper = (value: unknown) => (typeof value === 'string' ? value.toUpperCase() : null);
const item = (raw: Json) => ({
  atlasId: raw.id ?? null,
  frequencyType: upper(raw.frequencyType),
  frequencyInterval: raw.frequencyInterval ?? null,
  retentionUnit: upper(raw.retentionUnit),
  retentionValue: raw.retentionValue ?? null,
});

/** The graph's schedule, from Atlas's `DiskBackupSnapshotSchedule` (field for field). */
function expectedSchedule(raw: Json): unknown {
  return {
    nextSnapshotAt: raw.nextSnapshot ?? null,
    referenceHourOfDay: raw.referenceHourOfDay ?? null,
    referenceMinuteOfHour: raw.referenceMinuteOfHour ?? null,
    restoreWindowDays: raw.restoreWindowDays ?? null,
    policies: (raw.policies ?? []).map((p: Json) => ({
      atlasId: p.id ?? null,
      items: (p.policyItems ?? []).map(item),
    })),
    extraRetention: (raw.extraRetentionSettings ?? []).map((r: Json) => ({
      frequencyType: upper(r.frequencyType),
      retentionDays: r.retentionDays ?? null,
    })),
    autoExportEnabled: raw.autoExportEnabled ?? null,
    autoExport: raw.export?.exportBucketId
      ? {
          exportBucketId: raw.export.exportBucketId,
          frequencyType: upper(raw.export.frequencyType),
          exportBucket: { atlasId: raw.export.exportBucketId },
        }
      : null,
    useOrgAndGroupNamesInExportPrefix: raw.useOrgAndGroupNamesInExportPrefix ?? null,
    autoCopySettingsEnabled: raw.autoCopySettingsEnabled ?? null,
    copyPolicyItemsEnabled: raw.copyPolicyItemsEnabled ?? null,
    copySettings: (raw.copySettings ?? []).map((c: Json) => ({
      cloudProvider: c.cloudProvider ?? null,
      regionName: c.regionName ?? null,
      zoneId: c.zoneId ?? null,
      shouldCopyOplogs: c.shouldCopyOplogs ?? null,
      frequencies: (c.frequencies ?? []).map(upper),
      lastNumberOfSnapshots: c.lastNumberOfSnapshots ?? null,
      copyPolicyItems: (c.copyPolicyItems ?? []).map((i: Json) => ({ ...item(i), frequencyInterval: null })),
    })),
  };
}

/** Atlas's raw answer, with its status (a cluster without a schedule answers 404). */
async function raw(operationId: 'getBackupSchedule' | 'getCluster', groupId: string, clusterName: string) {
  const { path, mediaType } = atlasRequest(operationId, { groupId, clusterName });
  const response = await fetch(stack.simulator.url + path, {
    headers: { accept: mediaType, authorization: `Bearer ${TEST_TOKEN}` },
  });
  return { status: response.status, body: (await response.json()) as Json };
}

describe('Cluster.backupSchedule (getBackupSchedule)', () => {
  it.each(Object.entries(DEMO.clusters))('answers the %s cluster field for field, or null', async (_, cluster) => {
    const schedule = await raw('getBackupSchedule', cluster.groupId, cluster.name);
    const rawCluster = (await raw('getCluster', cluster.groupId, cluster.name)).body;
    stack.simulator.resetCalls();
    const { data, errors } = await stack.query<{ project: { cluster: { backupSchedule: Json | null } } }>(
      `query ($p: ObjectId!, $c: ClusterName!) { project(id: $p) { cluster(name: $c) { backupSchedule { ${scheduleFields} } } } }`,
      { p: cluster.groupId, c: cluster.name },
    );
    expect(errors).toBeUndefined();
    const calls = stack.simulator.calls.map((c) => c.operationId);
    if (rawCluster.backupEnabled === false) {
      // A cluster whose backup is off is not asked for a schedule.
      expect(data!.project.cluster.backupSchedule).toBeNull();
      expect(calls).toEqual(['getGroup', 'getCluster']);
      return;
    }
    if (schedule.status === 404) {
      expect(schedule.body.errorCode).toBe('BACKUP_CONFIG_NOT_FOUND');
      expect(data!.project.cluster.backupSchedule).toBeNull();
    } else {
      expect(schedule.status).toBe(200);
      expect(data!.project.cluster.backupSchedule).toEqual(expectedSchedule(schedule.body));
    }
    expect(calls.filter((c) => c === 'getBackupSchedule')).toHaveLength(1);
  });

  it('the demo has schedules with policies of several frequencies, an export and copies', async () => {
    const { data, errors } = await stack.query<{ project: { cluster: { backupSchedule: Json } } }>(
      `query ($p: ObjectId!, $c: ClusterName!) { project(id: $p) { cluster(name: $c) { backupSchedule { ${scheduleFields} } } } }`,
      { p: DEMO.clusters.paymentsProd.groupId, c: DEMO.clusters.paymentsProd.name },
    );
    expect(errors).toBeUndefined();
    const schedule = data!.project.cluster.backupSchedule;
    const frequencies = new Set(schedule.policies.flatMap((p: Json) => p.items.map((i: Json) => i.frequencyType)));
    expect(frequencies.size).toBeGreaterThanOrEqual(3);
    expect(frequencies.has('OTHER')).toBe(false);
    expect(schedule.nextSnapshotAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(schedule.autoExport?.exportBucket?.atlasId).toBe(DEMO.exportBuckets.paymentsAws.id);
  });

  it('names a copy of the newest snapshots by their number, and the snapshots it copied', async () => {
    const cluster = DEMO.clusters.inventoryApi;
    const { data, errors } = await stack.query<{
      project: { cluster: { backupSchedule: Json; snapshots: { nodes: { status: string; copyRegions: string[] }[] } } };
    }>(
      `query ($p: ObjectId!, $c: ClusterName!) { project(id: $p) { cluster(name: $c) {
         backupSchedule { copyPolicyItemsEnabled copySettings { regionName lastNumberOfSnapshots frequencies copyPolicyItems { atlasId } } }
         snapshots(first: 10) { nodes { status copyRegions } } } } }`,
      { p: cluster.groupId, c: cluster.name },
    );
    expect(errors).toBeUndefined();
    const { backupSchedule, snapshots } = data!.project.cluster;
    expect(backupSchedule).toEqual({
      copyPolicyItemsEnabled: false,
      copySettings: [{ regionName: 'EU_CENTRAL_1', lastNumberOfSnapshots: 3, frequencies: [], copyPolicyItems: [] }],
    });
    expect(snapshots.nodes.slice(0, 3).map((s) => s.copyRegions)).toEqual([
      ['EU_CENTRAL_1'],
      ['EU_CENTRAL_1'],
      ['EU_CENTRAL_1'],
    ]);
    expect(snapshots.nodes.slice(3).every((s) => s.copyRegions.length === 0)).toBe(true);
  });

  it('costs one call per cluster across a project, beside the cluster list', async () => {
    const project = DEMO.projects.payments;
    const { data, errors } = await stack.query<{ project: { clusters: { nodes: Json[] } } }>(
      `query ($p: ObjectId!) { project(id: $p) { clusters(first: 50) { nodes { name backupEnabled backupSchedule { nextSnapshotAt } } } } }`,
      { p: project.id },
    );
    expect(errors).toBeUndefined();
    const clusters = data!.project.clusters.nodes;
    const asked = clusters.filter((c) => c.backupEnabled !== false).length;
    const calls = stack.simulator.calls.map((c) => c.operationId);
    expect(calls.filter((c) => c === 'getBackupSchedule')).toHaveLength(asked);
    expect(calls.filter((c) => c !== 'getBackupSchedule')).toEqual(['getGroup', 'listClusters']);
  });
});
