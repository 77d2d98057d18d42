/**
 * Three gateway replicas in front of one Atlas (the simulator) that allows 100 calls a minute per project
 * and endpoint set, sharing one Redis: together they stay under the limit, and clients never see
 * RATE_LIMITED while the waits fit the deadline. Killing Redis mid-run costs sharing, never correctness.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/graph/ids.js';
import {
  DEMO,
  addRestoreJobs,
  createSeedData,
  startSimulator,
  type AtlasSimulator,
} from '../../src/simulator/index.js';
import { startRedis, type TestRedis } from '../../support/redis.js';
import { TEST_TOKEN, serveGateway, type ServedGateway } from '../../support/stack.js';

const limit = { capacity: 100, refill: 100, periodSeconds: 60 };
let redis: TestRedis;
let simulator: AtlasSimulator;
let replicas: ServedGateway[];
let jobs: { id: string; atlasId: string }[];

beforeAll(async () => {
  redis = await startRedis();
  const data = createSeedData();
  const { groupId, name } = DEMO.clusters.paymentsProd;
  jobs = addRestoreJobs(data, groupId, name, 120).map((atlasId) => ({
    atlasId,
    id: toGlobalId('CloudBackupRestoreJob', groupId, name, atlasId),
  }));
  simulator = await startSimulator({ bearerTokens: [TEST_TOKEN], data, rateLimit: limit });
  replicas = await Promise.all(
    [1, 2, 3].map(() =>
      serveGateway({
        atlas: {
          baseUrl: simulator.url,
          auth: { mode: 'token', token: TEST_TOKEN },
          cacheTtlMs: 120_000,
          deadlineMs: 40_000,
          rateLimit: { capacity: limit.capacity, refill: limit.refill, periodMs: limit.periodSeconds * 1000 },
        },
        redis: { url: redis.url, keyPrefix: 'replicas:' },
      }),
    ),
  );
  for (const replica of replicas) expect(await replica.gateway.redis?.ready()).toBe(true);
});
afterAll(async () => {
  for (const replica of replicas ?? []) await replica.close();
  await simulator?.close();
  await redis?.stop();
});

/** Sends `count` queries, `concurrency` at a time, round-robin over the replicas; each asks one job. */
async function send(count: number, concurrency: number, offset = 0) {
  const answers: { expected: string; atlasId?: string; code?: unknown }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) {
        const job = jobs[(i * 7 + offset) % jobs.length]!;
        const replica = replicas[i % replicas.length]!;
        const { data, errors } = await replica.query<{ node: { atlasId: string } | null }>(
          `{ node(id: "${job.id}") { ... on CloudBackupRestoreJob { atlasId } } }`,
        );
        answers.push({ expected: job.atlasId, atlasId: data?.node?.atlasId, code: errors?.[0]?.extensions?.['code'] });
      }
    }),
  );
  return answers;
}

describe('three replicas, one Redis, one Atlas rate limit', () => {
  it('answer 1,000 queries with no RATE_LIMITED, and Atlas never refuses a call', async () => {
    const answers = await send(1_000, 30);
    expect(answers.filter((a) => a.code !== undefined)).toEqual([]);
    expect(answers.every((a) => a.atlasId === a.expected)).toBe(true);
    // 120 distinct jobs: the shared cache answers repeats across replicas; more than 100 calls means some
    // waited for the bucket to refill, and Atlas refused none.
    const calls = simulator.callCount({ operationId: 'getBackupRestoreJob' });
    expect(calls).toBeGreaterThanOrEqual(120);
    expect(calls).toBeLessThan(160);
    expect([...(simulator.rateLimiter?.refused.values() ?? [])].reduce((a, b) => a + b, 0)).toBe(0);
  }, 90_000);

  it('lose no correctness when Redis dies mid-run: every answer is the job asked for, or a coded error', async () => {
    // The limit's bucket is spent by now: lift it, and use replicas without a rate budget, so this run is
    // about Redis going away, not about waiting for tokens.
    simulator.rateLimiter!.limit.capacity = 1_000_000;
    simulator.rateLimiter!.limit.refill = 1_000_000;
    for (const replica of replicas) await replica.close();
    replicas = await Promise.all(
      [1, 2, 3].map(() =>
        serveGateway({
          atlas: { baseUrl: simulator.url, auth: { mode: 'token', token: TEST_TOKEN }, cacheTtlMs: 120_000 },
          redis: { url: redis.url, keyPrefix: 'replicas-2:' },
        }),
      ),
    );
    for (const replica of replicas) expect(await replica.gateway.redis?.ready()).toBe(true);
    const running = send(400, 20, 3);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await redis.kill();
    const answers = await running;
    expect(answers).toHaveLength(400);
    for (const answer of answers) {
      if (answer.atlasId !== undefined) expect(answer.atlasId).toBe(answer.expected);
      else expect(typeof answer.code).toBe('string');
    }
    expect(answers.filter((a) => a.atlasId !== undefined).length).toBeGreaterThan(390);
    expect(replicas.every((r) => r.gateway.redis?.healthy === false)).toBe(true);
    // Degraded, still serving: /ready answers 200 and names Redis.
    const probe = await fetch(replicas[0]!.url.replace(/\/graphql$/, '/ready'));
    expect(probe.status).toBe(200);
    expect(await probe.json()).toMatchObject({ degraded: ['redis'] });
    await redis.restart();
  }, 90_000);
});
