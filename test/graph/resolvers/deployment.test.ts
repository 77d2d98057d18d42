/**
 * One view of a project's deployments (Deployment, BackupSnapshot, Project.deployments and
 * Project.deployment) through real HTTP: what it lists against the simulator's raw Atlas lists, the
 * Atlas calls each page costs, routing a name to its family (at most one wrong-family call per name
 * and operation), Relay ids and federation references. Names are picked from the simulator's data.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graph/ids.js';
import { createSeedData } from '../../../src/simulator/index.js';
import { atlas, startStack, withoutLinks, type TestStack } from '../../../support/stack.js';
import type { Page } from '../../../support/minimum.js';
import { connectionOf, walkConnection, type ConnectionPage } from '../../helpers/connections.js';
import { startAtlasProxy } from '../../helpers/atlas-proxy.js';

/** A page's selection without totalCount: asking for the total reads every selected family's list. */
const pageOf = (fields: string) => connectionOf(fields).replace(/^totalCount /, '');

type Json = Record<string, unknown>;
type Family = 'DEDICATED' | 'FLEX' | 'SERVERLESS';
interface Listed {
  __typename: 'Cluster' | 'FlexCluster' | 'ServerlessInstance';
  name: string;
  raw: Json;
}

const seed = createSeedData();
const projectIds = seed.projects.map((p) => String(p.id));

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.simulator.resetCalls());

const operations = () => stack.simulator.calls.map((c) => c.operationId);
const statuses = () => stack.simulator.calls.map((c) => [c.operationId, c.status]);
const typeOf = { DEDICATED: 'Cluster', FLEX: 'FlexCluster', SERVERLESS: 'ServerlessInstance' } as const;
const familyOf = { Cluster: 'DEDICATED', FlexCluster: 'FLEX', ServerlessInstance: 'SERVERLESS' } as const;

/**
 * What `deployments` should list, from Atlas's own lists: dedicated, then Flex, then serverless
 * instances without a Flex cluster of their name (migrated ones are listed as the Flex cluster).
 */
async function expectedDeployments(groupId: string, families: Family[] = ['DEDICATED', 'FLEX', 'SERVERLESS']) {
  const read = (op: 'listClusters' | 'listFlexClusters' | 'listServerlessInstances') =>
    atlas<Page<Json>>(stack.simulator, op, { groupId }, { itemsPerPage: 500 }).then((p) => p.results);
  const [dedicated, flex, serverless] = await Promise.all([
    read('listClusters'),
    read('listFlexClusters'),
    read('listServerlessInstances'),
  ]);
  const flexNames = new Set(flex.map((f) => f.name));
  const all: Listed[] = [
    ...dedicated.map((raw) => ({ __typename: 'Cluster' as const, name: String(raw.name), raw })),
    ...flex.map((raw) => ({ __typename: 'FlexCluster' as const, name: String(raw.name), raw })),
    ...serverless
      .filter((raw) => !flexNames.has(raw.name))
      .map((raw) => ({ __typename: 'ServerlessInstance' as const, name: String(raw.name), raw })),
  ];
  stack.simulator.resetCalls();
  return all.filter((d) => families.includes(familyOf[d.__typename]));
}

/** The Deployment fields of a listed deployment, from its Atlas payload. */
function expectedShared(d: Listed, groupId: string): unknown {
  const { raw } = d;
  const backupEnabled =
    d.__typename === 'Cluster'
      ? raw.backupEnabled
      : d.__typename === 'FlexCluster'
        ? (raw.backupSettings as Json | undefined)?.enabled
        : true; // Atlas backs up every serverless instance
  return withoutLinks({
    __typename: d.__typename,
    id: toGlobalId(d.__typename, groupId, d.name),
    atlasId: raw.id,
    name: d.name,
    projectId: groupId,
    family: familyOf[d.__typename],
    deploymentState: raw.stateName,
    mongoDBVersion: raw.mongoDBVersion,
    createDate: raw.createDate,
    backupEnabled,
    terminationProtectionEnabled: raw.terminationProtectionEnabled,
  });
}

const sharedFields =
  '__typename id atlasId name projectId family deploymentState mongoDBVersion createDate backupEnabled terminationProtectionEnabled';

