/**
 * Apollo Client 4 against the gateway over HTTP, with the shipped cache configuration (client/apollo.js):
 * the dashboard and its fragment version share one cache without a warning or a lost field, connection
 * pages merge whether a query reads `nodes`, `edges` or both, and `node(id:)` lands on the same entry.
 * apollo-defaults.test.ts shows the same operations failing without the configuration.
 */
import { createHash } from 'node:crypto';
import { resources } from '../../src/loaders/resources.js';
import { ApolloClient, HttpLink, InMemoryCache, type ObservableQuery } from '@apollo/client';
import { loadDevMessages, loadErrorMessages } from '@apollo/client/dev';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { parse, print, type DocumentNode } from 'graphql';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apolloCacheConfig } from '../../client/apollo.js';
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

beforeAll(async () => {
  // Apollo prints message codes only, unless its development messages are loaded.
  loadDevMessages();
  loadErrorMessages();
  stack = await startClientStack();
});
afterAll(() => stack?.close());

function apolloClient(fetchImpl: typeof fetch = fetch) {
  const cache = new InMemoryCache(apolloCacheConfig());
  return { cache, client: new ApolloClient({ link: new HttpLink({ uri: stack.url, fetch: fetchImpl }), cache }) };
}

async function gatewayAnswer(document: DocumentNode, variables?: Record<string, unknown>) {
  const answer = await stack.query(print(document), variables);
  expect(answer.errors).toBeUndefined();
  return answer.data;
}

