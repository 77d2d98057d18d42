import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../../src/simulator/index.js';
import { toGlobalId, type NodeType } from '../../../src/graph/ids.js';
import { atlas, startStack, type AtlasReadOperationId, type TestStack } from '../../../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.simulator.resetCalls());

const missingId = '0'.repeat(24);
const { payments, analytics } = DEMO.projects;
const { paymentsProd } = DEMO.clusters;
const { legacy, serverless, flex } = DEMO;

interface NodeCase {
  type: NodeType;
  /** The id's parts (project id, then cluster name and Atlas id as the type's layout has them). */
  parts: string[];
  /** The same parts naming an object Atlas does not have. */
  missing: string[];
  /** The Atlas operation that reads the object, and its path parameters. */
  get: AtlasReadOperationId;
  params: Record<string, string>;
  atlasId: string;
}

const cluster = (c: { groupId: string; clusterName: string }) => [c.groupId, c.clusterName];
/** One object of every Node type, from the demo data. */
const cases: NodeCase[] = [
  {
    type: 'Project',
    parts: [payments.id],
    missing: [missingId],
    get: 'getGroup',
    params: { groupId: payments.id },
    atlasId: payments.id,
  },
  {
    type: 'Cluster',
    parts: [paymentsProd.groupId, paymentsProd.name],
    missing: [paymentsProd.groupId, 'ghost'],
    get: 'getCluster',
    params: { groupId: paymentsProd.groupId, clusterName: paymentsProd.name },
    atlasId: paymentsProd.id,
  },
  ...(
    [
      ['Snapshot', DEMO.snapshots.completed, 'getClusterBackupSnapshot', 'snapshotId'],
      ['CloudBackupRestoreJob', DEMO.restoreJobs.inProgress, 'getBackupRestoreJob', 'restoreJobId'],
      ['LegacyBackupRestoreJob', legacy.restoreJob, 'getClusterRestoreJob', 'jobId'],
      ['Export', DEMO.exports.successful, 'getBackupExport', 'exportId'],
      ['Checkpoint', legacy.checkpoint, 'getClusterBackupCheckpoint', 'checkpointId'],
    ] as const
  ).map(([type, o, get, idParam]) => ({
    type,
    parts: [...cluster(o), o.id],
    missing: [...cluster(o), missingId],
    get,
    params: { groupId: o.groupId, clusterName: o.clusterName, [idParam]: o.id },
    atlasId: o.id,
  })),
  {
    type: 'ExportBucket',
    parts: [DEMO.exportBuckets.paymentsAzure.groupId, DEMO.exportBuckets.paymentsAzure.id],
    missing: [DEMO.exportBuckets.paymentsAzure.groupId, missingId],
    get: 'getExportBucket',
    params: { groupId: DEMO.exportBuckets.paymentsAzure.groupId, exportBucketId: DEMO.exportBuckets.paymentsAzure.id },
    atlasId: DEMO.exportBuckets.paymentsAzure.id,
  },
  {
    type: 'ServerlessInstance',
    parts: [serverless.groupId, serverless.instanceName],
    missing: [serverless.groupId, 'ghost'],
    get: 'getServerlessInstance',
    params: { groupId: serverless.groupId, name: serverless.instanceName },
    atlasId: serverless.instanceId,
  },
  {
    type: 'ServerlessSnapshot',
    parts: [serverless.groupId, serverless.instanceName, serverless.snapshotId],
    missing: [serverless.groupId, serverless.instanceName, missingId],
    get: 'getServerlessBackupSnapshot',
    params: { groupId: serverless.groupId, clusterName: serverless.instanceName, snapshotId: serverless.snapshotId },
    atlasId: serverless.snapshotId,
  },
  {
    type: 'FlexCluster',
    parts: [flex.groupId, flex.name],
    missing: [flex.groupId, 'ghost'],
    get: 'getFlexCluster',
    params: { groupId: flex.groupId, name: flex.name },
    atlasId: flex.id,
  },
  {
    type: 'FlexSnapshot',
    parts: [flex.groupId, flex.name, flex.snapshotId],
    missing: [flex.groupId, flex.name, missingId],
    get: 'getFlexBackupSnapshot',
    params: { groupId: flex.groupId, name: flex.name, snapshotId: flex.snapshotId },
    atlasId: flex.snapshotId,
  },
  {
    type: 'FlexRestoreJob',
    parts: [flex.groupId, flex.name, flex.restoreJobId],
    missing: [flex.groupId, flex.name, missingId],
    get: 'getFlexRestoreJob',
    params: { groupId: flex.groupId, name: flex.name, restoreJobId: flex.restoreJobId },
    atlasId: flex.restoreJobId,
  },
];
const idOf = (c: NodeCase) => toGlobalId(c.type, ...c.parts);
const missingIdOf = (c: NodeCase) => toGlobalId(c.type, ...c.missing);
/**
 * Every Node type's `atlasId`, one inline fragment each. Cluster's is nullable and the others' are not,
 * so it needs a response name of its own; `answered` folds it back.
 */
