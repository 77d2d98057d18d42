/** Mutations' idempotency keys shared by replicas through a real Redis. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisConnection } from '../../src/redis/connection.js';
import { RedisIdempotencyStore } from '../../src/redis/idempotency.js';
import { DEMO, startSimulator, type AtlasSimulator } from '../../src/simulator/index.js';
import { startRedis, type TestRedis } from '../../support/redis.js';
import { TEST_TOKEN, serveGateway, type ServedGateway } from '../../support/stack.js';

let redis: TestRedis;
const connections: RedisConnection[] = [];
const store = async () => {
  const connection = new RedisConnection({ url: redis.url, keyPrefix: 'idem:' });
  connections.push(connection);
  expect(await connection.ready()).toBe(true);
  return new RedisIdempotencyStore(connection);
};
const times = { holdMs: 5_000, waitMs: 1_000 };

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const connection of connections) await connection.close();
  await redis.stop();
});

describe('the shared idempotency store', () => {
  it('answers a repeat on another replica with the first outcome, and refuses the key for another request', async () => {
    const [a, b] = [await store(), await store()];
    expect(await a.claim('k1', 'f1', times)).toEqual({ status: 'claimed' });
    // B waits for A's request, then gets its outcome.
    const repeat = b.claim('k1', 'f1', times);
    await a.settle('k1', { outcome: 'done', value: { id: 'job-1' } }, 60_000);
    expect(await repeat).toEqual({ status: 'settled', record: { outcome: 'done', value: { id: 'job-1' } } });
    expect(await b.claim('k1', 'other request', times)).toEqual({ status: 'mismatch' });
  });

  it('says busy past the wait, and lets a released key be claimed again', async () => {
    const [a, b] = [await store(), await store()];
    expect(await a.claim('k2', 'f', times)).toEqual({ status: 'claimed' });
    expect(await b.claim('k2', 'f', { holdMs: 5_000, waitMs: 120 })).toEqual({ status: 'busy' });
    await a.release('k2');
    expect(await b.claim('k2', 'f', times)).toEqual({ status: 'claimed' });
  });
});

describe('the shared idempotency store while Redis is away', () => {
  it('answers a repeat on the replica that settled it: Redis down, Redis back empty, Redis lost before the settle', async () => {
    const own = await startRedis();
    const connection = new RedisConnection({ url: own.url, keyPrefix: 'idem-away:' });
    try {
      expect(await connection.ready()).toBe(true);
      const replica = new RedisIdempotencyStore(connection);
      const done = { outcome: 'done', value: { id: 'job-7' } } as const;
      expect(await replica.claim('k7', 'f7', times)).toEqual({ status: 'claimed' });
      await replica.settle('k7', done, 60_000);
      // A claim whose settle comes after Redis went away.
      expect(await replica.claim('k8', 'f8', times)).toEqual({ status: 'claimed' });

      await own.kill();
      await vi.waitFor(() => expect(connection.healthy).toBe(false));
      await replica.settle('k8', { outcome: 'unknown', startedAt: 1_000 }, 60_000);
      // It used to claim these afresh in its own (empty) memory: the repeat was sent again.
      expect(await replica.claim('k7', 'f7', times)).toEqual({ status: 'settled', record: done });
      expect(await replica.claim('k7', 'another request', times)).toEqual({ status: 'mismatch' });
      expect(await replica.claim('k8', 'f8', times)).toEqual({
        status: 'settled',
        record: { outcome: 'unknown', startedAt: 1_000 },
      });

      await own.restart();
      expect(await connection.ready(5_000)).toBe(true);
      expect(await replica.claim('k7', 'f7', times)).toEqual({ status: 'settled', record: done });
    } finally {
      await connection.close();
      await own.stop();
    }
  });
});

describe('two replicas sharing keys', () => {
  let simulator: AtlasSimulator;
  let replicas: ServedGateway[];
  beforeAll(async () => {
    simulator = await startSimulator({ bearerTokens: [TEST_TOKEN] });
    replicas = await Promise.all(
      [1, 2].map(() =>
        serveGateway({
          atlas: { baseUrl: simulator.url, auth: { mode: 'token', token: TEST_TOKEN } },
          mutations: true,
          redis: { url: redis.url, keyPrefix: 'idem-replicas:' },
        }),
      ),
    );
    for (const replica of replicas) expect(await replica.gateway.redis?.ready()).toBe(true);
  });
  afterAll(async () => {
    for (const replica of replicas ?? []) await replica.close();
    await simulator?.close();
  });

  it('sends one POST for a keyed snapshot repeated on the other replica', async () => {
    const { groupId, name } = DEMO.clusters.analyticsWarehouse;
    const document = `mutation ($input: TakeSnapshotInput!) { takeSnapshot(input: $input) { nodeId replayed errors { code } } }`;
    const input = {
      idempotencyKey: 'nightly-2026-11-29',
      projectId: groupId,
      clusterName: name,
      description: 'before upgrade',
    };
    const first = await replicas[0]!.query<{ takeSnapshot: { nodeId: string; replayed: boolean } }>(document, {
      input,
    });
    const second = await replicas[1]!.query<{ takeSnapshot: { nodeId: string; replayed: boolean } }>(document, {
      input,
    });
    expect(first.errors).toBeUndefined();
    expect(first.data!.takeSnapshot).toMatchObject({ replayed: false, nodeId: expect.any(String) });
    expect(second.data!.takeSnapshot).toEqual({ ...first.data!.takeSnapshot, replayed: true });
    expect(simulator.callCount({ method: 'POST' })).toBe(1);
  });
});
