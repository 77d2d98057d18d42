/**
 * Live pollers shared by replicas (src/redis/poller-lease.ts): three gateway replicas, one simulator, one
 * Redis, subscribers over SSE and graphql-ws spread over the replicas. One replica holds the lease and
 * polls; the others relay what it publishes. Counted at the simulator: one GET of the job a tick, not one
 * per replica. The owner leaving, dying or losing Redis hands the poll to another replica; Redis dying
 * leaves every replica polling for itself, and no subscriber misses a change or the end.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { toGlobalId } from '../../src/graph/ids.js';
import { LEASE_GRACE_MS } from '../../src/live/poller.js';
import { DEMO, startSimulator, type AtlasSimulator, type SimulatorData } from '../../src/simulator/index.js';
import { startRedis, type TestRedis } from '../../support/redis.js';
import { TEST_TOKEN, serveGateway, type ServedGateway } from '../../support/stack.js';
import { sseClient, Stream, wsClient } from '../helpers/streams.js';

const INTERVAL_MS = 100;
/** The adaptive slow-down stays off: every tick is INTERVAL_MS apart. */
const subscriptions = {
  pollIntervalMs: INTERVAL_MS,
  maxPollIntervalMs: 2_000,
  idleAfterMs: 60_000,
  activityIntervalMs: INTERVAL_MS,
};

let redis: TestRedis;
let simulator: AtlasSimulator;
let replicas: ServedGateway[];
const clients: { dispose(): void | Promise<void> }[] = [];

function replica(): Promise<ServedGateway> {
  return serveGateway({
    atlas: {
      baseUrl: simulator.url,
      auth: { mode: 'token', token: TEST_TOKEN },
      timeoutMs: 5_000,
      retry: { maxRetries: 0 },
    },
    // A loaded machine may stall a command past the default 250 ms; the replica would then poll alone for a
    // turn, and the counts below would see two pollers.
    redis: { url: redis.url, keyPrefix: 'pollers:', commandTimeoutMs: 2_000 },
    subscriptions,
  });
}

