// The demo data for the Atlas of today: Flex clusters whose snapshots and restore jobs show every
// status and delivery, and backup schedules on every cloud-backed dedicated cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, createSeedData, startSimulator, type AtlasSimulator } from '../../src/simulator/index.js';
import { asObject, callOp, createValidator, results, type SpecValidator } from './helpers.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const SEED_INSTANT = Date.parse('2026-08-20T12:00:00Z');
const STATUSES = ['PENDING', 'QUEUED', 'RUNNING', 'FAILED', 'COMPLETED'];

type Json = Record<string, unknown>;

describe('Flex demo data', () => {
  let sim: AtlasSimulator;
  let validator: SpecValidator;
  const snapshots: (Json & { cluster: string; groupId: string })[] = [];
  const jobs: (Json & { cluster: string; groupId: string })[] = [];

  beforeAll(async () => {
    sim = await startSimulator();
    validator = createValidator({ closed: true });
    for (const flex of Object.values(DEMO.flex.clusters)) {
      const params = { groupId: flex.groupId, name: flex.name };
      const snaps = await callOp(sim.url, 'listFlexBackupSnapshots', params, 'itemsPerPage=500');
      expect(validator.errors('PaginatedApiAtlasFlexBackupSnapshot20241113', snaps.body)).toEqual([]);
      for (const s of results(snaps.body)) snapshots.push({ ...s, cluster: flex.name, groupId: flex.groupId });
      const restores = await callOp(sim.url, 'listFlexRestoreJobs', params, 'itemsPerPage=500');
      expect(validator.errors('PaginatedApiAtlasFlexBackupRestoreJob20241113', restores.body)).toEqual([]);
      for (const j of results(restores.body)) jobs.push({ ...j, cluster: flex.name, groupId: flex.groupId });
    }
  });
  afterAll(async () => {
    await sim.close();
  });

  it('has three Flex clusters in two projects, each valid', async () => {
    const clusters = Object.values(DEMO.flex.clusters);
    expect(clusters.map((c) => c.name)).toEqual(['analytics-flex', 'analytics-clickstream', 'inventory-catalog']);
    expect(new Set(clusters.map((c) => c.groupId))).toEqual(
      new Set([DEMO.projects.analytics.id, DEMO.projects.inventory.id]),
    );
    for (const c of clusters) {
      const res = await callOp(sim.url, 'getFlexCluster', { groupId: c.groupId, name: c.name });
      expect(res.status).toBe(200);
      expect(validator.errors('FlexClusterDescription20241113', res.body)).toEqual([]);
      expect(asObject(res.body)).toMatchObject({
        id: c.id,
        clusterType: 'REPLICASET',
        stateName: 'IDLE',
        backupSettings: { enabled: true },
        providerSettings: { providerName: 'FLEX', diskSizeGB: 5 },
      });
    }
    // The first Flex cluster is still the one DEMO.flex has always named.
    expect(DEMO.flex.clusters.analytics).toEqual({
      groupId: DEMO.flex.groupId,
      name: DEMO.flex.name,
      id: DEMO.flex.id,
    });
  });

  it('has snapshots in every status, each cluster with snapshots', () => {
    expect(new Set(snapshots.map((s) => s['status']))).toEqual(new Set(STATUSES));
    for (const c of Object.values(DEMO.flex.clusters)) {
      expect(snapshots.filter((s) => s.cluster === c.name).length).toBeGreaterThanOrEqual(5);
    }
    expect(snapshots.length).toBe(19);
  });

  it('takes snapshots daily and lets them expire 8 days after scheduledTime', () => {
    for (const c of Object.values(DEMO.flex.clusters)) {
      const times = snapshots.filter((s) => s.cluster === c.name).map((s) => Date.parse(String(s['scheduledTime'])));
      // Newest first, one a day, none scheduled after the seed instant.
      for (let i = 1; i < times.length; i++) expect((times[i - 1] ?? 0) - (times[i] ?? 0)).toBe(DAY_MS);
      expect(Math.max(...times)).toBeLessThanOrEqual(SEED_INSTANT);
    }
    for (const s of snapshots) {
      expect(Date.parse(String(s['expiration'])) - Date.parse(String(s['scheduledTime']))).toBe(8 * DAY_MS);
      // Still retained at the seed instant.
      expect(Date.parse(String(s['expiration']))).toBeGreaterThan(SEED_INSTANT);
      expect(s['mongoDBVersion']).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });

  it('fills start and finish times by status', () => {
    for (const s of snapshots) {
      const status = String(s['status']);
      const started = ['RUNNING', 'FAILED', 'COMPLETED'].includes(status);
      const finished = ['FAILED', 'COMPLETED'].includes(status);
      expect('startTime' in s, `${status} startTime`).toBe(started);
      expect('finishTime' in s, `${status} finishTime`).toBe(finished);
      if (started) expect(Date.parse(String(s['startTime']))).toBeGreaterThan(Date.parse(String(s['scheduledTime'])));
      if (finished) expect(Date.parse(String(s['finishTime']))).toBeGreaterThan(Date.parse(String(s['startTime'])));
    }
  });

  it('has restore jobs in every status and both delivery types', () => {
    expect(new Set(jobs.map((j) => j['status']))).toEqual(new Set(STATUSES));
    expect(new Set(jobs.map((j) => j['deliveryType']))).toEqual(new Set(['RESTORE', 'DOWNLOAD']));
    for (const j of jobs) {
      // DOWNLOAD jobs carry the snapshot's url; RESTORE jobs do not.
      if (j['deliveryType'] === 'DOWNLOAD') {
        expect(j['snapshotUrl']).toMatch(
          /^https:\/\/flex-backups\.mongodb\.net\/[a-f0-9]{24}\/[a-z-]+\/[a-f0-9]{24}\.tar\.gz\?sig=[a-f0-9]{40}$/,
        );
      } else {
        expect(j).not.toHaveProperty('snapshotUrl');
      }
      expect(j['instanceName']).toBe(j.cluster);
      expect(j['projectId']).toBe(j.groupId);
      const finished = j['status'] === 'COMPLETED' || j['status'] === 'FAILED';
      expect('restoreFinishedDate' in j, `${String(j['status'])} restoreFinishedDate`).toBe(finished);
      // The source is a completed snapshot of the same cluster, and its finish time is repeated.
      const snap = snapshots.find((s) => s['id'] === j['snapshotId'] && s.cluster === j.cluster);
      expect(snap?.['status']).toBe('COMPLETED');
      expect(j['snapshotFinishedDate']).toBe(snap?.['finishTime']);
      expect(Date.parse(String(j['expirationDate']))).toBeGreaterThan(Date.parse(String(j['restoreScheduledDate'])));
    }
  });

  it('restores onto dedicated clusters, into another project and onto Flex clusters, all of which exist', async () => {
    const dedicated = new Set(Object.values(DEMO.clusters).map((c) => `${c.groupId}/${c.name}`));
    const flex = new Set(Object.values(DEMO.flex.clusters).map((c) => `${c.groupId}/${c.name}`));
    const restores = jobs.filter((j) => j['deliveryType'] === 'RESTORE');
    const target = (j: Json): string => `${String(j['targetProjectId'])}/${String(j['targetDeploymentItemName'])}`;
    expect(restores.some((j) => dedicated.has(target(j)))).toBe(true);
    expect(restores.some((j) => flex.has(target(j)))).toBe(true);
    for (const j of restores) expect(dedicated.has(target(j)) || flex.has(target(j))).toBe(true);

    const cross = asObject(
      (
        await callOp(sim.url, 'getFlexRestoreJob', {
          groupId: DEMO.flex.restoreJobs.crossProject.groupId,
          name: DEMO.flex.restoreJobs.crossProject.clusterName,
          restoreJobId: DEMO.flex.restoreJobs.crossProject.id,
        })
      ).body,
    );
    expect(cross).toMatchObject({
      deliveryType: 'RESTORE',
      status: 'COMPLETED',
      projectId: DEMO.projects.analytics.id,
      targetProjectId: DEMO.projects.inventory.id,
      targetDeploymentItemName: 'inventory-catalog',
    });
    const toDedicated = asObject(
      (
        await callOp(sim.url, 'getFlexRestoreJob', {
          groupId: DEMO.flex.restoreJobs.toDedicated.groupId,
          name: DEMO.flex.restoreJobs.toDedicated.clusterName,
          restoreJobId: DEMO.flex.restoreJobs.toDedicated.id,
        })
      ).body,
    );
    const targetCluster = await callOp(sim.url, 'getCluster', {
      groupId: String(toDedicated['targetProjectId']),
      clusterName: String(toDedicated['targetDeploymentItemName']),
    });
    expect(targetCluster.status).toBe(200);
    expect(DEMO.flex.restoreJobs.toDedicated.id).toBe(DEMO.flex.restoreJobId);
  });

  it('DEMO.flex names a snapshot and a restore job per status, each served by its get operation', async () => {
    for (const [status, ref] of Object.entries(DEMO.flex.snapshots)) {
      const res = await callOp(sim.url, 'getFlexBackupSnapshot', {
        groupId: ref.groupId,
        name: ref.clusterName,
        snapshotId: ref.id,
      });
      expect(res.status).toBe(200);
      expect(validator.errors('FlexBackupSnapshot20241113', res.body)).toEqual([]);
      expect(asObject(res.body)['status']).toBe(status.toUpperCase());
    }
    const expected: Record<string, [string, string]> = {
      pending: ['PENDING', 'DOWNLOAD'],
      queued: ['QUEUED', 'RESTORE'],
      running: ['RUNNING', 'RESTORE'],
      failed: ['FAILED', 'RESTORE'],
      completed: ['COMPLETED', 'RESTORE'],
      download: ['COMPLETED', 'DOWNLOAD'],
      crossProject: ['COMPLETED', 'RESTORE'],
      toDedicated: ['COMPLETED', 'RESTORE'],
    };
    expect(Object.keys(DEMO.flex.restoreJobs).sort()).toEqual(Object.keys(expected).sort());
    for (const [key, ref] of Object.entries(DEMO.flex.restoreJobs)) {
      const res = await callOp(sim.url, 'getFlexRestoreJob', {
        groupId: ref.groupId,
        name: ref.clusterName,
        restoreJobId: ref.id,
      });
      expect(res.status).toBe(200);
      expect(validator.errors('FlexBackupRestoreJob20241113', res.body)).toEqual([]);
      const [status, deliveryType] = expected[key] ?? ['', ''];
      expect(asObject(res.body)).toMatchObject({ status, deliveryType });
    }
    expect(DEMO.flex.snapshots.completed.id).toBe(DEMO.flex.snapshotId);
  });

  it('leaves the dedicated, serverless and export data as it was', () => {
    const d = createSeedData();
    expect(d.clusters.length).toBe(8);
    expect(d.snapshots.length).toBe(56);
    expect(d.restoreJobs.length).toBe(13);
    expect(d.exportJobs.length).toBe(7);
    expect(d.exportBuckets.length).toBe(7);
    expect(d.serverlessSnapshots.length).toBe(11);
    expect(d.serverlessRestoreJobs.length).toBe(2);
    // The two serverless instances that were there come first and have all the serverless backups.
    expect(d.serverlessInstances.map((s) => s.name)).toEqual([
      DEMO.serverless.instanceName,
      DEMO.serverless.otherInstanceName,
      DEMO.serverless.migrated.name,
    ]);
    expect(d.serverlessSnapshots.every((s) => s.clusterName !== DEMO.serverless.migrated.name)).toBe(true);
  });
});

describe('backup schedules', () => {
  let sim: AtlasSimulator;
  let validator: SpecValidator;

  beforeAll(async () => {
    sim = await startSimulator();
    validator = createValidator({ closed: true });
  });
  afterAll(async () => {
    await sim.close();
  });

  const cloudClusters = createSeedData()
    .clusters.filter((c) => c.backup === 'cloud')
    .map((c) => ({ groupId: c.value.groupId ?? '', clusterName: c.value.name ?? '', id: c.value.id ?? '' }));

  async function schedule(params: { groupId: string; clusterName: string }): Promise<Json> {
    const res = await callOp(sim.url, 'getBackupSchedule', params);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(validator.errors('DiskBackupSnapshotSchedule20240805', res.body)).toEqual([]);
    return asObject(res.body);
  }

  it('every cloud-backed cluster has a valid schedule with an item of every frequency', async () => {
    expect(cloudClusters.map((c) => c.clusterName)).toEqual([
      'payments-prod',
      'payments-ledger',
      'analytics-warehouse',
      'analytics-sandbox',
      'inventory-api',
    ]);
    for (const c of cloudClusters) {
      const s = await schedule(c);
      expect(s).toMatchObject({ clusterId: c.id, clusterName: c.clusterName });
      const policies = s['policies'] as { id: string; policyItems: Json[] }[];
      expect(policies).toHaveLength(1);
      const items = policies[0]?.policyItems ?? [];
      expect(items.map((i) => i['frequencyType'])).toEqual(['hourly', 'daily', 'weekly', 'monthly', 'yearly']);
      for (const i of items) {
        expect(i['id']).toMatch(/^[a-f0-9]{24}$/);
        expect(i['frequencyInterval']).toBeGreaterThan(0);
        expect(['days', 'weeks', 'months', 'years']).toContain(i['retentionUnit']);
        expect(i['retentionValue']).toBeGreaterThan(0);
      }
      // The next snapshot is after the seed instant and within the hourly interval.
      const next = Date.parse(String(s['nextSnapshot']));
      expect(next).toBeGreaterThan(SEED_INSTANT);
      expect(next - SEED_INSTANT).toBeLessThanOrEqual(Number(items[0]?.['frequencyInterval']) * 60 * 60 * 1000);
      expect(s['restoreWindowDays']).toBeGreaterThan(0);
      expect(typeof s['referenceHourOfDay']).toBe('number');
      expect(typeof s['referenceMinuteOfHour']).toBe('number');
    }
  });

  it('the schedules differ, and several copy snapshots to another region', async () => {
    const all = await Promise.all(cloudClusters.map(schedule));
    expect(new Set(all.map((s) => s['restoreWindowDays'])).size).toBeGreaterThan(1);
    expect(new Set(all.map((s) => s['referenceHourOfDay'])).size).toBeGreaterThan(2);
    const copying = all.filter((s) => (s['copySettings'] as unknown[]).length > 0);
    expect(copying.map((s) => s['clusterName'])).toEqual(['payments-prod', 'analytics-warehouse', 'inventory-api']);
    // One copies its newest snapshots by number, which Atlas allows only without frequencies and policy items.
    const byNumber = copying.filter((s) => s['copyPolicyItemsEnabled'] === false);
    expect(byNumber.map((s) => s['copySettings'])).toEqual([
      [
        {
          cloudProvider: 'AWS',
          regionName: 'EU_CENTRAL_1',
          zoneId: expect.stringMatching(/^[a-f0-9]{24}$/),
          lastNumberOfSnapshots: 3,
          shouldCopyOplogs: false,
        },
      ],
    ]);
    for (const s of copying.filter((c) => !byNumber.includes(c))) {
      expect(s).toMatchObject({ autoCopySettingsEnabled: true, copyPolicyItemsEnabled: true });
      const [copy] = s['copySettings'] as Json[];
      const policyIds = (s['policies'] as { policyItems: Json[] }[])[0]?.policyItems.map((i) => i['id']);
      const copyItems = copy?.['copyPolicyItems'] as Json[];
      expect(copyItems.length).toBeGreaterThan(0);
      for (const item of copyItems) expect(policyIds).toContain(item['id']);
      expect(copy?.['frequencies']).toEqual(copyItems.map((i) => String(i['frequencyType']).toUpperCase()));
      expect(copy?.['zoneId']).toMatch(/^[a-f0-9]{24}$/);
    }
    const payments = all.find((s) => s['clusterName'] === 'payments-prod');
    expect(payments).toMatchObject({
      restoreWindowDays: 7,
      autoExportEnabled: true,
      export: { exportBucketId: DEMO.exportBuckets.paymentsAws.id, frequencyType: 'monthly' },
      copySettings: [{ cloudProvider: 'AWS', regionName: 'US_WEST_2', shouldCopyOplogs: true }],
    });
    const ledger = all.find((s) => s['clusterName'] === 'payments-ledger');
    expect(ledger).toMatchObject({ extraRetentionSettings: [{ frequencyType: 'MONTHLY', retentionDays: 730 }] });
    expect(all.filter((s) => s['autoExportEnabled'] === true)).toHaveLength(1);
  });

  it('a cluster without cloud backup still answers 404 BACKUP_CONFIG_NOT_FOUND', async () => {
    for (const c of [DEMO.clusters.paymentsReporting, DEMO.legacy.cluster]) {
      const res = await callOp(sim.url, 'getBackupSchedule', { groupId: c.groupId, clusterName: c.name });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        detail: `No backup configuration exists for cluster ${c.name}.`,
        error: 404,
        errorCode: 'BACKUP_CONFIG_NOT_FOUND',
        parameters: [c.name],
        reason: 'Not Found',
      });
      expect(res.headers.get('x-error-code')).toBe('BACKUP_CONFIG_NOT_FOUND');
    }
  });
});
