/**
 * Subscriptions through real HTTP and WebSocket clients against the gateway and its simulator: one poll
 * for all (counted at the simulator), each change once, completion at the terminal state, pollers per
 * credential in forward mode, failures as coded events, limits, shutdown. State changes are made by
 * editing the simulator's store between polls.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { toGlobalId } from '../../../src/graph/ids.js';
import { DEMO, type SimulatorData } from '../../../src/simulator/index.js';
import { startStack, type TestStack } from '../../../support/stack.js';
import { sseClient, Stream, wsClient } from '../../helpers/streams.js';

/** Fast polls for tests: the adaptive slow-down starts only after 10 s unchanged. */
const fast = { pollIntervalMs: 40, maxPollIntervalMs: 2_000, idleAfterMs: 10_000, activityIntervalMs: 40 };

const pay = DEMO.clusters.paymentsProd;
let made = 0;
/** A fresh Atlas id, so that every test watches its own object. */
const freshId = () => `${(0xac0000 + ++made).toString(16)}${'0'.repeat(18)}`;

type RestoreEntry = SimulatorData['restoreJobs'][number];
type ExportEntry = SimulatorData['exportJobs'][number];

/** A running automated restore on payments-prod, added to the store (newest first, as Atlas lists). */
function addRunningRestore(data: SimulatorData): RestoreEntry {
  const template = data.restoreJobs.find((j) => j.value.id === DEMO.restoreJobs.inProgress.id);
  if (!template) throw new Error('no in-progress restore job in the seed');
  const entry: RestoreEntry = { ...template, value: { ...template.value, id: freshId() } };
  data.restoreJobs.unshift(entry);
  return entry;
}

/** A queued export of payments-prod's snapshot, added to the store. */
function addQueuedExport(data: SimulatorData): ExportEntry {
  const template = data.exportJobs.find((j) => j.value.id === DEMO.exports.queued.id);
  if (!template) throw new Error('no queued export in the seed');
  const entry: ExportEntry = {
    ...template,
    value: {
      ...template.value,
      id: freshId(),
      state: 'Queued',
      exportStatus: { exportedCollections: 0, totalCollections: 4 },
    },
  };
  data.exportJobs.unshift(entry);
  return entry;
}

const restoreJobId = (entry: RestoreEntry) =>
  toGlobalId('CloudBackupRestoreJob', entry.groupId, entry.clusterName, entry.value.id ?? '');

const watchRestore = /* GraphQL */ `
  subscription WatchRestore($id: ID!) {
    cloudBackupRestoreJob(id: $id) {
      final
      error {
        code
        message
        retryAfter
      }
      restoreJob {
        id
        state
        finishedAt
        snapshot {
          id
          createdAt
        }
      }
    }
  }
`;

interface RestoreEvent {
  final: boolean;
  error: { code: string; message: string; retryAfter: number | null } | null;
  restoreJob: { id: string; state: string; finishedAt: string | null; snapshot: { id: string } | null } | null;
}

const restoreEvents = (stream: Stream) => stream.payloads<RestoreEvent>('cloudBackupRestoreJob');

