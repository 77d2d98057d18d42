// POST/DELETE operations: they create or cancel objects in the store, answer with spec-valid bodies
// and enforce the version media type on Content-Type as well as Accept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, JOB_TIMINGS, startSimulator, type AtlasSimulator } from '../../src/simulator/index.js';
import {
  REALISTIC_PREFIX,
  asObject,
  callOp,
  createValidator,
  operation,
  results,
  type SpecValidator,
} from './helpers.js';

const pay = DEMO.clusters.paymentsProd;
const params = { groupId: pay.groupId, clusterName: pay.name };
const legacy = DEMO.legacy.cluster;

describe('simulator mutations', () => {
  let sim: AtlasSimulator;
  let validator: SpecValidator;

  beforeAll(async () => {
    // A clock that stands still: created jobs keep their first state until a test moves it.
    sim = await startSimulator({ clock: { mode: 'manual' } });
    validator = createValidator({ closed: true });
  });
  afterAll(async () => {
    await sim.close();
  });

  function expectValid(operationId: string, body: unknown): Record<string, unknown> {
    const schema = operation(operationId).responseSchema ?? '';
    expect(validator.errors(schema, body)).toEqual([]);
    return asObject(body);
  }

  it('POST requires Content-Type equal to the version media type', async () => {
    const body = { description: 'x', retentionInDays: 1 };
    const noType = await callOp(sim.url, 'takeSnapshots', params, '', { body, contentType: 'application/json' });
    expect(noType.status).toBe(406);
    expect(asObject(noType.body)['errorCode']).toBe('INVALID_VERSION_DATE');
    expect(sim.data.snapshots.filter((s) => s.value.description === 'x').length).toBe(0);
    const withCharset = await callOp(sim.url, 'takeSnapshots', params, '', {
      body,
      contentType: `${operation('takeSnapshots').mediaType}; charset=utf-8`,
    });
    expect(withCharset.status).toBe(200);
  });

  it('takeSnapshots creates a queued on-demand snapshot listed first', async () => {
    // The previous test's snapshot is still queued: a second one is refused until it completes.
    const refusedWhileQueued = await callOp(sim.url, 'takeSnapshots', params, '', { body: {} });
    expect(refusedWhileQueued.status).toBe(400);
    expect(validator.errors('ApiError', refusedWhileQueued.body)).toEqual([]);
    expect(asObject(refusedWhileQueued.body)['errorCode']).toBe('ON_DEMAND_SNAPSHOT_IN_PROGRESS');
    sim.clock.advance(JOB_TIMINGS.snapshot.completedAfterMs);
    const res = await callOp(sim.url, 'takeSnapshots', params, '', {
      body: { description: 'Before release 42', retentionInDays: 3 },
    });
    expect(res.status).toBe(200);
    const snap = expectValid('takeSnapshots', res.body);
    expect(snap).toMatchObject({
      status: 'queued',
      snapshotType: 'onDemand',
      frequencyType: 'ondemand',
      description: 'Before release 42',
      type: 'replicaSet',
    });
    expect(Date.parse(String(snap['expiresAt'])) - Date.parse(String(snap['createdAt']))).toBe(3 * 86_400_000);
    const list = results((await callOp(sim.url, 'listBackupSnapshots', params, 'itemsPerPage=1')).body);
    expect(list[0]?.['id']).toBe(snap['id']);
    const fetched = await callOp(sim.url, 'getClusterBackupSnapshot', { ...params, snapshotId: String(snap['id']) });
    expect(asObject(fetched.body)['description']).toBe('Before release 42');

    const ledger = DEMO.clusters.paymentsLedger;
    const sharded = await callOp(sim.url, 'takeSnapshots', { groupId: ledger.groupId, clusterName: ledger.name }, '', {
      body: {},
    });
    expect(expectValid('takeSnapshots', sharded.body)['type']).toBe('shardedCluster');
    expect((asObject(sharded.body)['members'] as unknown[]).length).toBe(3);

    const noBackup = DEMO.clusters.paymentsReporting;
    const refused = await callOp(
      sim.url,
      'takeSnapshots',
      { groupId: noBackup.groupId, clusterName: noBackup.name },
      '',
      { body: {} },
    );
    expect(refused.status).toBe(400);
    expect(asObject(refused.body)['errorCode']).toBe('FEATURE_UNSUPPORTED');
  });

  it('takeSnapshots takes any int32 retention: the largest expires at the last four-digit date, one more is refused', async () => {
    sim.clock.advance(JOB_TIMINGS.snapshot.completedAfterMs);
    const tooFar = await callOp(sim.url, 'takeSnapshots', params, '', { body: { retentionInDays: 2 ** 31 } });
    expect(tooFar.status).toBe(400);
    expect(asObject(tooFar.body)['errorCode']).toBe('INVALID_ATTRIBUTE');
    // It answered 500 (a date past what a Date holds).
    const far = await callOp(sim.url, 'takeSnapshots', params, '', { body: { retentionInDays: 2 ** 31 - 1 } });
    expect(far.status, JSON.stringify(far.body)).toBe(200);
    expect(expectValid('takeSnapshots', far.body)['expiresAt']).toBe('9999-12-31T23:59:59Z');
  });
  it('createBackupRestoreJob creates jobs of each delivery type and validates the request', async () => {
    const automated = await callOp(sim.url, 'createBackupRestoreJob', params, '', {
      body: {
        deliveryType: 'automated',
        snapshotId: DEMO.snapshots.completed.id,
        targetGroupId: DEMO.projects.analytics.id,
        targetClusterName: DEMO.clusters.analyticsWarehouse.name,
      },
    });
    expect(automated.status, JSON.stringify(automated.body)).toBe(200);
    const job = expectValid('createBackupRestoreJob', automated.body);
    expect(job).toMatchObject({
      deliveryType: 'automated',
      cancelled: false,
      failed: false,
      expired: false,
      snapshotId: DEMO.snapshots.completed.id,
    });
    expect(job).not.toHaveProperty('finishedAt');
    const got = await callOp(sim.url, 'getBackupRestoreJob', { ...params, restoreJobId: String(job['id']) });
    expect(asObject(got.body)['id']).toBe(job['id']);

    const download = await callOp(sim.url, 'createBackupRestoreJob', params, '', {
      body: { deliveryType: 'download', snapshotId: DEMO.snapshots.completed.id },
    });
    expect(expectValid('createBackupRestoreJob', download.body)['deliveryUrl']).toEqual([]);

    const pit = await callOp(sim.url, 'createBackupRestoreJob', params, '', {
      body: {
        deliveryType: 'pointInTime',
        pointInTimeUTCSeconds: 1_787_000_000,
        targetGroupId: pay.groupId,
        targetClusterName: DEMO.clusters.paymentsReporting.name,
      },
    });
    expect(expectValid('createBackupRestoreJob', pit.body)['pointInTimeUTCSeconds']).toBe(1_787_000_000);

    const bad: [unknown, number, string][] = [
      [{}, 400, 'MISSING_ATTRIBUTE'],
      [{ deliveryType: 'teleport' }, 400, 'INVALID_ATTRIBUTE'],
      [{ deliveryType: 'download' }, 400, 'MISSING_ATTRIBUTE'],
      [{ deliveryType: 'download', snapshotId: DEMO.snapshots.failed.id }, 400, 'INVALID_ATTRIBUTE'],
      [{ deliveryType: 'download', snapshotId: DEMO.snapshots.sharded.id }, 404, 'RESOURCE_NOT_FOUND'],
      [
        {
          deliveryType: 'automated',
          snapshotId: DEMO.snapshots.completed.id,
          targetGroupId: pay.groupId,
          targetClusterName: 'ghost',
        },
        404,
        'CLUSTER_NOT_FOUND',
      ],
      [
        {
          deliveryType: 'automated',
          snapshotId: DEMO.snapshots.completed.id,
          targetGroupId: 'f'.repeat(24),
          targetClusterName: 'x',
        },
        404,
        'GROUP_NOT_FOUND',
      ],
      [
        { deliveryType: 'pointInTime', targetGroupId: pay.groupId, targetClusterName: pay.name },
        400,
        'MISSING_ATTRIBUTE',
      ],
      // int32 in the spec: one past its largest value is not a valid attribute.
      [
        {
          deliveryType: 'pointInTime',
          pointInTimeUTCSeconds: 2 ** 31,
          targetGroupId: pay.groupId,
          targetClusterName: DEMO.clusters.paymentsReporting.name,
        },
        400,
        'INVALID_ATTRIBUTE',
      ],
    ];
    for (const [body, status, errorCode] of bad) {
      const res = await callOp(sim.url, 'createBackupRestoreJob', params, '', { body });
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(validator.errors('ApiError', res.body)).toEqual([]);
      expect(asObject(res.body)['errorCode']).toBe(errorCode);
    }
  });

  it('cancelBackupRestoreJob cancels running jobs, expires finished downloads, refuses finished restores', async () => {
    const jobs = DEMO.restoreJobs;
    const cancel = (id: string) => callOp(sim.url, 'cancelBackupRestoreJob', { ...params, restoreJobId: id });
    const get = async (id: string) =>
      asObject((await callOp(sim.url, 'getBackupRestoreJob', { ...params, restoreJobId: id })).body);

    const running = await cancel(jobs.inProgress.id);
    expect(running.status).toBe(204);
    expect(running.body).toBeUndefined();
    expect(await get(jobs.inProgress.id)).toMatchObject({ cancelled: true });

    expect((await cancel(jobs.download.id)).status).toBe(204);
    expect(await get(jobs.download.id)).toMatchObject({ expired: true, deliveryUrl: [] });

    const finished = await cancel(jobs.automated.id);
    expect(finished.status).toBe(405);
    expect(asObject(finished.body)['errorCode']).toBe('BACKUP_RESTORE_JOB_NOT_CANCELLABLE');
    expect(validator.errors('ApiError', finished.body)).toEqual([]);
    expect(await get(jobs.automated.id)).toMatchObject({ cancelled: false });

    const missing = await cancel('e'.repeat(24));
    expect(missing.status).toBe(404);
    expect(asObject(missing.body)['errorCode']).toBe('RESOURCE_NOT_FOUND');
    expect(sim.callCount({ operationId: 'cancelBackupRestoreJob', method: 'DELETE' })).toBe(4);
  });

  it('createBackupExport queues an export with a realistic prefix', async () => {
    const res = await callOp(sim.url, 'createBackupExport', params, '', {
      body: {
        snapshotId: DEMO.snapshots.completed.id,
        exportBucketId: DEMO.exportBuckets.paymentsGcp.id,
        customData: [{ key: 'reason', value: 'audit' }],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const job = expectValid('createBackupExport', res.body);
    expect(job).toMatchObject({
      state: 'Queued',
      exportBucketId: DEMO.exportBuckets.paymentsGcp.id,
      customData: [{ key: 'reason', value: 'audit' }],
    });
    expect(job['prefix']).toMatch(REALISTIC_PREFIX);
    expect(String(job['prefix'])).toContain(`/${DEMO.projects.payments.name}/${pay.name}/`);
    const list = results((await callOp(sim.url, 'listBackupExports', params)).body);
    expect(list[0]?.['id']).toBe(job['id']);

    // A bucket of another project is not usable here.
    const foreign = await callOp(sim.url, 'createBackupExport', params, '', {
      body: { snapshotId: DEMO.snapshots.completed.id, exportBucketId: DEMO.exportBuckets.analyticsAws.id },
    });
    expect(foreign.status).toBe(404);
    const missing = await callOp(sim.url, 'createBackupExport', params, '', {
      body: { snapshotId: DEMO.snapshots.completed.id },
    });
    expect(asObject(missing.body)).toMatchObject({ errorCode: 'MISSING_ATTRIBUTE', parameters: ['exportBucketId'] });
  });

  it('createClusterRestoreJob (legacy) makes one job per checkpoint part sharing a batchId', async () => {
    const lp = { groupId: legacy.groupId, clusterName: legacy.name };
    const res = await callOp(sim.url, 'createClusterRestoreJob', lp, '', {
      body: {
        checkpointId: DEMO.legacy.checkpoint.id,
        delivery: { methodName: 'HTTP', expirationHours: 24, maxDownloads: 2 },
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const created = results(expectValid('createClusterRestoreJob', res.body));
    expect(created.length).toBe(3);
    const batchId = String(created[0]?.['batchId']);
    expect(created.every((j) => j['batchId'] === batchId && j['statusName'] === 'IN_PROGRESS')).toBe(true);
    const listed = results((await callOp(sim.url, 'listClusterRestoreJobs', lp, `batchId=${batchId}`)).body);
    expect(listed.map((j) => j['id'])).toEqual(created.map((j) => j['id']));

    const onCloudCluster = await callOp(sim.url, 'createClusterRestoreJob', params, '', {
      body: { checkpointId: DEMO.legacy.checkpoint.id, delivery: { methodName: 'HTTP' } },
    });
    expect(asObject(onCloudCluster.body)['errorCode']).toBe('FEATURE_UNSUPPORTED');
  });

  it('createClusterRestoreJob (legacy) restores from a snapshotId, a point in time or an oplog position too', async () => {
    // BackupRestoreJob requires only `delivery`; its sources are checkpointId, snapshotId,
    // pointInTimeUTCMillis and oplogTs with oplogInc.
    const lp = { groupId: legacy.groupId, clusterName: legacy.name };
    const http = { methodName: 'HTTP' };
    const create = (body: Record<string, unknown>) => callOp(sim.url, 'createClusterRestoreJob', lp, '', { body });
    const checkpoints = results((await callOp(sim.url, 'listClusterBackupCheckpoints', lp)).body);
    const restorableMs = checkpoints
      .filter((c) => c['restorable'] === true)
      .map((c) => Date.parse(String(c['timestamp'])));
    const newestMs = Math.max(...restorableMs);
    const oldestMs = Math.min(...restorableMs);

    const bySnapshot = await create({ snapshotId: DEMO.legacy.checkpoint.id, delivery: http });
    expect(bySnapshot.status, JSON.stringify(bySnapshot.body)).toBe(200);
    const snapshotJobs = results(expectValid('createClusterRestoreJob', bySnapshot.body));
    expect(snapshotJobs.length).toBe(3);
    expect(snapshotJobs.every((j) => j['snapshotId'] === DEMO.legacy.checkpoint.id)).toBe(true);

    const pointMs = newestMs + 60_000;
    const byPoint = await create({ pointInTimeUTCMillis: pointMs, delivery: http });
    expect(byPoint.status, JSON.stringify(byPoint.body)).toBe(200);
    const pointJobs = results(expectValid('createClusterRestoreJob', byPoint.body));
    expect(pointJobs.length).toBe(3);
    expect(new Set(pointJobs.map((j) => j['batchId'])).size).toBe(1);
    for (const job of pointJobs) {
      expect(Date.parse(String(asObject(job['timestamp'])['date']))).toBe(pointMs);
    }

    const oplogTs = new Date(newestMs + 120_000).toISOString();
    const byOplog = await create({ oplogTs, oplogInc: 3, delivery: http });
    expect(byOplog.status, JSON.stringify(byOplog.body)).toBe(200);
    for (const job of results(expectValid('createClusterRestoreJob', byOplog.body))) {
      expect(Date.parse(String(asObject(job['timestamp'])['date']))).toBe(newestMs + 120_000);
    }

    // Refusals: one source at a time, oplogTs with oplogInc, a point Atlas can restore to.
    const refusals: [Record<string, unknown>, string, string][] = [
      [{}, 'MISSING_ATTRIBUTE', 'checkpointId'],
      [
        { snapshotId: DEMO.legacy.checkpoint.id, pointInTimeUTCMillis: pointMs },
        'INVALID_ATTRIBUTE',
        'pointInTimeUTCMillis',
      ],
      [{ oplogTs }, 'MISSING_ATTRIBUTE', 'oplogInc'],
      [{ oplogInc: 3 }, 'MISSING_ATTRIBUTE', 'oplogTs'],
      [{ oplogTs: 'yesterday', oplogInc: 3 }, 'INVALID_ATTRIBUTE', 'oplogTs'],
      [{ pointInTimeUTCMillis: oldestMs - 60_000 }, 'INVALID_ATTRIBUTE', 'pointInTimeUTCMillis'],
      [{ pointInTimeUTCMillis: 1_000 }, 'INVALID_ATTRIBUTE', 'pointInTimeUTCMillis'],
    ];
    for (const [source, errorCode, field] of refusals) {
      const res = await create({ ...source, delivery: http });
      expect(asObject(res.body), JSON.stringify(source)).toMatchObject({ error: 400, errorCode, parameters: [field] });
    }
  });

  it('createServerlessRestoreJob and createFlexRestoreJob', async () => {
    const sl = { groupId: DEMO.serverless.groupId, clusterName: DEMO.serverless.instanceName };
    const s = await callOp(sim.url, 'createServerlessRestoreJob', sl, '', {
      body: {
        deliveryType: 'automated',
        snapshotId: DEMO.serverless.snapshotId,
        targetGroupId: sl.groupId,
        targetClusterName: DEMO.serverless.otherInstanceName,
      },
    });
    expect(s.status, JSON.stringify(s.body)).toBe(200);
    expect(expectValid('createServerlessRestoreJob', s.body)['snapshotId']).toBe(DEMO.serverless.snapshotId);

    const fp = { groupId: DEMO.flex.groupId, name: DEMO.flex.name };
    const f = await callOp(sim.url, 'createFlexRestoreJob', fp, '', {
      body: {
        snapshotId: DEMO.flex.snapshotId,
        targetDeploymentItemName: pay.name,
        targetProjectId: pay.groupId,
      },
    });
    expect(f.status, JSON.stringify(f.body)).toBe(200);
    expect(expectValid('createFlexRestoreJob', f.body)).toMatchObject({
      status: 'PENDING',
      deliveryType: 'RESTORE',
      instanceName: DEMO.flex.name,
      targetProjectId: pay.groupId,
    });
    expect(results((await callOp(sim.url, 'listFlexRestoreJobs', fp)).body)[0]?.['id']).toBe(asObject(f.body)['id']);
  });

  it('createFlexRestoreJob: targetProjectId is optional (the source project), the target name follows the spec', async () => {
    // FlexBackupRestoreJobCreate20241113 requires only snapshotId and targetDeploymentItemName (notes §11).
    const fp = { groupId: DEMO.flex.groupId, name: DEMO.flex.name };
    const sameProject = await callOp(sim.url, 'createFlexRestoreJob', fp, '', {
      body: { snapshotId: DEMO.flex.snapshotId, targetDeploymentItemName: DEMO.flex.name },
    });
    expect(sameProject.status, JSON.stringify(sameProject.body)).toBe(200);
    expect(expectValid('createFlexRestoreJob', sameProject.body)).toMatchObject({
      projectId: DEMO.flex.groupId,
      targetProjectId: DEMO.flex.groupId,
      targetDeploymentItemName: DEMO.flex.name,
    });
    // The spec's pattern (^[\p{L}\p{N}\-_.(),:&@+']{1,64}$) admits names the cluster-name pattern does not:
    // such a name is looked up (no deployment has it here), not refused as malformed.
    for (const name of ['analytics_flex', 'café.(eu)', "o'brien:1"]) {
      const res = await callOp(sim.url, 'createFlexRestoreJob', fp, '', {
        body: { snapshotId: DEMO.flex.snapshotId, targetDeploymentItemName: name },
      });
      expect(asObject(res.body), name).toMatchObject({ error: 404, errorCode: 'CLUSTER_NOT_FOUND' });
    }
    for (const name of ['a/b', 'x'.repeat(65), 'semi;colon']) {
      const res = await callOp(sim.url, 'createFlexRestoreJob', fp, '', {
        body: { snapshotId: DEMO.flex.snapshotId, targetDeploymentItemName: name },
      });
      expect(asObject(res.body), name).toMatchObject({
        error: 400,
        errorCode: 'INVALID_ATTRIBUTE',
        parameters: ['targetDeploymentItemName'],
      });
    }
  });

  it('malformed JSON bodies are 400', async () => {
    const res = await fetch(`${sim.url}/api/atlas/v2/groups/${pay.groupId}/clusters/${pay.name}/backup/snapshots`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${DEMO.token}`,
        Accept: operation('takeSnapshots').mediaType,
        'Content-Type': operation('takeSnapshots').mediaType,
      },
      body: '{not json',
    });
    expect(res.status).toBe(400);
    expect(validator.errors('ApiError', await res.json())).toEqual([]);
  });
});