describe('the shipped Apollo cache configuration', () => {
  it('gives every type a policy from the schema: entities by id, values embedded, every connection paged', () => {
    const { possibleTypes, typePolicies } = apolloCacheConfig();
    expect(possibleTypes['RestoreJob']).toEqual(['CloudBackupRestoreJob', 'LegacyBackupRestoreJob']);
    // Every resource of the table is a Node (src/loaders/resources.ts); a facet, the Node it is a view of.
    expect([...(possibleTypes['Node'] ?? [])].sort()).toEqual(
      [...new Set(Object.values(resources).map((r) => r.node))].sort(),
    );
    expect(typePolicies['Cluster']?.keyFields).toEqual(['id']);
    for (const value of ['ExportStatus', 'CheckpointPart', 'RestoreJobComponent', 'PageInfo', 'ClusterEdge']) {
      expect(typePolicies[value], value).toMatchObject({ keyFields: false, merge: true });
    }
    const legacy = typePolicies['Cluster']?.fields?.['legacyRestoreJobs'];
    expect(legacy && typeof legacy === 'object' && legacy.keyArgs).toEqual(['batchId']);
    const projects = typePolicies['Query']?.fields?.['projects'];
    expect(projects && typeof projects === 'object' && projects.keyArgs).toBe(false);
    // Fresh objects each call: one app's cache cannot alter another's configuration.
    expect(apolloCacheConfig().typePolicies).not.toBe(typePolicies);
  });

  it('runs the dashboard, then its fragment version, into one cache: no warning, nothing lost', async () => {
    const { client } = apolloClient();
    const first = await client.query<DashboardData>({ query: dashboard });
    expect(withoutTypename(first.data)).toEqual(await gatewayAnswer(dashboard));
    const projects = first.data?.projects?.nodes ?? [];
    expect(projects).toHaveLength(3);
    expect(projects.flatMap((p) => p.clusters?.nodes ?? [])).toHaveLength(8);

    const second = await client.query({ query: dashboardFragments, fetchPolicy: 'network-only' });
    expect(withoutTypename(second.data)).toEqual(await gatewayAnswer(dashboardFragments));

    // Both still read whole from the cache: the restore job list keeps `nodes` beside the new `edges`,
    // and export progress keeps `totalCollections`, which the fragment version did not ask for.
    expect(client.readQuery({ query: dashboard })).toEqual(first.data);
    expect(client.readQuery({ query: dashboardFragments })).toEqual(second.data);
    expect(consoleCapture().messages).toEqual([]);
  });

  it.each(selections)('merges the pages fetched with fetchMore({ after }) selecting %s', async (selection) => {
    const expected = await allSnapshotIds(stack);
    expect(expected.length).toBeGreaterThan(2 * pageSize);

    const { client } = apolloClient();
    const observable = client.watchQuery<SnapshotsPageData>({
      query: snapshotsPage(selection),
      variables: { projectId: pagedCluster.groupId, name: pagedCluster.name, first: pageSize },
    });
    const from = selection === 'edges' ? 'edges' : 'nodes';
    const subscription = observable.subscribe(() => {});
    try {
      let data = completeData(await firstComplete(observable));
      expect(data.project?.cluster?.snapshots?.totalCount).toBe(expected.length);
      const firstPageEnd = data.project?.cluster?.snapshots?.pageInfo.endCursor ?? null;
      let pages = 1;
      // Bounded: a cache that never takes a page in would otherwise ask for the same page forever.
      while (pages < 10) {
        const pageInfo = data.project?.cluster?.snapshots?.pageInfo;
        if (!pageInfo?.hasNextPage) break;
        const more = await fetchMoreAndSettle(observable, pageInfo.endCursor);
        pages++;
        // fetchMore answers the new page alone; the watched query reads the merged list from the cache.
        expect(listedIds(more.data, from)).toHaveLength(Math.min(pageSize, expected.length - (pages - 1) * pageSize));
        data = completeData(observable.getCurrentResult());
      }
      expect(pages).toBe(Math.ceil(expected.length / pageSize));
      if (selection !== 'edges') expect(listedIds(data, 'nodes')).toEqual(expected);
      if (selection !== 'nodes') {
        expect(listedIds(data, 'edges')).toEqual(expected);
        // Every edge keeps its own cursor, so the list can be cut and resumed anywhere.
        expect(new Set(data.project?.cluster?.snapshots?.edges?.map((e) => e.cursor)).size).toBe(expected.length);
      }
      expect(data.project?.cluster?.snapshots?.pageInfo.hasNextPage).toBe(false);

      // Asked again from the end of page 1 (cursors are positions), what followed is replaced by the answer.
      await fetchMoreAndSettle(observable, firstPageEnd);
      data = completeData(observable.getCurrentResult());
      expect(listedIds(data, from)).toEqual(expected.slice(0, 2 * pageSize));
      expect(data.project?.cluster?.snapshots?.pageInfo.hasNextPage).toBe(true);

      // A fetch without `after` starts the list again: one page.
      await observable.refetch();
      await settled();
      data = completeData(observable.getCurrentResult());
      expect(listedIds(data, from)).toEqual(expected.slice(0, pageSize));
      expect(data.project?.cluster?.snapshots?.pageInfo.hasNextPage).toBe(true);
    } finally {
      subscription.unsubscribe();
    }
    expect(consoleCapture().messages).toEqual([]);
  });

  it('splices a page after its cursor, appends after an unknown cursor, replaces without one', () => {
    // Cursors are opaque to the policy: compared, never decoded (these are not the gateway's).
    const cache = new InMemoryCache(apolloCacheConfig());
    const write = (ids: string[], after: string | null, endCursor: string) =>
      cache.writeQuery({
        query: clusterSnapshots,
        variables: { after },
        data: {
          cluster: {
            __typename: 'Cluster',
            id: 'c1',
            snapshots: {
              __typename: 'SnapshotConnection',
              pageInfo: { __typename: 'PageInfo', hasNextPage: true, endCursor },
              nodes: ids.map((id) => ({ __typename: 'Snapshot', id })),
            },
          },
        },
      });
    const read = () =>
      cache
        .readQuery<{ cluster: { snapshots: { nodes: { id: string }[] } } }>({ query: clusterSnapshots, variables: {} })
        ?.cluster.snapshots.nodes.map((n) => n.id);
    write(['a', 'b'], null, 'end-1');
    write(['c', 'd'], 'end-1', 'end-2');
    write(['e'], 'end-2', 'end-3');
    expect(read()).toEqual(['a', 'b', 'c', 'd', 'e']);
    write(['C', 'D'], 'end-1', 'end-2b'); // again from the end of page 1: what followed is replaced
    expect(read()).toEqual(['a', 'b', 'C', 'D']);
    write(['x'], 'nowhere', 'end-x'); // a cursor the list does not know: appended
    expect(read()).toEqual(['a', 'b', 'C', 'D', 'x']);
    write(['z'], null, 'end-z'); // no `after`: the list starts again
    expect(read()).toEqual(['z']);
    expect(consoleCapture().messages).toEqual([]);
  });

  it('keeps lists with different key arguments apart (legacyRestoreJobs by batchId)', async () => {
    const { client } = apolloClient();
    const query = parseLegacyJobs();
    const cluster = DEMO.legacy.cluster;
    const variables = { projectId: cluster.groupId, name: cluster.name, first: 2 };
    const batch = client.watchQuery<LegacyJobsData>({
      query,
      variables: { ...variables, batchId: DEMO.legacy.restoreBatchId },
    });
    const subscription = batch.subscribe(() => {});
    try {
      let data = completeData(await firstComplete(batch));
      for (let pages = 1; pages < 10 && data.project?.cluster?.legacyRestoreJobs?.pageInfo.hasNextPage; pages++) {
        await fetchMoreAndSettle(batch, data.project.cluster.legacyRestoreJobs.pageInfo.endCursor);
        data = completeData(batch.getCurrentResult());
      }
      const batchJobs = data.project?.cluster?.legacyRestoreJobs?.nodes ?? [];
      const raw = await stack.query<LegacyJobsData>(print(query), {
        ...variables,
        first: 100,
        batchId: DEMO.legacy.restoreBatchId,
      });
      expect(batchJobs.map((j) => j.atlasId)).toEqual(
        raw.data?.project?.cluster?.legacyRestoreJobs?.nodes.map((j) => j.atlasId),
      );
      expect(batchJobs.length).toBeGreaterThan(2);
      expect(new Set(batchJobs.map((j) => j.batchId))).toEqual(new Set([DEMO.legacy.restoreBatchId]));

      // The unfiltered list is another list: its first page does not replace the batch's pages.
      const unfiltered = await client.query<LegacyJobsData>({ query, variables });
      const rawUnfiltered = await stack.query<LegacyJobsData>(print(query), variables);
      expect(withoutTypename(unfiltered.data)).toEqual(rawUnfiltered.data);
      expect(completeData(batch.getCurrentResult()).project?.cluster?.legacyRestoreJobs?.nodes).toEqual(batchJobs);
    } finally {
      subscription.unsubscribe();
    }
    expect(consoleCapture().messages).toEqual([]);
  });

  it('writes a node(id:) answer to the entry the dashboard reads, and answers node(id:) from the cache', async () => {
    const counter = countingFetch();
    const { client, cache } = apolloClient(counter.fetch);
    const first = await client.query<DashboardData>({ query: dashboard });
    const clusters = first.data?.projects?.nodes.flatMap((p) => p.clusters?.nodes ?? []) ?? [];
    const target = clusters.find((c) => c.name === DEMO.clusters.paymentsProd.name);
    if (!target) throw new Error('payments-prod is not on the dashboard');
    expect(target.stateName).toBe('IDLE');
    const key = cache.identify({ __typename: 'Cluster', id: target.id });
    expect(key).toBe(`Cluster:${JSON.stringify({ id: target.id })}`);

    // Atlas changes the cluster; refetching it by id alone must update what the dashboard shows.
    const entry = stack.simulator.data.clusters.find(
      (c) => c.value.groupId === DEMO.clusters.paymentsProd.groupId && c.value.name === DEMO.clusters.paymentsProd.name,
    );
    if (!entry) throw new Error('payments-prod is not in the simulator');
    const before = entry.value;
    entry.value = { ...before, stateName: 'UPDATING' };
    try {
      const refetched = await client.query<{ node: { id: string; stateName: string; mongoDBVersion: string } | null }>({
        query: nodeQuery,
        variables: { id: target.id },
        fetchPolicy: 'network-only',
      });
      expect(refetched.data?.node).toMatchObject({ __typename: 'Cluster', id: target.id, stateName: 'UPDATING' });
      expect(cache.identify(refetched.data?.node ?? {})).toBe(key);
    } finally {
      entry.value = before;
    }
    const shown = client.readQuery<DashboardData>({ query: dashboard });
    const shownCluster = shown?.projects?.nodes.flatMap((p) => p.clusters?.nodes ?? []).find((c) => c.id === target.id);
    expect(shownCluster?.stateName).toBe('UPDATING');
    // One entry holds what both queries asked for.
    const stored = cache.extract()[key ?? ''];
    expect(stored).toMatchObject({ name: target.name, stateName: 'UPDATING', mongoDBVersion: expect.any(String) });
    expect(Object.keys(stored ?? {}).some((field) => field.startsWith('restoreJobs'))).toBe(true);

    // Another cluster the dashboard loaded: `node(id:)` asking only what the cache holds costs no request.
    const other = clusters.find((c) => c.id !== target.id);
    if (!other) throw new Error('one cluster only');
    const sent = counter.requests.length;
    const fromCache = await client.query<{ node: { id: string; name: string } | null }>({
      query: clusterNameById,
      variables: { id: other.id },
    });
    expect(fromCache.data?.node).toEqual({
      __typename: 'Cluster',
      id: other.id,
      name: other.name,
      stateName: other.stateName,
    });
    expect(counter.requests.length).toBe(sent);
    expect(consoleCapture().messages).toEqual([]);
  });
});