describe('subscriptions over SSE and graphql-ws', () => {
  let stack: TestStack;
  const clients: { dispose(): void | Promise<void> }[] = [];
  const sse = (headers?: Record<string, string>) => {
    const client = sseClient(stack.url, headers);
    clients.push(client);
    return client;
  };
  const ws = (params?: Record<string, unknown>) => {
    const client = wsClient(stack.wsUrl, params);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    stack = await startStack({ gateway: { subscriptions: fast }, atlas: { retry: { maxRetries: 0 } } });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.dispose();
    stack.simulator.faults.clear();
    // Every stream of the test is gone, and so is every poller.
    await vi.waitFor(() => expect(stack.gateway.live.stats()).toEqual({ subscriptions: 0, pollers: [] }), {
      timeout: 5_000,
    });
  });
  afterAll(() => stack?.close());

  it('over SSE: sends the export as it is, then each change once, and completes at its terminal state', async () => {
    const entry = addQueuedExport(stack.simulator.data);
    const id = toGlobalId('Export', entry.groupId, entry.clusterName, entry.value.id ?? '');
    const stream = new Stream(sse(), {
      query: `subscription($id: ID!) { export(id: $id) { final error { code } export { id state exportStatus { exportedCollections totalCollections } } } }`,
      variables: { id },
    });
    await stream.received(1);
    // Three changes, each made after the previous one was seen (polls run every 40 ms).
    Object.assign(entry.value, { state: 'InProgress', exportStatus: { exportedCollections: 1, totalCollections: 4 } });
    await stream.received(2);
    Object.assign(entry.value, { exportStatus: { exportedCollections: 3, totalCollections: 4 } });
    await stream.received(3);
    Object.assign(entry.value, {
      state: 'Successful',
      finishedAt: '2026-08-20T13:00:00Z',
      exportStatus: { exportedCollections: 4, totalCollections: 4 },
    });
    await stream.ended();

    expect(stream.failure).toBeUndefined();
    expect(stream.payloads('export')).toEqual([
      {
        final: false,
        error: null,
        export: { id, state: 'QUEUED', exportStatus: { exportedCollections: 0, totalCollections: 4 } },
      },
      {
        final: false,
        error: null,
        export: { id, state: 'IN_PROGRESS', exportStatus: { exportedCollections: 1, totalCollections: 4 } },
      },
      {
        final: false,
        error: null,
        export: { id, state: 'IN_PROGRESS', exportStatus: { exportedCollections: 3, totalCollections: 4 } },
      },
      {
        final: true,
        error: null,
        export: { id, state: 'SUCCESSFUL', exportStatus: { exportedCollections: 4, totalCollections: 4 } },
      },
    ]);
  });

  it('over graphql-ws: a restore job by its Atlas path, until it finishes', async () => {
    const entry = addRunningRestore(stack.simulator.data);
    const stream = new Stream(ws(), {
      query: `subscription($p: ObjectId, $c: ClusterName, $a: ObjectId) {
        cloudBackupRestoreJob(projectId: $p, clusterName: $c, atlasId: $a) { final restoreJob { id state finishedAt } }
      }`,
      variables: { p: entry.groupId, c: entry.clusterName, a: entry.value.id },
    });
    await stream.received(1);
    entry.value = { ...entry.value, finishedAt: '2026-08-20T12:30:00Z' };
    await stream.ended();
    expect(stream.failure).toBeUndefined();
    const id = restoreJobId(entry);
    expect(stream.payloads('cloudBackupRestoreJob')).toEqual([
      { final: false, restoreJob: { id, state: 'IN_PROGRESS', finishedAt: null } },
      { final: true, restoreJob: { id, state: 'FINISHED', finishedAt: '2026-08-20T12:30:00Z' } },
    ]);
  });

  it('serves 100 subscribers of one restore job with one Atlas GET per poll, not 100', async () => {
    const entry = addRunningRestore(stack.simulator.data);
    const id = restoreJobId(entry);
    // 50 over SSE (50 HTTP connections) and 50 over one WebSocket, by id and by Atlas path: one poller.
    const socket = ws();
    const streams = Array.from({ length: 100 }, (_, i) =>
      i % 2 === 0
        ? new Stream(sse(), { query: watchRestore, variables: { id } })
        : new Stream(socket, {
            query: `subscription($p: ObjectId, $c: ClusterName, $a: ObjectId) {
              cloudBackupRestoreJob(projectId: $p, clusterName: $c, atlasId: $a) {
                final error { code message retryAfter } restoreJob { id state finishedAt snapshot { id createdAt } }
              }
            }`,
            variables: { p: entry.groupId, c: entry.clusterName, a: entry.value.id },
          }),
    );
    await Promise.all(streams.map((s) => s.received(1)));
    const poller = () => {
      const pollers = stack.gateway.live.stats().pollers;
      expect(pollers).toHaveLength(1);
      return pollers[0]!;
    };
    expect(poller().subscribers).toBe(100);

    // Quiet polls: one GET of the job per tick, whatever the number of subscribers. Counted over 5 ticks
    // or more, however long a loaded machine takes to run them.
    stack.simulator.resetCalls();
    const ticksBefore = poller().ticks;
    await vi.waitFor(() => expect(poller().ticks - ticksBefore).toBeGreaterThanOrEqual(5), { timeout: 5_000 });
    const ticks = poller().ticks - ticksBefore;
    const gets = stack.simulator.callCount({ operationId: 'getBackupRestoreJob' });
    // A tick in flight when counting started or stopped may fall on either side of the count.
    expect(Math.abs(gets - ticks)).toBeLessThanOrEqual(1);
    expect(stack.simulator.callCount()).toBe(gets);

    // The change: every subscriber gets it once, and the snapshot all 100 select is read once.
    stack.simulator.resetCalls();
    entry.value = { ...entry.value, finishedAt: '2026-08-20T12:30:00Z' };
    await Promise.all(streams.map((s) => s.ended()));
    for (const stream of streams) {
      expect(stream.failure).toBeUndefined();
      expect(restoreEvents(stream).map((e) => [e.restoreJob?.state, e.final])).toEqual([
        ['IN_PROGRESS', false],
        ['FINISHED', true],
      ]);
    }
    expect(stack.simulator.callCount({ operationId: 'getClusterBackupSnapshot' })).toBe(1);
    expect(stack.simulator.callCount({ operationId: 'getBackupRestoreJob' })).toBeLessThanOrEqual(2);
    console.info(
      `100 subscribers, one restore job: ${gets} getBackupRestoreJob calls in ${ticks} polls; ` +
        `the final change cost ${stack.simulator.callCount()} calls`,
    );
  });

  it('a subscriber joining a running poll gets the job at once, without an Atlas call', async () => {
    const entry = addRunningRestore(stack.simulator.data);
    // The poll's second tick never gets its answer: the late subscriber joins while the first tick's read is
    // the poll's latest, however long this machine takes to connect it, so no tick can bring it the job (the
    // test after this one joins after quiet ticks).
    stack.simulator.faults.set({ script: ['ok', 'hang'], match: { operationId: 'getBackupRestoreJob' } });
    const first = new Stream(sse(), { query: watchRestore, variables: { id: restoreJobId(entry) } });
    await first.received(1);
    const before = stack.simulator.callCount({ operationId: 'getClusterBackupSnapshot' });
    const started = performance.now();
    const late = new Stream(ws(), { query: watchRestore, variables: { id: restoreJobId(entry) } });
    await late.received(1);
    // Told from memory: no tick answers now. Timed too, loosely (a loaded machine connects slowly).
    expect(performance.now() - started).toBeLessThan(2_500);
    expect(restoreEvents(late)[0]).toEqual(restoreEvents(first)[0]);
    // Its snapshot came from the poll tick's loaders, which the first subscriber's event already filled.
    expect(stack.simulator.callCount({ operationId: 'getClusterBackupSnapshot' })).toBe(before);
  });

  it('a subscriber joining after quiet ticks reads what the first one read, without an Atlas call', async () => {
    const entry = addRunningRestore(stack.simulator.data);
    const first = new Stream(sse(), { query: watchRestore, variables: { id: restoreJobId(entry) } });
    await first.received(1);
    const ticks = () =>
      stack.gateway.live.stats().pollers.find((p) => p.target.endsWith(entry.value.id ?? ''))?.ticks ?? 0;
    // The job does not change: the ticks after the first tell nothing.
    await vi.waitFor(() => expect(ticks()).toBeGreaterThanOrEqual(3), { timeout: 5_000 });
    const before = stack.simulator.callCount({ operationId: 'getClusterBackupSnapshot' });
    const late = new Stream(ws(), { query: watchRestore, variables: { id: restoreJobId(entry) } });
    await late.received(1);
    expect(restoreEvents(late)[0]).toEqual(restoreEvents(first)[0]);
    // Its snapshot came from the loaders of the tick that told the job, not a quiet tick's empty ones.
    expect(stack.simulator.callCount({ operationId: 'getClusterBackupSnapshot' })).toBe(before);
  });

  it('stops polling when the last subscriber leaves', async () => {
    const entry = addRunningRestore(stack.simulator.data);
    const streams = [
      new Stream(sse(), { query: watchRestore, variables: { id: restoreJobId(entry) } }),
      new Stream(ws(), { query: watchRestore, variables: { id: restoreJobId(entry) } }),
    ];
    await Promise.all(streams.map((s) => s.received(1)));
    expect(stack.gateway.live.stats().pollers[0]?.subscribers).toBe(2);
    await streams[0]!.stop();
    await vi.waitFor(() => expect(stack.gateway.live.stats().pollers[0]?.subscribers).toBe(1), { timeout: 5_000 });
    await streams[1]!.stop();
    await vi.waitFor(() => expect(stack.gateway.live.stats()).toEqual({ subscriptions: 0, pollers: [] }), {
      timeout: 5_000,
    });
    // A tick in flight when the poller stopped may still be answered after this point: wait until Atlas has
    // had no call for 200 ms (5 intervals; a poller still running never lets it go quiet that long)...
    await vi.waitFor(
      async () => {
        const seen = stack.simulator.calls.length;
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(stack.simulator.calls.length).toBe(seen);
      },
      { timeout: 5_000, interval: 0 },
    );
    // ...then it gets none at all.
    stack.simulator.resetCalls();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stack.simulator.callCount()).toBe(0);
  });

  it('turns an Atlas failure into an event with a code, and goes on', async () => {
    const entry = addRunningRestore(stack.simulator.data);
    const stream = new Stream(sse(), { query: watchRestore, variables: { id: restoreJobId(entry) } });
    await stream.received(1);
    // Three failing polls in a row are one failure: one event, then the job again once Atlas answers.
    stack.simulator.faults.set({
      script: ['status503', 'status503', 'status503'],
      match: { operationId: 'getBackupRestoreJob' },
    });
    await stream.received(3);
    expect(stack.simulator.faults.injected().status503).toBe(3);
    const [, failure, recovered] = restoreEvents(stream);
    expect(failure).toMatchObject({ final: false, restoreJob: null, error: { code: 'UPSTREAM_UNAVAILABLE' } });
    expect(recovered).toMatchObject({ final: false, error: null, restoreJob: { state: 'IN_PROGRESS' } });
    expect(stream.completed).toBe(false);
  });

  it('waits out Atlas’s Retry-After before polling again', async () => {
    const entry = addRunningRestore(stack.simulator.data);
    const stream = new Stream(ws(), { query: watchRestore, variables: { id: restoreJobId(entry) } });
    await stream.received(1);
    stack.simulator.resetCalls();
    // Timed from before the fault exists: the 429 and the wait after it both fall after this.
    const started = performance.now();
    stack.simulator.faults.set({
      script: ['status429'],
      retryAfterSeconds: 1,
      match: { operationId: 'getBackupRestoreJob' },
    });
    await stream.received(2);
    expect(restoreEvents(stream)[1]).toMatchObject({ error: { code: 'RATE_LIMITED', retryAfter: 1 }, final: false });
    await stream.received(3, 5_000);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(restoreEvents(stream)[2]).toMatchObject({ error: null, restoreJob: { state: 'IN_PROGRESS' } });
    // Polls run every 40 ms otherwise (80 ms after a failure); the call after the 429 waited for Retry-After.
    // Read from the simulator's log: when each call arrived, however late this test saw the events.
    const polls = stack.simulator.calls.filter(
      (c) => c.operationId === 'getBackupRestoreJob' && c.path.endsWith(`/${entry.value.id}`),
    );
    const limited = polls.findIndex((c) => c.status === 429);
    expect(limited).toBeGreaterThanOrEqual(0);
    const [rateLimited, next] = [polls[limited]!, polls[limited + 1]];
    expect(next?.status).toBe(200);
    expect(next!.at - rateLimited.at).toBeGreaterThanOrEqual(990);
  });

  it('ends the stream with NOT_FOUND when the job is gone', async () => {
    const entry = addRunningRestore(stack.simulator.data);
    const stream = new Stream(ws(), { query: watchRestore, variables: { id: restoreJobId(entry) } });
    await stream.received(1);
    stack.simulator.data.restoreJobs.splice(stack.simulator.data.restoreJobs.indexOf(entry), 1);
    await stream.ended();
    expect(restoreEvents(stream)[1]).toMatchObject({ final: true, restoreJob: null, error: { code: 'NOT_FOUND' } });
  });

  // Atlas answers a name of another family with a 400 that waiting will not heal: the stream stayed open,
  // polling it, for as long as the client did.
  it('ends the stream with NOT_FOUND, after one call, when the cluster name is of another family', async () => {
    const stream = new Stream(sse(), {
      query: `subscription($p: ObjectId, $c: ClusterName, $a: ObjectId) {
        flexRestoreJob(projectId: $p, flexClusterName: $c, atlasId: $a) { final error { code } }
      }`,
      variables: { p: DEMO.flex.groupId, c: DEMO.clusters.analyticsWarehouse.name, a: 'a'.repeat(24) },
    });
    await stream.ended();
    expect(stream.payloads('flexRestoreJob')).toEqual([{ final: true, error: { code: 'NOT_FOUND' } }]);
    const flexCalls = stack.simulator.calls.filter(
      (c) => c.operationId === 'getFlexRestoreJob' && c.path.includes(`/${DEMO.clusters.analyticsWarehouse.name}/`),
    );
    expect(flexCalls.map((c) => c.status)).toEqual([400]);
  });

  it('follows snapshots, Flex restore jobs and legacy restore jobs by id or path, done at once when already done', async () => {
    const completed = DEMO.snapshots.completed;
    const snapshot = new Stream(sse(), {
      query: `subscription($p: ObjectId, $c: ClusterName, $a: ObjectId) {
        snapshot(projectId: $p, clusterName: $c, atlasId: $a) { final snapshot { __typename id status } }
      }`,
      variables: { p: completed.groupId, c: completed.clusterName, a: completed.id },
    });
    const flexJob = DEMO.flex.restoreJobs.completed;
    const flex = new Stream(ws(), {
      query: `subscription($id: ID!) { flexRestoreJob(id: $id) { final restoreJob { __typename status flexClusterName } } }`,
      variables: { id: toGlobalId('FlexRestoreJob', flexJob.groupId, flexJob.clusterName, flexJob.id) },
    });
    const legacyJob = DEMO.legacy.restoreJob;
    const legacy = new Stream(ws(), {
      query: `subscription($p: ObjectId, $c: ClusterName, $a: ObjectId) {
        legacyBackupRestoreJob(projectId: $p, clusterName: $c, atlasId: $a) { final restoreJob { __typename atlasId statusName } }
      }`,
      variables: { p: legacyJob.groupId, c: legacyJob.clusterName, a: legacyJob.id },
    });
    await Promise.all([snapshot.ended(), flex.ended(), legacy.ended()]);
    expect(snapshot.payloads('snapshot')).toEqual([
      {
        final: true,
        snapshot: {
          __typename: 'Snapshot',
          id: toGlobalId('Snapshot', completed.groupId, completed.clusterName, completed.id),
          status: 'COMPLETED',
        },
      },
    ]);
    expect(flex.payloads('flexRestoreJob')).toEqual([
      {
        final: true,
        restoreJob: { __typename: 'FlexRestoreJob', status: 'COMPLETED', flexClusterName: flexJob.clusterName },
      },
    ]);
    expect(legacy.payloads('legacyBackupRestoreJob')).toEqual([
      {
        final: true,
        restoreJob: { __typename: 'LegacyBackupRestoreJob', atlasId: legacyJob.id, statusName: 'FINISHED' },
      },
    ]);

    // A running Flex snapshot: RUNNING, then COMPLETED.
    const running = DEMO.flex.snapshots.running;
    const flexSnapshot = new Stream(sse(), {
      query: `subscription($p: ObjectId, $f: ClusterName, $a: ObjectId) {
        flexSnapshot(projectId: $p, flexClusterName: $f, atlasId: $a) { final snapshot { status } }
      }`,
      variables: { p: running.groupId, f: running.clusterName, a: running.id },
    });
    await flexSnapshot.received(1);
    const stored = stack.simulator.data.flexSnapshots.find((s) => s.value.id === running.id);
    Object.assign(stored?.value ?? {}, { status: 'COMPLETED', finishTime: '2026-08-20T12:40:00Z' });
    await flexSnapshot.ended();
    expect(flexSnapshot.payloads('flexSnapshot')).toEqual([
      { final: false, snapshot: { status: 'RUNNING' } },
      { final: true, snapshot: { status: 'COMPLETED' } },
    ]);
  });

  it('refuses bad arguments with BAD_USER_INPUT before any Atlas call', async () => {
    stack.simulator.resetCalls();
    const entry = DEMO.restoreJobs.inProgress;
    const cases = [
      // Both forms at once.
      `{ cloudBackupRestoreJob(id: "${toGlobalId('CloudBackupRestoreJob', entry.groupId, entry.clusterName, entry.id)}", projectId: "${entry.groupId}") { final } }`,
      // Half a path.
      `{ cloudBackupRestoreJob(projectId: "${entry.groupId}", atlasId: "${entry.id}") { final } }`,
      // Another type's id.
      `{ export(id: "${toGlobalId('CloudBackupRestoreJob', entry.groupId, entry.clusterName, entry.id)}") { final } }`,
      // A Flex job by path without its Flex cluster's name.
      `{ flexRestoreJob(projectId: "${entry.groupId}", atlasId: "${entry.id}") { final } }`,
    ];
    for (const query of cases) {
      const stream = new Stream(sse(), { query: `subscription ${query}` });
      await stream.ended();
      const errors = [
        ...(stream.results[0]?.errors ?? []),
        ...((stream.failure as { errors?: unknown[] })?.errors ?? []),
      ];
      expect(errors, query).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
      ]);
    }
    expect(stack.simulator.callCount()).toBe(0);
  });

  it('tells an Atlas id given as `id` where it goes instead, naming the subscription’s own arguments', async () => {
    const entry = DEMO.restoreJobs.inProgress;
    const stream = new Stream(sse(), { query: `subscription { cloudBackupRestoreJob(id: "${entry.id}") { final } }` });
    await stream.ended();
    const errors = [
      ...(stream.results[0]?.errors ?? []),
      ...((stream.failure as { errors?: { message: string; extensions?: unknown }[] })?.errors ?? []),
    ];
    expect(errors).toEqual([
      expect.objectContaining({
        message:
          '"id" looks like an Atlas id: cloudBackupRestoreJob takes the graph\'s `id` of a CloudBackupRestoreJob, ' +
          'or its Atlas id as `atlasId` with `projectId` and `clusterName`',
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument: 'id' }),
      }),
    ]);
  });

  it('reports a project’s backup activity: jobs that start, change state and finish', async () => {
    const data = stack.simulator.data;
    const stream = new Stream(ws(), {
      query: `subscription($p: ObjectId!) {
        backupActivity(projectId: $p) {
          kind final error { code }
          job {
            __typename
            ... on CloudBackupRestoreJob { id state }
            ... on Export { id exportState: state }
            ... on Snapshot { id status }
          }
        }
      }`,
      variables: { p: pay.groupId },
    });
    // The first poll only learns what is there; wait for a few so the lists are known.
    await vi.waitFor(() => expect(stack.gateway.live.stats().pollers[0]?.ticks).toBeGreaterThanOrEqual(3), {
      timeout: 5_000,
    });
    expect(stream.results).toEqual([]);
    const restore = addRunningRestore(data);
    await stream.received(1);
    const exportJob = data.exportJobs.find((j) => j.value.id === DEMO.exports.queued.id);
    Object.assign(exportJob?.value ?? {}, { state: 'InProgress' });
    await stream.received(2);
    restore.value = { ...restore.value, failed: true };
    await stream.received(3);
    expect(stream.payloads('backupActivity')).toEqual([
      {
        kind: 'STARTED',
        final: false,
        error: null,
        job: { __typename: 'CloudBackupRestoreJob', id: restoreJobId(restore), state: 'IN_PROGRESS' },
      },
      {
        kind: 'STATE_CHANGED',
        final: false,
        error: null,
        job: {
          __typename: 'Export',
          id: toGlobalId('Export', pay.groupId, pay.name, DEMO.exports.queued.id),
          exportState: 'IN_PROGRESS',
        },
      },
      {
        kind: 'FINISHED',
        final: false,
        error: null,
        job: { __typename: 'CloudBackupRestoreJob', id: restoreJobId(restore), state: 'FAILED' },
      },
    ]);
    Object.assign(exportJob?.value ?? {}, { state: 'Queued' });
  });
});