beforeAll(async () => {
  redis = await startRedis();
  simulator = await startSimulator({ bearerTokens: [TEST_TOKEN] });
  replicas = await Promise.all([replica(), replica(), replica()]);
  for (const served of replicas) expect(await served.gateway.redis?.ready()).toBe(true);
});
afterEach(async () => {
  for (const client of clients.splice(0)) await client.dispose();
  simulator.faults.clear();
  for (const served of replicas) {
    await vi.waitFor(() => expect(served.gateway.live.stats()).toEqual({ subscriptions: 0, pollers: [] }), {
      timeout: 5_000,
    });
  }
});
afterAll(async () => {
  for (const served of replicas ?? []) await served.close();
  await simulator?.close();
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let made = 0;
const freshId = () => `${(0xbd0000 + ++made).toString(16)}${'0'.repeat(18)}`;
type RestoreEntry = SimulatorData['restoreJobs'][number];

function addRunningRestore(): RestoreEntry {
  const template = simulator.data.restoreJobs.find((j) => j.value.id === DEMO.restoreJobs.inProgress.id);
  if (!template) throw new Error('no in-progress restore job in the seed');
  const entry: RestoreEntry = { ...template, value: { ...template.value, id: freshId() } };
  simulator.data.restoreJobs.unshift(entry);
  return entry;
}

const watchRestore = /* GraphQL */ `
  subscription WatchRestore($id: ID!) {
    cloudBackupRestoreJob(id: $id) {
      final
      error {
        code
      }
      restoreJob {
        state
        expiresAt
        finishedAt
        snapshot {
          id
        }
      }
    }
  }
`;

interface RestoreEvent {
  final: boolean;
  error: { code: string } | null;
  restoreJob: { state: string; expiresAt: string | null; finishedAt: string | null; snapshot: { id: string } | null };
}

/** `count` subscribers of the job, spread round-robin over `on`, half over SSE and half over graphql-ws. */
function subscribe(entry: RestoreEntry, count: number, on: ServedGateway[] = replicas): Stream[] {
  const id = toGlobalId('CloudBackupRestoreJob', entry.groupId, entry.clusterName, entry.value.id ?? '');
  const perReplica = on.map((served) => {
    const sse = sseClient(served.url);
    const ws = wsClient(served.wsUrl);
    clients.push(sse, ws);
    return { sse, ws };
  });
  return Array.from({ length: count }, (_, i) => {
    const { sse, ws } = perReplica[i % on.length]!;
    return new Stream(Math.floor(i / on.length) % 2 === 0 ? sse : ws, { query: watchRestore, variables: { id } });
  });
}

/** What each stream was told: state, expiresAt, final, error code. */
const told = (stream: Stream) =>
  stream
    .payloads<RestoreEvent>('cloudBackupRestoreJob')
    .map((e) => [e.restoreJob?.state ?? null, e.restoreJob?.expiresAt ?? null, e.final, e.error?.code ?? null]);

const rolesOf = (on: ServedGateway[] = replicas) => on.map((s) => s.gateway.live.stats().pollers[0]?.role);
const ticksOf = (on: ServedGateway[] = replicas) =>
  on.map((s) => s.gateway.live.stats().pollers.reduce((sum, p) => sum + p.ticks, 0));
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * Polls until the replicas ran `total` ticks between them (or `each` ticks each), however long a loaded
 * machine takes: the job's GETs at the simulator, the ticks each replica ran meanwhile, and how long it took.
 */
async function measure(enough: { total?: number; each?: number }, on: ServedGateway[] = replicas) {
  const before = ticksOf(on);
  const ran = () => ticksOf(on).map((t, i) => t - before[i]!);
  simulator.resetCalls();
  const started = performance.now();
  await vi.waitFor(
    () => {
      expect(sum(ran())).toBeGreaterThanOrEqual(enough.total ?? 0);
      for (const ticks of ran()) expect(ticks).toBeGreaterThanOrEqual(enough.each ?? 0);
    },
    { timeout: 5_000 },
  );
  const gets = simulator.callCount({ operationId: 'getBackupRestoreJob' });
  const ticks = ran();
  return { gets, ticks, total: sum(ticks), ms: performance.now() - started };
}

const expires1 = '2026-08-21T12:00:00Z';
const expires2 = '2026-08-22T12:00:00Z';

/** Moves the job through two changes and its end, each made once every stream has the previous one. */
async function runToTheEnd(entry: RestoreEntry, streams: Stream[], already = 1) {
  entry.value = { ...entry.value, expiresAt: expires1 };
  await Promise.all(streams.map((s) => s.received(already + 1)));
  entry.value = { ...entry.value, expiresAt: expires2 };
  await Promise.all(streams.map((s) => s.received(already + 2)));
  entry.value = { ...entry.value, finishedAt: '2026-08-22T12:30:00Z' };
  await Promise.all(streams.map((s) => s.ended()));
}

const theRun = [
  ['IN_PROGRESS', null, false, null],
  ['IN_PROGRESS', expires1, false, null],
  ['IN_PROGRESS', expires2, false, null],
  ['FINISHED', expires2, true, null],
];

describe('pollers shared by three replicas through Redis', () => {
  it('30 subscribers of one job over 3 replicas cost one poll a tick; each change reaches each subscriber once', async () => {
    const entry = addRunningRestore();
    const streams = subscribe(entry, 30);
    await Promise.all(streams.map((s) => s.received(1)));
    expect(replicas.map((s) => s.gateway.live.stats().pollers[0]?.subscribers)).toEqual([10, 10, 10]);
    expect(rolesOf().sort()).toEqual(['follower', 'follower', 'owner']);

    const { gets, ticks, total, ms } = await measure({ total: 10 });
    // One replica polls, a tick every 100 ms at most (a loaded machine only makes them fewer); the followers
    // poll nothing.
    expect(ticks.filter((t) => t > 0)).toHaveLength(1);
    expect(total).toBeLessThanOrEqual(ms / INTERVAL_MS + 2);
    // A tick in flight when counting started or stopped may fall on either side of the count.
    expect(Math.abs(gets - total)).toBeLessThanOrEqual(1);
    console.info(
      `30 subscribers on 3 replicas, one restore job: ${gets} getBackupRestoreJob calls in ${total} ticks ` +
        `(${Math.round(ms)} ms at ${INTERVAL_MS} ms; ticks per replica ${ticks.join('/')})`,
    );

    simulator.resetCalls();
    await runToTheEnd(entry, streams);
    for (const stream of streams) {
      expect(stream.failure).toBeUndefined();
      expect(told(stream)).toEqual(theRun);
      // Nested fields resolve on every replica (a follower through a unit of work of its own).
      expect(stream.payloads<RestoreEvent>('cloudBackupRestoreJob').at(-1)?.restoreJob.snapshot?.id).toBeTruthy();
    }
    // Every replica completed its streams at the terminal state, and stopped its poller.
    for (const served of replicas) {
      await vi.waitFor(() => expect(served.gateway.live.stats().pollers).toEqual([]), { timeout: 5_000 });
    }
    console.info(
      `the run (2 changes and the end) cost ${simulator.callCount({ operationId: 'getBackupRestoreJob' })} job GETs ` +
        `and ${simulator.callCount({ operationId: 'getClusterBackupSnapshot' })} snapshot GETs (one per replica and event)`,
    );
  });

  it('another replica takes over at once when the owner’s last subscriber leaves; the streams go on', async () => {
    const entry = addRunningRestore();
    const streams = subscribe(entry, 30);
    await Promise.all(streams.map((s) => s.received(1)));
    const owner = rolesOf().indexOf('owner');
    expect(owner).toBeGreaterThanOrEqual(0);
    const leaving = streams.filter((_, i) => i % 3 === owner);
    const staying = streams.filter((_, i) => i % 3 !== owner);

    const left = performance.now();
    await Promise.all(leaving.map((s) => s.stop()));
    await vi.waitFor(() => expect(rolesOf()[owner]).toBeUndefined(), { timeout: 5_000, interval: 2 });
    const gone = performance.now();
    await vi.waitFor(() => expect(rolesOf().filter((r) => r === 'owner')).toHaveLength(1), {
      timeout: 5_000,
      interval: 2,
    });
    const takeover = performance.now() - gone;
    // The release is told over pub/sub: a follower claims at once, not when the lease would lapse (up to
    // 2 intervals and the grace, 700 ms, after the owner's last renewal).
    expect(takeover).toBeLessThan(4 * INTERVAL_MS);
    console.info(
      `owner's subscribers left (${Math.round(gone - left)} ms for the server to see it): ` +
        `another replica polls ${Math.round(takeover)} ms after its poller stopped`,
    );

    const { gets, ticks, total } = await measure({ total: 10 });
    expect(ticks.filter((t) => t > 0)).toHaveLength(1);
    expect(Math.abs(gets - total)).toBeLessThanOrEqual(1);

    await runToTheEnd(entry, staying);
    for (const stream of staying) expect(told(stream)).toEqual(theRun);
  });

  it('another replica takes over within the lease when the owner stops renewing it (its Redis gone)', async () => {
    const entry = addRunningRestore();
    const streams = subscribe(entry, 30);
    await Promise.all(streams.map((s) => s.received(1)));
    const owner = rolesOf().indexOf('owner');
    // The owner can no longer reach Redis (as if it hung or was cut off): it neither renews nor releases.
    const cut = performance.now();
    replicas[owner]!.gateway.redis!.client.disconnect(false);
    await vi.waitFor(() => expect(rolesOf().filter((r, i) => i !== owner && r === 'owner')).toHaveLength(1), {
      timeout: 5_000,
      interval: 5,
    });
    const takeover = performance.now() - cut;
    // The lease outlives its holder's last renewal by at most two intervals and the grace (700 ms); a follower
    // that did not look again when it lapses would wait its longest, maxPollIntervalMs (2 s).
    expect(2 * INTERVAL_MS + LEASE_GRACE_MS).toBeLessThan(1_500);
    expect(takeover).toBeLessThan(1_500);
    console.info(`owner cut off from Redis: another replica took the lapsed lease ${Math.round(takeover)} ms later`);
    // The cut-off replica polls for itself meanwhile; its subscribers and the others' all go on.
    expect(rolesOf()[owner]).toBe('alone');

    await runToTheEnd(entry, streams);
    for (const stream of streams) expect(told(stream)).toEqual(theRun);

    // A fresh replica in its place for the tests that follow.
    const [gone] = replicas.splice(owner, 1, await replica());
    await gone!.close();
    for (const served of replicas) expect(await served.gateway.redis?.ready()).toBe(true);
  });

  it('the owner replica closing ends only its own streams; another replica takes the poll over', async () => {
    const entry = addRunningRestore();
    const streams = subscribe(entry, 30);
    await Promise.all(streams.map((s) => s.received(1)));
    const owner = rolesOf().indexOf('owner');
    const closing = streams.filter((_, i) => i % 3 === owner);
    const staying = streams.filter((_, i) => i % 3 !== owner);

    const [gone] = replicas.splice(owner, 1);
    const closed = performance.now();
    // Timed from the start of closing to the takeover, not to the end of closing (which waits for the
    // closing replica's connections and more).
    const closingDone = gone!.close();
    await vi.waitFor(() => expect(rolesOf().filter((r) => r === 'owner')).toHaveLength(1), {
      timeout: 5_000,
      interval: 2,
    });
    const takeover = performance.now() - closed;
    await closingDone;
    // Its pollers release the lease as they stop, first thing when closing: not when it would lapse (up to
    // 2 intervals and the grace, 700 ms, after the owner's last renewal).
    expect(takeover).toBeLessThan(4 * INTERVAL_MS);
    for (const stream of closing) {
      await stream.ended();
      expect(told(stream).at(-1)).toEqual([null, null, true, 'SHUTTING_DOWN']);
    }

    const { gets, ticks, total } = await measure({ total: 10 });
    expect(ticks.filter((t) => t > 0)).toHaveLength(1);
    expect(Math.abs(gets - total)).toBeLessThanOrEqual(1);

    await runToTheEnd(entry, staying);
    for (const stream of staying) expect(told(stream)).toEqual(theRun);
    replicas.push(await replica());
    for (const served of replicas) expect(await served.gateway.redis?.ready()).toBe(true);
  });

  it('shares a project’s activity poller: each job that starts or finishes is told once to every subscriber', async () => {
    const { groupId } = DEMO.clusters.paymentsProd;
    const streams = replicas.flatMap((served) => {
      const ws = wsClient(served.wsUrl);
      clients.push(ws);
      return [1, 2].map(
        () =>
          new Stream(ws, {
            query: `subscription($p: ObjectId!) {
              backupActivity(projectId: $p) { kind final job { ... on CloudBackupRestoreJob { atlasId state } } }
            }`,
            variables: { p: groupId },
          }),
      );
    });
    // The first ticks only learn what is there: wait until the owner has read the lists a few times.
    await vi.waitFor(
      () => {
        expect(rolesOf().sort()).toEqual(['follower', 'follower', 'owner']);
        expect(sum(ticksOf())).toBeGreaterThanOrEqual(3);
      },
      { timeout: 5_000 },
    );
    const { ticks } = await measure({ total: 5 });
    expect(ticks.filter((t) => t > 0)).toHaveLength(1);

    const entry = addRunningRestore();
    await Promise.all(streams.map((s) => s.received(1)));
    entry.value = { ...entry.value, failed: true };
    await Promise.all(streams.map((s) => s.received(2)));
    await sleep(3 * INTERVAL_MS);
    for (const stream of streams) {
      expect(stream.payloads('backupActivity')).toEqual([
        { kind: 'STARTED', final: false, job: { atlasId: entry.value.id, state: 'IN_PROGRESS' } },
        { kind: 'FINISHED', final: false, job: { atlasId: entry.value.id, state: 'FAILED' } },
      ]);
    }
  });

  it('relays Atlas failures as coded events, then the job once Atlas answers again', async () => {
    const entry = addRunningRestore();
    const streams = subscribe(entry, 9);
    await Promise.all(streams.map((s) => s.received(1)));
    simulator.faults.set({
      script: ['status503', 'status503', 'status503'],
      match: { operationId: 'getBackupRestoreJob' },
    });
    await Promise.all(streams.map((s) => s.received(3)));
    // Three failing polls were made, by the owner alone: one failure event, then the job again.
    expect(simulator.faults.injected().status503).toBe(3);
    for (const stream of streams) {
      expect(told(stream)).toEqual([
        ['IN_PROGRESS', null, false, null],
        [null, null, false, 'UPSTREAM_UNAVAILABLE'],
        ['IN_PROGRESS', null, false, null],
      ]);
    }
  });

  it('Redis killed mid-stream: every replica polls for itself, no subscriber misses a change or the end', async () => {
    const entry = addRunningRestore();
    const streams = subscribe(entry, 30);
    await Promise.all(streams.map((s) => s.received(1)));
    await redis.kill();
    await vi.waitFor(() => expect(rolesOf()).toEqual(['alone', 'alone', 'alone']), { timeout: 5_000, interval: 5 });
    // Degraded: each replica polls, as without Redis (3 ticks each, or the wait times out).
    const { gets, ticks, ms } = await measure({ each: 3 });
    console.info(`Redis away: ${gets} job GETs in ${Math.round(ms)} ms (ticks per replica ${ticks.join('/')})`);

    await runToTheEnd(entry, streams);
    for (const stream of streams) {
      expect(stream.failure).toBeUndefined();
      expect(told(stream)).toEqual(theRun);
    }

    // Redis back: the replicas share again.
    await redis.restart();
    for (const served of replicas) expect(await served.gateway.redis?.ready(5_000)).toBe(true);
    const next = addRunningRestore();
    const again = subscribe(next, 30);
    await Promise.all(again.map((s) => s.received(1)));
    await vi.waitFor(() => expect(rolesOf().sort()).toEqual(['follower', 'follower', 'owner']), { timeout: 5_000 });
    const shared = await measure({ total: 10 });
    expect(shared.ticks.filter((t) => t > 0)).toHaveLength(1);
    expect(Math.abs(shared.gets - shared.total)).toBeLessThanOrEqual(1);
    await runToTheEnd(next, again);
    for (const stream of again) expect(told(stream)).toEqual(theRun);
  }, 30_000);
});
