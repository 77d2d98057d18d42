import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, type ResponseTransform } from '../../../src/simulator/index.js';
import { toGlobalId } from '../../../src/graph/ids.js';
import { atlas, startStack, withoutLinks, type TestStack } from '../../../support/stack.js';
import { connectionOf, walkConnection, type ConnectionPage } from '../../helpers/connections.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.simulator.resetCalls());

type Json = Record<string, unknown>;
type Page<T> = { results: T[]; totalCount: number };
const missingId = '0'.repeat(24);
const clusterFields = `id atlasId name projectId clusterType stateName mongoDBVersion mongoDBMajorVersion createDate
  backupEnabled pitEnabled paused terminationProtectionEnabled tags { key value } versionReleaseSystem
  featureCompatibilityVersion featureCompatibilityVersionExpiresAt encryptionAtRestProvider
  regions { cloudProvider regionName zoneId zoneName priority instanceSize electableNodeCount }`;

type ReplicationSpec = {
  zoneId: string;
  zoneName: string;
  regionConfigs: {
    providerName: string;
    regionName: string;
    priority: number;
    electableSpecs: { instanceSize: string; nodeCount: number };
  }[];
};

/** The graph's cluster, from Atlas's `ClusterDescription` (the graph exposes these of its fields). */
function expectedCluster(raw: Json): unknown {
  return withoutLinks({
    id: toGlobalId('Cluster', String(raw.groupId), String(raw.name)),
    atlasId: raw.id,
    name: raw.name,
    projectId: raw.groupId,
    clusterType: raw.clusterType,
    stateName: raw.stateName,
    mongoDBVersion: raw.mongoDBVersion,
    mongoDBMajorVersion: raw.mongoDBMajorVersion,
    createDate: raw.createDate,
    backupEnabled: raw.backupEnabled,
    pitEnabled: raw.pitEnabled,
    paused: raw.paused,
    terminationProtectionEnabled: raw.terminationProtectionEnabled,
    tags: raw.tags,
    versionReleaseSystem: raw.versionReleaseSystem,
    featureCompatibilityVersion: raw.featureCompatibilityVersion,
    featureCompatibilityVersionExpiresAt: raw.featureCompatibilityVersionExpirationDate ?? null,
    encryptionAtRestProvider: raw.encryptionAtRestProvider,
    // Each shard has its replication spec in this API version; a zone's region (of one size) is listed once.
    regions: [
      ...new Map(
        (raw.replicationSpecs as ReplicationSpec[]).flatMap((spec) =>
          spec.regionConfigs.map((region) => [
            `${spec.zoneId} ${region.providerName} ${region.regionName} ${region.electableSpecs.instanceSize} ${region.electableSpecs.nodeCount}`,
            {
              cloudProvider: region.providerName,
              regionName: region.regionName,
              zoneId: spec.zoneId,
              zoneName: spec.zoneName,
              priority: region.priority,
              instanceSize: region.electableSpecs.instanceSize,
              electableNodeCount: region.electableSpecs.nodeCount,
            },
          ]),
        ),
      ).values(),
    ],
  });
}