/** The project with the most deployments, and names of each kind in the seed. */
const byProject = (groupId: string) => ({
  dedicated: seed.clusters.map((c) => c.value).filter((c) => c.groupId === groupId),
  flex: seed.flexClusters.filter((c) => c.groupId === groupId),
  serverless: seed.serverlessInstances.filter((c) => c.groupId === groupId),
});
const busiest = [...projectIds].sort((a, b) => {
  const size = (id: string) => Object.values(byProject(id)).reduce((n, list) => n + list.length, 0);
  return size(b) - size(a);
})[0]!;
const flexNames = new Set(seed.flexClusters.map((f) => `${f.groupId}/${f.name}`));
const names = (() => {
  const dedicated = seed.clusters.map((c) => c.value)[0]!;
  const bornFlex = seed.flexClusters.find(
    (f) => !seed.serverlessInstances.some((s) => s.groupId === f.groupId && s.name === f.name),
  )!;
  const serverless = seed.serverlessInstances.find((s) => !flexNames.has(`${s.groupId}/${s.name}`))!;
  const migrated = seed.serverlessInstances.find((s) => flexNames.has(`${s.groupId}/${s.name}`));
  const at = (d: { groupId?: string; name?: string }) => ({ groupId: String(d.groupId), name: String(d.name) });
  return {
    dedicated: at(dedicated),
    bornFlex: at(bornFlex),
    serverless: at(serverless),
    migrated: migrated && at(migrated),
  };
})();

