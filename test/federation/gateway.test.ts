/**
 * A real federation gateway (Hive Gateway runtime) over the composed supergraph: our gateway is reached
 * over real HTTP (simulator behind it), the teams subgraph in-process. Data is checked against the
 * simulator's payloads and the cost in Atlas calls against the minimum the data allows.
 */
import type { GatewayRuntime, useCustomFetch } from '@graphql-hive/gateway-runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/graph/ids.js';
import { DEMO } from '../../src/simulator/index.js';
import { atlas, startStack, type GraphQLResponse, type TestStack } from '../../support/stack.js';
import { cheapest, type Page } from '../../support/minimum.js';
import { ATLAS_URL, createTeamsSubgraph, startFederationGateway, TEAMS, TEAMS_URL } from './teams-subgraph.js';

let stack: TestStack;
let teams: ReturnType<typeof createTeamsSubgraph>;
let gateway: GatewayRuntime;
/** Every request the federation gateway sent to a subgraph, in order. */
const subgraphRequests: { url: string; query: string; variables?: Record<string, unknown> }[] = [];

/** How the federation gateway reaches the subgraphs: ours over real HTTP, the neighbour in-process. */
const route: Parameters<typeof useCustomFetch>[0] = (url, init) => {
  const body = JSON.parse(String(init?.body)) as (typeof subgraphRequests)[number];
  subgraphRequests.push({ url, query: body.query, variables: body.variables });
  if (url === ATLAS_URL) return fetch(stack.url, init);
  if (url === TEAMS_URL) return teams.fetch(new Request(url, init));
  throw new Error(`no route to subgraph ${url}`);
};

beforeAll(async () => {
  stack = await startStack();
  teams = createTeamsSubgraph();
  gateway = await startFederationGateway(route);
});

afterAll(async () => {
  await gateway?.dispose();
  await teams?.dispose();
  await stack?.close();
});

beforeEach(() => {
  stack.simulator.resetCalls();
  subgraphRequests.length = 0;
});

