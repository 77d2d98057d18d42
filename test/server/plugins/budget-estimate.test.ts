/** The call budget checked before execution: refused whole, with no Atlas call, when even the minimum exceeds it. */
import { parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { minimumAtlasCalls } from '../../../src/server/plugins/budget-estimate.js';
import { toGlobalId } from '../../../src/graph/ids.js';
import { DEMO } from '../../../src/simulator/index.js';
import { startStack, type TestStack } from '../../../support/stack.js';

const clusters = Object.values(DEMO.clusters);
const clusterIds = clusters.map((c) => toGlobalId('Cluster', c.groupId, c.name));
const snapshotIdsUnderEachCluster = clusters.map((c) => toGlobalId('Snapshot', c.groupId, c.name, 'a'.repeat(24)));
const job = DEMO.restoreJobs.automated;
const jobs = Object.values(DEMO.restoreJobs).filter((j) => j.clusterName === job.clusterName);

describe('minimum Atlas calls of an operation', () => {
  it.each([
    ['{ projects { totalCount } }', {}, 1],
    [`{ a: project(id: "${DEMO.projects.payments.id}") { name } projects { totalCount } }`, {}, 1],
    ['query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: snapshotIdsUnderEachCluster }, clusters.length],
    [
      'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      { ids: jobs.map((j) => toGlobalId('CloudBackupRestoreJob', j.groupId, j.clusterName, j.id)) },
      1,
    ],
    ['query ($ids: [ID!]!) { ...F } fragment F on Query { nodes(ids: $ids) { id } }', { ids: clusterIds }, 3],
    ['{ node(id: "not-an-id") { id } }', {}, 0],
  ])('%s needs at least the calls its ids fall under', (document, variables, expected) => {
    expect(minimumAtlasCalls(parse(document), undefined, variables)).toBe(expected);
  });
});

describe('refusing before execution', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ atlas: { callBudget: 5 } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.simulator.resetCalls());

  it('refuses 8 lookups under 8 different clusters with a budget of 5, without a call', async () => {
    const answer = await stack.query('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
      ids: snapshotIdsUnderEachCluster,
    });
    expect(answer.data).toBeUndefined();
    // Refused before it runs, as the cost and depth limits refuse: 400, whatever the client accepts.
    expect(answer.status).toBe(400);
    expect(answer.errors?.[0]?.extensions).toEqual({ code: 'UPSTREAM_BUDGET_EXCEEDED', budget: 5, minimumCalls: 8 });
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it('runs what fits: 8 clusters under 3 projects need 3 calls', async () => {
    const answer = await stack.query<{ nodes: { id: string }[] }>('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
      ids: clusterIds,
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.nodes.map((n) => n.id)).toEqual(clusterIds);
    expect(stack.simulator.calls).toHaveLength(3);
  });
});