describe('streams that end early, metrics and traces watching', () => {
  // The operation observer (metrics, traces) wraps every stream: a client's leaving must reach the poller
  // through it at once, not when the next event comes.
  let stack: TestStack;
  const clients: { dispose(): void | Promise<void> }[] = [];
  const sse = () => {
    const client = sseClient(stack.url);
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    stack = await startStack({ gateway: { subscriptions: fast, metrics: {} } });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.dispose();
  });
  afterAll(() => stack?.close());

  it('over SSE: a client leaving a quiet stream frees its place and its poller at once', async () => {
    // A legacy restore that stays IN_PROGRESS: no change comes to wake a stream waiting for its next event.
    const quiet = stack.simulator.data.legacyRestoreJobs.find((job) => job.value.statusName === 'IN_PROGRESS');
    const stream = new Stream(sse(), {
      query: `subscription($p: ObjectId, $c: ClusterName, $a: ObjectId) {
        legacyBackupRestoreJob(projectId: $p, clusterName: $c, atlasId: $a) { final restoreJob { statusName } }
      }`,
      variables: { p: quiet?.groupId, c: quiet?.clusterName, a: quiet?.value.id },
    });
    await stream.received(1);
    expect(stream.payloads('legacyBackupRestoreJob')).toEqual([
      { final: false, restoreJob: { statusName: 'IN_PROGRESS' } },
    ]);
    expect(stack.gateway.live.stats().subscriptions).toBe(1);
    await stream.stop();
    await vi.waitFor(() => expect(stack.gateway.live.stats()).toEqual({ subscriptions: 0, pollers: [] }), {
      timeout: 5_000,
    });
  });

  it('runs nothing for a subscription sent without accepting a stream (406)', async () => {
    const entry = addRunningRestore(stack.simulator.data);
    stack.simulator.resetCalls();
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: watchRestore, variables: { id: restoreJobId(entry) } }),
    });
    expect(response.status).toBe(406);
    await response.arrayBuffer();
    await vi.waitFor(() => expect(stack.gateway.live.stats()).toEqual({ subscriptions: 0, pollers: [] }), {
      timeout: 5_000,
    });
  });
});

