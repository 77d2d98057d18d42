import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../../src/simulator/index.js';
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
const projectFields = 'id atlasId name orgId created clusterCount tags { key value }';

/** What the graph answers for a project, from Atlas's `Group`; Atlas's alert setting is not in the graph. */
function expectedProject(raw: Json): Json {
  const { id, withDefaultAlertsSettings: _notInGraph, ...same } = withoutLinks(raw) as Json;
  return { id: toGlobalId('Project', String(id)), atlasId: id, ...same };
}

describe('Project (seed operation getGroup)', () => {
  it.each(Object.entries(DEMO.projects))('returns the %s project field for field, in one call', async (_, project) => {
    const raw = await atlas(stack.simulator, 'getGroup', { groupId: project.id });
    stack.simulator.resetCalls();
    const { data, errors } = await stack.query<{ project: Json }>(
      `query ($id: ObjectId!) { project(id: $id) { ${projectFields} } }`,
      { id: project.id },
    );
    expect(errors).toBeUndefined();
    expect(withoutLinks(data!.project)).toEqual(expectedProject(raw));
    expect((data!.project.tags as unknown[]).length).toBeGreaterThan(0);
    expect(stack.simulator.calls.map((c) => c.operationId)).toEqual(['getGroup']);
  });

  it('answers null, without an error, for a project Atlas does not have', async () => {
    const { data, errors } = await stack.query(`{ project(id: "${missingId}") { id name } }`);
    expect(errors).toBeUndefined();
    expect(data).toEqual({ project: null });
    expect(stack.simulator.calls.map((c) => [c.operationId, c.status])).toEqual([['getGroup', 404]]);
  });

  it('lists projects page by page to the end, field for field, one Atlas page per page', async () => {
    const all = await atlas<Page<Json>>(stack.simulator, 'listGroups', {}, { itemsPerPage: 500 });
    expect(all.results.length).toBeGreaterThan(2);
    stack.simulator.resetCalls();
    const { nodes, pages } = await walkConnection(2, async (after) => {
      const { data, errors } = await stack.query<{ projects: ConnectionPage<Json> }>(
        `query ($after: String) { projects(first: 2, after: $after) { ${connectionOf(projectFields)} } }`,
        { after },
      );
      expect(errors).toBeUndefined();
      return data!.projects;
    });
    expect(nodes.map((n) => withoutLinks(n))).toEqual(all.results.map(expectedProject));
    expect(pages.map((p) => p.totalCount)).toEqual(pages.map(() => all.totalCount));
    expect(pages).toHaveLength(Math.ceil(all.totalCount / 2));
    expect(stack.simulator.callCount({ operationId: 'listGroups' })).toBe(pages.length);
    expect(stack.simulator.callCount()).toBe(pages.length);
  });
});

