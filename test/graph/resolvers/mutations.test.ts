/**
 * Mutations through real HTTP against the simulator, counting the writes it receives: exactly one POST per
 * mutation that reached Atlas, none for input the gateway refuses (a destructive restore unconfirmed), none
 * resent after a fault, a lost answer reconciled from the job list, an idempotency key's repeat answered
 * without a call, every Atlas refusal answered as typed data and every other failure as a GraphQL error, and
 * the created jobs moving through their states on the simulator's clock.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toGlobalId } from '../../../src/graph/ids.js';
import { DEMO, JOB_TIMINGS } from '../../../src/simulator/index.js';
import { restoreExample } from '../../../src/server/gateway.js';
import { atlasRequest, startStack, TEST_TOKEN, type GraphQLResponse, type TestStack } from '../../../support/stack.js';
import { startAtlasProxy } from '../../helpers/atlas-proxy.js';

type Json = Record<string, unknown>;
interface Payload {
  clientMutationId: string | null;
  nodeId: string | null;
  replayed: boolean;
  errors: { code: string; field: string | null; message: string; atlas: Json | null }[];
  [object: string]: unknown;
}

const pay = DEMO.clusters.paymentsProd;
const ledger = DEMO.clusters.paymentsLedger;
const warehouse = DEMO.clusters.analyticsWarehouse;
const sandbox = DEMO.clusters.analyticsSandbox;
const reporting = DEMO.clusters.paymentsReporting;
const flex = DEMO.flex;
const completedSnapshot = DEMO.snapshots.completed.id;

const inputTypes: Record<string, [string, string]> = {
  takeSnapshot: ['TakeSnapshotInput', 'snapshot'],
  startAutomatedRestore: ['StartAutomatedRestoreInput', 'restoreJob'],
  startPointInTimeRestore: ['StartPointInTimeRestoreInput', 'restoreJob'],
  startDownloadRestore: ['StartDownloadRestoreInput', 'restoreJob'],
  cancelRestore: ['CancelRestoreInput', 'restoreJob'],
  startExport: ['StartExportInput', 'export'],
  startFlexRestore: ['StartFlexRestoreInput', 'restoreJob'],
  startFlexDownload: ['StartFlexDownloadInput', 'restoreJob'],
};

const objectFields: Record<string, string> = {
  takeSnapshot: 'id atlasId status snapshotType description storageSizeBytes createdAt',
  cancelRestore: 'id atlasId state cancelled expired deliveryUrl',
  startExport:
    'id atlasId state exportStatus { exportedCollections totalCollections } customData { key value } finishedAt',
  startFlexRestore: 'id atlasId status deliveryType targetProjectId targetDeploymentName finishedAt',
  startFlexDownload: 'id atlasId status deliveryType snapshotUrl expiresAt',
};
const restoreFields =
  'id atlasId state deliveryType snapshotId targetProjectId targetClusterName pointInTimeUTCSeconds oplogTs oplogInc deliveryUrl finishedAt';

function documentOf(mutation: string, extra = ''): string {
  const [inputType, object] = inputTypes[mutation] ?? ['', ''];
  const fields = objectFields[mutation] ?? restoreFields;
  return `mutation Write($input: ${inputType}!) {
    ${mutation}(input: $input) {
      clientMutationId nodeId replayed
      errors { code field message atlas { operation status errorCode detail } }
      ${object} { ${fields} ${extra} }
    }
  }`;
}

/** Runs one mutation; answers its payload, the whole response, and the writes the simulator received for it. */
async function write(stack: TestStack, mutation: string, input: Json, extra = '') {
  const sim = stack.simulator;
  const before = { posts: sim.callCount({ method: 'POST' }), deletes: sim.callCount({ method: 'DELETE' }) };
  const response = await stack.query<Record<string, Payload | null>>(documentOf(mutation, extra), { input });
  return {
    response,
    payload: response.data?.[mutation] ?? null,
    posts: sim.callCount({ method: 'POST' }) - before.posts,
    deletes: sim.callCount({ method: 'DELETE' }) - before.deletes,
  };
}

const automated = (overrides: Json = {}): Json => ({
  projectId: pay.groupId,
  clusterName: pay.name,
  snapshotId: completedSnapshot,
  targetProjectId: warehouse.groupId,
  targetClusterName: warehouse.name,
  confirmTargetClusterName: warehouse.name,
  ...overrides,
});

function errorCodes(response: GraphQLResponse): unknown[] {
  return (response.errors ?? []).map((error) => error.extensions?.['code']);
}