describe('subscription limits', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ gateway: { subscriptions: { ...fast, maxSubscriptions: 3, maxPerConnection: 2 } } });
  });
  afterAll(() => stack?.close());

  it('refuses beyond the per-connection and per-process limits with SUBSCRIPTION_LIMIT_EXCEEDED', async () => {
    const job = DEMO.restoreJobs.inProgress;
    const request = {
      query: watchRestore,
      variables: { id: toGlobalId('CloudBackupRestoreJob', job.groupId, job.clusterName, job.id) },
    };
    const socket = wsClient(stack.wsUrl);
    const sse = sseClient(stack.url);
    try {
      const open = [new Stream(socket, request), new Stream(socket, request)];
      await Promise.all(open.map((s) => s.received(1)));
      // A third on the same WebSocket: the connection's limit (2).
      const third = new Stream(socket, request);
      await third.ended();
      expect(third.failure).toBeUndefined();
      expect(third.results[0]?.errors).toEqual([
        expect.objectContaining({
          message: 'Too many subscriptions: at most 2 per connection. Close one, or spread them over connections.',
          extensions: expect.objectContaining({ code: 'SUBSCRIPTION_LIMIT_EXCEEDED', scope: 'connection', limit: 2 }),
        }),
      ]);
      // Elsewhere the process takes one more (3), then refuses.
      open.push(new Stream(sse, request));
      await open[2]!.received(1);
      const fourth = new Stream(sse, request);
      await fourth.ended();
      // Another connection would not help against the process's limit: the message does not say it would.
      expect(fourth.results[0]?.errors).toEqual([
        expect.objectContaining({
          message:
            'Too many subscriptions: at most 3 per process. Close one, or try again later (this server is at its limit).',
          extensions: expect.objectContaining({ code: 'SUBSCRIPTION_LIMIT_EXCEEDED', scope: 'process', limit: 3 }),
        }),
      ]);
      // A stream that ends frees its place.
      await open[0]!.stop();
      await vi.waitFor(() => expect(stack.gateway.live.stats().subscriptions).toBe(2), { timeout: 5_000 });
      const again = new Stream(socket, request);
      await again.received(1);
      expect(again.results[0]?.errors).toBeUndefined();
    } finally {
      await socket.dispose();
      sse.dispose();
    }
  });
});

