// Jobs created through POST move through their states on the simulator's clock (progress.ts): a manual clock
// stands still until the test moves it. Also what Atlas answers for conflicts (409), refusals (400) and
// cancels it does not allow (405), the Flex download, the faults that lose a processed request's answer,
// and a token without a write role.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO, JOB_TIMINGS, startSimulator, type AtlasSimulator } from '../../src/simulator/index.js';
import { asObject, callOp, createValidator, operation, results, type SpecValidator } from './helpers.js';

const pay = DEMO.clusters.paymentsProd;
const params = { groupId: pay.groupId, clusterName: pay.name };
const flexParams = { groupId: DEMO.flex.groupId, name: DEMO.flex.name };
const START = Date.UTC(2026, 10, 1, 9, 0, 0);

describe('created jobs on a manual clock', () => {
  let sim: AtlasSimulator;
  let validator: SpecValidator;
  beforeAll(async () => {
    sim = await startSimulator({ clock: { mode: 'manual', startMs: START } });
    validator = createValidator({ closed: true });
  });
  afterAll(() => sim.close());

  const valid = (operationId: string, body: unknown) => {
    expect(validator.errors(operation(operationId).responseSchema ?? '', body)).toEqual([]);
    return asObject(body);
  };
  const get = async (operationId: string, p: Record<string, string>) =>
    asObject((await callOp(sim.url, operationId, p)).body);

  it('stamps created objects with the clock, in their fields and in their ObjectId', async () => {
    expect(sim.clock).toMatchObject({ mode: 'manual' });
    expect(sim.clock.now()).toBe(START);
    const res = await callOp(sim.url, 'takeSnapshots', params, '', { body: { description: 'clock' } });
    const snap = valid('takeSnapshots', res.body);
    expect(snap['createdAt']).toBe('2026-11-01T09:00:00Z');
    expect(parseInt(String(snap['id']).slice(0, 8), 16)).toBe(START / 1000);
    expect(() => sim.clock.set(START - 1)).toThrow(/backwards/);
  });

  it('moves an on-demand snapshot from queued to inProgress to completed, and refuses a second one meanwhile', async () => {
    const id = String(
      results((await callOp(sim.url, 'listBackupSnapshots', params, 'itemsPerPage=1')).body)[0]?.['id'],
    );
    const status = async () => get('getClusterBackupSnapshot', { ...params, snapshotId: id });
    expect(await status()).toMatchObject({ status: 'queued', storageSizeBytes: 0 });
    const second = await callOp(sim.url, 'takeSnapshots', params, '', { body: {} });
    expect(second.status).toBe(400);
    expect(validator.errors('ApiError', second.body)).toEqual([]);
    expect(asObject(second.body)).toMatchObject({
      errorCode: 'ON_DEMAND_SNAPSHOT_IN_PROGRESS',
      parameters: [pay.name, id],
    });

    sim.clock.advance(JOB_TIMINGS.snapshot.inProgressAfterMs - 1);
    expect(await status()).toMatchObject({ status: 'queued' });
    sim.clock.advance(1);
    expect(await status()).toMatchObject({ status: 'inProgress' });
    sim.clock.advance(JOB_TIMINGS.snapshot.completedAfterMs);
    const done = valid('getClusterBackupSnapshot', await status());
    expect(done['status']).toBe('completed');
    expect(Number(done['storageSizeBytes'])).toBeGreaterThan(0);
  });

  it('finishes a restore after a minute, and holds its target until then (409)', async () => {
    const body = {
      deliveryType: 'automated',
      snapshotId: DEMO.snapshots.completed.id,
      targetGroupId: DEMO.clusters.analyticsSandbox.groupId,
      targetClusterName: DEMO.clusters.analyticsSandbox.name,
    };
    const job = valid(
      'createBackupRestoreJob',
      (await callOp(sim.url, 'createBackupRestoreJob', params, '', { body })).body,
    );
    const busy = await callOp(sim.url, 'createBackupRestoreJob', params, '', { body });
    expect(busy.status).toBe(409);
    expect(validator.errors('ApiError', busy.body)).toEqual([]);
    expect(asObject(busy.body)).toMatchObject({
      error: 409,
      reason: 'Conflict',
      errorCode: 'CLUSTER_RESTORE_IN_PROGRESS',
      parameters: [DEMO.clusters.analyticsSandbox.name, job['id']],
    });
    sim.clock.advance(JOB_TIMINGS.restore.finishedAfterMs);
    const finished = await get('getBackupRestoreJob', { ...params, restoreJobId: String(job['id']) });
    // Created 65 s after the start (the snapshot test moved the clock), finished a minute later.
    expect(finished['finishedAt']).toBe('2026-11-01T09:02:05Z');
    expect((await callOp(sim.url, 'createBackupRestoreJob', params, '', { body })).status).toBe(200);
    sim.clock.advance(JOB_TIMINGS.restore.finishedAfterMs);
  });

  it('publishes a download restore URL when it finishes, and expires it an hour later', async () => {
    const created = await callOp(sim.url, 'createBackupRestoreJob', params, '', {
      body: { deliveryType: 'download', snapshotId: DEMO.snapshots.completed.id },
    });
    const id = String(asObject(created.body)['id']);
    const job = async () => get('getBackupRestoreJob', { ...params, restoreJobId: id });
    expect(await job()).toMatchObject({ deliveryUrl: [] });
    sim.clock.advance(JOB_TIMINGS.restore.finishedAfterMs);
    const ready = valid('getBackupRestoreJob', await job());
    expect(ready['deliveryUrl']).toEqual([expect.stringMatching(new RegExp(`^https://restore-${id}\\.`))]);
    expect(Date.parse(String(ready['expiresAt'])) - Date.parse(String(ready['finishedAt']))).toBe(
      JOB_TIMINGS.restore.downloadValidMs,
    );
    sim.clock.advance(JOB_TIMINGS.restore.downloadValidMs);
    expect(await job()).toMatchObject({ expired: true, deliveryUrl: [] });
  });

  it('refuses to cancel a finished restore or a running sharded one (405)', async () => {
    const finished = await callOp(sim.url, 'cancelBackupRestoreJob', {
      ...params,
      restoreJobId: DEMO.restoreJobs.automated.id,
    });
    expect(finished.status).toBe(405);
    expect(validator.errors('ApiError', finished.body)).toEqual([]);
    expect(asObject(finished.body)).toMatchObject({
      reason: 'Method Not Allowed',
      errorCode: 'BACKUP_RESTORE_JOB_NOT_CANCELLABLE',
    });

    const ledger = { groupId: DEMO.clusters.paymentsLedger.groupId, clusterName: DEMO.clusters.paymentsLedger.name };
    const running = await callOp(sim.url, 'createBackupRestoreJob', ledger, '', {
      body: {
        deliveryType: 'automated',
        snapshotId: DEMO.snapshots.sharded.id,
        targetGroupId: ledger.groupId,
        targetClusterName: ledger.clusterName,
      },
    });
    const sharded = await callOp(sim.url, 'cancelBackupRestoreJob', {
      ...ledger,
      restoreJobId: String(asObject(running.body)['id']),
    });
    expect(sharded.status).toBe(405);
    expect(asObject(sharded.body)['errorCode']).toBe('ATLAS_BACKUP_CANCEL_SHARD_RESTORE_JOB_NOT_ALLOWED');
    sim.clock.advance(JOB_TIMINGS.restore.finishedAfterMs);
  });

  it('counts an export up to its collections, refusing a second export of the same snapshot to the same bucket (409)', async () => {
    const body = { snapshotId: DEMO.snapshots.completed.id, exportBucketId: DEMO.exportBuckets.paymentsGcp.id };
    const id = String(asObject((await callOp(sim.url, 'createBackupExport', params, '', { body })).body)['id']);
    const again = await callOp(sim.url, 'createBackupExport', params, '', { body });
    expect(again.status).toBe(409);
    expect(asObject(again.body)['errorCode']).toBe('EXPORT_ALREADY_IN_PROGRESS');
    const job = async () => get('getBackupExport', { ...params, exportId: id });
    sim.clock.advance(JOB_TIMINGS.export.inProgressAfterMs);
    expect(await job()).toMatchObject({ state: 'InProgress', exportStatus: { exportedCollections: 0 } });
    sim.clock.advance((JOB_TIMINGS.export.successfulAfterMs - JOB_TIMINGS.export.inProgressAfterMs) / 2);
    const half = asObject((await job())['exportStatus']);
    expect(Number(half['exportedCollections'])).toBe(Math.floor(Number(half['totalCollections']) / 2));
    sim.clock.advance(JOB_TIMINGS.export.successfulAfterMs);
    const done = valid('getBackupExport', await job());
    expect(done).toMatchObject({
      state: 'Successful',
      exportStatus: { exportedCollections: half['totalCollections'] },
    });
  });

  it('runs a Flex restore PENDING -> QUEUED -> RUNNING -> COMPLETED, and a Flex download to its URL', async () => {
    const restore = await callOp(sim.url, 'createFlexRestoreJob', flexParams, '', {
      body: {
        snapshotId: DEMO.flex.snapshotId,
        targetDeploymentItemName: DEMO.clusters.analyticsSandbox.name,
        targetProjectId: DEMO.clusters.analyticsSandbox.groupId,
      },
    });
    const restoreId = String(valid('createFlexRestoreJob', restore.body)['id']);
    const busy = await callOp(sim.url, 'createFlexRestoreJob', flexParams, '', {
      body: {
        snapshotId: DEMO.flex.snapshotId,
        targetDeploymentItemName: DEMO.clusters.analyticsSandbox.name,
        targetProjectId: DEMO.clusters.analyticsSandbox.groupId,
      },
    });
    expect([busy.status, asObject(busy.body)['errorCode']]).toEqual([409, 'FLEX_RESTORE_IN_PROGRESS']);

    const download = await callOp(sim.url, 'downloadFlexBackup', flexParams, '', {
      body: { snapshotId: DEMO.flex.snapshotId },
    });
    expect(download.status).toBe(200);
    const dl = valid('downloadFlexBackup', download.body);
    expect(dl).toMatchObject({
      deliveryType: 'DOWNLOAD',
      status: 'PENDING',
      instanceName: DEMO.flex.name,
      targetDeploymentItemName: DEMO.flex.name,
    });
    expect(dl).not.toHaveProperty('snapshotUrl');
    const listed = results((await callOp(sim.url, 'listFlexRestoreJobs', flexParams)).body).map((j) => j['id']);
    expect(listed.slice(0, 2)).toEqual([dl['id'], restoreId]);

    const status = async (id: string) => get('getFlexRestoreJob', { ...flexParams, restoreJobId: id });
    const { queuedAfterMs, runningAfterMs, completedAfterMs } = JOB_TIMINGS.flexRestore;
    const states: unknown[] = [];
    for (const step of [0, queuedAfterMs, runningAfterMs - queuedAfterMs, completedAfterMs - runningAfterMs]) {
      sim.clock.advance(step);
      states.push((await status(restoreId))['status']);
    }
    expect(states).toEqual(['PENDING', 'QUEUED', 'RUNNING', 'COMPLETED']);
    expect((await status(restoreId))['restoreFinishedDate']).toEqual(expect.any(String));
    const ready = valid('getFlexRestoreJob', await status(String(dl['id'])));
    expect(ready).toMatchObject({ status: 'COMPLETED' });
    expect(String(ready['snapshotUrl'])).toMatch(/^https:\/\/flex-backups\.mongodb\.net\//);
  });
});

describe('faults that lose the answer of a processed request', () => {
  let sim: AtlasSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ readOnlyTokens: ['read-only-token'] });
  });
  afterAll(() => sim.close());

  it('creates the job, then resets the connection', async () => {
    const before = sim.data.restoreJobs.length;
    sim.faults.set({ script: ['processedThenReset'], match: { method: 'POST' } });
    await expect(
      callOp(sim.url, 'createBackupRestoreJob', params, '', {
        body: { deliveryType: 'download', snapshotId: DEMO.snapshots.completed.id },
      }),
    ).rejects.toThrow();
    expect(sim.data.restoreJobs.length).toBe(before + 1);
    expect(sim.calls.at(-1)).toMatchObject({ method: 'POST', status: 0, fault: 'processedThenReset' });
  });

  it('creates the job, then never answers', async () => {
    const before = sim.data.exportJobs.length;
    sim.faults.set({ script: ['processedThenHang'], match: { method: 'POST' } });
    const held = sim.faults.injected().processedThenHang;
    const aborted = callOp(sim.url, 'createBackupExport', params, '', {
      body: { snapshotId: DEMO.snapshots.onDemand.id, exportBucketId: DEMO.exportBuckets.paymentsGcp.id },
    });
    let outcome = 'waiting';
    aborted.then(
      () => (outcome = 'answered'),
      () => (outcome = 'failed'),
    );
    // Processed (the job is there) and held, however long a loaded machine took to deliver the request...
    await vi.waitFor(() => expect(sim.faults.injected().processedThenHang - held).toBe(1), { timeout: 5_000 });
    expect(sim.data.exportJobs.length).toBe(before + 1);
    // ...and still unanswered a while later.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(outcome).toBe('waiting');
  });

  it('lets a read-only token read but not write (403)', async () => {
    const token = 'read-only-token';
    expect((await callOp(sim.url, 'listBackupRestoreJobs', params, '', { token })).status).toBe(200);
    const refused = await callOp(sim.url, 'takeSnapshots', params, '', { token, body: {} });
    expect(refused.status).toBe(403);
    expect(asObject(refused.body)).toMatchObject({ error: 403, errorCode: 'USER_UNAUTHORIZED', reason: 'Forbidden' });
  });

  it('runs its clock on real time by default', () => {
    expect(sim.clock.mode).toBe('real');
    expect(Math.abs(sim.clock.now() - Date.now())).toBeLessThan(1_000);
  });
});

describe('the demo: seeded jobs in motion', () => {
  it('finishes the seeded running restore on the clock, only when asked to', async () => {
    const moving = await startSimulator({ clock: { mode: 'manual', startMs: START }, seededJobsMove: true });
    const still = await startSimulator({ clock: { mode: 'manual', startMs: START } });
    try {
      const running = DEMO.restoreJobs.inProgress;
      const read = async (sim: AtlasSimulator) =>
        asObject(
          (
            await callOp(sim.url, 'getBackupRestoreJob', {
              groupId: running.groupId,
              clusterName: running.clusterName,
              restoreJobId: running.id,
            })
          ).body,
        );
      expect((await read(moving))['finishedAt']).toBeUndefined();
      moving.clock.advance(2 * 60_000);
      still.clock.advance(2 * 60_000);
      expect((await read(moving))['finishedAt']).toEqual(expect.any(String));
      expect((await read(still))['finishedAt']).toBeUndefined();
    } finally {
      await moving.close();
      await still.close();
    }
  });
});