describe('mutations on a simulator whose clock the test moves', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ simulator: { clock: { mode: 'manual' } }, gateway: { mutations: true } });
  });
  afterAll(() => stack.close());

  it('takes a snapshot with one POST; the payload, the same operation and the next one show it; the clock completes it', async () => {
    const { payload, posts, response } = await write(
      stack,
      'takeSnapshot',
      {
        clientMutationId: 'snap-1',
        projectId: pay.groupId,
        clusterName: pay.name,
        description: 'before 7.2',
        retentionInDays: 3,
      },
      // A follow-up in the same operation: the cluster's list, read after the write, starts with it.
      'cluster { snapshots(first: 1) { nodes { atlasId } } }',
    );
    expect(response.errors).toBeUndefined();
    expect(posts).toBe(1);
    const snapshot = payload?.['snapshot'] as Json & { cluster: { snapshots: { nodes: Json[] } } };
    expect(payload).toMatchObject({ clientMutationId: 'snap-1', replayed: false, errors: [] });
    expect(snapshot).toMatchObject({ status: 'QUEUED', snapshotType: 'ON_DEMAND', description: 'before 7.2' });
    expect(payload?.nodeId).toBe(snapshot['id']);
    expect(payload?.nodeId).toBe(toGlobalId('Snapshot', pay.groupId, pay.name, String(snapshot['atlasId'])));
    expect(snapshot.cluster.snapshots.nodes[0]?.['atlasId']).toBe(snapshot['atlasId']);

    const status = async () => {
      const { data } = await stack.query<{ node: Json }>(
        'query ($id: ID!) { node(id: $id) { ... on Snapshot { status storageSizeBytes } } }',
        { id: payload?.nodeId },
      );
      return data?.node;
    };
    expect(await status()).toMatchObject({ status: 'QUEUED', storageSizeBytes: 0 });
    // A second on-demand snapshot while the first is queued: Atlas refuses it (a POST, answered as data).
    const second = await write(stack, 'takeSnapshot', { projectId: pay.groupId, clusterName: pay.name });
    expect(second.posts).toBe(1);
    expect(second.payload).toMatchObject({
      snapshot: null,
      nodeId: null,
      errors: [{ code: 'REFUSED', atlas: { status: 400, errorCode: 'ON_DEMAND_SNAPSHOT_IN_PROGRESS' } }],
    });
    stack.simulator.clock.advance(JOB_TIMINGS.snapshot.inProgressAfterMs);
    expect(await status()).toMatchObject({ status: 'IN_PROGRESS' });
    stack.simulator.clock.advance(JOB_TIMINGS.snapshot.completedAfterMs);
    const done = await status();
    expect(done?.['status']).toBe('COMPLETED');
    expect(Number(done?.['storageSizeBytes'])).toBeGreaterThan(0);
  });

  it("names the customer key of a cluster encrypted with its own keys on the snapshot it takes, as Atlas's do", async () => {
    const callsBefore = stack.simulator.calls.length;
    const { payload, response } = await write(
      stack,
      'takeSnapshot',
      { projectId: ledger.groupId, clusterName: ledger.name },
      'masterKeyUUID configServerType members { replicaSetName } cluster { encryptionAtRestProvider snapshots(first: 3) { nodes { masterKeyUUID } } }',
    );
    expect(response.errors).toBeUndefined();
    // A sharded cluster's snapshot: takeSnapshots answers its members itself, so no sharded view is asked.
    expect(payload?.['snapshot']).toMatchObject({ configServerType: 'DEDICATED' });
    expect(((payload?.['snapshot'] as Json)['members'] as Json[]).length).toBe(3);
    expect(stack.simulator.calls.slice(callsBefore).map((c) => c.operationId)).not.toContain('getBackupShardedCluster');
    const snapshot = payload?.['snapshot'] as Json & { cluster: Json & { snapshots: { nodes: Json[] } } };
    expect(snapshot['masterKeyUUID']).toEqual(expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-/));
    expect(snapshot.cluster['encryptionAtRestProvider']).toBe('AWS');
    // The same key as the cluster's scheduled snapshots.
    expect(new Set(snapshot.cluster.snapshots.nodes.map((n) => n['masterKeyUUID']))).toEqual(
      new Set([snapshot['masterKeyUUID']]),
    );
  });

  it('copies a snapshot taken through the API as its schedule says: by number yes, by frequency not', async () => {
    const api = DEMO.clusters.inventoryApi;
    const byNumber = await write(
      stack,
      'takeSnapshot',
      { projectId: api.groupId, clusterName: api.name },
      'copyRegions',
    );
    const byFrequency = await write(
      stack,
      'takeSnapshot',
      { projectId: warehouse.groupId, clusterName: warehouse.name },
      'copyRegions',
    );
    expect([byNumber, byFrequency].map((w) => (w.payload?.['snapshot'] as Json | null)?.['copyRegions'])).toEqual([
      ['EU_CENTRAL_1'],
      [],
    ]);
  });

  it('refuses an unconfirmed or misconfirmed destructive restore before any call', async () => {
    stack.simulator.resetCalls();
    const missing = await write(stack, 'startAutomatedRestore', automated({ confirmTargetClusterName: null }));
    const wrong = await write(stack, 'startAutomatedRestore', automated({ confirmTargetClusterName: sandbox.name }));
    const pit = await write(stack, 'startPointInTimeRestore', {
      projectId: pay.groupId,
      clusterName: pay.name,
      pointInTime: '2026-08-19T10:00:00Z',
      targetClusterName: reporting.name,
    });
    const flexRestore = await write(stack, 'startFlexRestore', {
      projectId: flex.groupId,
      flexClusterName: flex.name,
      snapshotId: flex.snapshotId,
      targetDeploymentName: sandbox.name,
      confirmTargetDeploymentName: 'analytics-sandbox-2',
    });
    for (const { payload, posts } of [missing, wrong, pit, flexRestore]) {
      expect(posts).toBe(0);
      expect(payload?.errors[0]?.code).toBe('CONFIRMATION_REQUIRED');
    }
    expect(missing.payload?.errors[0]).toMatchObject({ field: 'confirmTargetClusterName', atlas: null });
    expect(missing.payload?.errors[0]?.message).toContain('replaces all data on "analytics-warehouse"');
    expect(flexRestore.payload?.errors[0]?.field).toBe('confirmTargetDeploymentName');
    // No call of any kind: refused before the loaders or the writer were touched.
    expect(stack.simulator.calls).toEqual([]);
  });

  it('refuses invalid input before any call', async () => {
    stack.simulator.resetCalls();
    // Each case: the mutation, its input, the field named, and what the message says (when it matters).
    const cases: [string, Json, string, RegExp?][] = [
      [
        'startPointInTimeRestore',
        {
          projectId: pay.groupId,
          clusterName: pay.name,
          targetClusterName: reporting.name,
          confirmTargetClusterName: reporting.name,
        },
        'pointInTime',
        /^Give the point to restore to, as pointInTime or as oplog$/,
      ],
      [
        'startPointInTimeRestore',
        {
          projectId: pay.groupId,
          clusterName: pay.name,
          pointInTime: '2026-08-19T10:00:00Z',
          oplog: { timestamp: 1_787_000_000, increment: 1 },
          targetClusterName: reporting.name,
          confirmTargetClusterName: reporting.name,
        },
        'pointInTime',
        /not both$/,
      ],
      [
        'startPointInTimeRestore',
        {
          projectId: pay.groupId,
          clusterName: pay.name,
          oplog: { timestamp: 1_787_000_000, increment: 0 },
          targetClusterName: reporting.name,
          confirmTargetClusterName: reporting.name,
        },
        'oplog',
      ],
      ['takeSnapshot', { projectId: pay.groupId, clusterName: pay.name, retentionInDays: 0 }, 'retentionInDays'],
      ['takeSnapshot', { projectId: pay.groupId, clusterName: pay.name, idempotencyKey: '' }, 'idempotencyKey'],
      // A blank key is a client's empty text field, not a key: two different requests would share it.
      ['takeSnapshot', { projectId: pay.groupId, clusterName: pay.name, idempotencyKey: '   ' }, 'idempotencyKey'],
      [
        'startExport',
        {
          projectId: pay.groupId,
          clusterName: pay.name,
          snapshotId: completedSnapshot,
          exportBucketId: DEMO.exportBuckets.paymentsGcp.id,
          customData: [{ key: '', value: 'x' }],
        },
        'customData',
      ],
      [
        'startExport',
        {
          projectId: pay.groupId,
          clusterName: pay.name,
          snapshotId: completedSnapshot,
          exportBucketId: DEMO.exportBuckets.paymentsGcp.id,
          customData: [{ key: ' ', value: 'x' }],
        },
        'customData',
      ],
    ];
    for (const [mutation, input, field, message] of cases) {
      const { payload, posts } = await write(stack, mutation, input);
      expect(posts, mutation).toBe(0);
      expect(payload?.errors, JSON.stringify(input)).toEqual([
        expect.objectContaining({ code: 'INVALID_INPUT', field, atlas: null }),
      ]);
      if (message) expect(payload?.errors[0]?.message).toMatch(message);
    }
    // A malformed id never reaches a resolver: GraphQL's own validation, BAD_USER_INPUT.
    const badId = await write(stack, 'startDownloadRestore', {
      projectId: 'nope',
      clusterName: pay.name,
      snapshotId: completedSnapshot,
    });
    expect(errorCodes(badId.response)).toEqual(['BAD_USER_INPUT']);
    // A point in time that is no real instant, or has no offset (the server's time zone would decide it),
    // is refused as a variable and as a literal; Date.parse alone reads each of them as some instant.
    for (const pointInTime of [
      '2026-02-31T06:00:00Z',
      '2026-11-30T05:00:00',
      'Tuesday, 1 September 2026',
      '2026-11-30T24:00:00Z',
    ]) {
      const input = { ...automated(), pointInTime, snapshotId: undefined, targetProjectId: undefined };
      const asVariable = await write(stack, 'startPointInTimeRestore', input);
      expect(errorCodes(asVariable.response), pointInTime).toEqual(['BAD_USER_INPUT']);
      expect(asVariable.response.errors?.[0]?.message).toContain(`DateTime must be a valid ISO 8601 date and time`);
      const asLiteral = await stack.query(`mutation {
        startPointInTimeRestore(input: { projectId: "${pay.groupId}", clusterName: "${pay.name}",
          pointInTime: "${pointInTime}", targetClusterName: "${reporting.name}",
          confirmTargetClusterName: "${reporting.name}" }) { errors { code } }
      }`);
      expect(errorCodes(asLiteral), pointInTime).toEqual(['BAD_USER_INPUT']);
    }
    expect(stack.simulator.calls).toEqual([]);
  });

  it('restores into another project with one POST; follow-ups show the job, the clock finishes it, a second restore into the busy target conflicts', async () => {
    const { payload, posts, response } = await write(
      stack,
      'startAutomatedRestore',
      automated({ clientMutationId: 'r-1' }),
      'targetCluster { name project { atlasId } } cluster { restoreJobs(first: 1) { nodes { atlasId } } }',
    );
    expect(response.errors).toBeUndefined();
    expect(posts).toBe(1);
    const job = payload?.['restoreJob'] as Json & {
      targetCluster: Json & { project: Json };
      cluster: { restoreJobs: { nodes: Json[] } };
    };
    expect(job).toMatchObject({
      state: 'IN_PROGRESS',
      deliveryType: 'AUTOMATED',
      snapshotId: completedSnapshot,
      targetProjectId: warehouse.groupId,
      targetCluster: { name: warehouse.name, project: { atlasId: warehouse.groupId } },
    });
    expect(job.cluster.restoreJobs.nodes[0]?.['atlasId']).toBe(job['atlasId']);

    // The next operation, as a dashboard refetches it.
    const list = async () =>
      (
        await stack.query<{ project: { cluster: { restoreJobs: { nodes: Json[] } } } }>(
          'query ($p: ObjectId!, $c: ClusterName!) { project(id: $p) { cluster(name: $c) { restoreJobs(first: 2) { nodes { atlasId state finishedAt } } } } }',
          { p: pay.groupId, c: pay.name },
        )
      ).data?.project.cluster.restoreJobs.nodes[0];
    expect(await list()).toMatchObject({ atlasId: job['atlasId'], state: 'IN_PROGRESS', finishedAt: null });

    const busy = await write(stack, 'startAutomatedRestore', automated());
    expect(busy.posts).toBe(1);
    expect(busy.payload?.errors).toEqual([
      expect.objectContaining({
        code: 'CONFLICT',
        field: 'targetClusterName',
        atlas: expect.objectContaining({ status: 409 }),
      }),
    ]);

    stack.simulator.clock.advance(JOB_TIMINGS.restore.finishedAfterMs);
    expect(await list()).toMatchObject({ atlasId: job['atlasId'], state: 'FINISHED' });
  });

  it('restores to a point in time by timestamp and by oplog position, as Atlas needs them', async () => {
    const byTime = await write(stack, 'startPointInTimeRestore', {
      projectId: pay.groupId,
      clusterName: pay.name,
      pointInTime: '2026-08-19T10:00:30.900Z',
      targetClusterName: reporting.name,
      confirmTargetClusterName: reporting.name,
    });
    expect(byTime.posts).toBe(1);
    expect(byTime.payload?.['restoreJob']).toMatchObject({
      deliveryType: 'POINT_IN_TIME',
      pointInTimeUTCSeconds: Date.UTC(2026, 7, 19, 10, 0, 30) / 1000,
      targetProjectId: pay.groupId,
    });
    stack.simulator.clock.advance(JOB_TIMINGS.restore.finishedAfterMs);
    const byOplog = await write(stack, 'startPointInTimeRestore', {
      projectId: pay.groupId,
      clusterName: pay.name,
      oplog: { timestamp: 1_787_000_000, increment: 7 },
      targetClusterName: reporting.name,
      confirmTargetClusterName: reporting.name,
    });
    expect(byOplog.posts).toBe(1);
    expect(byOplog.payload?.['restoreJob']).toMatchObject({ oplogTs: 1_787_000_000, oplogInc: 7 });
    stack.simulator.clock.advance(JOB_TIMINGS.restore.finishedAfterMs);
  });

  it('starts a download whose URL appears on the clock, then cancels it (one DELETE), which revokes the URL', async () => {
    const started = await write(stack, 'startDownloadRestore', {
      projectId: pay.groupId,
      clusterName: pay.name,
      snapshotId: completedSnapshot,
    });
    expect(started.posts).toBe(1);
    const job = started.payload?.['restoreJob'] as Json;
    expect(job).toMatchObject({ deliveryType: 'DOWNLOAD', state: 'IN_PROGRESS', deliveryUrl: [] });
    stack.simulator.clock.advance(JOB_TIMINGS.restore.finishedAfterMs);
    const { data } = await stack.query<{ node: Json }>(
      'query ($id: ID!) { node(id: $id) { ... on CloudBackupRestoreJob { state deliveryUrl expiresAt } } }',
      { id: job['id'] },
    );
    expect(data?.node['state']).toBe('FINISHED');
    expect((data?.node['deliveryUrl'] as string[])[0]).toMatch(/^https:\/\/restore-/);

    const cancelled = await write(stack, 'cancelRestore', {
      clientMutationId: 'c-1',
      projectId: pay.groupId,
      clusterName: pay.name,
      restoreJobId: job['atlasId'],
    });
    expect([cancelled.posts, cancelled.deletes]).toEqual([0, 1]);
    expect(cancelled.payload).toMatchObject({
      clientMutationId: 'c-1',
      nodeId: job['id'],
      errors: [],
      restoreJob: { state: 'EXPIRED', expired: true, deliveryUrl: [] },
    });
  });

  it('cancels a running restore; Atlas refusing to cancel is NOT_CANCELLABLE', async () => {
    const running = await write(
      stack,
      'startAutomatedRestore',
      automated({
        targetClusterName: sandbox.name,
        targetProjectId: sandbox.groupId,
        confirmTargetClusterName: sandbox.name,
      }),
    );
    const id = (running.payload?.['restoreJob'] as Json)['atlasId'];
    const cancel = (clusterName: string, restoreJobId: unknown, projectId: string = pay.groupId) =>
      write(stack, 'cancelRestore', { projectId, clusterName, restoreJobId });
    const cancelled = await cancel(pay.name, id);
    expect(cancelled.deletes).toBe(1);
    expect(cancelled.payload?.['restoreJob']).toMatchObject({ state: 'CANCELLED', cancelled: true });

    const finished = await cancel(pay.name, DEMO.restoreJobs.automated.id);
    expect(finished.deletes).toBe(1);
    expect(finished.payload).toMatchObject({
      restoreJob: null,
      errors: [{ code: 'NOT_CANCELLABLE', atlas: { status: 405, errorCode: 'BACKUP_RESTORE_JOB_NOT_CANCELLABLE' } }],
    });

    // A sharded cluster's restore cannot be cancelled while it runs (the spec's own 405 example).
    const shardedRun = await write(stack, 'startAutomatedRestore', {
      projectId: ledger.groupId,
      clusterName: ledger.name,
      snapshotId: DEMO.snapshots.sharded.id,
      targetClusterName: ledger.name,
      confirmTargetClusterName: ledger.name,
    });
    const sharded = await cancel(ledger.name, (shardedRun.payload?.['restoreJob'] as Json)['atlasId'], ledger.groupId);
    expect(sharded.payload?.errors[0]).toMatchObject({
      code: 'NOT_CANCELLABLE',
      atlas: { errorCode: 'ATLAS_BACKUP_CANCEL_SHARD_RESTORE_JOB_NOT_ALLOWED' },
    });
    stack.simulator.clock.advance(JOB_TIMINGS.restore.finishedAfterMs);
  });

  it('exports a snapshot with custom data; the export counts its collections on the clock; a second export of it conflicts', async () => {
    const input = {
      projectId: pay.groupId,
      clusterName: pay.name,
      snapshotId: completedSnapshot,
      exportBucketId: DEMO.exportBuckets.paymentsGcp.id,
      customData: [{ key: 'ticket', value: 'OPS-7' }],
    };
    const started = await write(stack, 'startExport', input);
    expect(started.posts).toBe(1);
    const job = started.payload?.['export'] as Json;
    expect(job).toMatchObject({ state: 'QUEUED', customData: [{ key: 'ticket', value: 'OPS-7' }] });
    const again = await write(stack, 'startExport', input);
    expect(again.payload?.errors[0]).toMatchObject({ code: 'CONFLICT', atlas: { status: 409 } });

    const progress = async () =>
      (
        await stack.query<{ node: Json }>(
          'query ($id: ID!) { node(id: $id) { ... on Export { state exportStatus { exportedCollections totalCollections } finishedAt } } }',
          { id: job['id'] },
        )
      ).data?.node;
    stack.simulator.clock.advance(JOB_TIMINGS.export.inProgressAfterMs + 20_000);
    const midway = await progress();
    const status = midway?.['exportStatus'] as { exportedCollections: number; totalCollections: number };
    expect(midway?.['state']).toBe('IN_PROGRESS');
    expect(status.exportedCollections).toBeGreaterThan(0);
    expect(status.exportedCollections).toBeLessThan(status.totalCollections);
    stack.simulator.clock.advance(JOB_TIMINGS.export.successfulAfterMs);
    const done = await progress();
    expect(done).toMatchObject({ state: 'SUCCESSFUL', exportStatus: { exportedCollections: status.totalCollections } });
    expect(done?.['finishedAt']).toEqual(expect.any(String));
  });

  it('starts a Flex restore (confirmed) and a Flex download, whose states and URL follow the clock', async () => {
    const restore = await write(stack, 'startFlexRestore', {
      projectId: flex.groupId,
      flexClusterName: flex.name,
      snapshotId: flex.snapshotId,
      targetDeploymentName: sandbox.name,
      confirmTargetDeploymentName: sandbox.name,
    });
    expect(restore.posts).toBe(1);
    expect(restore.payload?.['restoreJob']).toMatchObject({
      status: 'PENDING',
      deliveryType: 'RESTORE',
      targetProjectId: flex.groupId,
      targetDeploymentName: sandbox.name,
    });
    const download = await write(stack, 'startFlexDownload', {
      projectId: flex.groupId,
      flexClusterName: flex.name,
      snapshotId: flex.snapshotId,
    });
    expect(download.posts).toBe(1);
    const job = download.payload?.['restoreJob'] as Json;
    expect(job).toMatchObject({ status: 'PENDING', deliveryType: 'DOWNLOAD', snapshotUrl: null });
    expect(stack.simulator.calls.filter((c) => c.method === 'POST').at(-1)?.operationId).toBe('downloadFlexBackup');

    stack.simulator.clock.advance(JOB_TIMINGS.flexRestore.completedAfterMs);
    const { data } = await stack.query<{ a: Json; b: Json }>(
      `query ($a: ID!, $b: ID!) { a: node(id: $a) { ... on FlexRestoreJob { status finishedAt } }
        b: node(id: $b) { ... on FlexRestoreJob { status snapshotUrl expiresAt } } }`,
      { a: restore.payload?.nodeId, b: job['id'] },
    );
    expect(data?.a).toMatchObject({ status: 'COMPLETED', finishedAt: expect.any(String) });
    expect(data?.b['status']).toBe('COMPLETED');
    expect(String(data?.b['snapshotUrl'])).toMatch(/^https:\/\/flex-backups\.mongodb\.net\//);
  });

  it('answers every Atlas refusal as typed data naming the input field, after one POST each', async () => {
    const cases: [string, Json, { code: string; field: string | null; status: number; errorCode: string }][] = [
      [
        'startAutomatedRestore',
        automated({ targetClusterName: 'ghost', confirmTargetClusterName: 'ghost' }),
        { code: 'NOT_FOUND', field: 'targetClusterName', status: 404, errorCode: 'CLUSTER_NOT_FOUND' },
      ],
      [
        'startAutomatedRestore',
        automated({ targetProjectId: 'f'.repeat(24) }),
        { code: 'NOT_FOUND', field: 'targetProjectId', status: 404, errorCode: 'GROUP_NOT_FOUND' },
      ],
      [
        'startDownloadRestore',
        { projectId: pay.groupId, clusterName: pay.name, snapshotId: 'e'.repeat(24) },
        { code: 'NOT_FOUND', field: 'snapshotId', status: 404, errorCode: 'RESOURCE_NOT_FOUND' },
      ],
      [
        'startDownloadRestore',
        { projectId: pay.groupId, clusterName: pay.name, snapshotId: DEMO.snapshots.failed.id },
        { code: 'INVALID_INPUT', field: 'snapshotId', status: 400, errorCode: 'INVALID_ATTRIBUTE' },
      ],
      [
        'takeSnapshot',
        { projectId: reporting.groupId, clusterName: reporting.name },
        { code: 'REFUSED', field: null, status: 400, errorCode: 'FEATURE_UNSUPPORTED' },
      ],
      [
        'takeSnapshot',
        { projectId: flex.groupId, clusterName: flex.name },
        { code: 'REFUSED', field: 'clusterName', status: 400, errorCode: 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API' },
      ],
      [
        'startAutomatedRestore',
        automated({ targetProjectId: pay.groupId, targetClusterName: pay.name, confirmTargetClusterName: pay.name }),
        { code: 'CONFLICT', field: 'targetClusterName', status: 409, errorCode: 'CLUSTER_RESTORE_IN_PROGRESS' },
      ],
      [
        'cancelRestore',
        { projectId: pay.groupId, clusterName: pay.name, restoreJobId: 'e'.repeat(24) },
        { code: 'NOT_FOUND', field: 'restoreJobId', status: 404, errorCode: 'RESOURCE_NOT_FOUND' },
      ],
      [
        'startFlexDownload',
        { projectId: flex.groupId, flexClusterName: flex.name, snapshotId: DEMO.flex.snapshots.pending.id },
        { code: 'INVALID_INPUT', field: 'snapshotId', status: 400, errorCode: 'INVALID_ATTRIBUTE' },
      ],
      [
        'startFlexDownload',
        { projectId: pay.groupId, flexClusterName: pay.name, snapshotId: flex.snapshotId },
        {
          code: 'REFUSED',
          field: 'flexClusterName',
          status: 400,
          errorCode: 'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API',
        },
      ],
      [
        'startExport',
        {
          projectId: pay.groupId,
          clusterName: pay.name,
          snapshotId: completedSnapshot,
          exportBucketId: DEMO.exportBuckets.analyticsAws.id,
        },
        { code: 'NOT_FOUND', field: 'exportBucketId', status: 404, errorCode: 'RESOURCE_NOT_FOUND' },
      ],
    ];
    for (const [mutation, input, expected] of cases) {
      const { payload, posts, deletes, response } = await write(stack, mutation, input);
      expect(response.errors, mutation).toBeUndefined();
      expect(posts + deletes, `${mutation} ${expected.errorCode}`).toBe(1);
      const objectField = inputTypes[mutation]?.[1] ?? '';
      expect(payload?.[objectField]).toBeNull();
      expect(payload?.errors, `${mutation} ${expected.errorCode}`).toEqual([
        expect.objectContaining({
          code: expected.code,
          field: expected.field,
          atlas: expect.objectContaining({ status: expected.status, errorCode: expected.errorCode }),
        }),
      ]);
    }
  });
});