describe('Project.deployments', () => {
  it.each(projectIds)('lists project %s’s deployments of every family, one list call per family', async (groupId) => {
    const expected = await expectedDeployments(groupId);
    const { data, errors } = await stack.query<{ project: { deployments: { totalCount: number; nodes: Json[] } } }>(
      `query ($p: ObjectId!) { project(id: $p) { deployments(first: 100) { totalCount nodes { ${sharedFields} } } } }`,
      { p: groupId },
    );
    expect(errors).toBeUndefined();
    const { deployments } = data!.project;
    expect(deployments.nodes.map(withoutLinks)).toEqual(expected.map((d) => expectedShared(d, groupId)));
    expect(deployments.totalCount).toBe(expected.length);
    // The page reaches every family; the migrated check and the total reuse those pages.
    expect(operations().sort()).toEqual(['getGroup', 'listClusters', 'listFlexClusters', 'listServerlessInstances']);
  });

  it('lists a serverless instance migrated to Flex once, as its Flex cluster', async () => {
    if (!names.migrated) throw new Error('the demo data has no migrated serverless instance');
    const { groupId, name } = names.migrated;
    const { data } = await stack.query<{ project: { deployments: { nodes: { __typename: string; name: string }[] } } }>(
      `{ project(id: "${groupId}") { deployments(first: 100) { nodes { __typename name } } } }`,
    );
    expect(data!.project.deployments.nodes.filter((n) => n.name === name)).toEqual([
      { __typename: 'FlexCluster', name },
    ]);
  });

  it.each([1, 2, 3])(
    'pages through the families %i at a time, reading only the lists each page reaches',
    async (first) => {
      const expected = await expectedDeployments(busiest);
      const perPage: (string | null)[][] = [];
      const { nodes, pages } = await walkConnection(first, async (after) => {
        stack.simulator.resetCalls();
        const { data, errors } = await stack.query<{ project: { deployments: ConnectionPage<Json> } }>(
          `query ($p: ObjectId!, $first: Int!, $after: String) { project(id: $p) {
          deployments(first: $first, after: $after) { ${pageOf('__typename name')} } } }`,
          { p: busiest, first, after },
        );
        expect(errors).toBeUndefined();
        perPage.push(operations());
        return data!.project.deployments;
      });
      expect(nodes).toEqual(expected.map(({ __typename, name }) => ({ __typename, name })));
      pages.forEach((page, i) => {
        const calls = perPage[i]!;
        // A page that starts past the dedicated clusters never reads their list again, nor Flex past Flex.
        const firstType = page.nodes[0]?.__typename;
        if (i > 0 && firstType !== 'Cluster') expect(calls).not.toContain('listClusters');
        if (i > 0 && firstType === 'ServerlessInstance')
          expect(calls.filter((op) => op === 'listFlexClusters').length).toBeLessThanOrEqual(1);
        // Each family's list at most once per page; serverless twice at most, when its first window held
        // migrated instances before the Flex names were known (the next window then makes room for them).
        expect(calls.filter((op) => op === 'listClusters').length).toBeLessThanOrEqual(1);
        expect(calls.filter((op) => op === 'listServerlessInstances').length).toBeLessThanOrEqual(2);
      });
      // The first page reads the dedicated list only when it holds more than `first` clusters.
      if (byProject(busiest).dedicated.length > first) expect(perPage[0]!.sort()).toEqual(['getGroup', 'listClusters']);
    },
  );

  it('pages with a page size that ends exactly at a family’s end, then starts the next page at the next family', async () => {
    const dedicatedCount = byProject(busiest).dedicated.length;
    const first = await stack.query<{ project: { deployments: ConnectionPage<{ __typename: string }> } }>(
      `{ project(id: "${busiest}") { deployments(first: ${dedicatedCount}) { ${pageOf('__typename')} } } }`,
    );
    const page = first.data!.project.deployments;
    expect(page.nodes.every((n) => n.__typename === 'Cluster')).toBe(true);
    expect(page.pageInfo.hasNextPage).toBe(true);
    // The dedicated page, then one item of the Flex list to know that more follow.
    expect(stack.simulator.calls.map((c) => [c.operationId, c.query.itemsPerPage])).toEqual([
      ['getGroup', undefined],
      ['listClusters', String(dedicatedCount)],
      ['listFlexClusters', '1'],
    ]);
    stack.simulator.resetCalls();
    const next = await stack.query<{ project: { deployments: ConnectionPage<{ __typename: string }> } }>(
      `{ project(id: "${busiest}") { deployments(first: 1, after: "${page.pageInfo.endCursor}") { ${pageOf('__typename')} } } }`,
    );
    expect(next.data!.project.deployments.nodes).toEqual([{ __typename: 'FlexCluster' }]);
    expect(next.data!.project.deployments.pageInfo.hasPreviousPage).toBe(true);
    expect(operations()).not.toContain('listClusters');
    // A cursor at the very start (the first family's -1) has nothing before it.
    const atStart = Buffer.from('v1:d:DEDICATED:-1').toString('base64url');
    const again = await stack.query<{ project: { deployments: ConnectionPage<{ __typename: string }> } }>(
      `{ project(id: "${busiest}") { deployments(first: 1, after: "${atStart}") { ${pageOf('__typename')} } } }`,
    );
    expect(again.data!.project.deployments.nodes).toEqual([{ __typename: 'Cluster' }]);
    expect(again.data!.project.deployments.pageInfo.hasPreviousPage).toBe(false);
  });

  it.each([
    [['FLEX'], ['listFlexClusters']],
    [['DEDICATED'], ['listClusters']],
    // Serverless instances need the Flex names, to leave the migrated ones out.
    [['SERVERLESS'], ['listFlexClusters', 'listServerlessInstances']],
    [
      ['SERVERLESS', 'DEDICATED'],
      ['listClusters', 'listFlexClusters', 'listServerlessInstances'],
    ],
    [[], []],
  ] as [Family[], string[]][])('lists only the families %j, reading %j', async (families, lists) => {
    const expected = await expectedDeployments(busiest, families);
    const { data, errors } = await stack.query<{ project: { deployments: { totalCount: number; nodes: Json[] } } }>(
      `query ($p: ObjectId!, $f: [DeploymentFamily!]) { project(id: $p) {
        deployments(first: 100, families: $f) { totalCount nodes { __typename name } } } }`,
      { p: busiest, f: families },
    );
    expect(errors).toBeUndefined();
    expect(data!.project.deployments.nodes).toEqual(expected.map(({ __typename, name }) => ({ __typename, name })));
    expect(data!.project.deployments.totalCount).toBe(expected.length);
    expect(operations().sort()).toEqual(['getGroup', ...lists].sort());
  });

  it('counts every selected family when totalCount is asked of a page that does not reach them all', async () => {
    const expected = await expectedDeployments(busiest);
    const { data, errors } = await stack.query<{ project: { deployments: { totalCount: number; nodes: Json[] } } }>(
      `{ project(id: "${busiest}") { deployments(first: 1) { totalCount nodes { name } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data!.project.deployments.totalCount).toBe(expected.length);
    // The page itself read one dedicated cluster; the count adds one read of each other list.
    expect(stack.simulator.callCount({ operationId: 'listFlexClusters' })).toBe(1);
    expect(stack.simulator.callCount({ operationId: 'listServerlessInstances' })).toBe(1);
  });

  it('reads the serverless list once for a page of it and its count (it read a page, then the whole list)', async () => {
    const withServerless = projectIds.find((id) => seed.serverlessInstances.filter((i) => i.groupId === id).length > 1);
    const expected = (await expectedDeployments(withServerless ?? '')).filter(
      (d) => d.__typename === 'ServerlessInstance',
    );
    const { data, errors } = await stack.query<{ project: { deployments: { totalCount: number; nodes: Json[] } } }>(
      `{ project(id: "${withServerless}") { deployments(families: [SERVERLESS], first: 1) { totalCount nodes { name } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data!.project.deployments).toEqual({ totalCount: expected.length, nodes: [{ name: expected[0]?.name }] });
    expect(stack.simulator.callCount({ operationId: 'listServerlessInstances' })).toBe(1);
    expect(stack.simulator.callCount({ operationId: 'listFlexClusters' })).toBe(1);
  });

  it('refuses a malformed cursor, a cursor of other families and a bad `first`, reading no deployment list', async () => {
    const flexOnly = await stack.query<{ project: { deployments: { pageInfo: { endCursor: string } } } }>(
      `{ project(id: "${busiest}") { deployments(first: 1, families: [FLEX]) { pageInfo { endCursor } } } }`,
    );
    const cursor = flexOnly.data!.project.deployments.pageInfo.endCursor;
    stack.simulator.resetCalls();
    // The gateway writes positions without leading zeros: `FLEX:00` is not its cursor.
    const padded = Buffer.from('v1:d:FLEX:00').toString('base64url');
    const longer = Buffer.from('v1:d:FLEX:0:junk').toString('base64url');
    for (const args of [
      `after: "${cursor}", families: [DEDICATED]`,
      'after: "bm9wZQ"',
      `after: "${padded}", families: [FLEX]`,
      `after: "${longer}", families: [FLEX]`,
      'first: 0',
      'first: 501',
    ]) {
      const { data, errors } = await stack.query(
        `{ project(id: "${busiest}") { deployments(${args}) { totalCount } } }`,
      );
      expect(data).toEqual({ project: { deployments: null } });
      expect(errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    }
    expect(operations().every((op) => op === 'getGroup')).toBe(true);
  });
});

describe('Deployment.latestSnapshot and BackupSnapshot', () => {
  const snapshotList = {
    Cluster: 'listBackupSnapshots',
    FlexCluster: 'listFlexBackupSnapshots',
    ServerlessInstance: 'listServerlessBackupSnapshots',
  } as const;

  /** The BackupSnapshot fields of a family's newest snapshot, from its Atlas payload. */
  function expectedLatest(d: Listed, groupId: string, raw: Json | undefined): unknown {
    if (!raw) return null;
    const type = (
      { Cluster: 'Snapshot', FlexCluster: 'FlexSnapshot', ServerlessInstance: 'ServerlessSnapshot' } as const
    )[d.__typename];
    const flex = d.__typename === 'FlexCluster';
    return withoutLinks({
      __typename: type,
      id: toGlobalId(type, groupId, d.name, String(raw.id)),
      atlasId: raw.id,
      createdAt: flex ? raw.scheduledTime : raw.createdAt,
      expiresAt: flex ? raw.expiration : raw.expiresAt,
      mongodVersion: flex ? raw.mongoDBVersion : raw.mongodVersion,
    });
  }

  it('is the snapshot each family’s list starts with, one page of one per deployment with backup on', async () => {
    const expected = await expectedDeployments(busiest);
    const latest: unknown[] = [];
    for (const d of expected) {
      const on = d.__typename === 'Cluster' ? d.raw.backupEnabled !== false : true;
      const params: Record<string, string> =
        d.__typename === 'FlexCluster' ? { groupId: busiest, name: d.name } : { groupId: busiest, clusterName: d.name };
      const first = on
        ? (await atlas<Page<Json>>(stack.simulator, snapshotList[d.__typename], params, { itemsPerPage: 1 })).results[0]
        : undefined;
      latest.push(expectedLatest(d, busiest, first));
    }
    stack.simulator.resetCalls();
    const { data, errors } = await stack.query<{
      project: { deployments: { nodes: { latestSnapshot: Json | null }[] } };
    }>(
      `{ project(id: "${busiest}") { deployments(first: 100) { nodes {
          latestSnapshot { __typename id atlasId createdAt expiresAt mongodVersion }
      } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data!.project.deployments.nodes.map((n) => withoutLinks(n.latestSnapshot))).toEqual(latest);
    const withBackup = expected.filter((d) => d.__typename !== 'Cluster' || d.raw.backupEnabled !== false).length;
    const snapshotCalls = stack.simulator.calls.filter((c) => c.operationId?.endsWith('Snapshots'));
    expect(snapshotCalls).toHaveLength(withBackup);
    expect(snapshotCalls.every((c) => c.query.itemsPerPage === '1')).toBe(true);
  });

  it('shares one page with the snapshots list asked beside it, and costs nothing when backup is off', async () => {
    const on = seed.clusters.find((c) => c.value.backupEnabled !== false && c.backup === 'cloud')!.value;
    const off = seed.clusters.find((c) => c.value.backupEnabled === false)?.value;
    const { data, errors } = await stack.query<{
      project: { cluster: { latestSnapshot: { atlasId: string }; snapshots: { nodes: { atlasId: string }[] } } };
    }>(
      `{ project(id: "${on.groupId}") { cluster(name: "${on.name}") {
          latestSnapshot { atlasId } snapshots(first: 5) { nodes { atlasId } } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data!.project.cluster.latestSnapshot.atlasId).toBe(data!.project.cluster.snapshots.nodes[0]!.atlasId);
    expect(stack.simulator.callCount({ operationId: 'listBackupSnapshots' })).toBe(1);
    if (off) {
      stack.simulator.resetCalls();
      const none = await stack.query(
        `{ project(id: "${off.groupId}") { cluster(name: "${off.name}") { backupEnabled latestSnapshot { id } } } }`,
      );
      expect(none.data).toEqual({ project: { cluster: { backupEnabled: false, latestSnapshot: null } } });
      expect(operations()).toEqual(['getGroup', 'getCluster']);
    }
  });
});

describe('Project.deployment: one lookup by name, routed by family', () => {
  const lookup = (groupId: string, name: string) =>
    stack.query<{ project: { deployment: Json | null } }>(
      `query ($p: ObjectId!, $n: ClusterName!) { project(id: $p) { deployment(name: $n) { ${sharedFields} } } }`,
      { p: groupId, n: name },
    );

  it('finds a dedicated cluster with one call to the cluster API', async () => {
    const { groupId, name } = names.dedicated;
    const raw = await atlas(stack.simulator, 'getCluster', { groupId, clusterName: name });
    stack.simulator.resetCalls();
    const { data, errors } = await lookup(groupId, name);
    expect(errors).toBeUndefined();
    expect(withoutLinks(data!.project.deployment)).toEqual(
      expectedShared({ __typename: 'Cluster', name, raw }, groupId),
    );
    expect(statuses()).toEqual([
      ['getGroup', 200],
      ['getCluster', 200],
    ]);
  });

  // The next three need the simulator's wrong-family 400s from the cluster API
  // (CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API, CANNOT_USE_SERVERLESS_INSTANCE_IN_CLUSTER_API).
  it('finds a Flex cluster: the cluster API’s 400 names the family, then one Flex GET', async () => {
    const { groupId, name } = names.bornFlex;
    const raw = await atlas(stack.simulator, 'getFlexCluster', { groupId, name });
    stack.simulator.resetCalls();
    const { data, errors } = await lookup(groupId, name);
    expect(errors).toBeUndefined();
    expect(withoutLinks(data!.project.deployment)).toEqual(
      expectedShared({ __typename: 'FlexCluster', name, raw }, groupId),
    );
    expect(statuses()).toEqual([
      ['getGroup', 200],
      ['getCluster', 400],
      ['getFlexCluster', 200],
    ]);
  });

  it('finds a serverless instance the same way', async () => {
    const { groupId, name } = names.serverless;
    const raw = await atlas(stack.simulator, 'getServerlessInstance', { groupId, name });
    stack.simulator.resetCalls();
    const { data, errors } = await lookup(groupId, name);
    expect(errors).toBeUndefined();
    expect(withoutLinks(data!.project.deployment)).toEqual(
      expectedShared({ __typename: 'ServerlessInstance', name, raw }, groupId),
    );
    expect(statuses()).toEqual([
      ['getGroup', 200],
      ['getCluster', 400],
      ['getServerlessInstance', 200],
    ]);
  });

  it('answers a migrated serverless instance’s name with its Flex cluster', async () => {
    if (!names.migrated) throw new Error('the demo data has no migrated serverless instance');
    const { groupId, name } = names.migrated;
    const { data, errors } = await lookup(groupId, name);
    expect(errors).toBeUndefined();
    expect(data!.project.deployment).toMatchObject({ __typename: 'FlexCluster', name, family: 'FLEX' });
    expect(operations()).toEqual(['getGroup', 'getCluster', 'getFlexCluster']);
  });

  it('answers null, after one 404 of the cluster API, for a name no family has', async () => {
    const { data, errors } = await lookup(names.dedicated.groupId, 'ghost');
    expect(errors).toBeUndefined();
    expect(data).toEqual({ project: { deployment: null } });
    expect(statuses()).toEqual([
      ['getGroup', 200],
      ['getCluster', 404],
    ]);
  });

  it('answers from the lists the operation already read, at no call of its own', async () => {
    const groupId = busiest;
    const expected = await expectedDeployments(groupId);
    // Asked below the connection, so every family's page has been read by then (a sibling of the connection
    // may ask before the connection reaches the later families).
    const aliases = expected.map((d, i) => `d${i}: deployment(name: "${d.name}") { __typename name }`);
    const { data, errors } = await stack.query<{
      project: { deployments: { nodes: { project: Record<string, unknown> }[] } };
    }>(`{ project(id: "${groupId}") { deployments(first: 1) { nodes { project { ${aliases.join(' ')} } } }
          all: deployments(first: 100) { nodes { name } } } }`);
    expect(errors).toBeUndefined();
    const answers = data!.project.deployments.nodes[0]!.project;
    expected.forEach((d, i) => expect(answers[`d${i}`]).toEqual({ __typename: d.__typename, name: d.name }));
    expect(operations().sort()).toEqual(['getGroup', 'listClusters', 'listFlexClusters', 'listServerlessInstances']);
  });

  // Needs the simulator's CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API.
  it('remembers a name’s family for the rest of the operation: one wrong-family call, never repeated', async () => {
    const { groupId, name } = names.bornFlex;
    const { data, errors } = await stack.query<{ project: Json }>(
      `{ project(id: "${groupId}") {
          first: deployment(name: "${name}") { __typename }
          asDedicated: cluster(name: "${name}") { name }
          asFlex: flexCluster(name: "${name}") { name }
          again: deployment(name: "${name}") { __typename }
          flexCluster(name: "${name}") { project { deployment(name: "${name}") { __typename } cluster(name: "${name}") { name } } }
      } }`,
    );
    expect(errors).toBeUndefined();
    expect(data!.project).toEqual({
      first: { __typename: 'FlexCluster' },
      asDedicated: null,
      asFlex: { name },
      again: { __typename: 'FlexCluster' },
      flexCluster: { project: { deployment: { __typename: 'FlexCluster' }, cluster: null } },
    });
    expect(stack.simulator.calls.filter((c) => c.status === 400).map((c) => c.operationId)).toEqual(['getCluster']);
    expect(stack.simulator.callCount({ operationId: 'getFlexCluster' })).toBe(1);
  });

  // Needs the simulator's CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API.
  it('routes a Flex restore job’s target once, and what is learnt serves the target’s project', async () => {
    const job = seed.flexRestoreJobs.find(
      (j) =>
        j.value.targetProjectId !== j.groupId &&
        seed.flexClusters.some(
          (f) => f.groupId === j.value.targetProjectId && f.name === j.value.targetDeploymentItemName,
        ),
    );
    if (!job) throw new Error('the demo data has no Flex restore into another project’s Flex cluster');
    const target = { groupId: String(job.value.targetProjectId), name: String(job.value.targetDeploymentItemName) };
    const { data, errors } = await stack.query<{
      project: { flexCluster: { restoreJob: { targetDeployment: Json } } };
    }>(
      `{ project(id: "${job.groupId}") { flexCluster(name: "${job.clusterName}") { restoreJob(id: "${job.value.id}") {
          targetDeployment { __typename name project { atlasId
            cluster(name: "${target.name}") { name } flexCluster(name: "${target.name}") { name }
            deployment(name: "${target.name}") { __typename } } }
      } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data!.project.flexCluster.restoreJob.targetDeployment).toEqual({
      __typename: 'FlexCluster',
      name: target.name,
      project: {
        atlasId: target.groupId,
        cluster: null,
        flexCluster: { name: target.name },
        deployment: { __typename: 'FlexCluster' },
      },
    });
    expect(
      stack.simulator.calls.filter((c) => c.path.includes(target.groupId)).map((c) => [c.operationId, c.status]),
    ).toEqual([
      ['getCluster', 400],
      ['getFlexCluster', 200],
      ['getGroup', 200],
    ]);
  });
});

describe('Relay ids and federation references of deployments', () => {
  it('refetches every listed deployment by its id through nodes, as the Deployment interface', async () => {
    const listed = await stack.query<{
      project: { deployments: { nodes: { id: string; __typename: string; name: string }[] } };
    }>(`{ project(id: "${busiest}") { deployments(first: 100) { nodes { id __typename name } } } }`);
    const nodes = listed.data!.project.deployments.nodes;
    stack.simulator.resetCalls();
    const { data, errors } = await stack.query<{ nodes: Json[] }>(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { id __typename ... on Deployment { name family } } }`,
      { ids: nodes.map((n) => n.id) },
    );
    expect(errors).toBeUndefined();
    expect(data!.nodes).toEqual(nodes.map((n) => ({ ...n, family: familyOf[n.__typename as keyof typeof familyOf] })));
    // Ids name their family: no wrong-family call.
    expect(stack.simulator.calls.filter((c) => c.status !== 200)).toEqual([]);
  });

  // All but the dedicated and missing names need the simulator's wrong-family 400s.
  it('resolves Deployment references by {projectId, name} in any family, and by id', async () => {
    const { dedicated, bornFlex, serverless, migrated } = names;
    const representations = [
      { __typename: 'Deployment', projectId: dedicated.groupId, name: dedicated.name },
      { __typename: 'Deployment', projectId: bornFlex.groupId, name: bornFlex.name },
      { __typename: 'Deployment', projectId: serverless.groupId, name: serverless.name },
      ...(migrated ? [{ __typename: 'Deployment', projectId: migrated.groupId, name: migrated.name }] : []),
      { __typename: 'Deployment', projectId: dedicated.groupId, name: 'ghost' },
      { __typename: 'Deployment', id: toGlobalId('FlexCluster', bornFlex.groupId, bornFlex.name) },
      { __typename: 'Deployment', id: toGlobalId('Project', dedicated.groupId) },
      { __typename: 'ServerlessInstance', projectId: serverless.groupId, name: serverless.name },
      { __typename: 'Cluster', projectId: bornFlex.groupId, name: bornFlex.name },
    ];
    const { data, errors } = await stack.query<{ _entities: (Json | null)[] }>(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Deployment { __typename name family } } }`,
      { r: representations },
    );
    expect(errors).toBeUndefined();
    const as = (__typename: string, name: string) => ({
      __typename,
      name,
      family: familyOf[__typename as keyof typeof familyOf],
    });
    expect(data!._entities).toEqual([
      as('Cluster', dedicated.name),
      as('FlexCluster', bornFlex.name),
      as('ServerlessInstance', serverless.name),
      ...(migrated ? [as('FlexCluster', migrated.name)] : []),
      null,
      as('FlexCluster', bornFlex.name),
      null,
      as('ServerlessInstance', serverless.name),
      // A Cluster reference with a Flex cluster's name: never a wrong object.
      null,
    ]);
  });
});

describe('the Deployment and BackupSnapshot interfaces in the schema', () => {
  it('are implemented by every family and its snapshot type', async () => {
    const { data } = await stack.query<Record<string, { possibleTypes: { name: string }[] }>>(
      `{ deployment: __type(name: "Deployment") { possibleTypes { name } }
         snapshot: __type(name: "BackupSnapshot") { possibleTypes { name } } }`,
    );
    expect(data!.deployment!.possibleTypes.map((t) => t.name).sort()).toEqual(Object.values(typeOf).sort());
    expect(data!.snapshot!.possibleTypes.map((t) => t.name).sort()).toEqual([
      'FlexSnapshot',
      'ServerlessSnapshot',
      'Snapshot',
    ]);
  });
});

describe('after Atlas retires the serverless instance endpoints (2027-01-15, notes §6.2)', () => {
  // A proxy in front of the simulator answers every `/serverless` path as Atlas documents a sunset resource:
  // 410 VERSION_GONE. The default deployments view failed for every project, serverless or not.
  let retired: TestStack;
  let proxy: Awaited<ReturnType<typeof startAtlasProxy>>;
  beforeAll(async () => {
    proxy = await startAtlasProxy((req) =>
      /\/serverless(\/|\?|$)/.test(req.url ?? '')
        ? { status: 410, errorCode: 'VERSION_GONE', detail: 'This API is gone.' }
        : undefined,
    );
    retired = await startStack({ atlas: { baseUrl: proxy.url } });
    proxy.forwardTo(retired.simulator.url);
  });
  afterAll(async () => {
    await retired.close();
    await proxy.close();
  });

  const serverlessName = String(
    seed.serverlessInstances.find((s) => s.groupId === busiest && !flexNames.has(`${s.groupId}/${s.name}`))?.name,
  );

  it('lists the dedicated and Flex clusters, counts no serverless instance, and finds none by name', async () => {
    expect(serverlessName).not.toBe('undefined');
    const expected = (await expectedDeployments(busiest, ['DEDICATED', 'FLEX'])).map(({ __typename, name }) => ({
      __typename,
      name,
    }));
    const { data, errors } = await retired.query<{
      project: {
        deployments: { totalCount: number; nodes: Json[] };
        deployment: Json | null;
        serverlessInstances: { totalCount: number };
      };
    }>(
      `query ($p: ObjectId!) { project(id: $p) {
        deployments(first: 100) { totalCount nodes { __typename name } }
        deployment(name: "${serverlessName}") { name }
        serverlessInstances(first: 5) { totalCount }
      } }`,
      { p: busiest },
    );
    expect(errors).toBeUndefined();
    expect(data!.project.deployments).toEqual({ totalCount: expected.length, nodes: expected });
    expect(data!.project.deployment).toBeNull();
    expect(data!.project.serverlessInstances).toEqual({ totalCount: 0 });
    expect(proxy.seen.filter((r) => r.answered === 410).length).toBeGreaterThan(0);
  });
});

describe('a 404 from the serverless instance endpoints before their retirement day', () => {
  // Only 410 is Atlas's documented answer for a retired version; a 404 before 2027-01-15 is what it says
  // (a misrouted path, a proxy), not the family gone: it must not read as an empty list.
  it('is an error, not an empty serverless family', async () => {
    const proxy = await startAtlasProxy((req) =>
      /\/serverless(\/|\?|$)/.test(req.url ?? '')
        ? { status: 404, errorCode: 'RESOURCE_NOT_FOUND', detail: 'Not found.' }
        : undefined,
    );
    const early = await startStack({ atlas: { baseUrl: proxy.url } });
    proxy.forwardTo(early.simulator.url);
    try {
      const { data, errors } = await early.query<{ project: { serverlessInstances: unknown } }>(
        `{ project(id: "${busiest}") { serverlessInstances(first: 5) { totalCount } } }`,
      );
      if (Date.now() < Date.parse('2027-01-15')) {
        expect(data!.project.serverlessInstances).toBeNull();
        expect(errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
      } else {
        // From the retirement day, Atlas's 404 on these paths is the family gone, as a 410 is.
        expect(errors).toBeUndefined();
        expect(data!.project.serverlessInstances).toEqual({ totalCount: 0 });
      }
    } finally {
      await early.close();
      await proxy.close();
    }
  });
});