describe('Cluster (seed operation getCluster)', () => {
  it.each(Object.entries(DEMO.clusters))('returns the %s cluster field for field', async (_, cluster) => {
    const raw = await atlas(stack.simulator, 'getCluster', { groupId: cluster.groupId, clusterName: cluster.name });
    stack.simulator.resetCalls();
    const { data, errors } = await stack.query<{ project: { cluster: Json } }>(
      `query ($p: ObjectId!, $c: ClusterName!) { project(id: $p) { cluster(name: $c) { ${clusterFields} } } }`,
      { p: cluster.groupId, c: cluster.name },
    );
    expect(errors).toBeUndefined();
    expect(withoutLinks(data!.project.cluster)).toEqual(expectedCluster(raw));
    expect(data!.project.cluster.atlasId).toBe(cluster.id);
    expect(stack.simulator.calls.map((c) => c.operationId)).toEqual(['getGroup', 'getCluster']);
  });

  it("tells a restore target's constraints apart: release system, pinned FCV, customer keys, regions", async () => {
    const { data, errors } = await stack.query<{
      ledger: Json;
      sandbox: Json;
      api: Json;
    }>(
      `{
        ledger: node(id: "${toGlobalId('Cluster', DEMO.clusters.paymentsLedger.groupId, DEMO.clusters.paymentsLedger.name)}") {
          ... on Cluster { encryptionAtRestProvider regions { zoneName regionName } latestSnapshot { masterKeyUUID } } }
        sandbox: node(id: "${toGlobalId('Cluster', DEMO.clusters.analyticsSandbox.groupId, DEMO.clusters.analyticsSandbox.name)}") {
          ... on Cluster { versionReleaseSystem encryptionAtRestProvider latestSnapshot { masterKeyUUID } } }
        api: node(id: "${toGlobalId('Cluster', DEMO.clusters.inventoryApi.groupId, DEMO.clusters.inventoryApi.name)}") {
          ... on Cluster { mongoDBMajorVersion featureCompatibilityVersion featureCompatibilityVersionExpiresAt } }
      }`,
    );
    expect(errors).toBeUndefined();
    // A sharded cluster of two shards in one zone and region: one entry.
    expect(data!.ledger).toEqual({
      encryptionAtRestProvider: 'AWS',
      regions: [{ zoneName: 'Zone 1', regionName: 'US_EAST_1' }],
      latestSnapshot: { masterKeyUUID: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-/) },
    });
    expect(data!.sandbox).toEqual({
      versionReleaseSystem: 'CONTINUOUS',
      encryptionAtRestProvider: 'NONE',
      latestSnapshot: { masterKeyUUID: null },
    });
    expect(data!.api).toMatchObject({ mongoDBMajorVersion: '7.0', featureCompatibilityVersion: '6.0' });
    expect(Date.parse(String(data!.api['featureCompatibilityVersionExpiresAt']))).toBeGreaterThan(
      Date.parse('2024-01-01T00:00:00Z'),
    );
  });

  it('links back to its project, reusing the project already loaded', async () => {
    const cluster = DEMO.clusters.analyticsWarehouse;
    const project = DEMO.projects.analytics;
    const { data, errors } = await stack.query(
      `{ project(id: "${project.id}") { cluster(name: "${cluster.name}") { project { atlasId name } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data).toEqual({ project: { cluster: { project: { atlasId: project.id, name: project.name } } } });
    expect(stack.simulator.calls.map((c) => c.operationId)).toEqual(['getGroup', 'getCluster']);
  });

  it('refetched by its global id, loads its project when asked', async () => {
    const cluster = DEMO.clusters.inventoryApi;
    const { data, errors } = await stack.query(
      `{ node(id: "${toGlobalId('Cluster', cluster.groupId, cluster.name)}") {
           ... on Cluster { name project { atlasId name } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data).toEqual({
      node: { name: cluster.name, project: { atlasId: cluster.groupId, name: DEMO.projects.inventory.name } },
    });
    expect(stack.simulator.calls.map((c) => c.operationId)).toEqual(['getCluster', 'getGroup']);
  });

  it('resolves a federation reference by {projectId, name}, and null for a cluster Atlas does not have', async () => {
    const cluster = DEMO.clusters.paymentsReporting;
    const { data, errors } = await stack.query<{ _entities: unknown[] }>(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Cluster { id name } } }`,
      { r: [{ __typename: 'Cluster', projectId: cluster.groupId, name: cluster.name }] },
    );
    expect(errors).toBeUndefined();
    expect(data!._entities).toEqual([{ id: toGlobalId('Cluster', cluster.groupId, cluster.name), name: cluster.name }]);
    const missing = await stack.query<{ _entities: unknown[] }>(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Cluster { id } } }`,
      { r: [{ __typename: 'Cluster', projectId: cluster.groupId, name: 'ghost' }] },
    );
    expect(missing.errors).toBeUndefined();
    expect(missing.data!._entities).toEqual([null]);
    expect(stack.simulator.calls.map((c) => [c.operationId, c.status])).toEqual([
      ['getCluster', 200],
      ['getCluster', 404],
    ]);
  });
});

