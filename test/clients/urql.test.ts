/**
 * urql 6 with Graphcache configured by client/urql.js, otherwise at its defaults (short queries go as
 * GET), against the gateway over HTTP: no warning on the dashboard or its fragment version, pages merged
 * by relayPagination whichever list is selected, and a `node(id:)` refetch updating the cached entity.
 * urql-defaults.test.ts shows the warnings and unmerged pages without the configuration.
 */
import { Client, fetchExchange, type AnyVariables, type TypedDocumentNode } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { parse, print, type DocumentNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { urqlCacheConfig } from '../../client/urql.js';
import { DEMO } from '../../src/simulator/index.js';
import type { TestStack } from '../../support/stack.js';
import { startClientStack } from './stack.js';
import { captureConsoleInEachTest, countingFetch, withoutTypename } from './console.js';
import {
  allSnapshotIds,
  dashboard,
  dashboardFragments,
  listedIds,
  nodeQuery,
  pagedCluster,
  pageSize,
  selections,
  snapshotsPage,
  type DashboardData,
  type SnapshotsPageData,
} from './documents.js';

let stack: TestStack;
const consoleCapture = captureConsoleInEachTest();
let expected: string[];

beforeAll(async () => {
  stack = await startClientStack();
  expected = await allSnapshotIds(stack);
  expect(expected.length).toBeGreaterThan(2 * pageSize);
});
afterAll(() => stack?.close());

function urqlClient() {
  const counter = countingFetch();
  const client = new Client({
    url: stack.url,
    exchanges: [cacheExchange(urqlCacheConfig()), fetchExchange],
    fetch: counter.fetch,
  });
  return { client, requests: counter.requests };
}

/** An untyped document typed for urql's generics (the documents here are plain graphql ASTs). */
const typed = <T, V extends AnyVariables = AnyVariables>(document: DocumentNode) => document as TypedDocumentNode<T, V>;

async function gatewayAnswer(document: DocumentNode, variables?: Record<string, unknown>) {
  const answer = await stack.query(print(document), variables);
  expect(answer.errors).toBeUndefined();
  return answer.data;
}

describe('the shipped urql Graphcache configuration', () => {
  it('embeds every type without id, pages every connection, and knows the interfaces', () => {
    const { keys, resolvers, possibleTypes } = urqlCacheConfig();
    for (const value of ['ExportStatus', 'CheckpointPart', 'RestoreJobComponent', 'PageInfo', 'ProjectConnection']) {
      expect(keys[value]?.({ __typename: value }), value).toBeNull();
    }
    expect(keys['Cluster']).toBeUndefined();
    expect(Object.keys(resolvers['Cluster'] ?? {}).sort()).toEqual([
      'checkpoints',
      'exports',
      'legacyRestoreJobs',
      'restoreJobs',
      'snapshots',
    ]);
    expect(Object.keys(resolvers['Query'] ?? {}).sort()).toEqual(['node', 'nodes', 'projects']);
    expect(possibleTypes['RestoreJob']).toEqual(['CloudBackupRestoreJob', 'LegacyBackupRestoreJob']);
  });

  it('runs the dashboard and its fragment version, as GET requests, without a warning', async () => {
    const { client, requests } = urqlClient();
    const first = await client.query(typed<DashboardData>(dashboard), {}).toPromise();
    expect(first.error).toBeUndefined();
    expect(withoutTypename(first.data)).toEqual(await gatewayAnswer(dashboard));
    const second = await client.query(dashboardFragments, {}, { requestPolicy: 'network-only' }).toPromise();
    expect(second.error).toBeUndefined();
    expect(withoutTypename(second.data)).toEqual(await gatewayAnswer(dashboardFragments));
    // urql's default: a query whose URL fits in 2048 characters is a GET.
    expect(requests.map((r) => r.method)).toEqual(['GET', 'GET']);

    // Both read whole from the cache afterwards.
    const again = await client.query(typed<DashboardData>(dashboard), {}, { requestPolicy: 'cache-only' }).toPromise();
    expect(again.data).toEqual(first.data);
    expect(requests).toHaveLength(2);
    expect(consoleCapture().messages).toEqual([]);
  });

  it.each(selections)('merges pages with relayPagination selecting %s', async (selection) => {
    const { client } = urqlClient();
    const document = typed<SnapshotsPageData>(snapshotsPage(selection));
    const variables = { projectId: pagedCluster.groupId, name: pagedCluster.name, first: pageSize };
    let result = await client.query(document, variables).toPromise();
    expect(result.error).toBeUndefined();
    expect(listedIds(result.data, selection === 'edges' ? 'edges' : 'nodes')).toEqual(expected.slice(0, pageSize));
    let pages = 1;
    while (pages < 10) {
      const pageInfo = result.data?.project?.cluster?.snapshots?.pageInfo;
      if (!pageInfo?.hasNextPage) break;
      result = await client.query(document, { ...variables, after: pageInfo.endCursor }).toPromise();
      expect(result.error).toBeUndefined();
      pages++;
    }
    expect(pages).toBe(Math.ceil(expected.length / pageSize));
    // Each page's answer is read back through relayPagination: every page so far, in order.
    if (selection !== 'edges') expect(listedIds(result.data, 'nodes')).toEqual(expected);
    if (selection !== 'nodes') expect(listedIds(result.data, 'edges')).toEqual(expected);
    expect(result.data?.project?.cluster?.snapshots?.pageInfo.hasNextPage).toBe(false);

    // The list as the first page's query reads it from the cache: merged too; and fetching page one
    // again from the network rewrites that page only.
    const from = selection === 'edges' ? 'edges' : 'nodes';
    const cached = await client.query(document, variables, { requestPolicy: 'cache-only' }).toPromise();
    expect(listedIds(cached.data, from)).toEqual(expected);
    const refetched = await client.query(document, variables, { requestPolicy: 'network-only' }).toPromise();
    expect(listedIds(refetched.data, from)).toEqual(expected);
    expect(consoleCapture().messages).toEqual([]);
  });

  it('keeps lists with different key arguments apart (legacyRestoreJobs by batchId)', async () => {
    const { client } = urqlClient();
    const document = typed<LegacyJobsData>(legacyJobs);
    const cluster = DEMO.legacy.cluster;
    const variables = { projectId: cluster.groupId, name: cluster.name, first: 2 };
    const batchVariables = { ...variables, batchId: DEMO.legacy.restoreBatchId };
    let result = await client.query(document, batchVariables).toPromise();
    for (let pages = 1; pages < 10 && result.data?.project?.cluster?.legacyRestoreJobs?.pageInfo.hasNextPage; pages++) {
      const after = result.data.project.cluster.legacyRestoreJobs.pageInfo.endCursor;
      result = await client.query(document, { ...batchVariables, after }).toPromise();
    }
    const batchJobs = result.data?.project?.cluster?.legacyRestoreJobs?.nodes ?? [];
    const raw = await stack.query<LegacyJobsData>(print(legacyJobs), { ...batchVariables, first: 100 });
    expect(batchJobs.map((j) => j.atlasId)).toEqual(
      raw.data?.project?.cluster?.legacyRestoreJobs?.nodes.map((j) => j.atlasId),
    );
    expect(batchJobs.length).toBeGreaterThan(2);

    const unfiltered = await client.query(document, variables).toPromise();
    expect(withoutTypename(unfiltered.data)).toEqual((await stack.query(print(legacyJobs), variables)).data);
    const batchAgain = await client.query(document, batchVariables, { requestPolicy: 'cache-only' }).toPromise();
    expect(batchAgain.data?.project?.cluster?.legacyRestoreJobs?.nodes).toEqual(batchJobs);
    expect(consoleCapture().messages).toEqual([]);
  });

  it('updates the cached entity from a node(id:) refetch, and answers node(id:) from the cache', async () => {
    const { client, requests } = urqlClient();
    const first = await client.query(typed<DashboardData>(dashboard), {}).toPromise();
    const clusters = first.data?.projects?.nodes.flatMap((p) => p.clusters?.nodes ?? []) ?? [];
    const target = clusters.find((c) => c.name === DEMO.clusters.paymentsProd.name);
    if (!target) throw new Error('payments-prod is not on the dashboard');
    expect(target.stateName).toBe('IDLE');

    const entry = stack.simulator.data.clusters.find(
      (c) => c.value.groupId === DEMO.clusters.paymentsProd.groupId && c.value.name === DEMO.clusters.paymentsProd.name,
    );
    if (!entry) throw new Error('payments-prod is not in the simulator');
    const before = entry.value;
    entry.value = { ...before, stateName: 'UPDATING' };
    try {
      const refetched = await client.query(nodeQuery, { id: target.id }, { requestPolicy: 'network-only' }).toPromise();
      expect(refetched.error).toBeUndefined();
      expect(refetched.data?.node).toMatchObject({ __typename: 'Cluster', id: target.id, stateName: 'UPDATING' });
    } finally {
      entry.value = before;
    }
    // The dashboard's list links the same `Cluster:<id>` entity: it now shows the new state.
    const shown = await client.query(typed<DashboardData>(dashboard), {}, { requestPolicy: 'cache-only' }).toPromise();
    const shownCluster = shown.data?.projects?.nodes
      .flatMap((p) => p.clusters?.nodes ?? [])
      .find((c) => c.id === target.id);
    expect(shownCluster?.stateName).toBe('UPDATING');

    // Another cluster the dashboard loaded: node(id:) asking only what the cache holds costs no request.
    const other = clusters.find((c) => c.id !== target.id);
    if (!other) throw new Error('one cluster only');
    const sent = requests.length;
    const fromCache = await client.query(clusterById, { id: other.id }).toPromise();
    expect(fromCache.error).toBeUndefined();
    expect(fromCache.data?.node).toEqual({
      __typename: 'Cluster',
      id: other.id,
      name: other.name,
      stateName: other.stateName,
    });
    expect(requests).toHaveLength(sent);
    // An id the cache does not hold goes to the network.
    const snapshotId = await firstSnapshotId();
    const fetched = await client.query(snapshotById, { id: snapshotId }).toPromise();
    expect(fetched.data?.node).toMatchObject({ __typename: 'Snapshot', id: snapshotId });
    expect(requests).toHaveLength(sent + 1);
    expect(consoleCapture().messages).toEqual([]);
  });
});

const clusterById = parse(
  `query ClusterById($id: ID!) { node(id: $id) { __typename id ... on Cluster { name stateName } } }`,
);
const snapshotById = parse(
  `query SnapshotById($id: ID!) { node(id: $id) { __typename id ... on Snapshot { atlasId } } }`,
);

async function firstSnapshotId(): Promise<string> {
  const answer = await stack.query<{ project: { cluster: { snapshots: { nodes: { id: string }[] } } } }>(
    `query ($projectId: ObjectId!, $name: ClusterName!) { project(id: $projectId) { cluster(name: $name) { snapshots(first: 1) { nodes { id } } } } }`,
    { projectId: pagedCluster.groupId, name: pagedCluster.name },
  );
  const id = answer.data?.project.cluster.snapshots.nodes[0]?.id;
  if (!id) throw new Error('no snapshot');
  return id;
}

interface LegacyJobsData {
  project: {
    cluster: {
      legacyRestoreJobs: {
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        nodes: { id: string; atlasId: string; batchId: string | null }[];
      } | null;
    } | null;
  } | null;
}

const legacyJobs = parse(`
  query LegacyJobs($projectId: ObjectId!, $name: ClusterName!, $batchId: ObjectId, $first: Int!, $after: String) {
    project(id: $projectId) {
      id
      cluster(name: $name) {
        id
        legacyRestoreJobs(batchId: $batchId, first: $first, after: $after) {
          pageInfo { hasNextPage endCursor }
          nodes { id atlasId batchId }
        }
      }
    }
  }
`);
