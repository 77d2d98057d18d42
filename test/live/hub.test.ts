/**
 * The live layer on its own, against the simulator over HTTP: the poll interval slows while nothing
 * changes, a Retry-After holds back every poller of its credential (and only those), shutdown ends streams,
 * and a reader that stops reading is cut off instead of queueing without end.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { staticBearer } from '../../src/atlas/auth/credential.js';
import { createTransport, type AtlasTransport } from '../../src/atlas/transport.js';
import { LiveOverflowError, LiveShutdownError } from '../../src/live/errors.js';
import { LiveHub, type LiveOptions } from '../../src/live/hub.js';
import { LiveSubscription, MAX_QUEUED_EVENTS, type LiveEvent } from '../../src/live/subscription.js';
import { DEMO, startSimulator, type AtlasSimulator } from '../../src/simulator/index.js';

const tokens = ['live-token-a-0123456789', 'live-token-b-0123456789'];
const [a, b] = tokens.map((token, i) => staticBearer(token, `test:${i}`)) as [
  ReturnType<typeof staticBearer>,
  ReturnType<typeof staticBearer>,
];

let simulator: AtlasSimulator;
let transport: AtlasTransport;
const hubs: LiveHub[] = [];

const options: LiveOptions = {
  intervalMs: 20,
  maxIntervalMs: 320,
  idleAfterMs: 0,
  activityIntervalMs: 20,
  maxSubscriptions: 100,
  maxSubscriptionsPerConnection: 100,
  budget: 10,
  deadlineMs: 5_000,
  drainMs: 1_000,
};
function hub(overrides: Partial<LiveOptions> = {}): LiveHub {
  const created = new LiveHub(transport, { ...options, ...overrides });
  hubs.push(created);
  return created;
}

/** Reads a subscription in the background, keeping every event. */
function read<V>(subscription: LiveSubscription<V>) {
  const events: LiveEvent<V>[] = [];
  const done = (async () => {
    for await (const event of subscription) events.push(event);
  })();
  return { events, done };
}

const jobs = DEMO.restoreJobs;
const keyOf = (job: { groupId: string; clusterName: string; id: string }) => ({ ...job });

beforeAll(async () => {
  simulator = await startSimulator({ bearerTokens: tokens });
  transport = createTransport({
    baseUrl: simulator.url,
    timeoutMs: 5_000,
    connections: 8,
    userAgent: 'test',
    retry: { maxRetries: 0 },
  });
});
afterEach(async () => {
  for (const created of hubs.splice(0)) await created.close();
  simulator.faults.clear();
});
afterAll(async () => {
  await transport?.close();
  await simulator?.close();
});