describe('the backup connections of a cluster', () => {
  const { paymentsProd, inventorySharded } = DEMO.clusters;

  it.each([
    { field: 'snapshots', list: 'listBackupSnapshots', cluster: paymentsProd, first: 10 },
    { field: 'restoreJobs', list: 'listBackupRestoreJobs', cluster: paymentsProd, first: 3 },
    { field: 'exports', list: 'listBackupExports', cluster: paymentsProd, first: 2 },
    { field: 'checkpoints', list: 'listClusterBackupCheckpoints', cluster: inventorySharded, first: 3 },
    { field: 'legacyRestoreJobs', list: 'listClusterRestoreJobs', cluster: inventorySharded, first: 5 },
  ] as const)('pages through $field with first/after, as Atlas lists them', async ({ field, list, cluster, first }) => {
    const params = { groupId: cluster.groupId, clusterName: cluster.name };
    const all = await atlas<Page<{ id: string }>>(stack.simulator, list, params, { itemsPerPage: 500 });
    expect(all.results.length).toBeGreaterThan(first);
    stack.simulator.resetCalls();
    const { nodes, pages } = await walkConnection(first, async (after) => {
      const { data, errors } = await stack.query<{
        project: { cluster: Record<string, ConnectionPage<{ atlasId: string; cluster: { name: string } }>> };
      }>(
        `query ($p: ObjectId!, $c: ClusterName!, $first: Int!, $after: String) {
          project(id: $p) { cluster(name: $c) { ${field}(first: $first, after: $after) {
            ${connectionOf('atlasId cluster { name }')}
          } } }
        }`,
        { p: cluster.groupId, c: cluster.name, first, after },
      );
      expect(errors).toBeUndefined();
      return data!.project.cluster[field]!;
    });
    expect(nodes.map((n) => n.atlasId)).toEqual(all.results.map((r) => r.id));
    expect(nodes.every((n) => n.cluster.name === cluster.name)).toBe(true);
    expect(pages.map((p) => p.totalCount)).toEqual(pages.map(() => all.totalCount));
    expect(pages).toHaveLength(Math.ceil(all.totalCount / first));
    // Per page: the project, the cluster (which every node's back-link reuses) and one Atlas page.
    expect(stack.simulator.callCount({ operationId: list })).toBe(pages.length);
    expect(stack.simulator.callCount()).toBe(3 * pages.length);
  });

  it('answers an empty connection for a cluster with no snapshots', async () => {
    const cluster = DEMO.clusters.paymentsReporting;
    const { data, errors } = await stack.query(
      `{ project(id: "${cluster.groupId}") { cluster(name: "${cluster.name}") { snapshots { ${connectionOf('id')} } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data).toEqual({
      project: {
        cluster: {
          snapshots: {
            totalCount: 0,
            pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
            edges: [],
            nodes: [],
          },
        },
      },
    });
  });

  it('filters legacy restore jobs by batch', async () => {
    const params = { groupId: inventorySharded.groupId, clusterName: inventorySharded.name };
    const batch = await atlas<Page<{ id: string }>>(stack.simulator, 'listClusterRestoreJobs', params, {
      batchId: DEMO.legacy.restoreBatchId,
      itemsPerPage: 500,
    });
    stack.simulator.resetCalls();
    const { data, errors } = await stack.query<{
      project: {
        cluster: { legacyRestoreJobs: { totalCount: number; nodes: { atlasId: string; batchId: string }[] } };
      };
    }>(
      `{ project(id: "${inventorySharded.groupId}") { cluster(name: "${inventorySharded.name}") {
          legacyRestoreJobs(batchId: "${DEMO.legacy.restoreBatchId}") { totalCount nodes { atlasId batchId } } } } }`,
    );
    expect(errors).toBeUndefined();
    const jobs = data!.project.cluster.legacyRestoreJobs;
    expect(jobs.totalCount).toBe(batch.totalCount);
    expect(jobs.nodes).toEqual(batch.results.map((j) => ({ atlasId: j.id, batchId: DEMO.legacy.restoreBatchId })));
    expect(stack.simulator.calls.find((c) => c.operationId === 'listClusterRestoreJobs')?.query.batchId).toBe(
      DEMO.legacy.restoreBatchId,
    );
  });
});

describe('lookups under a cluster', () => {
  const { paymentsProd, inventorySharded } = DEMO.clusters;

  it('finds a snapshot, a restore job and an export by Atlas id, one GET each', async () => {
    const { data, errors } = await stack.query(
      `{ project(id: "${paymentsProd.groupId}") { cluster(name: "${paymentsProd.name}") {
           snapshot(id: "${DEMO.snapshots.completed.id}") { atlasId cluster { name } }
           restoreJob(id: "${DEMO.restoreJobs.download.id}") { atlasId cluster { name } }
           export(id: "${DEMO.exports.successful.id}") { atlasId cluster { name } }
      } } }`,
    );
    expect(errors).toBeUndefined();
    const inCluster = { name: paymentsProd.name };
    expect(data).toEqual({
      project: {
        cluster: {
          snapshot: { atlasId: DEMO.snapshots.completed.id, cluster: inCluster },
          restoreJob: { atlasId: DEMO.restoreJobs.download.id, cluster: inCluster },
          export: { atlasId: DEMO.exports.successful.id, cluster: inCluster },
        },
      },
    });
    expect(stack.simulator.calls.map((c) => c.operationId).sort()).toEqual([
      'getBackupExport',
      'getBackupRestoreJob',
      'getCluster',
      'getClusterBackupSnapshot',
      'getGroup',
    ]);
  });

  it('finds a legacy checkpoint and a legacy restore job by Atlas id', async () => {
    const { data, errors } = await stack.query(
      `{ project(id: "${inventorySharded.groupId}") { cluster(name: "${inventorySharded.name}") {
           checkpoint(id: "${DEMO.legacy.checkpoint.id}") { atlasId cluster { name } }
           legacyRestoreJob(id: "${DEMO.legacy.restoreJob.id}") { atlasId cluster { name } }
      } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data).toEqual({
      project: {
        cluster: {
          checkpoint: { atlasId: DEMO.legacy.checkpoint.id, cluster: { name: inventorySharded.name } },
          legacyRestoreJob: { atlasId: DEMO.legacy.restoreJob.id, cluster: { name: inventorySharded.name } },
        },
      },
    });
    expect(stack.simulator.callCount({ operationId: 'getClusterBackupCheckpoint' })).toBe(1);
    expect(stack.simulator.callCount({ operationId: 'getClusterRestoreJob' })).toBe(1);
    expect(stack.simulator.callCount()).toBe(4);
  });

  it('answers null for every lookup Atlas answers 404, without an error', async () => {
    const cloud = await stack.query(
      `{ project(id: "${paymentsProd.groupId}") { cluster(name: "${paymentsProd.name}") {
           snapshot(id: "${missingId}") { id } restoreJob(id: "${missingId}") { id } export(id: "${missingId}") { id }
      } } }`,
    );
    const legacy = await stack.query(
      `{ project(id: "${inventorySharded.groupId}") { cluster(name: "${inventorySharded.name}") {
           checkpoint(id: "${missingId}") { id } legacyRestoreJob(id: "${missingId}") { id }
      } } }`,
    );
    expect(cloud.errors).toBeUndefined();
    expect(legacy.errors).toBeUndefined();
    expect(cloud.data).toEqual({ project: { cluster: { snapshot: null, restoreJob: null, export: null } } });
    expect(legacy.data).toEqual({ project: { cluster: { checkpoint: null, legacyRestoreJob: null } } });
    expect(
      stack.simulator.calls
        .filter((c) => c.status === 404)
        .map((c) => c.operationId)
        .sort(),
    ).toEqual([
      'getBackupExport',
      'getBackupRestoreJob',
      'getClusterBackupCheckpoint',
      'getClusterBackupSnapshot',
      'getClusterRestoreJob',
    ]);
  });

  it('answers null for a cluster the project does not have, and asks nothing under it', async () => {
    const { data, errors } = await stack.query(
      `{ project(id: "${paymentsProd.groupId}") { cluster(name: "ghost") { name snapshots { totalCount } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data).toEqual({ project: { cluster: null } });
    expect(stack.simulator.calls.map((c) => [c.operationId, c.status])).toEqual([
      ['getGroup', 200],
      ['getCluster', 404],
    ]);
  });
});

describe('cluster enums from Atlas strings', () => {
  // An Atlas that sends the cluster's topology and state as each test sets them.
  let sent: Json = {};
  const transform: ResponseTransform = (body, call) =>
    call.operationId === 'getCluster' ? { ...body, ...sent } : body;
  let enums: TestStack;
  beforeAll(async () => {
    enums = await startStack({ simulator: { transformResponse: transform } });
  });
  afterAll(() => enums.close());

  const read = async (atlasFields: Json) => {
    sent = atlasFields;
    const cluster = DEMO.clusters.paymentsProd;
    const { data, errors } = await enums.query<{ node: Record<string, string | null> }>(
      `{ node(id: "${toGlobalId('Cluster', cluster.groupId, cluster.name)}") {
          ... on Cluster { clusterType stateName versionReleaseSystem encryptionAtRestProvider regions { cloudProvider } } } }`,
    );
    expect(errors).toBeUndefined();
    return data!.node;
  };

  it.each([
    ['REPLICASET', 'REPLICASET'],
    ['SHARDED', 'SHARDED'],
    ['GEOSHARDED', 'GEOSHARDED'],
    ['FLEX', 'OTHER'],
  ])('clusterType %s is %s', async (atlasValue, graphValue) => {
    expect((await read({ clusterType: atlasValue })).clusterType).toBe(graphValue);
  });

  it.each([
    ['IDLE', 'IDLE'],
    ['CREATING', 'CREATING'],
    ['UPDATING', 'UPDATING'],
    ['DELETING', 'DELETING'],
    ['REPAIRING', 'REPAIRING'],
    ['DELETED', 'OTHER'],
  ])('stateName %s is %s', async (atlasValue, graphValue) => {
    expect((await read({ stateName: atlasValue })).stateName).toBe(graphValue);
  });

  it.each([
    ['LTS', 'LTS'],
    ['CONTINUOUS', 'CONTINUOUS'],
    ['RAPID', 'OTHER'],
  ])('versionReleaseSystem %s is %s', async (atlasValue, graphValue) => {
    expect((await read({ versionReleaseSystem: atlasValue })).versionReleaseSystem).toBe(graphValue);
  });

  it.each([
    ['NONE', 'NONE'],
    ['AWS', 'AWS'],
    ['AZURE', 'AZURE'],
    ['GCP', 'GCP'],
    ['HSM', 'OTHER'],
  ])('encryptionAtRestProvider %s is %s', async (atlasValue, graphValue) => {
    expect((await read({ encryptionAtRestProvider: atlasValue })).encryptionAtRestProvider).toBe(graphValue);
  });

  it('names a shared-tier region by the provider behind it, and answers no regions when Atlas sends none', async () => {
    const tenant = { providerName: 'TENANT', backingProviderName: 'GCP', regionName: 'CENTRAL_US' };
    expect((await read({ replicationSpecs: [{ zoneName: 'Zone 1', regionConfigs: [tenant] }] })).regions).toEqual([
      { cloudProvider: 'GCP' },
    ]);
    expect((await read({ replicationSpecs: undefined })).regions).toEqual([]);
    // A null entry costs itself only, not the cluster.
    const withNulls = { replicationSpecs: [null, { zoneName: 'Zone 1', regionConfigs: [null, tenant] }] };
    expect((await read(withNulls)).regions).toEqual([{ cloudProvider: 'GCP' }]);
    // Shards scaled apart (each shard has its own spec in this API version) are entries apart.
    const shard = (instanceSize: string) => ({
      zoneName: 'Zone 1',
      regionConfigs: [{ providerName: 'AWS', regionName: 'US_EAST_1', electableSpecs: { instanceSize, nodeCount: 3 } }],
    });
    const scaled = { replicationSpecs: [shard('M30'), shard('M30'), shard('M50')] };
    expect((await read(scaled)).regions).toEqual([{ cloudProvider: 'AWS' }, { cloudProvider: 'AWS' }]);
  });
});
