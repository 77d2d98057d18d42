/** Call counts at the simulator: what one GraphQL operation costs in Atlas calls. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/simulator/index.js';
import { toGlobalId } from '../../src/graph/ids.js';
import { AtlasClient } from '../../src/atlas/client.js';
import { staticBearer } from '../../src/atlas/auth/credential.js';
import { openSession } from '../../src/atlas/session.js';
import { createTransport } from '../../src/atlas/transport.js';
import { createLoaders, type Loaders } from '../../src/loaders/index.js';
import { atlas, startStack, TEST_TOKEN, type TestStack } from '../../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.simulator.resetCalls());

const job = DEMO.restoreJobs.automated;
const jobId = toGlobalId('CloudBackupRestoreJob', job.groupId, job.clusterName, job.id);

/** Runs `use` with the loaders of one unit of work against the stack's simulator, over a transport of its own. */
async function withLoaders(use: (loaders: Loaders) => Promise<void>): Promise<void> {
  const transport = createTransport({ baseUrl: stack.simulator.url, timeoutMs: 2_000, connections: 2, userAgent: 't' });
  try {
    const session = openSession(transport, { credential: staticBearer(TEST_TOKEN), budget: 50, deadlineMs: 5_000 });
    await use(createLoaders(new AtlasClient(session), session.stats));
  } finally {
    await transport.close();
  }
}

describe('Atlas calls per operation', () => {
  it('fetches the same restore job once for five aliases', async () => {
    const aliases = [1, 2, 3, 4, 5].map(
      (i) => `a${i}: node(id: "${jobId}") { id ... on CloudBackupRestoreJob { state } }`,
    );
    const { data, errors } = await stack.query<Record<string, { id: string }>>(`{ ${aliases.join('\n')} }`);
    expect(errors).toBeUndefined();
    expect(Object.values(data!).map((n) => n.id)).toEqual(Array(5).fill(jobId));
    expect(stack.simulator.callCount({ operationId: 'getBackupRestoreJob' })).toBe(1);
    expect(stack.simulator.callCount()).toBe(1);
  });

  it('answers single lookups from a list fetched earlier in the operation', async () => {
    const { errors } = await stack.query(
      `{ project(id: "${job.groupId}") { cluster(name: "${job.clusterName}") {
          restoreJobs(first: 100) { nodes { id } }
          restoreJob(id: "${job.id}") { id }
      } } }`,
    );
    expect(errors).toBeUndefined();
    expect(stack.simulator.callCount({ operationId: 'listBackupRestoreJobs' })).toBe(1);
    expect(stack.simulator.callCount({ operationId: 'getBackupRestoreJob' })).toBe(0);
  });

  it('reuses loaded projects and clusters for back-links and references', async () => {
    const { errors } = await stack.query(`{ projects { nodes { clusters { nodes { name project { name } } } } } }`);
    expect(errors).toBeUndefined();
    expect(stack.simulator.callCount({ operationId: 'getGroup' })).toBe(0);
    expect(stack.simulator.callCount({ operationId: 'listGroups' })).toBe(1);
    expect(stack.simulator.callCount({ operationId: 'listClusters' })).toBe(3);
  });

  it('makes zero Atlas calls for an invalid id, whether an argument or a global id', async () => {
    const bad = await stack.query(`{ project(id: "XYZ") { name } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const traversal = await stack.query(`{ project(id: "${job.groupId}") { cluster(name: "../orgs") { name } } }`);
    expect(traversal.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const forged = Buffer.from(`v1:Cluster:${job.groupId}:..`).toString('base64url');
    const node = await stack.query(`{ node(id: "${forged}") { id } }`);
    expect(node.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const mixed = await stack.query(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [jobId, 'garbage!'] });
    expect(mixed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const variable = await stack.query(`query ($id: ObjectId!) { project(id: $id) { name } }`, { id: 'ABCDEF' });
    expect(variable.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(stack.simulator.callCount()).toBe(0);
  });

  it('refetches objects with nodes(ids:), each missing one null, in order', async () => {
    const missing = toGlobalId('CloudBackupRestoreJob', job.groupId, job.clusterName, '0'.repeat(24));
    const projectId = toGlobalId('Project', job.groupId);
    const { data, errors } = await stack.query<{ nodes: ({ id: string } | null)[] }>(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }`,
      { ids: [jobId, missing, projectId, jobId] },
    );
    expect(errors).toBeUndefined();
    expect(data!.nodes).toEqual([
      { id: jobId, __typename: 'CloudBackupRestoreJob' },
      null,
      { id: projectId, __typename: 'Project' },
      { id: jobId, __typename: 'CloudBackupRestoreJob' },
    ]);
    // Two jobs of one cluster: one list page, the cluster's whole list, finds the first and proves the
    // other does not exist, so it costs no GET; the duplicate id costs nothing.
    expect(stack.simulator.callCount({ operationId: 'listBackupRestoreJobs' })).toBe(1);
    expect(stack.simulator.callCount({ operationId: 'getBackupRestoreJob' })).toBe(0);
  });
});

