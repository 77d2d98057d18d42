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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
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
    const live = hub();
    const stream = read(live.watchItem('restoreJob', keyOf(jobs.inProgress), a));
    await sleep(1_000);
    // At a steady 20 ms that would be 50 polls; doubling from 20 ms to 320 ms makes about 8.
    const quiet = live.stats().pollers[0]?.ticks ?? 0;
    expect(quiet).toBeGreaterThanOrEqual(4);
    expect(quiet).toBeLessThanOrEqual(10);
    expect(stream.events).toHaveLength(1);

    const entry = simulator.data.restoreJobs.find((j) => j.value.id === jobs.inProgress.id);
    if (!entry) throw new Error('seed changed');
    const before = entry.value;
    entry.value = { ...before, components: [{ replicaSetName: 'atlas-shard-0' }] };
    await vi.waitFor(() => expect(stream.events).toHaveLength(2), { timeout: 2_000, interval: 5 });
    const atChange = live.stats().pollers[0]?.ticks ?? 0;
    await sleep(100);
    // Back at 20 ms, doubling again: 20 + 40 ms fit in 100 ms.
    expect((live.stats().pollers[0]?.ticks ?? 0) - atChange).toBeGreaterThanOrEqual(2);
    entry.value = before;
  });

  it('holds back every poller of a credential after a Retry-After, and only that credential’s', async () => {
    const live = hub({ idleAfterMs: 60_000 });
    const first = read(live.watchItem('restoreJob', keyOf(jobs.inProgress), a));
    const second = read(live.watchItem('export', keyOf(DEMO.exports.inProgress), a));
    const other = read(live.watchItem('export', keyOf(DEMO.exports.queued), b));
    await vi.waitFor(() => expect(first.events.length + second.events.length + other.events.length).toBe(3));

    simulator.faults.set({
      script: ['status429'],
      retryAfterSeconds: 1,
      match: { operationId: 'getBackupRestoreJob' },
    });
    await vi.waitFor(() => expect(first.events).toHaveLength(2));
    expect(first.events[1]).toMatchObject({ kind: 'error', final: false });
    simulator.resetCalls();
    await sleep(700);
    // Credential a waits out the 1 s; credential b polls on every 20 ms.
    expect(simulator.callCount({ operationId: 'getBackupRestoreJob' })).toBe(0);
    expect(
      simulator.callCount({
        pathPrefix: `/api/atlas/v2/groups/${DEMO.exports.inProgress.groupId}/clusters/${DEMO.exports.inProgress.clusterName}/backup/exports/${DEMO.exports.inProgress.id}`,
      }),
    ).toBe(0);
    expect(
      simulator.callCount({
        pathPrefix: `/api/atlas/v2/groups/${DEMO.exports.queued.groupId}/clusters/${DEMO.exports.queued.clusterName}/backup/exports/${DEMO.exports.queued.id}`,
      }),
    ).toBeGreaterThanOrEqual(10);
    await vi.waitFor(() => expect(simulator.callCount({ operationId: 'getBackupRestoreJob' })).toBeGreaterThan(0), {
      timeout: 2_000,
    });
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
