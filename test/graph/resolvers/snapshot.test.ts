import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSeedData, DEMO, type ResponseTransform } from '../../../src/simulator/index.js';
import { toGlobalId } from '../../../src/graph/ids.js';
import { atlas, startStack, withoutLinks, type TestStack } from '../../../support/stack.js';
import { startAtlasProxy } from '../../helpers/atlas-proxy.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.simulator.resetCalls());

type Json = Record<string, unknown>;
type Page<T> = { results: T[]; totalCount: number };
const missingId = '0'.repeat(24);
const snapshotFields = `id atlasId status snapshotType frequencyType type cloudProvider copyRegions createdAt expiresAt
  description mongodVersion replicaSetName storageSizeBytes masterKeyUUID policyItems`;

/** Atlas's spellings of the enums, as the graph names them. */
const graphValues: Record<string, Record<string, string>> = {
  status: { queued: 'QUEUED', inProgress: 'IN_PROGRESS', completed: 'COMPLETED', failed: 'FAILED' },
  snapshotType: { onDemand: 'ON_DEMAND', scheduled: 'SCHEDULED', fallback: 'FALLBACK' },
  frequencyType: {
    hourly: 'HOURLY',
    daily: 'DAILY',
    weekly: 'WEEKLY',
    monthly: 'MONTHLY',
    yearly: 'YEARLY',
    ondemand: 'ON_DEMAND',
  },
  type: { replicaSet: 'REPLICA_SET', shardedCluster: 'SHARDED_CLUSTER' },
  cloudProvider: { AWS: 'AWS', AZURE: 'AZURE', GCP: 'GCP' },
};

/** The graph's snapshot, from Atlas's `DiskBackupSnapshot` of the cluster `groupId`/`clusterName`. */
function expectedSnapshot(groupId: string, clusterName: string, payload: Json): Json {
  const raw = withoutLinks(payload) as Json;
  const expected: Json = { id: toGlobalId('Snapshot', groupId, clusterName, String(raw.id)), atlasId: raw.id };
  for (const [field, value] of Object.entries(raw)) {
    if (field === 'id') continue;
    const values = graphValues[field];
    expected[field] = values ? (values[String(value)] ?? `unmapped ${String(value)}`) : value;
  }
  return expected;
}