describe('never twice: faults on a simulator on real time', () => {
  let stack: TestStack;
  // Armed by a test: Atlas's next answer to a restore's POST, rewritten (without the job's id, say).
  let rewriteNextCreated: ((body: Json) => unknown) | undefined;
  beforeAll(async () => {
    stack = await startStack({
      gateway: { mutations: true },
      callReport: 'always',
      simulator: {
        transformResponse: (body, { operationId }) => {
          const rewrite = rewriteNextCreated;
          if (!rewrite || operationId !== 'createBackupRestoreJob') return body;
          rewriteNextCreated = undefined;
          // The simulator sends whatever this is as JSON: a string or number too.
          return rewrite(body) as Json;
        },
      },
    });
  });
  afterAll(() => stack.close());

  const download = (snapshotIndex: number, extra: Json = {}): Json => ({
    projectId: pay.groupId,
    clusterName: pay.name,
    snapshotId: snapshotOf(snapshotIndex),
    ...extra,
  });
  // Distinct completed snapshots of payments-prod, so that no two tests' jobs look alike.
  let completed: string[] = [];
  const snapshotOf = (index: number) => completed[index] ?? '';
  beforeAll(() => {
    const used = new Set(
      [...stack.simulator.data.restoreJobs, ...stack.simulator.data.exportJobs].map((j) => j.value.snapshotId),
    );
    completed = stack.simulator.data.snapshots
      .filter((s) => s.clusterName === pay.name && s.value.status === 'completed' && !used.has(s.value.id))
      .map((s) => s.value.id ?? '');
    expect(completed.length).toBeGreaterThanOrEqual(17);
  });

  it.each([
    ['status500', 'OUTCOME_UNKNOWN'],
    ['status503', 'UPSTREAM_UNAVAILABLE'],
    ['status429', 'RATE_LIMITED'],
    ['reset', 'OUTCOME_UNKNOWN'],
  ] as const)('sends a POST once when Atlas answers %s, and answers %s', async (fault, code) => {
    const index = ['status500', 'status503', 'status429', 'reset'].indexOf(fault);
    stack.simulator.faults.set({ script: [fault], match: { method: 'POST' }, retryAfterSeconds: 1 });
    const { posts, response, payload } = await write(stack, 'startDownloadRestore', download(index));
    stack.simulator.faults.clear();
    expect(posts).toBe(1);
    expect(payload).toBeNull();
    expect(errorCodes(response)).toEqual([code]);
    const created = stack.simulator.data.restoreJobs.filter((j) => j.value.snapshotId === snapshotOf(index));
    expect(created).toEqual([]);
    if (code === 'OUTCOME_UNKNOWN') {
      // The gateway looked for the job it might have made, found none, and says where to look.
      expect(stack.simulator.calls.at(-1)?.operationId).toBe('listBackupRestoreJobs');
      const extensions = response.errors?.[0]?.extensions ?? {};
      expect(extensions).toMatchObject({
        candidates: 0,
        check: { field: 'Cluster.restoreJobs', projectId: pay.groupId, clusterName: pay.name },
        atlas: { operation: 'createBackupRestoreJob' },
      });
      expect(response.errors?.[0]?.message).toMatch(/before sending this again/);
    }
  });

  it('reconciles a POST whose answer was lost after Atlas created the job: the job, and no duplicate', async () => {
    stack.simulator.faults.set({ script: ['processedThenReset'], match: { method: 'POST' } });
    const { posts, response, payload } = await write(
      stack,
      'startDownloadRestore',
      download(4, { clientMutationId: 'lost-1' }),
    );
    stack.simulator.faults.clear();
    expect(response.errors).toBeUndefined();
    expect(posts).toBe(1);
    expect(stack.simulator.faults.injected().processedThenReset).toBe(1);
    // The POST and the list read to find the job: both asked for, none saved (it was -2).
    expect(response.extensions?.['atlasCalls']).toMatchObject({ calls: 2, requested: 2, saved: 0 });
    const jobs = stack.simulator.data.restoreJobs.filter((j) => j.value.snapshotId === snapshotOf(4));
    expect(jobs).toHaveLength(1);
    expect(payload).toMatchObject({
      clientMutationId: 'lost-1',
      errors: [],
      restoreJob: { atlasId: jobs[0]?.value.id, deliveryType: 'DOWNLOAD' },
    });
  });

  // One snapshot for every case: each finds its own job among the earlier cases' (answered, so credited).
  it.each([
    ['no id', (body: Json) => ({ ...body, id: undefined })],
    ['an id that is no Atlas id', (body: Json) => ({ ...body, id: 'not-an-object-id' })],
    ['a JSON string, not an object', () => 'ok'],
    ['a JSON number', () => 42],
  ] as const)(
    'reconciles a 2xx naming no job (%s), keeps the outcome under its key, and never sends the POST again',
    async (answer, rewrite) => {
      const jobsOf = () => stack.simulator.data.restoreJobs.filter((j) => j.value.snapshotId === snapshotOf(13));
      const before = new Set(jobsOf().map((j) => j.value.id));
      const input = download(13, { idempotencyKey: `dl-13 ${answer}` });
      rewriteNextCreated = rewrite;
      const first = await write(stack, 'startDownloadRestore', input);
      expect(rewriteNextCreated).toBeUndefined();
      const repeat = await write(stack, 'startDownloadRestore', input);
      const made = jobsOf().filter((j) => !before.has(j.value.id));
      expect(made).toHaveLength(1);
      expect([first.posts, repeat.posts]).toEqual([1, 0]);
      expect(first.response.errors).toBeUndefined();
      expect(first.payload).toMatchObject({
        errors: [],
        replayed: false,
        nodeId: toGlobalId('CloudBackupRestoreJob', pay.groupId, pay.name, made[0]?.value.id ?? ''),
        restoreJob: { atlasId: made[0]?.value.id },
      });
      expect(repeat.payload).toMatchObject({ errors: [], replayed: true, nodeId: first.payload?.nodeId });
    },
  );

  it('reconciles every create the same way (snapshot, export, Flex restore and download)', async () => {
    const data = stack.simulator.data;
    const cases: [string, Json, () => number][] = [
      [
        'takeSnapshot',
        { projectId: warehouse.groupId, clusterName: warehouse.name, description: 'lost answer' },
        () => data.snapshots.length,
      ],
      [
        'startExport',
        {
          projectId: pay.groupId,
          clusterName: pay.name,
          snapshotId: snapshotOf(5),
          exportBucketId: DEMO.exportBuckets.paymentsAws.id,
          customData: [{ key: 'k', value: 'lost' }],
        },
        () => data.exportJobs.length,
      ],
      [
        'startFlexRestore',
        {
          projectId: flex.groupId,
          flexClusterName: flex.name,
          snapshotId: flex.snapshotId,
          targetProjectId: DEMO.flex.clusters.catalog.groupId,
          targetDeploymentName: DEMO.flex.clusters.catalog.name,
          confirmTargetDeploymentName: DEMO.flex.clusters.catalog.name,
        },
        () => data.flexRestoreJobs.length,
      ],
      [
        'startFlexDownload',
        {
          projectId: flex.groupId,
          flexClusterName: DEMO.flex.clusters.migrated.name,
          snapshotId: completedFlexSnapshot(),
        },
        () => data.flexRestoreJobs.length,
      ],
    ];
    for (const [mutation, input, count] of cases) {
      const before = count();
      stack.simulator.faults.set({ script: ['processedThenReset'], match: { method: 'POST' } });
      const { posts, response, payload } = await write(stack, mutation, input);
      stack.simulator.faults.clear();
      expect(response.errors, mutation).toBeUndefined();
      expect(posts, mutation).toBe(1);
      expect(count() - before, mutation).toBe(1);
      expect(payload?.errors, mutation).toEqual([]);
      expect(payload?.nodeId, mutation).toEqual(expect.any(String));
    }
  });

  function completedFlexSnapshot(): string {
    const found = stack.simulator.data.flexSnapshots.find(
      (s) => s.clusterName === DEMO.flex.clusters.migrated.name && s.value.status === 'COMPLETED',
    );
    return found?.value.id ?? '';
  }

  it('answers OUTCOME_UNKNOWN when two jobs could be the lost one', async () => {
    // Someone started the same download a moment before, outside the gateway (Atlas's UI, the CLI): after a
    // lost answer, either job could be ours.
    const { path, mediaType } = atlasRequest('createBackupRestoreJob', { groupId: pay.groupId, clusterName: pay.name });
    const outside = await fetch(`${stack.simulator.url}${path}`, {
      method: 'POST',
      headers: { accept: mediaType, 'content-type': mediaType, authorization: `Bearer ${TEST_TOKEN}` },
      body: JSON.stringify({ snapshotId: snapshotOf(6), deliveryType: 'download' }),
    });
    expect(outside.status).toBe(200);
    stack.simulator.faults.set({ script: ['processedThenReset'], match: { method: 'POST' } });
    const { posts, response } = await write(stack, 'startDownloadRestore', download(6));
    stack.simulator.faults.clear();
    expect(posts).toBe(1);
    expect(errorCodes(response)).toEqual(['OUTCOME_UNKNOWN']);
    expect(response.errors?.[0]?.extensions).toMatchObject({ candidates: 2 });
  });

  // A double click: the first POST answered, the second failed before Atlas made anything. The first job
  // (made under the clock allowance before the second request) was credited to the second as well.
  it.each(['status500', 'reset'] as const)(
    'never answers a write with a job the gateway already answered another with (second POST: %s)',
    async (fault) => {
      const first = await write(stack, 'startDownloadRestore', download(14));
      expect(first.payload?.errors).toEqual([]);
      const firstJob = (first.payload?.['restoreJob'] as Json)['atlasId'];
      stack.simulator.faults.set({ script: [fault], match: { method: 'POST' } });
      const before = stack.simulator.data.restoreJobs.length;
      const { posts, response } = await write(stack, 'startDownloadRestore', download(14));
      stack.simulator.faults.clear();
      expect(posts).toBe(1);
      expect(stack.simulator.data.restoreJobs.length).toBe(before);
      expect(errorCodes(response)).toEqual(['OUTCOME_UNKNOWN']);
      expect(response.errors?.[0]?.extensions).toMatchObject({ candidates: 0 });
      expect(JSON.stringify(response)).not.toContain(String(firstJob));
    },
  );

  it('answers a refusal of a create as a refusal (a 405 is no cancel), and passes on only Atlas’s names and values', async () => {
    const answers = [
      { status: 405, errorCode: 'METHOD_NOT_ALLOWED', detail: 'Not allowed.' },
      { status: 400, errorCode: 'INVALID_ATTRIBUTE', detail: 'Bad.', parameters: ['snapshotId'] },
      { status: 422, errorCode: 'UNPROCESSABLE', detail: 'No.', parameters: ['snapshotId', 3, { secret: 'CANARY' }] },
    ];
    const proxy = await startAtlasProxy((req) => (req.method === 'POST' ? answers.shift() : undefined));
    const refusing = await startStack({ atlas: { baseUrl: proxy.url }, gateway: { mutations: true } });
    proxy.forwardTo(refusing.simulator.url);
    try {
      const input = { projectId: pay.groupId, clusterName: pay.name, snapshotId: snapshotOf(17) };
      const refused = await write(refusing, 'startDownloadRestore', input);
      expect(refused.payload?.['errors']).toEqual([
        expect.objectContaining({ code: 'REFUSED', atlas: expect.objectContaining({ status: 405 }) }),
      ]);
      const invalid = await write(refusing, 'startDownloadRestore', input);
      expect(invalid.payload?.['errors']).toEqual([
        expect.objectContaining({ code: 'INVALID_INPUT', field: 'snapshotId' }),
      ]);
      // A failure answered as a GraphQL error quotes Atlas's parameters: its names and values, nothing else.
      const failed = await write(refusing, 'startDownloadRestore', input);
      expect(failed.response.errors?.[0]?.extensions?.['atlas']).toMatchObject({
        status: 422,
        parameters: ['snapshotId', 3],
      });
      expect(JSON.stringify(failed.response)).not.toContain('CANARY');
    } finally {
      await refusing.close();
      await proxy.close();
    }
  });

  // The same double click with the first answer slow: the second's POST failed and it read the list while the
  // first job was made but not yet answered (so not yet credited), and took it.
  it('never answers a lost write with the job of a sibling whose answer is still on its way', async () => {
    let posts = 0;
    // The first POST's answer is held at the proxy until the second write has read the list.
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const proxy = await startAtlasProxy((req) => {
      if (req.method !== 'POST') return undefined;
      posts++;
      return posts === 1
        ? { holdAnswerUntil: firstHeld }
        : { status: 500, errorCode: 'UNEXPECTED_ERROR', detail: 'Unexpected error.' };
    });
    const slow = await startStack({ atlas: { baseUrl: proxy.url }, gateway: { mutations: true } });
    proxy.forwardTo(slow.simulator.url);
    try {
      const input = { projectId: pay.groupId, clusterName: pay.name, snapshotId: snapshotOf(16) };
      const first = write(slow, 'startDownloadRestore', input);
      // Atlas made the first job (the simulator answered its POST); the answer waits at the proxy.
      await vi.waitFor(() => expect(slow.simulator.callCount({ method: 'POST' })).toBe(1), { timeout: 5_000 });
      const lists = () => slow.simulator.callCount({ operationId: 'listBackupRestoreJobs' });
      const listsBefore = lists();
      const answered = write(slow, 'startDownloadRestore', input);
      // The second POST failed, and the second write has read the list, where the first job is, uncredited.
      await vi
        .waitFor(
          () => {
            expect(posts).toBe(2);
            expect(lists()).toBeGreaterThan(listsBefore);
          },
          { timeout: 5_000 },
        )
        .finally(releaseFirst);
      const second = await answered;
      const firstJob = ((await first).payload?.['restoreJob'] as Json | undefined)?.['atlasId'];
      expect(firstJob).toEqual(expect.any(String));
      expect(errorCodes(second.response)).toEqual(['OUTCOME_UNKNOWN']);
      expect(second.response.errors?.[0]?.extensions).toMatchObject({ candidates: 0 });
      expect(JSON.stringify(second.response)).not.toContain(String(firstJob));
    } finally {
      releaseFirst();
      await slow.close();
      await proxy.close();
    }
  });

  it('reconciles a cancel whose answer was lost by reading the job back', async () => {
    const started = await write(stack, 'startDownloadRestore', download(7));
    const id = (started.payload?.['restoreJob'] as Json)['atlasId'];
    stack.simulator.faults.set({ script: ['processedThenReset'], match: { method: 'DELETE' } });
    const { deletes, response, payload } = await write(stack, 'cancelRestore', {
      projectId: pay.groupId,
      clusterName: pay.name,
      restoreJobId: id,
    });
    stack.simulator.faults.clear();
    expect(response.errors).toBeUndefined();
    expect(deletes).toBe(1);
    expect(payload?.['restoreJob']).toMatchObject({ atlasId: id, state: 'CANCELLED' });
  });

  it('repeats the first outcome of an idempotency key without a second POST, and refuses the key for another request', async () => {
    const input = download(8, { idempotencyKey: 'dl-8', clientMutationId: 'first' });
    const first = await write(stack, 'startDownloadRestore', input);
    const repeat = await write(stack, 'startDownloadRestore', { ...input, clientMutationId: 'second' });
    expect([first.posts, repeat.posts]).toEqual([1, 0]);
    expect(first.payload).toMatchObject({ replayed: false, clientMutationId: 'first' });
    expect(repeat.payload).toMatchObject({ replayed: true, clientMutationId: 'second', nodeId: first.payload?.nodeId });
    // No write; the job read as it is now (it was answered as it was then, under the same id).
    expect(repeat.response.extensions?.['atlasCalls']).toMatchObject({ calls: 1 });
    expect(stack.simulator.calls.at(-1)?.operationId).toBe('getBackupRestoreJob');

    const other = await write(stack, 'startDownloadRestore', download(9, { idempotencyKey: 'dl-8' }));
    expect(other.posts).toBe(0);
    expect(other.payload?.errors).toEqual([
      expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey', atlas: null }),
    ]);
    const otherMutation = await write(stack, 'takeSnapshot', {
      projectId: pay.groupId,
      clusterName: pay.name,
      idempotencyKey: 'dl-8',
    });
    expect(otherMutation.payload?.errors[0]?.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('answers a repeat with the job as it is now, not as the first answer had it', async () => {
    const input = download(15, { idempotencyKey: 'dl-15' });
    const first = await write(stack, 'startDownloadRestore', input);
    const atlasId = (first.payload?.['restoreJob'] as Json)['atlasId'];
    expect(first.payload?.['restoreJob']).toMatchObject({ state: 'IN_PROGRESS' });
    const stored = stack.simulator.data.restoreJobs.find((j) => j.value.id === atlasId)!;
    stored.value = { ...stored.value, finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
    const repeat = await write(stack, 'startDownloadRestore', input);
    expect(repeat.posts).toBe(0);
    expect(repeat.payload).toMatchObject({ replayed: true, restoreJob: { atlasId, state: 'FINISHED' } });
  });

  it('sends concurrent repeats of a keyed request once', async () => {
    stack.simulator.setLatency(150);
    const before = stack.simulator.callCount({ method: 'POST' });
    const input = download(10, { idempotencyKey: 'dl-10' });
    const answers = await Promise.all([1, 2, 3].map(() => write(stack, 'startDownloadRestore', input)));
    stack.simulator.setLatency(0);
    expect(stack.simulator.callCount({ method: 'POST' }) - before).toBe(1);
    const ids = new Set(answers.map((a) => a.payload?.nodeId));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.payload?.replayed)).toHaveLength(2);
  });

  it('keeps a lost outcome under its key: a repeat looks for the job again and never sends', async () => {
    const input = download(11, { idempotencyKey: 'dl-11' });
    stack.simulator.faults.set({ script: ['status500'], match: { method: 'POST' } });
    const first = await write(stack, 'startDownloadRestore', input);
    stack.simulator.faults.clear();
    expect(errorCodes(first.response)).toEqual(['OUTCOME_UNKNOWN']);
    const repeat = await write(stack, 'startDownloadRestore', input);
    expect([first.posts, repeat.posts]).toEqual([1, 0]);
    expect(errorCodes(repeat.response)).toEqual(['OUTCOME_UNKNOWN']);
    expect(stack.simulator.calls.at(-1)?.operationId).toBe('listBackupRestoreJobs');

    // A request that never reached Atlas leaves no record: the repeat sends it.
    stack.simulator.faults.set({ script: ['status503'], match: { method: 'POST' } });
    const refused = await write(stack, 'startDownloadRestore', download(12, { idempotencyKey: 'dl-12' }));
    stack.simulator.faults.clear();
    const retried = await write(stack, 'startDownloadRestore', download(12, { idempotencyKey: 'dl-12' }));
    expect([refused.posts, retried.posts]).toEqual([1, 1]);
    expect(retried.payload).toMatchObject({ errors: [], replayed: false });
  });
});

describe('never twice: a POST whose answer never comes', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // The hung POST times out after 2 s; the reads after it must not (400 ms was within a loaded machine's stalls).
    stack = await startStack({ gateway: { mutations: true }, timeoutMs: 2_000 });
  });
  afterAll(() => stack.close());

  it('times out once, then finds the job the POST created', async () => {
    stack.simulator.faults.set({ script: ['processedThenHang'], match: { method: 'POST' } });
    const { posts, response, payload } = await write(stack, 'startDownloadRestore', {
      projectId: pay.groupId,
      clusterName: pay.name,
      snapshotId: DEMO.snapshots.onDemand.id,
    });
    stack.simulator.faults.clear();
    expect(response.errors).toBeUndefined();
    expect(posts).toBe(1);
    const jobs = stack.simulator.data.restoreJobs.filter((j) => j.value.snapshotId === DEMO.snapshots.onDemand.id);
    expect(jobs).toHaveLength(1);
    expect((payload?.['restoreJob'] as Json)['atlasId']).toBe(jobs[0]?.value.id);
  });
});