const atlasIds = cases
  .map((c) => (c.type === 'Cluster' ? '... on Cluster { clusterAtlasId: atlasId }' : `... on ${c.type} { atlasId }`))
  .join(' ');

interface NodeAnswer {
  id?: string;
  __typename: string;
  atlasId?: string;
  clusterAtlasId?: string;
}

function answered({ clusterAtlasId, ...node }: NodeAnswer): NodeAnswer {
  return clusterAtlasId === undefined ? node : { ...node, atlasId: clusterAtlasId };
}

describe('Query.node', () => {
  it('covers every Node type of the schema', async () => {
    const { data } = await stack.query<{ __type: { possibleTypes: { name: string }[] } }>(
      `{ __type(name: "Node") { possibleTypes { name } } }`,
    );
    expect(data!.__type.possibleTypes.map((t) => t.name).sort()).toEqual(cases.map((c) => c.type).sort());
  });

  it.each(cases.map((c) => [c.type, c] as const))('refetches a %s by its id with one GET', async (_, c) => {
    const raw = await atlas(stack.simulator, c.get, c.params);
    stack.simulator.resetCalls();
    const { data, errors } = await stack.query<{ node: NodeAnswer }>(
      `query ($id: ID!) { node(id: $id) { id __typename ${atlasIds} } }`,
      { id: idOf(c) },
    );
    expect(errors).toBeUndefined();
    expect(answered(data!.node)).toEqual({ id: idOf(c), __typename: c.type, atlasId: c.atlasId });
    expect(raw[c.type === 'ExportBucket' ? '_id' : 'id']).toBe(c.atlasId);
    expect(stack.simulator.calls.map((call) => [call.operationId, call.status])).toEqual([[c.get, 200]]);
  });

  it.each(cases.map((c) => [c.type, c] as const))(
    'answers null, without an error, for the id of a %s Atlas does not have',
    async (_, c) => {
      const { data, errors } = await stack.query(`query ($id: ID!) { node(id: $id) { id } }`, { id: missingIdOf(c) });
      expect(errors).toBeUndefined();
      expect(data).toEqual({ node: null });
      expect(stack.simulator.calls.map((call) => [call.operationId, call.status])).toEqual([[c.get, 404]]);
    },
  );

  // A well-formed id whose cluster is of another family (a Flex cluster in a dedicated cluster's object, or the
  // reverse; a kept id after a cluster was replaced): Atlas answers 400 for the family, the graph null.
  const dedicatedName = DEMO.clusters.analyticsWarehouse.name;
  it.each([
    ['Snapshot', [flex.groupId, flex.name, missingId]],
    ['CloudBackupRestoreJob', [flex.groupId, flex.name, missingId]],
    ['Export', [flex.groupId, flex.name, missingId]],
    ['Checkpoint', [flex.groupId, flex.name, missingId]],
    ['LegacyBackupRestoreJob', [flex.groupId, flex.name, missingId]],
    ['FlexSnapshot', [flex.groupId, dedicatedName, missingId]],
    ['FlexRestoreJob', [flex.groupId, dedicatedName, missingId]],
  ] as [NodeType, string[]][])(
    'answers null, without an error, for a %s id naming a deployment of another family',
    async (type, parts) => {
      const { data, errors } = await stack.query(`query ($id: ID!) { node(id: $id) { id } }`, {
        id: toGlobalId(type, ...parts),
      });
      expect(errors).toBeUndefined();
      expect(data).toEqual({ node: null });
      expect(stack.simulator.calls.map((call) => call.status)).toEqual([400]);
    },
  );

  it.each([
    ['not base64url', '***'],
    ['an unknown type', Buffer.from(`v1:Widget:${payments.id}`).toString('base64url')],
    ['a malformed project id', toGlobalId('Project', 'XYZ')],
    ['a part missing', toGlobalId('Snapshot', paymentsProd.groupId, paymentsProd.name)],
    ['an Atlas id instead of a global id', payments.id],
  ])('refuses %s with BAD_USER_INPUT and no Atlas call', async (_, id) => {
    const { data, errors } = await stack.query(`query ($id: ID!) { node(id: $id) { id } }`, { id });
    expect(data).toEqual({ node: null });
    expect(errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['node'], 'BAD_USER_INPUT']]);
    expect(stack.simulator.callCount()).toBe(0);
  });

  it('resolves both restore job types through the RestoreJob interface', async () => {
    const cloud = cases.find((c) => c.type === 'CloudBackupRestoreJob')!;
    const legacyJob = cases.find((c) => c.type === 'LegacyBackupRestoreJob')!;
    const { data, errors } = await stack.query<{ nodes: unknown[] }>(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on RestoreJob { atlasId cluster { name } } } }`,
      { ids: [idOf(cloud), idOf(legacyJob)] },
    );
    expect(errors).toBeUndefined();
    expect(data!.nodes).toEqual([
      { __typename: 'CloudBackupRestoreJob', atlasId: cloud.atlasId, cluster: { name: paymentsProd.name } },
      { __typename: 'LegacyBackupRestoreJob', atlasId: legacyJob.atlasId, cluster: { name: legacy.cluster.name } },
    ]);
  });
});

describe('Query.nodes', () => {
  it('refetches one object of every Node type, in order, one GET each', async () => {
    const { data, errors } = await stack.query<{ nodes: NodeAnswer[] }>(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { id __typename ${atlasIds} } }`,
      { ids: cases.map(idOf) },
    );
    expect(errors).toBeUndefined();
    expect(data!.nodes.map(answered)).toEqual(
      cases.map((c) => ({ id: idOf(c), __typename: c.type, atlasId: c.atlasId })),
    );
    // Each id is alone under its Atlas list: a GET is the cheapest way to each.
    expect(stack.simulator.calls.map((c) => c.operationId).sort()).toEqual(cases.map((c) => c.get).sort());
  });

  it('nulls only the entry of an object Atlas does not have', async () => {
    const [project, clusterCase, snapshot] = cases;
    const ids = [idOf(project!), missingIdOf(snapshot!), idOf(clusterCase!)];
    const { data, errors } = await stack.query<{ nodes: (NodeAnswer | null)[] }>(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }`,
      { ids },
    );
    expect(errors).toBeUndefined();
    expect(data!.nodes).toEqual([{ id: ids[0], __typename: 'Project' }, null, { id: ids[2], __typename: 'Cluster' }]);
  });

  it('nulls only the entry whose Atlas call fails, with that entry’s error', async () => {
    const exportCase = cases.find((c) => c.type === 'Export')!;
    const ids = [cases[0]!, exportCase, cases[1]!].map(idOf);
    stack.simulator.faults.set({ script: ['malformed'], match: { operationId: exportCase.get } });
    try {
      const { data, errors } = await stack.query<{ nodes: ({ __typename: string } | null)[] }>(
        `query ($ids: [ID!]!) { nodes(ids: $ids) { __typename } }`,
        { ids },
      );
      expect(data!.nodes).toEqual([{ __typename: 'Project' }, null, { __typename: 'Cluster' }]);
      expect(errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['nodes', 1], 'UPSTREAM_BAD_RESPONSE']]);
    } finally {
      stack.simulator.faults.clear();
    }
  });

  it('refuses the whole list, before any Atlas call, when one id is malformed', async () => {
    const { data, errors } = await stack.query(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, {
      ids: [idOf(cases[0]!), 'not-a-global-id', idOf(cases[1]!)],
    });
    expect(data).toBeNull();
    // The refusal names the argument and which of its ids.
    expect(errors?.map((e) => [e.path, e.extensions])).toEqual([
      [['nodes'], { code: 'BAD_USER_INPUT', argument: 'ids', index: 1 }],
    ]);
    expect(errors?.[0]?.message).toMatch(/^Invalid global id "not-a-global-id"/);
    expect(stack.simulator.callCount()).toBe(0);
  });

  it('refuses more than 100 ids before any Atlas call', async () => {
    const ids = Array.from({ length: 101 }, () => idOf(cases[0]!));
    const { errors } = await stack.query(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0]?.message).toMatch(/at most 100/);
    expect(stack.simulator.callCount()).toBe(0);
  });

  it('plans ids under one Atlas list as one list call: duplicates free, a missing one null', async () => {
    const snapshot = (id: string) => toGlobalId('Snapshot', paymentsProd.groupId, paymentsProd.name, id);
    const { completed, failed, onDemand } = DEMO.snapshots;
    const ids = [completed.id, failed.id, completed.id, missingId, onDemand.id].map(snapshot);
    const { data, errors } = await stack.query<{ nodes: ({ atlasId: string } | null)[] }>(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Snapshot { atlasId } } }`,
      { ids },
    );
    expect(errors).toBeUndefined();
    expect(data!.nodes).toEqual([
      { atlasId: completed.id },
      { atlasId: failed.id },
      { atlasId: completed.id },
      null,
      { atlasId: onDemand.id },
    ]);
    // The list was read to its end, so the missing id needs no GET to be known missing.
    expect(stack.simulator.calls.map((c) => c.operationId)).toEqual(['listBackupSnapshots']);
  });

  it('plans ids under two lists as one call per list, and a lone id as one GET', async () => {
    const { completed, failed } = DEMO.snapshots;
    const { automated, download } = DEMO.restoreJobs;
    const ids = [
      toGlobalId('Snapshot', paymentsProd.groupId, paymentsProd.name, completed.id),
      toGlobalId('CloudBackupRestoreJob', paymentsProd.groupId, paymentsProd.name, automated.id),
      toGlobalId('Snapshot', paymentsProd.groupId, paymentsProd.name, failed.id),
      toGlobalId('CloudBackupRestoreJob', paymentsProd.groupId, paymentsProd.name, download.id),
      toGlobalId('Project', analytics.id),
    ];
    const { data, errors } = await stack.query<{ nodes: NodeAnswer[] }>(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { __typename ${atlasIds} } }`,
      { ids },
    );
    expect(errors).toBeUndefined();
    expect(data!.nodes.map((n) => answered(n).atlasId)).toEqual([
      completed.id,
      automated.id,
      failed.id,
      download.id,
      analytics.id,
    ]);
    expect(stack.simulator.calls.map((c) => c.operationId).sort()).toEqual([
      'getGroup',
      'listBackupRestoreJobs',
      'listBackupSnapshots',
    ]);
  });
});
