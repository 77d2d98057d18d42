// The seed: deterministic, internally consistent, and covering every state the gateway renders.
import { describe, expect, it } from 'vitest';
import { DEMO, addRestoreJobs, createSeedData, startSimulator } from '../../src/simulator/index.js';
import { callOp, results } from './helpers.js';

const HEX24 = /^[a-f0-9]{24}$/;

function collectIds(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => collectIds(n, out));
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (/(^id$|^_id$|Id$|Ids$)/.test(key) && key !== 'endpointId' && key !== 'tenantId') {
        for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') out.push(v);
      }
      collectIds(value, out);
    }
  }
  return out;
}

describe('seed data', () => {
  it('is deterministic: two seeds are deep-equal, and independent objects', () => {
    const a = createSeedData();
    const b = createSeedData();
    expect(a).toEqual(b);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    a.projects.pop();
    expect(b.projects.length).toBe(3);
  });

  it('has the documented counts', () => {
    const d = createSeedData();
    expect(d.projects.length).toBe(3);
    for (const p of d.projects) {
      const n = d.clusters.filter((c) => c.value.groupId === p.id).length;
      expect(n).toBeGreaterThanOrEqual(2);
      expect(n).toBeLessThanOrEqual(4);
    }
    expect(d.clusters.length).toBe(8);
    for (const c of d.clusters.filter((x) => x.backup === 'cloud')) {
      const n = d.snapshots.filter((s) => s.clusterName === c.value.name && s.groupId === c.value.groupId).length;
      expect(n).toBeGreaterThanOrEqual(5);
      expect(n).toBeLessThanOrEqual(25);
    }
    expect(d.snapshots.length).toBe(25 + 8 + 12 + 5 + 6);
    expect(d.restoreJobs.length).toBe(13);
    expect(d.exportJobs.length).toBe(7);
    expect(d.exportBuckets.length).toBe(7);
    expect(d.legacyCheckpoints.length).toBe(12);
    expect(d.legacyRestoreJobs.length).toBe(14);
    expect(d.serverlessInstances.length).toBe(3);
    expect(d.serverlessSnapshots.length).toBe(11);
    expect(d.serverlessRestoreJobs.length).toBe(2);
    expect(d.flexClusters.length).toBe(3);
    expect(d.flexSnapshots.length).toBe(6 + 8 + 5);
    expect(d.flexRestoreJobs.length).toBe(2 + 4 + 1);
    for (const p of d.projects) {
      // A serverless instance migrated to Flex is one deployment under one name: counted once.
      const names = new Set([
        ...d.clusters.filter((c) => c.value.groupId === p.id).map((c) => c.value.name),
        ...d.serverlessInstances.filter((s) => s.groupId === p.id).map((s) => s.name),
        ...d.flexClusters.filter((f) => f.groupId === p.id).map((f) => f.name),
      ]);
      expect(p.clusterCount).toBe(names.size);
    }
    expect(d.projects.map((p) => p.clusterCount)).toEqual([3, 6, 4]);
  });

  it('uses 24-hex ids only, unique per object, and fixed timestamps', () => {
    const d = createSeedData();
    const ids = collectIds(d);
    expect(ids.length).toBeGreaterThan(200);
    for (const id of ids) expect(id).toMatch(HEX24);
    const own = [
      ...d.projects.map((p) => p.id),
      ...d.clusters.map((c) => c.value.id),
      ...d.snapshots.map((s) => s.value.id),
      ...d.restoreJobs.map((j) => j.value.id),
      ...d.exportJobs.map((e) => e.value.id),
      ...d.exportBuckets.map((b) => b.value._id),
      ...d.legacyCheckpoints.map((c) => c.value.id),
      ...d.legacyRestoreJobs.map((j) => j.value.id),
      ...d.serverlessInstances.map((s) => s.id),
      ...d.serverlessSnapshots.map((s) => s.value.id),
      ...d.serverlessRestoreJobs.map((j) => j.value.id),
      ...d.flexClusters.map((f) => f.id),
      ...d.flexSnapshots.map((s) => s.value.id),
      ...d.flexRestoreJobs.map((j) => j.value.id),
    ];
    expect(new Set(own).size).toBe(own.length);
    const stamps = JSON.stringify(d).match(/"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"/g) ?? [];
    expect(stamps.length).toBeGreaterThan(100);
    for (const s of stamps) expect(s.startsWith('"20')).toBe(true);
  });

  it('cross-references resolve', () => {
    const d = createSeedData();
    const snapshotOf = (groupId: string, clusterName: string, id: string | undefined): boolean =>
      d.snapshots.some((s) => s.groupId === groupId && s.clusterName === clusterName && s.value.id === id);
    const deploymentExists = (groupId: string | undefined, name: string | undefined): boolean =>
      d.clusters.some((c) => c.value.groupId === groupId && c.value.name === name) ||
      d.serverlessInstances.some((s) => s.groupId === groupId && s.name === name) ||
      d.flexClusters.some((f) => f.groupId === groupId && f.name === name);
    for (const j of d.restoreJobs) {
      if (j.value.snapshotId !== undefined) expect(snapshotOf(j.groupId, j.clusterName, j.value.snapshotId)).toBe(true);
      if (j.value.deliveryType !== 'download')
        expect(deploymentExists(j.value.targetGroupId, j.value.targetClusterName)).toBe(true);
    }
    for (const e of d.exportJobs) {
      expect(snapshotOf(e.groupId, e.clusterName, e.value.snapshotId)).toBe(true);
      expect(d.exportBuckets.some((b) => b.groupId === e.groupId && b.value._id === e.value.exportBucketId)).toBe(true);
    }
    for (const j of d.legacyRestoreJobs) {
      expect(
        d.legacyCheckpoints.some((c) => c.clusterName === j.clusterName && c.value.id === j.value.checkpointId),
      ).toBe(true);
      expect(j.value.groupId).toBe(j.groupId);
      expect(j.value.clusterName).toBe(j.clusterName);
      if (j.value.delivery.methodName === 'AUTOMATED_RESTORE') {
        expect(deploymentExists(j.value.delivery.targetGroupId, j.value.delivery.targetClusterName)).toBe(true);
      }
    }
    for (const j of d.serverlessRestoreJobs) {
      expect(
        d.serverlessSnapshots.some((s) => s.clusterName === j.clusterName && s.value.id === j.value.snapshotId),
      ).toBe(true);
      expect(deploymentExists(j.value.targetGroupId, j.value.targetClusterName)).toBe(true);
    }
    for (const j of d.flexRestoreJobs) {
      expect(d.flexSnapshots.some((s) => s.clusterName === j.clusterName && s.value.id === j.value.snapshotId)).toBe(
        true,
      );
      expect(deploymentExists(j.value.targetProjectId, j.value.targetDeploymentItemName)).toBe(true);
    }
    for (const s of d.snapshots) {
      for (const policyItem of s.value.policyItems ?? []) {
        const schedule = d.backupSchedules.find((x) => x.groupId === s.groupId && x.clusterName === s.clusterName);
        const items = schedule?.value.policies.flatMap((p) => p.policyItems.map((i) => i.id)) ?? [];
        expect(items).toContain(policyItem);
      }
    }
    // The cross-project restore really targets another project.
    const cross = d.restoreJobs.find((j) => j.value.id === DEMO.restoreJobs.crossProject.id);
    expect(cross?.value.targetGroupId).not.toBe(cross?.groupId);
    const own = d.restoreJobs.find((j) => j.value.id === DEMO.restoreJobs.inProgress.id);
    expect(own?.value.targetClusterName).toBe(own?.clusterName);
    expect(own?.value.finishedAt).toBeUndefined();
  });

  it('covers every state and some 64-bit sizes', () => {
    const d = createSeedData();
    expect(new Set(d.snapshots.map((s) => s.value.status))).toEqual(new Set(['inProgress', 'completed', 'failed']));
    expect(new Set(d.snapshots.map((s) => s.value.frequencyType))).toEqual(
      new Set(['hourly', 'daily', 'weekly', 'monthly', 'yearly', 'ondemand']),
    );
    expect(new Set(d.snapshots.map((s) => s.value.type))).toEqual(new Set(['replicaSet', 'shardedCluster']));
    expect(new Set(d.snapshots.map((s) => s.value.cloudProvider ?? s.value.members?.[0]?.cloudProvider))).toEqual(
      new Set(['AWS', 'GCP', 'AZURE']),
    );
    expect(new Set(d.restoreJobs.map((j) => j.value.deliveryType))).toEqual(
      new Set(['automated', 'download', 'pointInTime']),
    );
    expect(d.restoreJobs.some((j) => j.value.failed === true)).toBe(true);
    expect(d.restoreJobs.some((j) => j.value.cancelled === true)).toBe(true);
    expect(d.restoreJobs.some((j) => j.value.expired === true)).toBe(true);
    expect(
      d.restoreJobs.some(
        (j) =>
          j.value.deliveryType === 'download' &&
          j.value.finishedAt !== undefined &&
          (j.value.deliveryUrl ?? []).length > 0,
      ),
    ).toBe(true);
    expect(new Set(d.exportJobs.map((e) => e.value.state))).toEqual(
      new Set(['Queued', 'InProgress', 'Successful', 'Failed', 'Cancelled']),
    );
    expect(new Set(d.exportBuckets.map((b) => b.value.cloudProvider))).toEqual(new Set(['AWS', 'AZURE', 'GCP']));
    expect(new Set(d.legacyRestoreJobs.map((j) => j.value.statusName))).toEqual(
      new Set(['IN_PROGRESS', 'FINISHED', 'BROKEN', 'KILLED']),
    );
    expect(new Set(d.legacyRestoreJobs.map((j) => j.value.delivery.methodName))).toEqual(
      new Set(['AUTOMATED_RESTORE', 'HTTP']),
    );
    const sizes = [...d.snapshots, ...d.serverlessSnapshots].map((s) => s.value.storageSizeBytes ?? 0);
    expect(sizes.some((n) => n > 2 ** 32)).toBe(true);
    expect(d.serverlessSnapshots.some((s) => (s.value.storageSizeBytes ?? 0) > 2 ** 31)).toBe(true);
    expect(sizes.every((n) => Number.isSafeInteger(n) && n >= 0)).toBe(true);
  });

  it('DEMO ids point at seeded objects', () => {
    const d = createSeedData();
    for (const p of Object.values(DEMO.projects)) expect(d.projects.find((x) => x.id === p.id)?.name).toBe(p.name);
    for (const c of Object.values(DEMO.clusters)) {
      expect(d.clusters.find((x) => x.value.id === c.id)?.value).toMatchObject({ groupId: c.groupId, name: c.name });
    }
    const owned = <T extends { id?: string }>(
      list: { groupId: string; clusterName: string; value: T }[],
      ref: { groupId: string; clusterName: string; id: string },
    ): boolean =>
      list.some((x) => x.groupId === ref.groupId && x.clusterName === ref.clusterName && x.value.id === ref.id);
    for (const s of Object.values(DEMO.snapshots)) expect(owned(d.snapshots, s)).toBe(true);
    for (const j of Object.values(DEMO.restoreJobs)) expect(owned(d.restoreJobs, j)).toBe(true);
    for (const e of Object.values(DEMO.exports)) expect(owned(d.exportJobs, e)).toBe(true);
    for (const b of Object.values(DEMO.exportBuckets))
      expect(d.exportBuckets.some((x) => x.groupId === b.groupId && x.value._id === b.id)).toBe(true);
    expect(owned(d.legacyCheckpoints, DEMO.legacy.checkpoint)).toBe(true);
    expect(owned(d.legacyRestoreJobs, DEMO.legacy.restoreJob)).toBe(true);
    expect(d.legacyRestoreJobs.filter((j) => j.value.batchId === DEMO.legacy.restoreBatchId).length).toBe(3);
    expect(
      d.serverlessSnapshots.some(
        (s) => s.value.id === DEMO.serverless.snapshotId && s.clusterName === DEMO.serverless.instanceName,
      ),
    ).toBe(true);
    expect(d.flexSnapshots.some((s) => s.value.id === DEMO.flex.snapshotId)).toBe(true);
    expect(d.flexRestoreJobs.some((j) => j.value.id === DEMO.flex.restoreJobId)).toBe(true);
    expect(d.restoreJobs.find((j) => j.value.id === DEMO.restoreJobs.expired.id)?.value.expired).toBe(true);
  });

  it('addRestoreJobs appends deterministic jobs the simulator serves', async () => {
    const pay = DEMO.clusters.paymentsProd;
    const a = createSeedData();
    const b = createSeedData();
    const idsA = addRestoreJobs(a, pay.groupId, pay.name, 300);
    const idsB = addRestoreJobs(b, pay.groupId, pay.name, 300);
    expect(idsA).toEqual(idsB);
    expect(a).toEqual(b);
    expect(new Set(idsA).size).toBe(300);
    const more = addRestoreJobs(a, pay.groupId, pay.name, 30);
    expect(more.some((id) => idsA.includes(id))).toBe(false);
    expect(() => addRestoreJobs(a, pay.groupId, 'ghost', 1)).toThrow(/no cluster/);

    const sim = await startSimulator({ data: a });
    try {
      const res = await callOp(
        sim.url,
        'listBackupRestoreJobs',
        { groupId: pay.groupId, clusterName: pay.name },
        'itemsPerPage=500&pageNum=1',
      );
      expect((res.body as { totalCount: number }).totalCount).toBe(8 + 330);
      expect(results(res.body).length).toBe(338);
      expect(sim.data).toBe(a);
    } finally {
      await sim.close();
    }
  });
});