/** Cluster.snapshots on a cluster the cache is told about directly (a root field resolved by id). */
const clusterSnapshots = parse(`
  query ($after: String) {
    cluster {
      id
      snapshots(first: 2, after: $after) { pageInfo { hasNextPage endCursor } nodes { id } }
    }
  }
`);

const clusterNameById = parse(`
  query ClusterNameById($id: ID!) { node(id: $id) { __typename id ... on Cluster { name stateName } } }
`);

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

function parseLegacyJobs(): DocumentNode {
  return parse(`
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
}

describe("Apollo's automatic persisted queries", () => {
  it('send a hash, are told it is not supported, then send the text: one failed hash, then text only', async () => {
    const counting = countingFetch();
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    const client = new ApolloClient({
      link: new PersistedQueryLink({ sha256 }).concat(new HttpLink({ uri: stack.url, fetch: counting.fetch })),
      cache: new InMemoryCache(apolloCacheConfig()),
    });
    const query = parse(`query ProjectName($id: ObjectId!) { project(id: $id) { id name } }`);
    const payments = DEMO.projects.payments;
    const first = await client.query({ query, variables: { id: payments.id }, fetchPolicy: 'network-only' });
    expect(first.data).toEqual({ project: { __typename: 'Project', id: expect.any(String), name: payments.name } });
    expect(counting.requests).toHaveLength(2);
    // Told the server keeps no hashes, the link stops sending them.
    await client.query({ query, variables: { id: DEMO.projects.analytics.id }, fetchPolicy: 'network-only' });
    expect(counting.requests).toHaveLength(3);
  });
});

/**
 * fetchMore, then a pause for the watched query to take in the merged cache: Apollo delivers it from its
 * cache watch on a 0 ms timer after the write (ObservableQuery.scheduleNotify), and drops it if another
 * fetch starts first.
 */
async function fetchMoreAndSettle<T>(observable: ObservableQuery<T>, after: string | null) {
  const more = await observable.fetchMore({ variables: { after } });
  await settled();
  return more;
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 5));

/** The data of a complete result (a partial one fails the test). */
function completeData<T>(result: ObservableQuery.Result<T>): T {
  if (result.dataState !== 'complete') throw new Error(`expected a complete result, got ${result.dataState}`);
  return result.data;
}

/** The first complete result a watched query emits. */
function firstComplete<T>(observable: ObservableQuery<T>) {
  return firstValueFrom(observable.pipe(filter((result) => result.dataState === 'complete')));
}