describe('Snapshot (seed operation getClusterBackupSnapshot)', () => {
  it.each(Object.entries(DEMO.snapshots))('returns the %s snapshot field for field', async (_, snapshot) => {
    const { groupId, clusterName, id } = snapshot;
    const raw = await atlas(stack.simulator, 'getClusterBackupSnapshot', { groupId, clusterName, snapshotId: id });
    stack.simulator.resetCalls();
    const { data, errors } = await stack.query<{ project: { cluster: { snapshot: Json } } }>(
      `query ($p: ObjectId!, $c: ClusterName!, $id: ObjectId!) {
        project(id: $p) { cluster(name: $c) { snapshot(id: $id) { ${snapshotFields} cluster { name projectId } } } }
      }`,
      { p: groupId, c: clusterName, id },
    );
    expect(errors).toBeUndefined();
    const { cluster, ...graph } = data!.project.cluster.snapshot;
    expect(withoutLinks(graph)).toEqual(expectedSnapshot(groupId, clusterName, raw));
    expect(cluster).toEqual({ name: clusterName, projectId: groupId });
    // The cluster back-link is the cluster the lookup went through: no further call.
    expect(stack.simulator.calls.map((c) => c.operationId)).toEqual([
      'getGroup',
      'getCluster',
      'getClusterBackupSnapshot',
    ]);
  });

  it('maps the well-known snapshots’ Atlas strings onto the graph’s enums', async () => {
    const read = async (s: { groupId: string; clusterName: string; id: string }) => {
      const { data } = await stack.query<{ node: Json }>(
        `{ node(id: "${toGlobalId('Snapshot', s.groupId, s.clusterName, s.id)}") {
            ... on Snapshot { status snapshotType frequencyType type cloudProvider description replicaSetName } } }`,
      );
      return data!.node;
    };
    expect(await read(DEMO.snapshots.inProgress)).toMatchObject({ status: 'IN_PROGRESS', type: 'REPLICA_SET' });
    expect(await read(DEMO.snapshots.completed)).toMatchObject({
      status: 'COMPLETED',
      snapshotType: 'SCHEDULED',
      cloudProvider: 'AWS',
    });
    expect(await read(DEMO.snapshots.failed)).toMatchObject({ status: 'FAILED' });
    const onDemand = await read(DEMO.snapshots.onDemand);
    expect(onDemand).toMatchObject({ snapshotType: 'ON_DEMAND', frequencyType: 'ON_DEMAND' });
    expect(onDemand.description).toEqual(expect.any(String));
    // A sharded-cluster snapshot has no single replica set or provider.
    expect(await read(DEMO.snapshots.sharded)).toMatchObject({
      type: 'SHARDED_CLUSTER',
      cloudProvider: null,
      replicaSetName: null,
    });
  });

  const { paymentsProd, paymentsLedger, analyticsWarehouse, analyticsSandbox, inventoryApi } = DEMO.clusters;
  const withSnapshots = [paymentsProd, paymentsLedger, analyticsWarehouse, analyticsSandbox, inventoryApi];

  it.each(withSnapshots.map((c) => [c.name, c] as const))(
    'lists every snapshot of %s field for field, in Atlas order',
    async (_, cluster) => {
      const all = await atlas<Page<Json>>(
        stack.simulator,
        'listBackupSnapshots',
        { groupId: cluster.groupId, clusterName: cluster.name },
        { itemsPerPage: 500 },
      );
      stack.simulator.resetCalls();
      const { data, errors } = await stack.query<{
        project: { cluster: { snapshots: { totalCount: number; nodes: Json[] } } };
      }>(
        `query ($p: ObjectId!, $c: ClusterName!) {
          project(id: $p) { cluster(name: $c) { snapshots(first: 500) { totalCount nodes { ${snapshotFields} } } } }
        }`,
        { p: cluster.groupId, c: cluster.name },
      );
      expect(errors).toBeUndefined();
      const { totalCount, nodes } = data!.project.cluster.snapshots;
      expect(totalCount).toBe(all.totalCount);
      expect(nodes.length).toBeGreaterThan(0);
      expect(nodes.map((n) => withoutLinks(n))).toEqual(
        all.results.map((raw) => expectedSnapshot(cluster.groupId, cluster.name, raw)),
      );
      expect(stack.simulator.callCount({ operationId: 'listBackupSnapshots' })).toBe(1);
      expect(stack.simulator.callCount()).toBe(3);
    },
  );

  it('refetched by its global id, follows its cluster to the project', async () => {
    const s = DEMO.snapshots.sharded;
    const { data, errors } = await stack.query(
      `{ node(id: "${toGlobalId('Snapshot', s.groupId, s.clusterName, s.id)}") {
           ... on Snapshot { atlasId cluster { name clusterType project { atlasId } } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data).toEqual({
      node: {
        atlasId: s.id,
        cluster: { name: s.clusterName, clusterType: 'SHARDED', project: { atlasId: s.groupId } },
      },
    });
    expect(stack.simulator.calls.map((c) => c.operationId)).toEqual([
      'getClusterBackupSnapshot',
      'getCluster',
      'getGroup',
    ]);
  });
});

describe('snapshot lookups', () => {
  const cluster = DEMO.clusters.paymentsProd;
  const lookup = (ids: Record<string, string>) =>
    stack.query<{ project: { cluster: Record<string, { atlasId: string } | null> } }>(
      `{ project(id: "${cluster.groupId}") { cluster(name: "${cluster.name}") {
          ${Object.entries(ids)
            .map(([alias, id]) => `${alias}: snapshot(id: "${id}") { atlasId }`)
            .join(' ')}
      } } }`,
    );

  it('answers null for an id Atlas does not have, and for a snapshot of another cluster', async () => {
    const { data, errors } = await lookup({ missing: missingId });
    expect(errors).toBeUndefined();
    expect(data!.project.cluster).toEqual({ missing: null });
    const other = await lookup({ elsewhere: DEMO.snapshots.sharded.id });
    expect(other.errors).toBeUndefined();
    expect(other.data!.project.cluster).toEqual({ elsewhere: null });
    expect(stack.simulator.callCount({ operationId: 'getClusterBackupSnapshot' })).toBe(2);
    expect(
      stack.simulator.calls.filter((c) => c.operationId === 'getClusterBackupSnapshot').map((c) => c.status),
    ).toEqual([404, 404]);
  });

  it('plans several lookups in one cluster as one page of its list; an id not in it is null', async () => {
    const { data, errors } = await lookup({
      a: DEMO.snapshots.completed.id,
      b: DEMO.snapshots.failed.id,
      c: DEMO.snapshots.onDemand.id,
      d: missingId,
    });
    expect(errors).toBeUndefined();
    expect(data!.project.cluster).toEqual({
      a: { atlasId: DEMO.snapshots.completed.id },
      b: { atlasId: DEMO.snapshots.failed.id },
      c: { atlasId: DEMO.snapshots.onDemand.id },
      d: null,
    });
    expect(stack.simulator.calls.map((c) => c.operationId)).toEqual(['getGroup', 'getCluster', 'listBackupSnapshots']);
    expect(stack.simulator.calls[2]?.query).toMatchObject({ pageNum: '1', itemsPerPage: '500' });
  });

  it('resolves a federation reference by id, and null for a snapshot Atlas does not have', async () => {
    const s = DEMO.snapshots.completed;
    const { data, errors } = await stack.query<{ _entities: unknown[] }>(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Snapshot { atlasId } } }`,
      {
        r: [
          { __typename: 'Snapshot', id: toGlobalId('Snapshot', s.groupId, s.clusterName, s.id) },
          { __typename: 'Snapshot', id: toGlobalId('Snapshot', s.groupId, s.clusterName, missingId) },
        ],
      },
    );
    expect(errors).toBeUndefined();
    expect(data!._entities).toEqual([{ atlasId: s.id }, null]);
  });
});