describe('forward mode', () => {
  const tokens = ['caller-a-token-0123456789', 'caller-b-token-0123456789'];
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({
      auth: { mode: 'forward' },
      simulator: { bearerTokens: tokens },
      gateway: { subscriptions: fast },
    });
  });
  afterAll(() => stack?.close());

  it('runs one poller per caller token, never shared, and ends a tokenless stream with UNAUTHENTICATED', async () => {
    const entry = addRunningRestore(stack.simulator.data);
    const request = { query: watchRestore, variables: { id: restoreJobId(entry) } };
    const [a, b] = tokens.map((token) => `Bearer ${token}`);
    const clients = [
      sseClient(stack.url, { authorization: a! }),
      wsClient(stack.wsUrl, { authorization: a }),
      sseClient(stack.url, { authorization: b! }),
      wsClient(stack.wsUrl, { authorization: b }),
    ];
    try {
      const streams = [
        new Stream(clients[0]!, request),
        new Stream(clients[1]!, request),
        new Stream(clients[1]!, request),
        new Stream(clients[2]!, request),
        new Stream(clients[3]!, request),
      ];
      await Promise.all(streams.map((s) => s.received(1)));
      const pollers = stack.gateway.live.stats().pollers;
      expect(pollers.map((p) => p.subscribers).sort()).toEqual([2, 3]);
      expect(new Set(pollers.map((p) => p.target)).size).toBe(1);
      // Two pollers: two GETs per tick, one per token.
      stack.simulator.resetCalls();
      const ticks = () => stack.gateway.live.stats().pollers.reduce((sum, p) => sum + p.ticks, 0);
      const before = ticks();
      // Counted over 10 ticks or more (of both pollers), however long a loaded machine takes to run them.
      await vi.waitFor(() => expect(ticks() - before).toBeGreaterThanOrEqual(10), { timeout: 5_000 });
      // A tick of each poller in flight when counting started or stopped may fall on either side.
      expect(
        Math.abs(stack.simulator.callCount({ operationId: 'getBackupRestoreJob' }) - (ticks() - before)),
      ).toBeLessThanOrEqual(2);

      const anonymous = new Stream(sseClient(stack.url), request);
      await anonymous.ended();
      expect(anonymous.payloads('cloudBackupRestoreJob')).toEqual([
        expect.objectContaining({
          final: true,
          restoreJob: null,
          error: expect.objectContaining({ code: 'UNAUTHENTICATED' }),
        }),
      ]);
      entry.value = { ...entry.value, finishedAt: '2026-08-20T12:30:00Z' };
      await Promise.all(streams.map((s) => s.ended()));
      for (const stream of streams) expect(restoreEvents(stream).at(-1)?.restoreJob?.state).toBe('FINISHED');
    } finally {
      for (const client of clients) await client.dispose();
    }
  });
});

