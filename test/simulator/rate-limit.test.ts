// Atlas's token buckets as the simulator plays them: RateLimit-* headers report the bucket a request
// drew on, honestly (never more remaining than the limit), and only when one applies (notes §1.2, §3.1).
import { describe, expect, it } from 'vitest';
import { ATLAS_RATE_LIMITS, DEMO } from '../../src/simulator/index.js';
import { asObject, call, callOp, simulatorsOfFile } from './helpers.js';

const V2 = '/api/atlas/v2';
const pay = DEMO.clusters.paymentsProd;
const limit = { capacity: 5, refill: 1, periodSeconds: 60 };

const simulator = simulatorsOfFile();

function rateHeaders(res: { headers: Headers }): { limit: string | null; remaining: string | null } {
  return { limit: res.headers.get('ratelimit-limit'), remaining: res.headers.get('ratelimit-remaining') };
}

describe('RateLimit-* headers', () => {
  it('count down the bucket the request drew on, errors included', async () => {
    const sim = await simulator({ rateLimit: limit });
    const cluster = { groupId: pay.groupId, clusterName: pay.name };
    expect(rateHeaders(await callOp(sim.url, 'listBackupSnapshots', cluster))).toEqual({ limit: '5', remaining: '4' });
    // A 404 of a known operation (the job does not exist) spends a token too.
    const missing = await callOp(sim.url, 'getBackupRestoreJob', { ...cluster, restoreJobId: 'a'.repeat(24) });
    expect(missing.status).toBe(404);
    expect(rateHeaders(missing)).toEqual({ limit: '5', remaining: '3' });
  });

  it('are absent where no bucket applies: an unknown path, a bad token', async () => {
    const sim = await simulator({ rateLimit: limit });
    const unknown = await call(sim.url, `${V2}/nowhere`, { accept: 'application/vnd.atlas.2023-01-01+json' });
    expect(unknown.status).toBe(404);
    expect(rateHeaders(unknown)).toEqual({ limit: null, remaining: null });
    const badToken = await callOp(sim.url, 'listGroups', {}, '', { token: 'not-a-token' });
    expect(badToken.status).toBe(401);
    expect(rateHeaders(badToken)).toEqual({ limit: null, remaining: null });
    // Neither spent a token.
    expect(rateHeaders(await callOp(sim.url, 'listGroups', {}))).toEqual({ limit: '5', remaining: '4' });
  });

  it('are absent on a digest challenge (notes §1.2: recorded challenges carry none)', async () => {
    for (const rateLimit of [limit, undefined]) {
      const sim = await simulator({
        auth: { apiKeys: [{ publicKey: 'pubkey', privateKey: 'private-key' }] },
        ...(rateLimit ? { rateLimit } : {}),
      });
      const challenge = await callOp(sim.url, 'listGroups', {}, '', { token: null });
      expect(challenge.status).toBe(401);
      expect(challenge.headers.get('www-authenticate')).toMatch(/^Digest /);
      expect(rateHeaders(challenge)).toEqual({ limit: null, remaining: null });
    }
  });

  it('are absent without a limiter (the demo): no bucket is counted, so none is reported', async () => {
    const sim = await simulator();
    for (let i = 0; i < 3; i++) {
      expect(rateHeaders(await callOp(sim.url, 'listGroups', {}))).toEqual({ limit: null, remaining: null });
    }
  });

  it("injected faults report the limiter's bucket: a 500 spends a token, a 429 plays it empty", async () => {
    const sim = await simulator({ rateLimit: limit });
    sim.faults.set({ script: ['status500', 'status429'] });
    const failed = await callOp(sim.url, 'getGroup', { groupId: pay.groupId });
    expect(failed.status).toBe(500);
    expect(rateHeaders(failed)).toEqual({ limit: '5', remaining: '4' });
    const refused = await callOp(sim.url, 'getGroup', { groupId: pay.groupId });
    expect(refused.status).toBe(429);
    expect(rateHeaders(refused)).toEqual({ limit: '5', remaining: '0' });
    expect(asObject(refused.body)['parameters']).toEqual([`api/atlas/v2/groups/${pay.groupId}`, 1, 5, 1, 60]);
    // The 429 spent nothing; the next call takes the bucket's next token.
    expect(rateHeaders(await callOp(sim.url, 'getGroup', { groupId: pay.groupId }))).toEqual({
      limit: '5',
      remaining: '3',
    });
  });

  it('a refused request reports an empty bucket', async () => {
    const sim = await simulator({ rateLimit: { capacity: 1, refill: 1, periodSeconds: 60 } });
    expect((await callOp(sim.url, 'listGroups', {})).status).toBe(200);
    const refused = await callOp(sim.url, 'listGroups', {});
    expect(refused.status).toBe(429);
    expect(rateHeaders(refused)).toEqual({ limit: '1', remaining: '0' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('buckets per endpoint set × scope (notes §3.1, §3.2)', () => {
  const analytics = DEMO.projects.analytics.id;
  const snapshots = { groupId: pay.groupId, clusterName: pay.name };

  it('the clusters set and the backup set have buckets of their own, per project', async () => {
    const sim = await simulator({ rateLimit: { capacity: 2, refill: 1, periodSeconds: 60 } });
    expect((await callOp(sim.url, 'listBackupSnapshots', snapshots)).status).toBe(200);
    expect((await callOp(sim.url, 'getBackupSchedule', snapshots)).status).toBe(200);
    // The project's backup bucket is empty...
    const refused = await callOp(sim.url, 'listBackupRestoreJobs', snapshots);
    expect(refused.status).toBe(429);
    expect(asObject(refused.body)['errorCode']).toBe('RATE_LIMITED_TOKEN_BUCKET');
    // ...its clusters bucket is not...
    const cluster = await callOp(sim.url, 'getCluster', snapshots);
    expect(cluster.status).toBe(200);
    expect(rateHeaders(cluster)).toEqual({ limit: '2', remaining: '1' });
    // ...nor is another project's backup bucket.
    const other = await callOp(sim.url, 'listExportBuckets', { groupId: analytics });
    expect(other.status).toBe(200);
    expect(rateHeaders(other)).toEqual({ limit: '2', remaining: '1' });
    expect([...(sim.rateLimiter?.refused ?? new Map<string, number>())]).toEqual([[`backup group:${pay.groupId}`, 1]]);
  });

  it('the projects set (listGroups, getGroup) is one bucket per credential, across projects', async () => {
    const sim = await simulator({
      bearerTokens: [DEMO.token, 'other-user'],
      rateLimit: { capacity: 3, refill: 1, periodSeconds: 60 },
    });
    expect(rateHeaders(await callOp(sim.url, 'getGroup', { groupId: pay.groupId }))).toEqual({
      limit: '3',
      remaining: '2',
    });
    expect(rateHeaders(await callOp(sim.url, 'getGroup', { groupId: analytics }))).toEqual({
      limit: '3',
      remaining: '1',
    });
    expect(rateHeaders(await callOp(sim.url, 'listGroups', {}))).toEqual({ limit: '3', remaining: '0' });
    expect((await callOp(sim.url, 'getGroup', { groupId: analytics })).status).toBe(429);
    // Another credential has its own bucket; the projects' other sets are untouched.
    const otherUser = await callOp(sim.url, 'listGroups', {}, '', { token: 'other-user' });
    expect(rateHeaders(otherUser)).toEqual({ limit: '3', remaining: '2' });
    expect(rateHeaders(await callOp(sim.url, 'listClusters', { groupId: analytics }))).toEqual({
      limit: '3',
      remaining: '2',
    });
  });

  it("ATLAS_RATE_LIMITS plays Atlas's observed capacities: 10000 for clusters, 1200 elsewhere", async () => {
    // The clock stands still: at 5000 a minute, the clusters bucket gains a token every 12 ms of real time.
    const sim = await simulator({ rateLimit: ATLAS_RATE_LIMITS, clock: { mode: 'manual' } });
    expect(rateHeaders(await callOp(sim.url, 'listClusters', { groupId: pay.groupId }))).toEqual({
      limit: '10000',
      remaining: '9999',
    });
    expect(rateHeaders(await callOp(sim.url, 'getCluster', snapshots))).toEqual({ limit: '10000', remaining: '9998' });
    expect(rateHeaders(await callOp(sim.url, 'listBackupSnapshots', snapshots))).toEqual({
      limit: '1200',
      remaining: '1199',
    });
    expect(rateHeaders(await callOp(sim.url, 'listGroups', {}))).toEqual({ limit: '1200', remaining: '1199' });
    // An injected 429 quotes the bucket of the request's set.
    sim.faults.set({ script: ['status429'] });
    const refused = await callOp(sim.url, 'getCluster', snapshots);
    expect(rateHeaders(refused)).toEqual({ limit: '10000', remaining: '0' });
    expect(asObject(refused.body)['parameters']).toEqual([
      `api/atlas/v2/groups/${pay.groupId}/clusters/${pay.name}`,
      1,
      10000,
      5000,
      60,
    ]);
  });

  it("refills on the simulated Atlas's clock, not the wall clock", async () => {
    const sim = await simulator({ rateLimit: limit, clock: { mode: 'manual' } });
    for (const remaining of ['4', '3', '2', '1', '0'])
      expect(rateHeaders(await callOp(sim.url, 'listGroups', {}))).toEqual({ limit: '5', remaining });
    expect((await callOp(sim.url, 'listGroups', {})).status).toBe(429);
    sim.clock.advance(59_999);
    expect((await callOp(sim.url, 'listGroups', {})).status).toBe(429);
    sim.clock.advance(1);
    expect(rateHeaders(await callOp(sim.url, 'listGroups', {}))).toEqual({ limit: '5', remaining: '0' });
    sim.clock.advance(2 * 60_000);
    // Two tokens back (one a minute), less the one this request takes.
    expect(rateHeaders(await callOp(sim.url, 'listGroups', {}))).toEqual({ limit: '5', remaining: '1' });
  });
});