describe('what hangs off a project', () => {
  const payments = DEMO.projects.payments;
  const analytics = DEMO.projects.analytics;

  it.each([
    { field: 'clusters', list: 'listClusters', key: 'name', project: payments, first: 2 },
    { field: 'exportBuckets', list: 'listExportBuckets', key: '_id', project: payments, first: 2 },
    { field: 'serverlessInstances', list: 'listServerlessInstances', key: 'name', project: analytics, first: 1 },
  ] as const)(
    'pages through $field with first/after, as Atlas lists them',
    async ({ field, list, key, project, first }) => {
      const all = await atlas<Page<Json>>(stack.simulator, list, { groupId: project.id }, { itemsPerPage: 500 });
      expect(all.results.length).toBeGreaterThan(first);
      stack.simulator.resetCalls();
      const { nodes, pages } = await walkConnection(first, async (after) => {
        const { data, errors } = await stack.query<{
          project: Record<string, ConnectionPage<{ atlasId: string; id: string }>>;
        }>(
          `query ($id: ObjectId!, $first: Int!, $after: String) {
          project(id: $id) { ${field}(first: $first, after: $after) { ${connectionOf('id atlasId')} } }
        }`,
          { id: project.id, first, after },
        );
        expect(errors).toBeUndefined();
        return data!.project[field]!;
      });
      expect(nodes.map((n) => n.atlasId)).toEqual(all.results.map((r) => (key === '_id' ? r._id : r.id)));
      expect(pages.map((p) => p.totalCount)).toEqual(pages.map(() => all.totalCount));
      // The project, then one Atlas page per connection page.
      expect(stack.simulator.callCount({ operationId: 'getGroup' })).toBe(pages.length);
      expect(stack.simulator.callCount({ operationId: list })).toBe(pages.length);
      expect(stack.simulator.callCount()).toBe(2 * pages.length);
    },
  );

  it('lists the clusters field for field and links each back to its project at no extra call', async () => {
    const raw = await atlas<Page<Json>>(stack.simulator, 'listClusters', { groupId: payments.id });
    stack.simulator.resetCalls();
    const { data, errors } = await stack.query<{
      project: { clusters: { nodes: { atlasId: string; name: string; projectId: string; project: Json }[] } };
    }>(`{ project(id: "${payments.id}") { clusters { nodes { atlasId name projectId project { atlasId name } } } } }`);
    expect(errors).toBeUndefined();
    expect(data!.project.clusters.nodes).toEqual(
      raw.results.map((c) => ({
        atlasId: c.id,
        name: c.name,
        projectId: payments.id,
        project: { atlasId: payments.id, name: payments.name },
      })),
    );
    expect(stack.simulator.calls.map((c) => c.operationId)).toEqual(['getGroup', 'listClusters']);
  });

  it('looks up a cluster, an export bucket and a serverless instance by argument', async () => {
    const cluster = DEMO.clusters.paymentsProd;
    const bucket = DEMO.exportBuckets.paymentsGcp;
    const { data, errors } = await stack.query<{ p: Json; a: Json }>(
      `{ p: project(id: "${payments.id}") {
           cluster(name: "${cluster.name}") { atlasId name projectId }
           exportBucket(id: "${bucket.id}") { atlasId cloudProvider project { atlasId } }
         }
         a: project(id: "${analytics.id}") {
           serverlessInstance(name: "${DEMO.serverless.instanceName}") { atlasId name projectId }
         } }`,
    );
    expect(errors).toBeUndefined();
    expect(data).toEqual({
      p: {
        cluster: { atlasId: cluster.id, name: cluster.name, projectId: payments.id },
        exportBucket: { atlasId: bucket.id, cloudProvider: 'GCP', project: { atlasId: payments.id } },
      },
      a: {
        serverlessInstance: {
          atlasId: DEMO.serverless.instanceId,
          name: DEMO.serverless.instanceName,
          projectId: analytics.id,
        },
      },
    });
    // The two projects are planned as one page of the project list; each lookup below is alone under
    // its list, and one GET is cheaper than a list walk.
    expect(stack.simulator.calls.map((c) => c.operationId).sort()).toEqual([
      'getCluster',
      'getExportBucket',
      'getServerlessInstance',
      'listGroups',
    ]);
  });

  it('answers null for each lookup Atlas does not find, without an error', async () => {
    const { data, errors } = await stack.query(
      `{ project(id: "${analytics.id}") {
           cluster(name: "ghost") { id }
           exportBucket(id: "${missingId}") { id }
           serverlessInstance(name: "ghost") { id }
         } }`,
    );
    expect(errors).toBeUndefined();
    expect(data).toEqual({ project: { cluster: null, exportBucket: null, serverlessInstance: null } });
    expect(
      stack.simulator.calls
        .filter((c) => c.status === 404)
        .map((c) => c.operationId)
        .sort(),
    ).toEqual(['getCluster', 'getExportBucket', 'getServerlessInstance']);
    expect(stack.simulator.callCount()).toBe(4);
  });

  it('plans several cluster lookups of one project as one list call; a name not in it is null', async () => {
    const { data, errors } = await stack.query<{ project: Record<string, { name: string } | null> }>(
      `{ project(id: "${payments.id}") {
           a: cluster(name: "${DEMO.clusters.paymentsProd.name}") { name }
           b: cluster(name: "${DEMO.clusters.paymentsLedger.name}") { name }
           c: cluster(name: "ghost") { name }
         } }`,
    );
    expect(errors).toBeUndefined();
    expect(data!.project).toEqual({
      a: { name: DEMO.clusters.paymentsProd.name },
      b: { name: DEMO.clusters.paymentsLedger.name },
      c: null,
    });
    // The whole list was read, so the missing name needs no GET to be known missing.
    expect(stack.simulator.calls.map((c) => c.operationId)).toEqual(['getGroup', 'listClusters']);
  });

  it('resolves a federation reference by atlasId, and null for a project Atlas does not have', async () => {
    const { data, errors } = await stack.query<{ _entities: (Json | null)[] }>(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Project { id name } } }`,
      {
        r: [
          { __typename: 'Project', atlasId: payments.id },
          { __typename: 'Project', atlasId: missingId },
        ],
      },
    );
    expect(errors).toBeUndefined();
    expect(data!._entities).toEqual([{ id: toGlobalId('Project', payments.id), name: payments.name }, null]);
    // Both keys under the project list: one page of it, which also proves the missing one absent.
    expect(stack.simulator.calls.map((c) => c.operationId)).toEqual(['listGroups']);
  });
});