describe('shutdown', () => {
  const client = { clientId: 'mdb_sa_id_0123456789abcdef01234567', clientSecret: 'mdb_sa_sk_live-test-secret' };

  it('completes every stream with SHUTTING_DOWN, stops the pollers, then revokes the token', async () => {
    const stack = await startStack({
      simulator: { bearerTokens: [], auth: { serviceAccounts: [client] } },
      auth: { mode: 'service-account', ...client },
      gateway: { subscriptions: fast },
    });
    const job = DEMO.restoreJobs.inProgress;
    const request = {
      query: watchRestore,
      variables: { id: toGlobalId('CloudBackupRestoreJob', job.groupId, job.clusterName, job.id) },
    };
    const socket = wsClient(stack.wsUrl);
    const streams = [new Stream(sseClient(stack.url), request), new Stream(socket, request)];
    await Promise.all(streams.map((s) => s.received(1)));

    await stack.close();
    await Promise.all(streams.map((s) => s.ended()));
    for (const stream of streams) {
      expect(stream.failure).toBeUndefined();
      expect(restoreEvents(stream).at(-1)).toMatchObject({ final: true, error: { code: 'SHUTTING_DOWN' } });
    }
    expect(stack.gateway.live.stats()).toEqual({ subscriptions: 0, pollers: [] });
    expect(stack.simulator.auth.revoked()).toBe(1);
    // Nothing reached Atlas after the token was revoked.
    const calls = stack.simulator.calls.map((c) => c.operationId);
    expect(calls.at(-1)).toBe('oauthRevoke');
    await socket.dispose();
  });
});