describe('fresh reads after writes through the shared response cache', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ gateway: { mutations: true }, atlas: { cacheTtlMs: 60_000 } });
  });
  afterAll(() => stack.close());

  it('forgets the cached list a write changed, in the same operation and the next', async () => {
    const list = `query ($p: ObjectId!, $c: ClusterName!) { project(id: $p) { cluster(name: $c) { exports(first: 1) { nodes { atlasId } } } } }`;
    const read = async () =>
      (
        await stack.query<{ project: { cluster: { exports: { nodes: Json[] } } } }>(list, {
          p: pay.groupId,
          c: pay.name,
        })
      ).data?.project.cluster.exports.nodes[0]?.['atlasId'];
    const before = await read();
    stack.simulator.resetCalls();
    expect(await read()).toBe(before);
    // The second read came from the cache: no Atlas call.
    expect(stack.simulator.calls).toEqual([]);
    const { payload } = await write(
      stack,
      'startExport',
      {
        projectId: pay.groupId,
        clusterName: pay.name,
        snapshotId: DEMO.snapshots.onDemand.id,
        exportBucketId: DEMO.exportBuckets.paymentsAzure.id,
      },
      'cluster { exports(first: 1) { nodes { atlasId } } }',
    );
    const created = payload?.['export'] as Json & { cluster: { exports: { nodes: Json[] } } };
    expect(created.cluster.exports.nodes[0]?.['atlasId']).toBe(created['atlasId']);
    expect(await read()).toBe(created['atlasId']);
  });
});