describe('invalidation (after a write)', () => {
  it('forgets an item and the pages of its list, and reads them again on the next load', async () => {
    await withLoaders(async (loaders) => {
      const cluster = { groupId: job.groupId, clusterName: job.clusterName };
      const key = { ...cluster, id: job.id };
      const page = { ...cluster, pageNum: 1, itemsPerPage: 10 };
      await Promise.all([loaders.restoreJob.load(key), loaders.restoreJobPage.load(page)]);
      await Promise.all([loaders.restoreJob.load(key), loaders.restoreJobPage.load(page)]);
      expect(stack.simulator.callCount({ operationId: 'listBackupRestoreJobs' })).toBe(1);
      const beforeGets = stack.simulator.callCount({ operationId: 'getBackupRestoreJob' });

      loaders.invalidate('restoreJob', key);
      await loaders.restoreJobPage.load(page);
      const again = await loaders.restoreJob.load(key);
      expect(again.id).toBe(job.id);
      expect(stack.simulator.callCount({ operationId: 'listBackupRestoreJobs' })).toBe(2);
      // The new page answered the lookup again: still no GET.
      expect(stack.simulator.callCount({ operationId: 'getBackupRestoreJob' })).toBe(beforeGets);
    });
  });

  it('forgets a list after a create, and the transport forgets the cached answers under it for every credential', async () => {
    const { AtlasClient } = await import('../../src/atlas/client.js');
    const { openSession } = await import('../../src/atlas/session.js');
    const { createTransport } = await import('../../src/atlas/transport.js');
    const { staticBearer } = await import('../../src/atlas/auth/credential.js');
    const { createLoaders } = await import('../../src/loaders/index.js');
    const { listPath } = await import('../../src/loaders/resources.js');
    const { TEST_TOKEN } = await import('../../support/stack.js');
    const transport = createTransport({
      baseUrl: stack.simulator.url,
      timeoutMs: 2_000,
      connections: 2,
      userAgent: 't',
      cacheTtlMs: 60_000,
    });
    try {
      // Two credentials with the same token: two cache keys, two cached copies of each answer.
      const unit = (name: string) => {
        const session = openSession(transport, {
          credential: staticBearer(TEST_TOKEN, name),
          budget: 50,
          deadlineMs: 5_000,
        });
        return createLoaders(new AtlasClient(session), session.stats);
      };
      const cluster = { groupId: job.groupId, clusterName: job.clusterName };
      const page = { ...cluster, pageNum: 1, itemsPerPage: 10 };
      const bucketPage = { groupId: job.groupId, pageNum: 1, itemsPerPage: 10 };
      const [a, b] = [unit('a'), unit('b')];
      await Promise.all([
        a.restoreJobPage.load(page),
        b.restoreJobPage.load(page),
        a.exportBucketPage.load(bucketPage),
      ]);
      expect(stack.simulator.callCount({ operationId: 'listBackupRestoreJobs' })).toBe(2);

      a.invalidateList('restoreJob', cluster);
      await transport.forget(listPath('restoreJob', cluster));
      await Promise.all([a.restoreJobPage.load(page), unit('b').restoreJobPage.load(page)]);
      // Both credentials read the list again; the bucket list, under another path, stays cached.
      expect(stack.simulator.callCount({ operationId: 'listBackupRestoreJobs' })).toBe(4);
      await unit('a').exportBucketPage.load(bucketPage);
      expect(stack.simulator.callCount({ operationId: 'listExportBuckets' })).toBe(1);
    } finally {
      await transport.close();
    }
  });
});

