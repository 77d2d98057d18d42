/**
 * What replicas share through a real Redis (Debian's redis-server, started here on a free port): the
 * response cache and the Atlas rate budget, and what each does when Redis goes away.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AtlasRateBudgetError } from '../../src/atlas/errors.js';
import { RedisConnection } from '../../src/redis/connection.js';
import { RedisRateBudget } from '../../src/redis/rate-budget.js';
import { RedisResponseCache } from '../../src/redis/response-cache.js';
import { startRedis, type TestRedis } from '../../support/redis.js';

let redis: TestRedis;
const connections: RedisConnection[] = [];
const connect = async (keyPrefix = 'test:') => {
  const connection = new RedisConnection({ url: redis.url, keyPrefix });
  connections.push(connection);
  expect(await connection.ready()).toBe(true);
  return connection;
};

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const connection of connections) await connection.close();
  await redis.stop();
});

describe('the connection', () => {
  it('says once that Redis is unreachable from the start, with the reason and never the URL; then that it is back', async () => {
    const states: [boolean, string | undefined][] = [];
    const down = await startRedis();
    await down.kill();
    const url = down.url.replace('redis://', 'redis://default:canary-password@');
    const connection = new RedisConnection({
      url,
      keyPrefix: 'down:',
      onStateChange: (healthy, reason) => states.push([healthy, reason]),
    });
    try {
      await vi.waitFor(() => expect(states).toHaveLength(1), { timeout: 3_000 });
      // Several reconnection attempts fail meanwhile (every 100 to 300 ms); one line is enough.
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(states).toEqual([[false, 'ECONNREFUSED']]);
      await down.restart();
      expect(await connection.ready(5_000)).toBe(true);
      expect(states).toEqual([
        [false, 'ECONNREFUSED'],
        [true, undefined],
      ]);
    } finally {
      await connection.close();
      await down.stop();
    }
    // Closing is no outage.
    expect(states).toHaveLength(2);
  });

  it('says why a Redis that shuts down (SIGTERM) went away: what the reconnection meets', async () => {
    const states: [boolean, string | undefined][] = [];
    const own = await startRedis();
    const connection = new RedisConnection({
      url: own.url,
      keyPrefix: 'killed:',
      onStateChange: (healthy, reason) => states.push([healthy, reason]),
    });
    try {
      expect(await connection.ready()).toBe(true);
      await own.stop();
      await vi.waitFor(() => expect(states).toHaveLength(2), { timeout: 3_000 });
      expect(connection.healthy).toBe(false);
      // Reconnection attempts keep failing meanwhile; one line is enough.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(states).toEqual([
        [true, undefined],
        [false, 'ECONNREFUSED'],
      ]);
    } finally {
      await connection.close();
    }
  });

  it('tells a Redis that stops answering on an open connection, and stops using it until it answers again', async () => {
    const states: [boolean, string | undefined][] = [];
    const own = await startRedis();
    const connection = new RedisConnection({
      url: own.url,
      keyPrefix: 'hung:',
      heartbeatMs: 100,
      onStateChange: (healthy, reason) => states.push([healthy, reason]),
    });
    try {
      expect(await connection.ready()).toBe(true);
      own.pause();
      // A heartbeat (every 100 ms) goes unanswered past the 250 ms command timeout.
      await vi.waitFor(() => expect(connection.healthy).toBe(false), { timeout: 3_000 });
      expect(states).toEqual([
        [true, undefined],
        [false, 'TIMEOUT'],
      ]);
      own.resume();
      await vi.waitFor(() => expect(connection.healthy).toBe(true), { timeout: 3_000 });
      expect(states.at(-1)).toEqual([true, undefined]);
      expect(states).toHaveLength(3);
    } finally {
      own.resume();
      await connection.close();
      await own.stop();
    }
  });
});

describe('the shared response cache', () => {
  it('shares answers between replicas, expires them, and forgets a prefix', async () => {
    const [a, b] = [new RedisResponseCache(await connect()), new RedisResponseCache(await connect())];
    await a.set('static app/json /groups/1/clusters', { results: [1] }, 60_000);
    await a.set('static app/json /groups/1/clusters?pageNum=2', { results: [2] }, 60_000);
    await a.set('static app/json /groups/2/clusters', { results: [3] }, 60_000);
    await a.set('static app/json /groups/3', { short: true }, 50);
    expect(await b.get('static app/json /groups/1/clusters')).toEqual({ results: [1] });
    // Another credential's key is another entry.
    expect(await b.get('fwd:other app/json /groups/1/clusters')).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await b.get('static app/json /groups/3')).toBeUndefined();
    await b.deleteByPrefix('static app/json /groups/1/clusters');
    expect(await a.get('static app/json /groups/1/clusters')).toBeUndefined();
    expect(await a.get('static app/json /groups/1/clusters?pageNum=2')).toBeUndefined();
    expect(await a.get('static app/json /groups/2/clusters')).toEqual({ results: [3] });
  });

  it('escapes glob characters: a prefix forgets only what starts with it', async () => {
    const cache = new RedisResponseCache(await connect());
    await cache.set('k /a?x=[1]*', 1, 60_000);
    await cache.set('k /a?x=1', 2, 60_000);
    await cache.deleteByPrefix('k /a?x=[1]*');
    expect(await cache.get('k /a?x=[1]*')).toBeUndefined();
    expect(await cache.get('k /a?x=1')).toBe(2);
  });
});

describe('the shared rate budget', () => {
  const shape = { capacity: 10, refill: 1, periodMs: 60_000 };
  // Deadlines of 1 s: a Redis command slowed past its 250 ms timeout is asked again within it (a token
  // missing here waits ~6 s or more, refused all the same).

  it('gives replicas together no more tokens than the one bucket holds', async () => {
    const replicas = [await connect('rb1:'), await connect('rb1:'), await connect('rb1:')].map(
      (c) => new RedisRateBudget(c, shape),
    );
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => replicas[i % 3]!.acquire('static group:p', 'getGroup', Date.now() + 1_000)),
    );
    // The mirror keeps two of Atlas's ten tokens as headroom.
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(8);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(22);
    for (const r of refused) expect(r.reason).toBeInstanceOf(AtlasRateBudgetError);
  });

  it('lowers the shared bucket to what Atlas reports, for every replica', async () => {
    const seen = await connect('rb2:');
    const [a, b] = [new RedisRateBudget(seen, shape), new RedisRateBudget(await connect('rb2:'), shape)];
    await a.acquire('static group:q', 'getGroup', Date.now() + 1_000);
    a.observe('static group:q', { remaining: 1 });
    // The report is sent in the background: wait until the shared bucket holds it.
    const tokens = async () => Number(await seen.client.hget(seen.key('rate', 'static group:q'), 'tokens'));
    await vi.waitFor(async () => expect(await tokens()).toBeLessThan(2), { timeout: 3_000 });
    await b.acquire('static group:q', 'getGroup', Date.now() + 1_000);
    await expect(b.acquire('static group:q', 'getGroup', Date.now() + 1_000)).rejects.toBeInstanceOf(
      AtlasRateBudgetError,
    );
  });

  it('falls back to its own bucket while Redis is away, and shares again when it is back', async () => {
    const connection = await connect('rb3:');
    const budget = new RedisRateBudget(connection, { capacity: 4, refill: 1, periodMs: 60_000 }); // mirror: 2
    await redis.kill();
    await vi.waitFor(() => expect(connection.healthy).toBe(false), { timeout: 3_000 });
    // Degraded: the process's own bucket (full), no error from Redis reaches the caller.
    await budget.acquire('static group:r', 'getGroup', Date.now() + 1_000);
    await budget.acquire('static group:r', 'getGroup', Date.now() + 1_000);
    await expect(budget.acquire('static group:r', 'getGroup', Date.now() + 1_000)).rejects.toBeInstanceOf(
      AtlasRateBudgetError,
    );
    await redis.restart();
    expect(await connection.ready(5_000)).toBe(true);
    await budget.acquire('static group:r', 'getGroup', Date.now() + 1_000);
  });
});