describe('snapshot enums from Atlas strings', () => {
  // An Atlas that sends the snapshot's enum fields as each test sets them.
  let sent: Json = {};
  const transform: ResponseTransform = (body, call) =>
    call.operationId === 'getClusterBackupSnapshot' ? { ...body, ...sent } : body;
  let enums: TestStack;
  beforeAll(async () => {
    enums = await startStack({ simulator: { transformResponse: transform } });
  });
  afterAll(() => enums.close());

  const s = DEMO.snapshots.completed;
  const read = async (field: string, value: string) => {
    sent = { [field]: value };
    const { data, errors } = await enums.query<{ node: Record<string, string | null> }>(
      `{ node(id: "${toGlobalId('Snapshot', s.groupId, s.clusterName, s.id)}") { ... on Snapshot { ${field} } } }`,
    );
    expect(errors).toBeUndefined();
    return data!.node[field];
  };

  it.each([
    ['status', 'queued', 'QUEUED'],
    ['status', 'inProgress', 'IN_PROGRESS'],
    ['status', 'completed', 'COMPLETED'],
    ['status', 'failed', 'FAILED'],
    ['status', 'archived', 'OTHER'],
    ['snapshotType', 'onDemand', 'ON_DEMAND'],
    ['snapshotType', 'scheduled', 'SCHEDULED'],
    ['snapshotType', 'fallback', 'FALLBACK'],
    ['snapshotType', 'continuous', 'OTHER'],
    ['frequencyType', 'hourly', 'HOURLY'],
    ['frequencyType', 'daily', 'DAILY'],
    ['frequencyType', 'weekly', 'WEEKLY'],
    ['frequencyType', 'monthly', 'MONTHLY'],
    ['frequencyType', 'yearly', 'YEARLY'],
    ['frequencyType', 'ondemand', 'ON_DEMAND'],
    ['frequencyType', 'minutely', 'OTHER'],
    ['type', 'replicaSet', 'REPLICA_SET'],
    ['type', 'shardedCluster', 'SHARDED_CLUSTER'],
    ['type', 'flexCluster', 'OTHER'],
    ['cloudProvider', 'AWS', 'AWS'],
    ['cloudProvider', 'AZURE', 'AZURE'],
    ['cloudProvider', 'GCP', 'GCP'],
    ['cloudProvider', 'TENANT', 'OTHER'],
  ])('%s %s is %s', async (field, atlasValue, graphValue) => {
    expect(await read(field, atlasValue)).toBe(graphValue);
  });
});