describe('LiveHub', () => {
  it('slows its polls while nothing changes (up to the slowest interval), and speeds up at a change', async () => {
    // Idle after 1 s unchanged: the interval stays at 20 ms that long after a change, so this test reads it
    // there however late a loaded machine lets it look.
    const live = hub({ idleAfterMs: 1_000 });
    const poller = () => {
      const pollers = live.stats().pollers;
      expect(pollers).toHaveLength(1);
      return pollers[0]!;
    };
    simulator.resetCalls();
    const started = performance.now();
    const stream = read(live.watchItem('restoreJob', keyOf(jobs.inProgress), a));
    // Every interval the poller takes on, until it reaches the slowest.
    const intervals: number[] = [];
    await vi.waitFor(
      () => {
        const { intervalMs } = poller();
        if (intervals.at(-1) !== intervalMs) intervals.push(intervalMs);
        expect(intervalMs).toBe(320);
      },
      { timeout: 10_000, interval: 5 },
    );
    // 20 ms for the idle second, then doubled at each unchanged tick: 40, 80 and 160 ms waited before 320.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_000 + 40 + 80 + 160 - 5);
    expect(intervals[0]).toBe(20);
    expect(intervals.every((ms) => [20, 40, 80, 160, 320].includes(ms))).toBe(true);
    expect(intervals).toEqual([...intervals].sort((x, y) => x - y));
    // It stays there: two more ticks, each 320 ms after the one before at Atlas (a timer may fire 1 ms early).
    // One GET per tick, in order since the log was emptied: the GET of tick n is gets[n - 1].
    const capped = poller().ticks;
    const gets = () => simulator.calls.filter((c) => c.operationId === 'getBackupRestoreJob').map((c) => c.at);
    await vi.waitFor(() => expect(gets().length).toBeGreaterThanOrEqual(capped + 2), { timeout: 5_000 });
    expect(poller().intervalMs).toBe(320);
    const at = gets();
    expect(at[capped]! - at[capped - 1]!).toBeGreaterThanOrEqual(315);
    expect(at[capped + 1]! - at[capped]!).toBeGreaterThanOrEqual(315);
    expect(stream.events).toHaveLength(1);

    const entry = simulator.data.restoreJobs.find((j) => j.value.id === jobs.inProgress.id);
    if (!entry) throw new Error('seed changed');
    const before = entry.value;
    try {
      entry.value = { ...before, components: [{ replicaSetName: 'atlas-shard-0' }] };
      await vi.waitFor(() => expect(stream.events).toHaveLength(2), { timeout: 5_000, interval: 5 });
      // Back at 20 ms at once, and for the next idle second.
      expect(poller().intervalMs).toBe(20);
      const atChange = poller().ticks;
      await vi.waitFor(() => expect(poller().ticks).toBeGreaterThanOrEqual(atChange + 2), { timeout: 5_000 });
    } finally {
      entry.value = before;
    }
  });

  it('holds back every poller of a credential after a Retry-After, and only that credential’s', async () => {
    const live = hub({ idleAfterMs: 60_000 });
    const first = read(live.watchItem('restoreJob', keyOf(jobs.inProgress), a));
    const second = read(live.watchItem('export', keyOf(DEMO.exports.inProgress), a));
    const other = read(live.watchItem('export', keyOf(DEMO.exports.queued), b));
    await vi.waitFor(() => expect(first.events.length + second.events.length + other.events.length).toBe(3), {
      timeout: 5_000,
    });

    const exportPath = (job: { groupId: string; clusterName: string; id: string }) =>
      `/api/atlas/v2/groups/${job.groupId}/clusters/${job.clusterName}/backup/exports/${job.id}`;
    // Each poller's calls, with when they reached the simulator.
    const callsOf = (match: (path: string, operationId: string | null) => boolean) =>
      simulator.calls.filter((c) => match(c.path, c.operationId)).map((c) => ({ at: c.at, status: c.status }));
    const restoreA = () => callsOf((_, op) => op === 'getBackupRestoreJob');
    const exportA = () => callsOf((path) => path.startsWith(exportPath(DEMO.exports.inProgress)));
    const exportB = () => callsOf((path) => path.startsWith(exportPath(DEMO.exports.queued)));

    simulator.resetCalls();
    simulator.faults.set({
      script: ['status429'],
      retryAfterSeconds: 1,
      match: { operationId: 'getBackupRestoreJob' },
    });
    await vi.waitFor(() => expect(first.events).toHaveLength(2), { timeout: 5_000 });
    // The gateway has read the 429 by now: a call arriving after this was sent during the hold, or was on its
    // way before it (at most one per poller: a poller's tick still in flight, or its timer already set).
    const seen = simulator.clock.now();
    expect(first.events[1]).toMatchObject({ kind: 'error', final: false });
    const limited = restoreA().find((c) => c.status === 429);
    expect(limited).toBeDefined();
    /** Milliseconds after the 429 reached Atlas. */
    const since429 = (call: { at: number }) => call.at - limited!.at;
    // Wait until credential a polls both again after its hold.
    await vi.waitFor(
      () => {
        expect(restoreA().filter((c) => since429(c) > 0).length).toBeGreaterThanOrEqual(1);
        expect(exportA().filter((c) => c.at > seen).length).toBeGreaterThanOrEqual(2);
      },
      { timeout: 5_000 },
    );
    // Credential a waits out the 1 s (a timer may fire a few ms early): the poller that got the 429 calls
    // next a second after it...
    const next = restoreA().find((c) => since429(c) > 0)!;
    expect(next.status).toBe(200);
    expect(since429(next)).toBeGreaterThanOrEqual(990);
    // ...and its other poller at most once more before then (the call already on its way), then not until then.
    expect(since429(exportA().filter((c) => c.at > seen)[1]!)).toBeGreaterThanOrEqual(990);
    // Credential b polls on every 20 ms meanwhile: more than the one call a held poller could make.
    expect(exportB().filter((c) => c.at > seen && since429(c) < 990).length).toBeGreaterThanOrEqual(2);
  });

  it('ends every stream on close with a shutdown event, and refuses new ones', async () => {
    const live = hub();
    const stream = read(live.watchItem('restoreJob', keyOf(jobs.inProgress), a));
    await vi.waitFor(() => expect(stream.events).toHaveLength(1));
    await live.close();
    await stream.done;
    expect(stream.events.at(-1)).toMatchObject({ kind: 'error', final: true });
    expect((stream.events.at(-1) as { error: unknown }).error).toBeInstanceOf(LiveShutdownError);
    expect(live.stats()).toEqual({ subscriptions: 0, pollers: [] });
    expect(() => live.watchItem('restoreJob', keyOf(jobs.inProgress), a)).toThrow(LiveShutdownError);
  });

  it('counts subscriptions per connection and per process, and frees them as streams end', async () => {
    const live = hub({ maxSubscriptions: 3, maxSubscriptionsPerConnection: 2, drainMs: 50 });
    const socket = {};
    const one = live.watchItem('restoreJob', keyOf(jobs.inProgress), a, socket);
    live.watchItem('restoreJob', keyOf(jobs.inProgress), a, socket);
    expect(() => live.watchItem('restoreJob', keyOf(jobs.inProgress), a, socket)).toThrow('per connection');
    live.watchItem('restoreJob', keyOf(jobs.inProgress), b);
    expect(() => live.watchItem('restoreJob', keyOf(jobs.inProgress), b, {})).toThrow('per process');
    await one.return();
    expect(live.stats().subscriptions).toBe(2);
    live.watchItem('export', keyOf(DEMO.exports.queued), a, socket);
  });
});

describe('LiveSubscription', () => {
  it('ends a subscriber that leaves too many events unread, telling it why', async () => {
    let closed = 0;
    const subscription = new LiveSubscription<number>(() => closed++);
    for (let i = 0; i <= MAX_QUEUED_EVENTS + 10; i++) {
      subscription.push({ kind: 'value', value: i, final: false, loaders: () => ({}) as never });
    }
    const events: LiveEvent<number>[] = [];
    for await (const event of subscription) events.push(event);
    expect(events.at(-1)).toMatchObject({ kind: 'error', final: true });
    expect((events.at(-1) as { error: unknown }).error).toBeInstanceOf(LiveOverflowError);
    expect(closed).toBe(1);
  });

  it('returns at once while waiting for an event (a client leaving a quiet stream)', async () => {
    let closed = 0;
    const subscription = new LiveSubscription<number>(() => closed++);
    const pending = subscription.next();
    await subscription.return();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
  });
});
