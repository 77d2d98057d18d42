// Paging envelope (links self/next, totalCount, includeCount) and list filters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, createSeedData, startSimulator, type AtlasSimulator } from '../../src/simulator/index.js';
import { asObject, callOp, links, results } from './helpers.js';

const pay = DEMO.clusters.paymentsProd;
const params = { groupId: pay.groupId, clusterName: pay.name };

describe('simulator paging and filters', () => {
  let sim: AtlasSimulator;

  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('walks a list two items at a time: every item once, next link except on the last page', async () => {
    const expected = createSeedData()
      .snapshots.filter((s) => s.groupId === pay.groupId && s.clusterName === pay.name)
      .map((s) => s.value.id);
    expect(expected.length).toBe(25);
    const seen: unknown[] = [];
    let pageNum = 1;
    for (;;) {
      const res = await callOp(sim.url, 'listBackupSnapshots', params, `itemsPerPage=2&pageNum=${pageNum}`);
      expect(res.status).toBe(200);
      expect(asObject(res.body)['totalCount']).toBe(25);
      const page = results(res.body);
      seen.push(...page.map((s) => s['id']));
      const rels = links(res.body);
      const self = rels.find((l) => l.rel === 'self');
      expect(self?.href).toBe(
        `${sim.url}/api/atlas/v2/groups/${pay.groupId}/clusters/${pay.name}/backup/snapshots?pageNum=${pageNum}&itemsPerPage=2`,
      );
      const next = rels.find((l) => l.rel === 'next');
      if (pageNum < 13) {
        expect(page.length).toBe(2);
        expect(next?.href).toBe(
          `${sim.url}/api/atlas/v2/groups/${pay.groupId}/clusters/${pay.name}/backup/snapshots?pageNum=${pageNum + 1}&itemsPerPage=2`,
        );
        pageNum++;
      } else {
        expect(page.length).toBe(1);
        expect(next).toBeUndefined();
        break;
      }
    }
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(25);
  });

  it('serves snapshots newest first', async () => {
    const res = await callOp(sim.url, 'listBackupSnapshots', params, 'itemsPerPage=500');
    const dates = results(res.body).map((s) => String(s['createdAt']));
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it('follows the next link verbatim to the end', async () => {
    let href: string | undefined =
      `${sim.url}/api/atlas/v2/groups/${pay.groupId}/clusters/${pay.name}/backup/restoreJobs?itemsPerPage=3&includeCount=false`;
    const ids: unknown[] = [];
    let pages = 0;
    while (href !== undefined) {
      const res = await callOp(sim.url, 'listBackupRestoreJobs', params, new URL(href).search.slice(1));
      expect(asObject(res.body)).not.toHaveProperty('totalCount');
      ids.push(...results(res.body).map((j) => j['id']));
      href = links(res.body).find((l) => l.rel === 'next')?.href;
      if (href !== undefined) expect(new URL(href).searchParams.get('includeCount')).toBe('false');
      pages++;
    }
    expect(ids.length).toBe(8);
    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(8);
  });

  it('defaults: pageNum 1, itemsPerPage 100, includeCount true', async () => {
    const res = await callOp(sim.url, 'listBackupSnapshots', params);
    expect(results(res.body).length).toBe(25);
    expect(asObject(res.body)['totalCount']).toBe(25);
    expect(links(res.body)).toEqual([{ rel: 'self', href: expect.stringContaining('?pageNum=1&itemsPerPage=100') }]);
  });

  it('includeCount=false omits totalCount; a page past the end is empty', async () => {
    const noCount = await callOp(sim.url, 'listGroups', {}, 'includeCount=false');
    expect(asObject(noCount.body)).not.toHaveProperty('totalCount');
    expect(results(noCount.body).length).toBe(3);
    const past = await callOp(sim.url, 'listGroups', {}, 'pageNum=9&itemsPerPage=2');
    expect(results(past.body)).toEqual([]);
    expect(asObject(past.body)['totalCount']).toBe(3);
    expect(links(past.body).map((l) => l.rel)).toEqual(['self']);
  });

  it('an empty list is 200 with results [] and totalCount 0', async () => {
    const sandbox = DEMO.clusters.analyticsSandbox;
    const res = await callOp(sim.url, 'listBackupRestoreJobs', { groupId: sandbox.groupId, clusterName: sandbox.name });
    expect(res.status).toBe(200);
    expect(asObject(res.body)).toMatchObject({ results: [], totalCount: 0 });
  });

  it('batchId returns exactly the jobs of one legacy restore batch', async () => {
    const legacy = DEMO.legacy.cluster;
    const lp = { groupId: legacy.groupId, clusterName: legacy.name };
    const all = results((await callOp(sim.url, 'listClusterRestoreJobs', lp)).body);
    expect(all.length).toBe(12);
    const expected = all.filter((j) => j['batchId'] === DEMO.legacy.restoreBatchId).map((j) => j['id']);
    expect(expected.length).toBe(3);
    const res = await callOp(sim.url, 'listClusterRestoreJobs', lp, `batchId=${DEMO.legacy.restoreBatchId}`);
    const batch = results(res.body);
    expect(batch.map((j) => j['id'])).toEqual(expected);
    expect(asObject(res.body)['totalCount']).toBe(3);
    expect(batch.every((j) => j['checkpointId'] === batch[0]?.['checkpointId'])).toBe(true);
    const parts = batch.map((j) => String(j['timestamp'] === undefined ? '' : asObject(j['timestamp'])['date']));
    expect(new Set(parts).size).toBe(1);
    const unknown = await callOp(sim.url, 'listClusterRestoreJobs', lp, `batchId=${'c'.repeat(24)}`);
    expect(results(unknown.body)).toEqual([]);
  });

  it('pointInTimeUtcSeconds returns the newest completed snapshot taken at or before that time', async () => {
    const all = results((await callOp(sim.url, 'listBackupSnapshots', params, 'itemsPerPage=500')).body);
    const target = all.find((s) => s['id'] === DEMO.snapshots.completed.id);
    const seconds = Date.parse(String(target?.['createdAt'])) / 1000 + 60;
    const res = await callOp(sim.url, 'listBackupSnapshots', params, `pointInTimeUtcSeconds=${seconds}`);
    expect(results(res.body).map((s) => s['id'])).toEqual([DEMO.snapshots.completed.id]);
    const early = await callOp(sim.url, 'listBackupSnapshots', params, 'pointInTimeUtcSeconds=1300000000');
    expect(results(early.body)).toEqual([]);
    const both = await callOp(
      sim.url,
      'listBackupSnapshots',
      params,
      `pointInTimeUtcSeconds=${seconds}&oplogTs=${seconds}&oplogInc=1`,
    );
    expect(both.status).toBe(400);
  });
});