describe('a deep page whose count times out on Atlas’s side (notes §5, Atlas CLI issue #2691)', () => {
  // Atlas answers 500 TIMEOUT_WHILE_PAGING while counting; the same request fails alike, so it was retried
  // twice and the page failed. Asked once more without the count, the page answers (its totalCount null).
  let stack: TestStack;
  let proxy: Awaited<ReturnType<typeof startAtlasProxy>>;
  beforeAll(async () => {
    proxy = await startAtlasProxy((req) => {
      const url = new URL(req.url ?? '', 'http://atlas');
      return url.pathname.endsWith('/backup/snapshots') &&
        Number(url.searchParams.get('pageNum')) > 1 &&
        url.searchParams.get('includeCount') !== 'false'
        ? { status: 500, errorCode: 'TIMEOUT_WHILE_PAGING', detail: 'Timeout while paging.' }
        : undefined;
    });
    stack = await startStack({ atlas: { baseUrl: proxy.url } });
    proxy.forwardTo(stack.simulator.url);
  });
  afterAll(async () => {
    await stack.close();
    await proxy.close();
  });

  it('answers the page without its count, after one refused call and no retry', async () => {
    const c = DEMO.clusters.paymentsProd;
    const all = await atlas<{ results: { id: string }[] }>(
      stack.simulator,
      'listBackupSnapshots',
      { groupId: c.groupId, clusterName: c.name },
      { itemsPerPage: 500 },
    );
    const after = Buffer.from('v1:o:4').toString('base64url');
    const { data, errors } = await stack.query<{ project: { cluster: { snapshots: Record<string, unknown> } } }>(
      `{ project(id: "${c.groupId}") { cluster(name: "${c.name}") {
          snapshots(first: 5, after: "${after}") { totalCount pageInfo { hasNextPage } nodes { atlasId } } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data!.project.cluster.snapshots).toEqual({
      totalCount: null,
      pageInfo: { hasNextPage: all.results.length > 10 },
      nodes: all.results.slice(5, 10).map((s) => ({ atlasId: s.id })),
    });
    const pages = proxy.seen.filter((r) => r.url.includes('/backup/snapshots?'));
    expect(pages.map((r) => [new URL(r.url, 'http://atlas').searchParams.get('includeCount'), r.answered])).toEqual([
      [null, 500],
      ['false', undefined],
    ]);
  });
});

describe('a sharded-cluster snapshot’s members (Atlas’s sharded-cluster view)', () => {
  type Member = { atlasId: string; replicaSetName: string; cloudProvider: string | null };
  type Sharded = {
    id: string;
    configServerType?: string;
    members?: { id: string; replicaSetName: string; cloudProvider: string }[];
  };
  const ledger = DEMO.clusters.paymentsLedger;
  const asGraph = (view: Sharded) => ({
    configServerType: view.configServerType,
    members: (view.members ?? []).map((m) => ({
      atlasId: m.id,
      replicaSetName: m.replicaSetName,
      cloudProvider: m.cloudProvider,
    })),
  });

  it('reads one snapshot’s members with one GET of its sharded view', async () => {
    const s = DEMO.snapshots.sharded;
    const view = await atlas<Sharded>(stack.simulator, 'getBackupShardedCluster', {
      groupId: s.groupId,
      clusterName: s.clusterName,
      snapshotId: s.id,
    });
    stack.simulator.resetCalls();
    const { data, errors } = await stack.query<{ node: { configServerType: string; members: Member[] } }>(
      `{ node(id: "${toGlobalId('Snapshot', s.groupId, s.clusterName, s.id)}") {
          ... on Snapshot { configServerType members { atlasId replicaSetName cloudProvider } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(view.members?.length).toBe(3);
    expect(data!.node).toEqual(asGraph(view));
    expect(data!.node.configServerType).toBe('DEDICATED');
    // Both fields come from the one view: one call for the two.
    expect(stack.simulator.calls.map((c) => c.operationId)).toEqual([
      'getClusterBackupSnapshot',
      'getBackupShardedCluster',
    ]);
  });

  it('reads the members of all of a cluster’s snapshots with one call listing its sharded snapshots whole', async () => {
    const listed = await atlas<{ results: Sharded[] }>(stack.simulator, 'listBackupShardedClusters', {
      groupId: ledger.groupId,
      clusterName: ledger.name,
    });
    stack.simulator.resetCalls();
    const { data, errors } = await stack.query<{
      project: { cluster: { snapshots: { nodes: ({ atlasId: string } & ReturnType<typeof asGraph>)[] } } };
    }>(
      `query ($p: ObjectId!, $c: ClusterName!) { project(id: $p) { cluster(name: $c) {
          snapshots(first: 50) { nodes { atlasId configServerType members { atlasId replicaSetName cloudProvider } } } } } }`,
      { p: ledger.groupId, c: ledger.name },
    );
    expect(errors).toBeUndefined();
    const nodes = data!.project.cluster.snapshots.nodes;
    expect(nodes.length).toBeGreaterThan(1);
    const byId = new Map(listed.results.map((view) => [view.id, view]));
    for (const node of nodes) expect(node).toEqual({ atlasId: node.atlasId, ...asGraph(byId.get(node.atlasId)!) });
    expect(stack.simulator.calls.map((c) => c.operationId)).toEqual([
      'getGroup',
      'getCluster',
      'listBackupSnapshots',
      'listBackupShardedClusters',
    ]);
    // The operation takes no paging parameters: none are sent.
    expect(stack.simulator.calls[3]?.query).toEqual({});
  });

  it('answers null for a replica-set snapshot, without asking Atlas for a sharded view', async () => {
    const prod = DEMO.clusters.paymentsProd;
    const { data, errors } = await stack.query<{
      project: { cluster: { snapshots: { nodes: { type: string; members: null; configServerType: null }[] } } };
    }>(
      `{ project(id: "${prod.groupId}") { cluster(name: "${prod.name}") {
          snapshots(first: 5) { nodes { type members { atlasId } configServerType } } } } }`,
    );
    expect(errors).toBeUndefined();
    const nodes = data!.project.cluster.snapshots.nodes;
    expect(nodes).toHaveLength(5);
    expect(nodes).toEqual(nodes.map(() => ({ type: 'REPLICA_SET', members: null, configServerType: null })));
    expect(stack.simulator.calls.map((c) => c.operationId)).toEqual(['getGroup', 'getCluster', 'listBackupSnapshots']);
  });
});

describe('a sharded-cluster view that differs from the snapshot list', () => {
  // An Atlas whose sharded-cluster view says what each test sets.
  let view: (body: Json) => Json = (body) => body;
  let differing: TestStack;
  beforeAll(async () => {
    differing = await startStack({
      simulator: {
        transformResponse: (body, call) =>
          call.operationId === 'getBackupShardedCluster' || call.operationId === 'listBackupShardedClusters'
            ? view(body)
            : body,
      },
    });
  });
  afterAll(() => differing.close());
  beforeEach(() => {
    view = (body) => body;
    differing.simulator.resetCalls();
  });

  const s = DEMO.snapshots.sharded;
  const readView = () =>
    differing.query<{ node: { configServerType: string | null; members: { replicaSetName: string }[] | null } }>(
      `{ node(id: "${toGlobalId('Snapshot', s.groupId, s.clusterName, s.id)}") {
          ... on Snapshot { configServerType members { replicaSetName } } } }`,
    );

  it.each([
    ['EMBEDDED', 'EMBEDDED'],
    ['DEDICATED', 'DEDICATED'],
    ['SOMETHING_NEW', 'OTHER'],
  ])('configServerType %s is %s', async (atlasValue, graphValue) => {
    view = (body) => ({ ...body, configServerType: atlasValue });
    const { data, errors } = await readView();
    expect(errors).toBeUndefined();
    expect(data!.node.configServerType).toBe(graphValue);
  });

  it('answers an empty list when the view names no members, and UPSTREAM_BAD_RESPONSE for a member without its id', async () => {
    view = (body) => ({ ...body, members: undefined });
    const none = await readView();
    expect(none.errors).toBeUndefined();
    expect(none.data!.node.members).toEqual([]);

    view = (body) => ({ ...body, members: [{ replicaSetName: 'shard-0', cloudProvider: 'AWS' }] });
    const { data, errors } = await differing.query<{ node: { members: unknown } }>(
      `{ node(id: "${toGlobalId('Snapshot', s.groupId, s.clusterName, s.id)}") { ... on Snapshot { members { atlasId } } } }`,
    );
    expect(data!.node.members).toBeNull();
    expect(errors?.map((e) => e.extensions?.['code'])).toEqual(['UPSTREAM_BAD_RESPONSE']);
  });

  const ledger = DEMO.clusters.paymentsLedger;
  const ledgerMembers = `{ project(id: "${ledger.groupId}") { cluster(name: "${ledger.name}") {
      snapshots(first: 50) { nodes { atlasId members { atlasId } } } } } }`;
  type LedgerMembers = {
    project: { cluster: { snapshots: { nodes: { atlasId: string; members: unknown[] | null }[] } } };
  };
  /** The sharded list without `s`, its count saying so (`countLeftOut`) or still counting it. */
  const leaveOut = (countLeftOut: boolean) => (body: Json) => {
    if (!Array.isArray(body['results'])) return body;
    const results = (body['results'] as Json[]).filter((r) => r['id'] !== s.id);
    return { ...body, results, totalCount: countLeftOut ? results.length : body['totalCount'] };
  };

  it('says NOT_FOUND on the members of a snapshot the whole sharded list leaves out, and still answers the others', async () => {
    view = leaveOut(true);
    const { data, errors } = await differing.query<LedgerMembers>(ledgerMembers);
    const nodes = data!.project.cluster.snapshots.nodes;
    expect(nodes.filter((n) => n.members === null).map((n) => n.atlasId)).toEqual([s.id]);
    expect(nodes.filter((n) => n.members !== null).every((n) => n.members!.length === 3)).toBe(true);
    expect(errors?.map((e) => e.extensions?.['code'])).toEqual(['NOT_FOUND']);
    // The whole list said so: no GET to confirm it.
    expect(differing.simulator.callCount({ operationId: 'getBackupShardedCluster' })).toBe(0);
  });

  it('asks for one snapshot the sharded list left out when its count says the list was cut short', async () => {
    view = leaveOut(false);
    const { data, errors } = await differing.query<LedgerMembers>(ledgerMembers);
    expect(errors).toBeUndefined();
    expect(data!.project.cluster.snapshots.nodes.every((n) => n.members?.length === 3)).toBe(true);
    expect(differing.simulator.callCount({ operationId: 'listBackupShardedClusters' })).toBe(1);
    expect(differing.simulator.callCount({ operationId: 'getBackupShardedCluster' })).toBe(1);
  });
});

describe('members of snapshots deep in a long sharded list', () => {
  // 1,600 more sharded snapshots of payments-ledger: the list runs past three pages of 500, which a walk's cost
  // model would count, though one call reads it whole.
  let long: TestStack;
  beforeAll(async () => {
    const data = createSeedData();
    const template = data.snapshots.find((snap) => snap.value.id === DEMO.snapshots.sharded.id)!;
    for (let i = 0; i < 1_600; i++) {
      const id = (0x10_0000 + i).toString(16).padStart(24, 'a');
      data.snapshots.push({ ...template, value: { ...template.value, id } });
    }
    long = await startStack({ simulator: { data } });
  });
  afterAll(() => long.close());

  it('reads the members of two snapshots far down the list with one call', async () => {
    const ledger = DEMO.clusters.paymentsLedger;
    const cluster = { groupId: ledger.groupId, clusterName: ledger.name };
    const listed = await atlas<{ results: { id: string }[] }>(long.simulator, 'listBackupShardedClusters', cluster);
    expect(listed.results.length).toBeGreaterThan(1_500);
    const deep = [listed.results[700]!.id, listed.results[800]!.id];
    long.simulator.resetCalls();
    const ids = [...deep, missingId].map((id) => toGlobalId('Snapshot', ledger.groupId, ledger.name, id));
    // Each snapshot by its id (a GET each: three keys cost less than walking four pages; the third is none), then
    // the members of the two found: one read of the sharded list, however long.
    const { data, errors } = await long.query<{ nodes: ({ atlasId: string; members: unknown[] } | null)[] }>(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Snapshot { atlasId members { atlasId } } } }`,
      { ids },
    );
    expect(errors).toBeUndefined();
    expect(data!.nodes.map((n) => n && [n.atlasId, n.members.length])).toEqual([[deep[0], 3], [deep[1], 3], null]);
    expect(long.simulator.callCount({ operationId: 'listBackupShardedClusters' })).toBe(1);
    expect(long.simulator.callCount({ operationId: 'getBackupShardedCluster' })).toBe(0);
  });
});
