/**
 * What operations cost in Atlas calls, counted at the simulator: the planner, coalescing, the cache,
 * the budget and the call report. No timings: only calls.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { digestApiKey } from '../../src/atlas/auth/digest.js';
import { openSession } from '../../src/atlas/session.js';
import { createTransport } from '../../src/atlas/transport.js';
import { toGlobalId } from '../../src/graph/ids.js';
import { DEMO, startSimulator } from '../../src/simulator/index.js';
import { atlasRequest, startStack, type TestStack } from '../../support/stack.js';
import { dashboardMinimum, deploymentsMinimum } from '../../support/minimum.js';
import { deploymentsQuery, exampleQuery } from '../../src/server/gateway.js';

const dashboard = exampleQuery;

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

  it('answers the deployments view (every family, post-sunset Atlas) with the fewest calls the data allows', async () => {
    // One list per family and level, a schedule per dedicated cluster with backup on, and Flex restore
    // targets answered from the lists already read (support/minimum.ts derives it from the data).
    const sunset = await startStack({ simulator: { serverlessBackup: 'sunset' } });
    try {
      const minimum = await deploymentsMinimum(sunset.simulator);
      sunset.simulator.resetCalls();
      const { data, errors } = await sunset.query<{
        projects: { nodes: { deployments: { nodes: { family: string }[] } }[] };
      }>(deploymentsQuery);
      expect(errors).toBeUndefined();
      const families = new Set(data!.projects.nodes.flatMap((p) => p.deployments.nodes.map((d) => d.family)));
      expect([...families].sort()).toEqual(['DEDICATED', 'FLEX', 'SERVERLESS']);
      expect(sunset.simulator.callCount()).toBe(minimum);
    } finally {
      await sunset.close();
    }
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
    // Shared only while in flight: each of the three calls takes 1 s, so that all five operations reach it in
    // time on a loaded machine too (at 200 ms the last could come after the answer).
    const slow = await startStack({ simulator: { latencyMs: 1_000 } });
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

describe('call report: every request sent to Atlas’s API counts, failed ones included', () => {
  const report = { 'x-atlas-call-report': '1' };
  const apiRequests = (s: TestStack) => s.simulator.callCount({ pathPrefix: '/api/atlas/v2' });
  const payments = DEMO.projects.payments;
  const warehouse = DEMO.clusters.analyticsWarehouse;

  it('counts a 404, a 500 retried twice, and a success as the simulator logged them', async () => {
    const s = await startStack({ atlas: { retry: { baseDelayMs: 10, budgetReserve: 1_000 } } });
    try {
      s.simulator.faults.set({
        script: ['status500', 'status500', 'status500'],
        match: { operationId: 'getCluster', pathPrefix: `/api/atlas/v2/groups/${warehouse.groupId}` },
      });
      const answer = await s.query(
        `{ a: project(id: "${payments.id}") { name cluster(name: "ghost") { name } }
           b: node(id: "${toGlobalId('Cluster', warehouse.groupId, warehouse.name)}") { ... on Cluster { name } } }`,
        undefined,
        report,
      );
      // getGroup 200, getCluster 404 (the lookup answers null), getCluster 500 three times (the field fails).
      expect(answer.data).toEqual({ a: { name: payments.name, cluster: null }, b: null });
      expect(answer.errors?.map((e) => [e.path, e.extensions?.['code']])).toEqual([[['b'], 'UPSTREAM_ERROR']]);
      expect(s.simulator.calls.map((c) => c.status)).toEqual(expect.arrayContaining([200, 404, 500, 500, 500]));
      expect(apiRequests(s)).toBe(5);
      expect(answer.extensions?.['atlasCalls']).toMatchObject({ calls: 5, retries: 2 });
    } finally {
      await s.close();
    }
  });

  it('counts a digest challenge round trip', async () => {
    const apiKey = { publicKey: 'abcdefgh', privateKey: '0b5d6a3e-private-key' };
    const s = await startStack({
      simulator: { bearerTokens: [], auth: { apiKeys: [apiKey] } },
      auth: { mode: 'api-key', ...apiKey },
    });
    try {
      const answer = await s.query(`{ project(id: "${payments.id}") { name } }`, undefined, report);
      expect(answer.data).toEqual({ project: { name: payments.name } });
      expect(s.simulator.calls.map((c) => c.status)).toEqual([401, 200]); // the challenge, then the signed call
      expect(answer.extensions?.['atlasCalls']).toMatchObject({ calls: apiRequests(s), retries: 0 });
    } finally {
      await s.close();
    }
  });

  it('tells retries and re-sends after a 401 apart from distinct calls, in the session statistics', async () => {
    const apiKey = { publicKey: 'abcdefgh', privateKey: '0b5d6a3e-private-key' };
    const simulator = await startSimulator({
      bearerTokens: [],
      auth: { apiKeys: [apiKey] },
      // Faults apply to authenticated requests only: the challenge is not one.
      faults: { script: ['status500'], match: { operationId: 'getGroup' } },
    });
    const transport = createTransport({
      baseUrl: simulator.url,
      timeoutMs: 1_000,
      connections: 2,
      userAgent: 't',
      retry: { baseDelayMs: 10 },
    });
    try {
      const session = openSession(transport, {
        credential: digestApiKey(apiKey.publicKey, apiKey.privateKey),
        budget: 10,
        deadlineMs: 5_000,
      });
      const stats = session.stats;
      const getGroup = atlasRequest('getGroup', { groupId: payments.id });
      // The challenge (401), the signed call (500), its retry (200).
      await session.request(getGroup);
      expect(simulator.calls.map((c) => c.status)).toEqual([401, 500, 200]);
      expect(stats).toMatchObject({ calls: 3, retries: 1, reauthenticated: 1, coalesced: 0 });
    } finally {
      await transport.close();
      await simulator.close();
    }
  });

  it('counts the refused call before a token is minted again, not the token request', async () => {
    const client = { clientId: 'mdb_sa_id_0123456789abcdef01234567', clientSecret: 'mdb_sa_sk_report-secret' };
    const s = await startStack({
      simulator: { bearerTokens: [], auth: { serviceAccounts: [client] } },
      auth: { mode: 'service-account', ...client },
    });
    try {
      await s.query(`{ projects { totalCount } }`);
      s.simulator.auth.expireAllTokens();
      s.simulator.resetCalls();
      const answer = await s.query(`{ project(id: "${payments.id}") { name } }`, undefined, report);
      expect(answer.data).toEqual({ project: { name: payments.name } });
      expect(s.simulator.calls.map((c) => [c.operationId, c.status])).toEqual([
        ['getGroup', 401],
        ['oauthToken', 200],
        ['getGroup', 200],
      ]);
      expect(answer.extensions?.['atlasCalls']).toMatchObject({ calls: apiRequests(s), retries: 0 });
    } finally {
      await s.close();
    }
  });
});

describe('planning across fields of one operation', () => {
  const { groupId, name } = DEMO.clusters.paymentsProd;

  it('serves two windows over one list (a card of 3, a table of 10) with one Atlas page', async () => {
    const { data, errors } = await stack.query<{
      project: { cluster: { card: { nodes: { atlasId: string }[] }; table: { nodes: { atlasId: string }[] } } };
    }>(
      `{ project(id: "${groupId}") { cluster(name: "${name}") {
          card: snapshots(first: 3) { nodes { atlasId } }
          table: snapshots(first: 10) { nodes { atlasId } }
      } } }`,
    );
    expect(errors).toBeUndefined();
    const { card, table } = data!.project.cluster;
    expect(card.nodes).toHaveLength(3);
    expect(table.nodes).toHaveLength(10);
    expect(card.nodes).toEqual(table.nodes.slice(0, 3));
    expect(stack.simulator.callCount({ operationId: 'listBackupSnapshots' })).toBe(1);
  });

  it('answers each window as its own query would, including where the next page begins', async () => {
    const separate = await stack.query<{ project: { cluster: Record<string, unknown> } }>(
      `{ project(id: "${groupId}") { cluster(name: "${name}") {
          second: snapshots(first: 5, after: "${Buffer.from('v1:o:4').toString('base64url')}") {
            totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { atlasId } } } } }`,
    );
    stack.simulator.resetCalls();
    const merged = await stack.query<{ project: { cluster: Record<string, unknown> } }>(
      `{ project(id: "${groupId}") { cluster(name: "${name}") {
          first: snapshots(first: 5) { nodes { atlasId } }
          second: snapshots(first: 5, after: "${Buffer.from('v1:o:4').toString('base64url')}") {
            totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { atlasId } } } } }`,
    );
    expect(merged.errors).toBeUndefined();
    expect(merged.data!.project.cluster['second']).toEqual(separate.data!.project.cluster['second']);
    expect(stack.simulator.callCount({ operationId: 'listBackupSnapshots' })).toBe(1);
  });

  it("cuts a legacy job's batch out of the whole list the operation already read, at no extra call", async () => {
    const { groupId: legacyGroup, name: legacyCluster } = DEMO.legacy.cluster;
    const { data, errors } = await stack.query<{
      project: {
        cluster: { legacyRestoreJobs: { nodes: { atlasId: string; batchId: string; batch: { atlasId: string }[] }[] } };
      };
    }>(
      `{ project(id: "${legacyGroup}") { cluster(name: "${legacyCluster}") {
          legacyRestoreJobs(first: 100) { nodes { atlasId batchId batch { atlasId } } }
      } } }`,
    );
    expect(errors).toBeUndefined();
    const jobs = data!.project.cluster.legacyRestoreJobs.nodes;
    const batches = new Set(jobs.map((job) => job.batchId));
    expect(batches.size).toBeGreaterThan(1);
    for (const job of jobs) {
      const expected = jobs.filter((other) => other.batchId === job.batchId).map((other) => other.atlasId);
      expect(job.batch.map((sibling) => sibling.atlasId)).toEqual(expected);
    }
    // One list call for the whole list; before, one more per batch.
    expect(stack.simulator.callCount({ operationId: 'listClusterRestoreJobs' })).toBe(1);
  });
});