describe('who may write', () => {
  const introspect =
    '{ __schema { mutationType { name } } payload: __type(name: "StartAutomatedRestorePayload") { name } }';

  it('serves no Mutation type with the gateway own credential unless enabled, and refuses a mutation at validation', async () => {
    const stack = await startStack();
    try {
      const { data } = await stack.query<{ __schema: { mutationType: unknown }; payload: unknown }>(introspect);
      expect(data).toEqual({ __schema: { mutationType: null }, payload: null });
      const refused = await write(stack, 'startDownloadRestore', {
        projectId: pay.groupId,
        clusterName: pay.name,
        snapshotId: completedSnapshot,
      });
      expect(errorCodes(refused.response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      // Even a mutation that selects nothing of the (absent) Mutation type is refused with the code.
      const bare = await stack.query('mutation { __typename }');
      expect(bare.errors?.map((e) => e.extensions?.['code'])).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(stack.simulator.calls).toEqual([]);
      // GraphiQL offers no restore tab where nothing can be restored.
      const page = await fetch(stack.url, { headers: { accept: 'text/html' } }).then((r) => r.text());
      expect(page).not.toContain('StartRestore');
    } finally {
      await stack.close();
    }
  });

  it('serves them in forward mode, where Atlas decides with the caller own token', async () => {
    const stack = await startStack({ auth: { mode: 'forward' } });
    try {
      const { data } = await stack.query<{ __schema: { mutationType: unknown } }>(introspect, undefined, {
        authorization: `Bearer ${TEST_TOKEN}`,
      });
      expect(data?.__schema.mutationType).toEqual({ name: 'Mutation' });
      const sim = stack.simulator;
      const response = await stack.query(
        documentOf('startDownloadRestore'),
        { input: { projectId: pay.groupId, clusterName: pay.name, snapshotId: completedSnapshot } },
        { authorization: 'Bearer not-a-token' },
      );
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
      expect(sim.callCount({ method: 'POST' })).toBe(1);
      const noToken = await stack.query(documentOf('startDownloadRestore'), {
        input: { projectId: pay.groupId, clusterName: pay.name, snapshotId: completedSnapshot },
      });
      expect(errorCodes(noToken)).toEqual(['UNAUTHENTICATED']);
      expect(sim.callCount({ method: 'POST' })).toBe(1);
    } finally {
      await stack.close();
    }
  });

  it('answers Atlas refusing a role as FORBIDDEN data naming the role', async () => {
    const stack = await startStack({ simulator: { readOnlyTokens: [TEST_TOKEN] }, gateway: { mutations: true } });
    try {
      const { payload, posts } = await write(stack, 'startAutomatedRestore', automated());
      expect(posts).toBe(1);
      expect(payload?.errors).toEqual([
        expect.objectContaining({ code: 'FORBIDDEN', atlas: expect.objectContaining({ status: 403 }) }),
      ]);
      expect(payload?.errors[0]?.message).toContain('Backup Recovery Operator');
    } finally {
      await stack.close();
    }
  });
});

describe("GraphiQL's restore example", () => {
  it('starts a restore, and its follow-up query shows the job first', async () => {
    const stack = await startStack({ gateway: { mutations: true } });
    try {
      const run = (operationName: string) =>
        fetch(stack.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: restoreExample, operationName }),
        }).then((r) => r.json() as Promise<GraphQLResponse<Json>>);
      const started = await run('StartRestore');
      expect(started.errors).toBeUndefined();
      const payload = started.data?.['startAutomatedRestore'] as Payload;
      expect(payload.errors).toEqual([]);
      expect(stack.simulator.callCount({ method: 'POST' })).toBe(1);
      const progress = await run('RestoreProgress');
      const nodes = (progress.data as { project: { cluster: { restoreJobs: { nodes: Json[] } } } }).project.cluster
        .restoreJobs.nodes;
      expect(nodes[0]).toMatchObject({ id: (payload['restoreJob'] as Json)['id'], state: 'IN_PROGRESS' });
      const page = await fetch(stack.url, { headers: { accept: 'text/html' } }).then((r) => r.text());
      expect(page).toContain('StartRestore');
    } finally {
      await stack.close();
    }
  });
});
