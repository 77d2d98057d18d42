import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtlasRateBudgetError } from '../../src/atlas/errors.js';
import { LocalRateBudget, TokenBucket, mirrorShape, rateScope } from '../../src/atlas/rate-budget.js';
import { DEMO, addRestoreJobs, createSeedData } from '../../src/simulator/index.js';
import { toGlobalId } from '../../src/graph/ids.js';
import { startStack, type TestStack } from '../../support/stack.js';

describe('token bucket', () => {
  const shape = { capacity: 3, refill: 3, periodMs: 3_000 }; // one token a second

  it('starts full, empties, refills continuously and never above capacity', () => {
    const bucket = new TokenBucket(shape, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([
      { taken: true },
      { taken: true },
      { taken: true },
    ]);
    expect(bucket.take(0)).toEqual({ taken: false, waitMs: 1_000 });
    expect(bucket.take(400)).toEqual({ taken: false, waitMs: 600 });
    expect(bucket.take(1_000)).toEqual({ taken: true });
    // A long pause refills to capacity, not beyond.
    for (let i = 0; i < 3; i++) expect(bucket.take(60_000)).toEqual({ taken: true });
    expect(bucket.take(60_000).taken).toBe(false);
  });

  it('is lowered to what Atlas says is left, never raised, and emptied for a Retry-After', () => {
    const bucket = new TokenBucket(shape, 0);
    bucket.lowerTo(1, 0);
    expect(bucket.take(0)).toEqual({ taken: true });
    expect(bucket.take(0).taken).toBe(false);
    bucket.lowerTo(50, 0);
    expect(bucket.take(0).taken).toBe(false);
    const other = new TokenBucket(shape, 0);
    other.emptyFor(5_000, 0);
    expect(other.take(0)).toEqual({ taken: false, waitMs: 5_000 });
    expect(other.take(5_000)).toEqual({ taken: true });
  });

  it("mirrors Atlas's bucket with a headroom of 2%, at least two tokens, leaving at least one", () => {
    const capacityOf = (capacity: number) => mirrorShape({ capacity, refill: 10, periodMs: 1_000 }).capacity;
    expect([capacityOf(1_200), capacityOf(100), capacityOf(20), capacityOf(3), capacityOf(1)]).toEqual([
      1_176, 98, 18, 1, 1,
    ]);
    expect(mirrorShape({ capacity: 1_200, refill: 500, periodMs: 60_000 })).toMatchObject({
      refill: 500,
      periodMs: 60_000,
    });
  });

  // Atlas keeps one bucket per endpoint set and scope (notes §3.1, §3.2): clusters apart from the backup
  // endpoints of the same project, projects by user.
  it('scopes by credential, endpoint set and project', () => {
    const project = DEMO.projects.payments.id;
    const backup = `/api/atlas/v2/groups/${project}/clusters/c/backup/snapshots`;
    expect(rateScope('static', 'listBackupSnapshots', backup)).toBe(`static group:${project} backup`);
    expect(rateScope('static', 'listClusters', `/api/atlas/v2/groups/${project}/clusters`)).toBe(
      `static group:${project} clusters`,
    );
    expect(rateScope('static', 'getGroup', `/api/atlas/v2/groups/${project}`)).toBe('static user groups');
    expect(rateScope('fwd:abc', 'listGroups', '/api/atlas/v2/groups')).toBe('fwd:abc user groups');
  });

  it('waits for a token while the deadline allows, and refuses without waiting when it does not', async () => {
    const budget = new LocalRateBudget({ capacity: 1, refill: 1, periodMs: 200 });
    await budget.acquire('s', 'getGroup', Date.now() + 1_000);
    const started = Date.now();
    await budget.acquire('s', 'getGroup', Date.now() + 1_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    const refused = budget.acquire('s', 'getGroup', Date.now() + 50);
    await expect(refused).rejects.toBeInstanceOf(AtlasRateBudgetError);
  });
});

describe('the gateway under an Atlas rate limit (one process)', () => {
  // Atlas's bucket for the simulator: 20 calls, then one every 100 ms.
  const limit = { capacity: 20, refill: 10, periodSeconds: 1 };
  // The gateway's budget: 10 (its mirror keeps 8 of them), refilled as fast as Atlas's. With Atlas's own 20
  // (a mirror of 18) a call that took its token 200 ms before reaching Atlas could meet a 429 on a loaded
  // machine; 12 tokens short of Atlas's, a lag up to 1.2 s is absorbed.
  const budget = { capacity: 10, refill: limit.refill, periodMs: limit.periodSeconds * 1000 };
  let stack: TestStack;
  let ids: string[];
  beforeAll(async () => {
    const data = createSeedData();
    const { groupId, name } = DEMO.clusters.paymentsProd;
    ids = addRestoreJobs(data, groupId, name, 40).map((id) => toGlobalId('CloudBackupRestoreJob', groupId, name, id));
    stack = await startStack({ simulator: { data, rateLimit: limit }, atlas: { rateLimit: budget } });
  });
  afterAll(() => stack.close());

  it('spends at most the bucket: calls past it wait for tokens instead of meeting 429s', async () => {
    const started = performance.now();
    const answers = await Promise.all(
      ids.map((id) =>
        stack.query<{ node: { atlasId: string } }>(
          `{ node(id: "${id}") { ... on CloudBackupRestoreJob { atlasId } } }`,
        ),
      ),
    );
    expect(answers.filter((a) => a.errors)).toEqual([]);
    expect(answers.every((a) => a.data?.node?.atlasId)).toBe(true);
    expect(stack.simulator.callCount({ operationId: 'getBackupRestoreJob' })).toBe(40);
    expect([...(stack.simulator.rateLimiter?.refused.values() ?? [])]).toEqual([]);
    // They waited: 8 calls at once, then one per token, 100 ms apart.
    expect(performance.now() - started).toBeGreaterThanOrEqual((40 - mirrorShape(budget).capacity) * 100 - 50);
  });

  it('answers RATE_LIMITED, sending nothing, when the wait would pass the deadline', async () => {
    const tight = await startStack({
      simulator: { rateLimit: { capacity: 4, refill: 1, periodSeconds: 60 } },
      atlas: { rateLimit: { capacity: 4, refill: 1, periodMs: 60_000 }, deadlineMs: 2_000 },
    });
    try {
      const job = DEMO.restoreJobs.automated;
      const id = toGlobalId('CloudBackupRestoreJob', job.groupId, job.clusterName, job.id);
      const document = (n: number) =>
        `{ ${Array.from({ length: n }, (_, i) => `j${i}: node(id: "${id}") { id }`).join(' ')} }`;
      // Two lookups of the job take the mirror's two tokens of the project's backup set (Atlas's four less
      // the headroom); a third cannot wait a minute. The project itself is in another set: it answers.
      const snapshot = DEMO.snapshots.completed;
      await tight.query(document(1));
      await tight.query(
        `{ node(id: "${toGlobalId('Snapshot', snapshot.groupId, snapshot.clusterName, snapshot.id)}") { id } }`,
      );
      tight.simulator.resetCalls();
      const { data, errors } = await tight.query(
        `{ project(id: "${job.groupId}") { name } ${document(1).slice(1, -1)} }`,
      );
      expect(data).toEqual({ project: { name: DEMO.projects.payments.name }, j0: null });
      expect(errors?.[0]?.extensions).toMatchObject({
        code: 'RATE_LIMITED',
        atlas: { operation: 'getBackupRestoreJob' },
      });
      expect(errors?.[0]?.extensions?.['retryAfter']).toBeGreaterThan(0);
      expect(tight.simulator.calls.map((c) => c.operationId)).toEqual(['getGroup']);
    } finally {
      await tight.close();
    }
  });
});