describe('a list without paging parameters (listBackupShardedClusters)', () => {
  it('reads the list whole once per unit of work, cuts every page asked of it from that read, and reads it again after invalidation (its own, or its resource’s)', async () => {
    const ledger = DEMO.clusters.paymentsLedger;
    const cluster = { groupId: ledger.groupId, clusterName: ledger.name };
    const whole = await atlas<{ results: { id: string }[] }>(stack.simulator, 'listBackupShardedClusters', cluster);
    expect(whole.results.length).toBeGreaterThan(4);
    stack.simulator.resetCalls();
    await withLoaders(async (loaders) => {
      const [first, second, beyond] = await Promise.all([
        loaders.shardedSnapshotPage.load({ ...cluster, pageNum: 1, itemsPerPage: 3 }),
        loaders.shardedSnapshotPage.load({ ...cluster, pageNum: 2, itemsPerPage: 3 }),
        loaders.shardedSnapshotPage.load({ ...cluster, pageNum: 9, itemsPerPage: 3 }),
      ]);
      const ids = whole.results.map((s) => s.id);
      expect(first.results.map((s) => s.id)).toEqual(ids.slice(0, 3));
      expect(first).toMatchObject({ hasNext: true, totalCount: ids.length, pageNum: 1, itemsPerPage: 3 });
      expect(second.results.map((s) => s.id)).toEqual(ids.slice(3, 6));
      expect(second.hasNext).toBe(ids.length > 6);
      expect(beyond).toMatchObject({ results: [], hasNext: false });
      // Stamped with the cluster it was read under, as every listed item is.
      expect(first.results[0]).toMatchObject(cluster);
      expect(await loaders.shardedSnapshotPage.knownWholeList(cluster)).toHaveLength(ids.length);
      expect(stack.simulator.calls.map((c) => [c.operationId, c.query])).toEqual([['listBackupShardedClusters', {}]]);

      loaders.invalidateList('shardedSnapshot', cluster);
      await loaders.shardedSnapshotPage.load({ ...cluster, pageNum: 1, itemsPerPage: 3 });
      expect(stack.simulator.callCount({ operationId: 'listBackupShardedClusters' })).toBe(2);

      // Lookups answered from the read, as `known` tells without a call: listed, or absent from a whole list.
      const calls = stack.simulator.calls.length;
      const [found] = await Promise.all([
        loaders.shardedSnapshot.load({ ...cluster, id: ids[1]! }),
        loaders.shardedSnapshot.load({ ...cluster, id: ids[2]! }),
      ]);
      expect(found.id).toBe(ids[1]);
      expect((await loaders.shardedSnapshot.known({ ...cluster, id: ids[3]! }))?.id).toBe(ids[3]);
      expect(await loaders.shardedSnapshot.known({ ...cluster, id: '0'.repeat(24) })).toBeNull();
      expect(stack.simulator.calls.length).toBe(calls);

      // A write to a snapshot, or to the snapshot list, changes the sharded view of it too: forgotten with them.
      loaders.invalidate('snapshot', { ...cluster, id: ids[0]! });
      await loaders.shardedSnapshotPage.load({ ...cluster, pageNum: 1, itemsPerPage: 3 });
      expect(stack.simulator.callCount({ operationId: 'listBackupShardedClusters' })).toBe(3);
      loaders.invalidateList('snapshot', cluster);
      await loaders.shardedSnapshotPage.load({ ...cluster, pageNum: 1, itemsPerPage: 3 });
      expect(stack.simulator.callCount({ operationId: 'listBackupShardedClusters' })).toBe(4);
    });
  });
});
