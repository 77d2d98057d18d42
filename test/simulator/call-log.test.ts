// The call log that integration tests and benchmarks count, and the latency knob.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startSimulator, type AtlasSimulator } from '../../src/simulator/index.js';
import { callOp } from './helpers.js';

const pay = DEMO.clusters.paymentsProd;
const params = { groupId: pay.groupId, clusterName: pay.name };

describe('simulator call log and latency', () => {
  let sim: AtlasSimulator;

  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('records every request in order with method, path, query, operationId, status and arrival time', async () => {
    sim.resetCalls();
    const from = sim.clock.now();
    await callOp(sim.url, 'listGroups', {}, 'itemsPerPage=2');
    await callOp(sim.url, 'listBackupSnapshots', params, 'pageNum=2&itemsPerPage=5');
    await callOp(sim.url, 'getCluster', { groupId: pay.groupId, clusterName: 'ghost' });
    await callOp(sim.url, 'listGroups', {}, '', { token: null });
    expect(sim.calls).toEqual([
      {
        method: 'GET',
        path: '/api/atlas/v2/groups',
        query: { itemsPerPage: '2' },
        operationId: 'listGroups',
        status: 200,
        at: expect.any(Number),
      },
      {
        method: 'GET',
        path: `/api/atlas/v2/groups/${pay.groupId}/clusters/${pay.name}/backup/snapshots`,
        query: { pageNum: '2', itemsPerPage: '5' },
        operationId: 'listBackupSnapshots',
        status: 200,
        at: expect.any(Number),
      },
      {
        method: 'GET',
        path: `/api/atlas/v2/groups/${pay.groupId}/clusters/ghost`,
        query: {},
        operationId: 'getCluster',
        status: 404,
        at: expect.any(Number),
      },
      {
        method: 'GET',
        path: '/api/atlas/v2/groups',
        query: {},
        operationId: 'listGroups',
        status: 401,
        at: expect.any(Number),
      },
    ]);
    // Arrival times on the simulator's clock, in the order the (sequential) requests were sent.
    const times = sim.calls.map((c) => c.at);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(times[0]).toBeGreaterThanOrEqual(from);
    expect(times.at(-1)).toBeLessThanOrEqual(sim.clock.now());
  });

  it('counts calls by operationId, method and path prefix; resetCalls empties the log', async () => {
    sim.resetCalls();
    expect(sim.callCount()).toBe(0);
    for (let i = 0; i < 3; i++)
      await callOp(sim.url, 'listBackupSnapshots', params, `pageNum=${i + 1}&itemsPerPage=10`);
    await callOp(sim.url, 'listBackupRestoreJobs', params);
    await callOp(sim.url, 'getGroup', { groupId: pay.groupId });
    await fetch(`${sim.url}/api/atlas/v2/unknown`, { headers: { Authorization: `Bearer ${DEMO.token}` } });

    expect(sim.callCount()).toBe(6);
    expect(sim.callCount({ operationId: 'listBackupSnapshots' })).toBe(3);
    expect(sim.callCount({ operationId: 'listBackupRestoreJobs' })).toBe(1);
    expect(sim.callCount({ operationId: 'takeSnapshots' })).toBe(0);
    expect(sim.callCount({ method: 'GET' })).toBe(6);
    expect(sim.callCount({ method: 'post' })).toBe(0);
    expect(sim.callCount({ pathPrefix: `/api/atlas/v2/groups/${pay.groupId}/clusters/${pay.name}/backup` })).toBe(4);
    expect(sim.callCount({ pathPrefix: `/api/atlas/v2/groups/${pay.groupId}` })).toBe(5);
    expect(
      sim.callCount({
        operationId: 'listBackupSnapshots',
        pathPrefix: '/api/atlas/v2/groups/ffffffffffffffffffffffff',
      }),
    ).toBe(0);
    expect(sim.calls.at(-1)).toMatchObject({ operationId: null, status: 404 });

    sim.resetCalls();
    expect(sim.calls).toEqual([]);
    expect(sim.callCount({ operationId: 'listBackupSnapshots' })).toBe(0);
  });

  it('delays every response by latencyMs, adjustable with setLatency', async () => {
    const slow = await startSimulator({ latencyMs: 120 });
    try {
      let start = performance.now();
      const res = await callOp(slow.url, 'listGroups', {});
      expect(res.status).toBe(200);
      expect(performance.now() - start).toBeGreaterThanOrEqual(110);
      // Errors are delayed too.
      start = performance.now();
      expect((await callOp(slow.url, 'listGroups', {}, '', { token: null })).status).toBe(401);
      expect(performance.now() - start).toBeGreaterThanOrEqual(110);

      slow.setLatency(0);
      start = performance.now();
      await callOp(slow.url, 'listGroups', {});
      const fast = performance.now() - start;
      slow.setLatency(250);
      start = performance.now();
      await callOp(slow.url, 'listGroups', {});
      expect(performance.now() - start).toBeGreaterThanOrEqual(240);
      expect(fast).toBeLessThan(240);
      expect(slow.callCount({ operationId: 'listGroups' })).toBe(4);
    } finally {
      await slow.close();
    }
  });

  it('close() resolves even with keep-alive connections open', async () => {
    const temp = await startSimulator();
    await callOp(temp.url, 'listGroups', {});
    await temp.close();
    await expect(fetch(`${temp.url}/api/atlas/v2/groups`)).rejects.toThrow();
  });
});
