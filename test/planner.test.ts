/**
 * What operations cost in Atlas calls, counted at the simulator: the planner, coalescing, the cache,
 * the budget and the call report. No timings: only calls.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../src/simulator/index.js';
import { startStack, type TestStack } from './helpers/gateway.js';
import { dashboardMinimum } from './helpers/minimum.js';

const dashboard = readFileSync(new URL('../examples/backup-dashboard.graphql', import.meta.url), 'utf8');

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.simulator.resetCalls());

describe('call planner', () => {
  it('answers the backup dashboard with the fewest calls the data allows', async () => {
    // The minimum, derived from the data: one list per level, then for each cluster the cheaper of
    // single GETs or walking its snapshot list, and the same for each project's export buckets.
    const minimum = await dashboardMinimum(stack.simulator);
    stack.simulator.resetCalls();

    const { errors, extensions } = await stack.query(dashboard, undefined, { 'x-atlas-call-report': '1' });
    expect(errors).toBeUndefined();
    expect(stack.simulator.callCount()).toBe(minimum);
    expect(extensions?.atlasCalls).toMatchObject({ calls: minimum, coalesced: 0 });
  });

  it('walks one snapshot list instead of a GET per restored snapshot', async () => {
    const { groupId, name } = DEMO.clusters.paymentsProd;
    const { data, errors } = await stack.query<{
      project: { cluster: { restoreJobs: { nodes: { snapshot: { atlasId: string } | null }[] } } };
    }>(
      `{ project(id: "${groupId}") { cluster(name: "${name}") { restoreJobs(first: 50) { nodes { snapshot { atlasId } } } } } }`,
    );
    expect(errors).toBeUndefined();
    const distinct = new Set(data!.project.cluster.restoreJobs.nodes.map((n) => n.snapshot?.atlasId).filter(Boolean));
    expect(distinct.size).toBeGreaterThan(1);
    expect(stack.simulator.callCount({ operationId: 'listBackupSnapshots' })).toBe(1);
    expect(stack.simulator.callCount({ operationId: 'getClusterBackupSnapshot' })).toBe(0);
  });

  it('uses a single GET for a single lookup', async () => {
    const job = DEMO.restoreJobs.automated;
    await stack.query(
      `{ project(id: "${job.groupId}") { cluster(name: "${job.clusterName}") { restoreJob(id: "${job.id}") { snapshot { atlasId } } } } }`,
    );
    expect(stack.simulator.callCount({ operationId: 'getClusterBackupSnapshot' })).toBe(1);
    expect(stack.simulator.callCount({ operationId: 'listBackupSnapshots' })).toBe(0);
  });
});

describe('coalescing, cache and budget', () => {
  it('shares one call between identical concurrent operations', async () => {
    const slow = await startStack({ simulator: { latencyMs: 200 } });
    try {
      const job = DEMO.restoreJobs.inProgress;
      const poll = `{ project(id: "${job.groupId}") { cluster(name: "${job.clusterName}") { restoreJob(id: "${job.id}") { state } } } }`;
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => slow.query(poll, undefined, { 'x-atlas-call-report': '1' })),
      );
      expect(answers.every((a) => a.errors === undefined)).toBe(true);
      expect(slow.simulator.callCount({ operationId: 'getBackupRestoreJob' })).toBe(1);
      const coalesced = answers.reduce(
        (sum, a) => sum + Number((a.extensions?.atlasCalls as { coalesced: number }).coalesced),
        0,
      );
      expect(coalesced).toBe(12); // 5 operations x 3 calls, 3 of them real
    } finally {
      await slow.close();
    }
  });

  it('never shares a call across credentials', async () => {
    const other = await startStack();
    try {
      await Promise.all([stack.query('{ projects { totalCount } }'), other.query('{ projects { totalCount } }')]);
      expect(stack.simulator.callCount({ operationId: 'listGroups' })).toBe(1);
      expect(other.simulator.callCount({ operationId: 'listGroups' })).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('answers repeated polls from the short-TTL cache when it is on', async () => {
    const cached = await startStack({ atlas: { cacheTtlMs: 60_000 } });
    try {
      for (let i = 0; i < 3; i++) await cached.query('{ projects { totalCount } }');
      expect(cached.simulator.callCount({ operationId: 'listGroups' })).toBe(1);
    } finally {
      await cached.close();
    }
    for (let i = 0; i < 3; i++) await stack.query('{ projects { totalCount } }');
    expect(stack.simulator.callCount({ operationId: 'listGroups' })).toBe(3);
  });

  it('stops at the call budget with UPSTREAM_BUDGET_EXCEEDED and keeps what fit', async () => {
    const tight = await startStack({ atlas: { callBudget: 5 } });
    try {
      const { data, errors } = await tight.query<{ projects: { nodes: { name: string }[] } }>(dashboard);
      expect(tight.simulator.callCount()).toBeLessThanOrEqual(5);
      expect(data!.projects.nodes.length).toBe(3);
      expect(errors!.length).toBeGreaterThan(0);
      expect(new Set(errors!.map((e) => e.extensions?.code))).toEqual(new Set(['UPSTREAM_BUDGET_EXCEEDED']));
      expect(errors![0]!.extensions).toMatchObject({ budget: 5 });
    } finally {
      await tight.close();
    }
  });

  it('reports calls only when asked', async () => {
    const quiet = await stack.query('{ projects { totalCount } }');
    expect(quiet.extensions).toBeUndefined();
    const asked = await stack.query('{ a: projects { totalCount } b: projects { totalCount } }', undefined, {
      'x-atlas-call-report': '1',
    });
    expect(asked.extensions?.atlasCalls).toMatchObject({ calls: 1, requested: 2, saved: 1 });
  });
});