async function supergraphQuery<T>(query: string): Promise<GraphQLResponse<T>> {
  const response = await gateway.fetch('http://supergraph.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

/** Requests that reached our subgraph with an `_entities` selection. */
const entityFetches = () => subgraphRequests.filter((r) => r.url === ATLAS_URL && r.query.includes('_entities'));

const distinct = <T>(values: T[]) => [...new Set(values)];

interface AtlasJob {
  id: string;
  snapshotId?: string;
}

describe('federation gateway over the supergraph', () => {
  it('resolves the teams’ project references and their backups at the Atlas-call minimum', async () => {
    // What the simulator holds, read straight from it, and the fewest calls that can answer the query.
    const projectIds = distinct(TEAMS.flatMap((t) => t.projectIds));
    const groups = await atlas<Page<{ id: string }>>(stack.simulator, 'listGroups', {}, { itemsPerPage: 1 });
    let minimum = cheapest(projectIds.length, groups.totalCount); // project references
    const expected = new Map<string, unknown>();
    for (const groupId of projectIds) {
      const group = await atlas<{ name: string }>(stack.simulator, 'getGroup', { groupId });
      const clusters = await atlas<Page<{ name: string }>>(
        stack.simulator,
        'listClusters',
        { groupId },
        { itemsPerPage: 20 },
      );
      minimum += 1; // one page of the project's clusters
      const clusterNodes = [];
      for (const { name } of clusters.results) {
        const params = { groupId, clusterName: name };
        const jobs = await atlas<Page<AtlasJob>>(stack.simulator, 'listBackupRestoreJobs', params, {
          itemsPerPage: 20,
        });
        const snapshots = await atlas<Page<unknown>>(stack.simulator, 'listBackupSnapshots', params, {
          itemsPerPage: 1,
        });
        // One page of jobs, then the restored snapshots: single GETs or one walk of the snapshot list.
        minimum += 1 + cheapest(distinct(jobs.results.flatMap((j) => j.snapshotId ?? [])).length, snapshots.totalCount);
        clusterNodes.push({
          name,
          restoreJobs: {
            nodes: jobs.results.map((j) => ({
              atlasId: j.id,
              snapshot: j.snapshotId ? { atlasId: j.snapshotId } : null,
            })),
          },
        });
      }
      expected.set(groupId, { atlasId: groupId, name: group.name, clusters: { nodes: clusterNodes } });
    }
    stack.simulator.resetCalls();

    const { data, errors } = await supergraphQuery<{ teams: { name: string; atlasProjects: unknown[] }[] }>(`{
      teams {
        name
        atlasProjects {
          atlasId
          name
          clusters { nodes { name restoreJobs { nodes { atlasId snapshot { atlasId } } } } }
        }
      }
    }`);

    expect(errors).toBeUndefined();
    expect(data?.teams).toEqual(
      TEAMS.map((team) => ({ name: team.name, atlasProjects: team.projectIds.map((id) => expected.get(id)) })),
    );
    // The gateway sends every project reference in one `_entities` fetch; our loaders batch them into
    // one listGroups page (three projects: one list page beats three GETs), and each level below costs
    // one list page per parent. Nothing is fetched twice, though SRE shares every project.
    expect(entityFetches()).toHaveLength(1);
    expect(stack.simulator.callCount({ operationId: 'listGroups' })).toBe(1);
    expect(stack.simulator.callCount({ operationId: 'getGroup' })).toBe(0);
    expect(stack.simulator.callCount()).toBe(minimum);
    expect(minimum).toBe(16); // 1 project page + 3 cluster pages + 8 job pages + 4 snapshot lookups
  });

  it('resolves the teams’ cluster references by their {projectId, name} key at the minimum', async () => {
    const refs = distinct(TEAMS.flatMap((t) => t.clusters));
    const byProject = new Map<string, (typeof refs)[number][]>();
    for (const ref of refs) byProject.set(ref.groupId, [...(byProject.get(ref.groupId) ?? []), ref]);
    const groups = await atlas<Page<unknown>>(stack.simulator, 'listGroups', {}, { itemsPerPage: 1 });
    let minimum = cheapest(byProject.size, groups.totalCount); // Cluster.project, batched
    const expected = new Map<string, unknown>();
    for (const [groupId, clusters] of byProject) {
      const list = await atlas<Page<unknown>>(stack.simulator, 'listClusters', { groupId }, { itemsPerPage: 1 });
      const group = await atlas<{ name: string }>(stack.simulator, 'getGroup', { groupId });
      minimum += cheapest(clusters.length, list.totalCount); // the references of this project
      for (const { name } of clusters) {
        const params = { groupId, clusterName: name };
        const cluster = await atlas<{ stateName: string }>(stack.simulator, 'getCluster', params);
        const snapshots = await atlas<Page<{ id: string }>>(stack.simulator, 'listBackupSnapshots', params, {
          itemsPerPage: 1,
        });
        minimum += 1; // one page of snapshots
        expected.set(`${groupId}/${name}`, {
          projectId: groupId,
          name,
          stateName: cluster.stateName,
          project: { name: group.name },
          snapshots: { totalCount: snapshots.totalCount, nodes: snapshots.results.map((s) => ({ atlasId: s.id })) },
        });
      }
    }
    stack.simulator.resetCalls();

    const { data, errors } = await supergraphQuery<{ teams: unknown[] }>(`{
      teams {
        name
        criticalClusters { projectId name stateName project { name } snapshots(first: 1) { totalCount nodes { atlasId } } }
      }
    }`);

    expect(errors).toBeUndefined();
    expect(data?.teams).toEqual(
      TEAMS.map((team) => ({
        name: team.name,
        criticalClusters: team.clusters.map((c) => expected.get(`${c.groupId}/${c.name}`)),
      })),
    );
    // payments has two referenced clusters (one list page), analytics and inventory one each (a GET
    // each); their three projects come from one listGroups page.
    expect(entityFetches()).toHaveLength(1);
    expect(stack.simulator.callCount({ operationId: 'listClusters' })).toBe(1);
    expect(stack.simulator.callCount({ operationId: 'getCluster' })).toBe(2);
    expect(stack.simulator.callCount()).toBe(minimum);
    expect(minimum).toBe(8);
  });
});

describe('federation gateway over the supergraph, two entity types at once', () => {
  it('fetches Project and Cluster references in one request, one `_entities` selection per type', async () => {
    const { data, errors } = await supergraphQuery<{ teams: unknown[] }>(
      '{ teams { atlasProjects { name } criticalClusters { atlasId } } }',
    );

    expect(errors).toBeUndefined();
    const projectNames = new Map(Object.values(DEMO.projects).map((p) => [p.id, p.name]));
    expect(data?.teams).toEqual(
      TEAMS.map((team) => ({
        atlasProjects: team.projectIds.map((id) => ({ name: projectNames.get(id) })),
        criticalClusters: team.clusters.map((c) => ({ atlasId: c.id })),
      })),
    );
    // Each type gets its own aliased `_entities` field, so fields that differ in type between our
    // types (`Project.name: String!` and `Cluster.name: ClusterName!`, `atlasId`) never meet in one
    // selection set, where GraphQL validation would reject them.
    const [fetch, ...more] = entityFetches();
    expect(more).toEqual([]);
    expect(fetch?.query.match(/_entities\(/g)).toHaveLength(2);
    // One operation on our side, so one set of loaders: three projects from one list page; clusters:
    // payments' two from one list page, analytics' and inventory's one each by GET.
    expect(stack.simulator.callCount({ operationId: 'listGroups' })).toBe(1);
    expect(stack.simulator.callCount({ operationId: 'listClusters' })).toBe(1);
    expect(stack.simulator.callCount({ operationId: 'getCluster' })).toBe(2);
    expect(stack.simulator.callCount()).toBe(4);
  });
});

describe('_entities on our subgraph', () => {
  const entities = `query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      __typename
      ... on Project { atlasId projectName: name }
      ... on Cluster { projectId clusterName: name }
    }
  }`;
  const projects = Object.values(DEMO.projects);

  it('answers 100 Project references (duplicates, both keys) with one listGroups call', async () => {
    // Alternate the two keys: the raw `atlasId` a neighbour stores and the Relay `id` a client holds.
    const representations = Array.from({ length: 100 }, (_, i) => {
      const project = projects[i % projects.length]!;
      return i % 2 === 0
        ? { __typename: 'Project', atlasId: project.id }
        : { __typename: 'Project', id: toGlobalId('Project', project.id) };
    });
    const { data, errors } = await stack.query<{ _entities: { atlasId: string; projectName: string }[] }>(entities, {
      representations,
    });

    expect(errors).toBeUndefined();
    expect(data?._entities).toEqual(
      Array.from({ length: 100 }, (_, i) => {
        const project = projects[i % projects.length]!;
        return { __typename: 'Project', atlasId: project.id, projectName: project.name };
      }),
    );
    // Both keys reach the same loader, keyed by Atlas path: three distinct projects, and one page of the
    // project list (Atlas has no multi-get) is cheaper than three GETs. One call is the floor.
    expect(stack.simulator.callCount()).toBe(1);
    expect(stack.simulator.callCount({ operationId: 'listGroups' })).toBe(1);
  });

  // `_entities` was costed as one item whatever the number of representations: 100 projects each asking
  // 20 clusters of 20 jobs passed where the same through nodes(ids:) is refused.
  it('costs one item per representation, as nodes(ids:) costs one per id, before any Atlas call', async () => {
    const heavy = `... on Project { clusters(first: 20) { nodes { restoreJobs(first: 20) { nodes { id atlasId state } } } } }`;
    const representations = projects.flatMap((p) =>
      Array.from({ length: 34 }, () => ({ __typename: 'Project', atlasId: p.id })),
    );
    const viaEntities = await stack.query(`query ($r: [_Any!]!) { _entities(representations: $r) { ${heavy} } }`, {
      r: representations,
    });
    const ids = representations.map((r) => toGlobalId('Project', r.atlasId)).slice(0, 100);
    const viaNodes = await stack.query(`query ($ids: [ID!]!) { nodes(ids: $ids) { ${heavy} } }`, { ids });
    expect(viaEntities.errors?.[0]?.extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED' });
    expect(viaNodes.errors?.[0]?.extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED' });
    expect(stack.simulator.callCount()).toBe(0);
  });

  // A representation with both keys, one unusable: it used the first it found.
  it('resolves a Project reference by its usable key', async () => {
    const { data, errors } = await stack.query<{ _entities: unknown[] }>(entities, {
      representations: [{ __typename: 'Project', id: toGlobalId('Project', DEMO.projects.analytics.id), atlasId: 7 }],
    });
    expect(errors).toBeUndefined();
    expect(data?._entities).toEqual([
      { __typename: 'Project', atlasId: DEMO.projects.analytics.id, projectName: DEMO.projects.analytics.name },
    ]);
  });

  it('answers an empty cluster name in a reference as the caller’s mistake, with no call', async () => {
    const { data, errors } = await stack.query<{ _entities: unknown[] }>(entities, {
      representations: [{ __typename: 'Cluster', projectId: DEMO.projects.payments.id, name: '' }],
    });
    // Refused with the other malformed representations, before any call.
    expect(data).toBeNull();
    expect(errors?.map((e) => [e.extensions?.code, e.extensions?.['argument'], e.extensions?.['index']])).toEqual([
      ['BAD_USER_INPUT', 'representations', 0],
    ]);
    expect(stack.simulator.callCount()).toBe(0);
  });

  it('answers a single Project reference with one GET, not a list walk', async () => {
    const { data } = await stack.query<{ _entities: unknown[] }>(entities, {
      representations: [{ __typename: 'Project', atlasId: DEMO.projects.analytics.id }],
    });
    expect(data?._entities).toEqual([
      { __typename: 'Project', atlasId: DEMO.projects.analytics.id, projectName: DEMO.projects.analytics.name },
    ]);
    expect(stack.simulator.callCount()).toBe(1);
    expect(stack.simulator.callCount({ operationId: 'getGroup' })).toBe(1);
  });

  it('answers Cluster references by {projectId, name} with one list page per project', async () => {
    const clusters = Object.values(DEMO.clusters);
    const representations = [
      ...clusters.map((c) => ({ __typename: 'Cluster', projectId: c.groupId, name: c.name })),
      // The same clusters again by Relay id, and once more by key: duplicates cost nothing.
      ...clusters.map((c) => ({ __typename: 'Cluster', id: toGlobalId('Cluster', c.groupId, c.name) })),
      ...clusters.map((c) => ({ __typename: 'Cluster', projectId: c.groupId, name: c.name })),
      // A Project id sent as a Cluster reference names no cluster: null, and no call.
      { __typename: 'Cluster', id: toGlobalId('Project', DEMO.projects.payments.id) },
    ];
    const { data, errors } = await stack.query<{ _entities: unknown[] }>(entities, { representations });

    expect(errors).toBeUndefined();
    const answer = clusters.map((c) => ({ __typename: 'Cluster', projectId: c.groupId, clusterName: c.name }));
    expect(data?._entities).toEqual([...answer, ...answer, ...answer, null]);
    // Every project has at least two referenced clusters and fewer than 500: one page each beats a GET
    // per cluster, and each project needs at least one call.
    const projectCount = distinct(clusters.map((c) => c.groupId)).length;
    expect(stack.simulator.callCount()).toBe(projectCount);
    expect(stack.simulator.callCount({ operationId: 'listClusters' })).toBe(projectCount);
  });
});
