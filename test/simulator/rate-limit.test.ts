// Atlas's token buckets as the simulator plays them: RateLimit-* headers report the bucket a request
// drew on, honestly (never more remaining than the limit), and only when one applies (notes §1.2, §3.1).
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO, startSimulator, type AtlasSimulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { asObject, call, callOp } from './helpers.js';

const V2 = '/api/atlas/v2';
const pay = DEMO.clusters.paymentsProd;
const limit = { capacity: 5, refill: 1, periodSeconds: 60 };

const started: AtlasSimulator[] = [];
async function simulator(options: SimulatorOptions = {}): Promise<AtlasSimulator> {
  const sim = await startSimulator(options);
  started.push(sim);
  return sim;
}
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
});

function rateHeaders(res: { headers: Headers }): { limit: string | null; remaining: string | null } {
  return { limit: res.headers.get('ratelimit-limit'), remaining: res.headers.get('ratelimit-remaining') };
}

describe('RateLimit-* headers', () => {
  it('count down the bucket the request drew on, errors included', async () => {
    const sim = await simulator({ rateLimit: limit });
    const group = { groupId: pay.groupId };
    expect(rateHeaders(await callOp(sim.url, 'getGroup', group))).toEqual({ limit: '5', remaining: '4' });
    // A 404 of a known operation (the cluster does not exist) spends a token too.
    const missing = await callOp(sim.url, 'getCluster', { ...group, clusterName: 'no-such-cluster' });
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
