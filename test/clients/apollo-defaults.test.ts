/**
 * The failures client/apollo.js exists for, shown with Apollo Client 4 as it comes: the default
 * InMemoryCache warns and loses data when the dashboard and its fragment version share it, and pages
 * fetched with fetchMore do not merge; Apollo's own relayStylePagination merges `edges` but replaces
 * `nodes`. A file of its own: Apollo warns once per Type.field per module instance, so these warnings
 * must not share a module with apollo.test.ts, which asserts there are none.
 */
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { loadDevMessages, loadErrorMessages } from '@apollo/client/dev';
import { relayStylePagination } from '@apollo/client/utilities';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '../../support/stack.js';
import { startClientStack } from './stack.js';
import { captureConsoleInEachTest } from './console.js';
import {
  allSnapshotIds,
  dashboard,
  dashboardFragments,
  listedIds,
  pagedCluster,
  pageSize,
  snapshotsPage,
  type DashboardData,
  type Selection,
  type SnapshotsPageData,
} from './documents.js';

let stack: TestStack;
const consoleCapture = captureConsoleInEachTest();
let expected: string[];

beforeAll(async () => {
  loadDevMessages();
  loadErrorMessages();
  stack = await startClientStack();
  expected = await allSnapshotIds(stack);
});
afterAll(() => stack?.close());

const client = (cache: InMemoryCache) => new ApolloClient({ link: new HttpLink({ uri: stack.url }), cache });

describe('Apollo Client without the shipped configuration', () => {
  it('warns, and loses the dashboard, when the fragment version replaces objects it cannot identify', async () => {
    const apollo = client(new InMemoryCache());
    const first = await apollo.query<DashboardData>({ query: dashboard });
    expect(first.data?.projects?.nodes).toHaveLength(3);
    expect(consoleCapture().messages).toEqual([]);
    await apollo.query({ query: dashboardFragments, fetchPolicy: 'network-only' });

    const lost = consoleCapture().messages.filter((m) => m.includes('Cache data may be lost when replacing the'));
    const fields = lost.map((m) =>
      /replacing the (\w+) field of a (\w+) object/.exec(m)?.slice(1, 3).reverse().join('.'),
    );
    // The connection and the value object the two queries select differently are replaced whole.
    expect(fields.sort()).toEqual(['Cluster.restoreJobs', 'Export.exportStatus']);
    // Without possibleTypes, the fragment on the RestoreJob interface cannot be matched.
    const unmatched = consoleCapture().messages.filter((m) =>
      m.includes('Cannot match fragment `RestoreTarget` on `RestoreJob` against `CloudBackupRestoreJob`'),
    );
    expect(unmatched).toHaveLength(1);
    expect(consoleCapture().messages).toHaveLength(lost.length + unmatched.length);
    // The dashboard can no longer be read from the cache: its `nodes` and `totalCollections` are gone.
    expect(apollo.readQuery({ query: dashboard })).toBeNull();
  });

  it('does not merge pages: the watched list stays at its first page', async () => {
    const pages = await pageThrough(new InMemoryCache(), 'nodes');
    expect(pages.fetched).toBe(3);
    expect(pages.nodes).toEqual(expected.slice(0, pageSize));
  });

  it('with relayStylePagination, merges `edges` but keeps only the last page of `nodes`', async () => {
    const relayCache = () =>
      new InMemoryCache({ typePolicies: { Cluster: { fields: { snapshots: relayStylePagination() } } } });
    const edges = await pageThrough(relayCache(), 'edges');
    expect(edges.edges).toEqual(expected);
    const nodes = await pageThrough(relayCache(), 'nodes');
    // `nodes` is an "extra" to relayStylePagination: each page replaces the one before.
    expect(nodes.nodes).toEqual(expected.slice(2 * pageSize));
    expect(nodes.nodes).not.toEqual(expected);
  });
});

/** Pages payments-prod's snapshots with fetchMore({ after: endCursor }) up to three times; returns what the watched query then shows. */
async function pageThrough(cache: InMemoryCache, selection: Selection) {
  const observable = client(cache).watchQuery<SnapshotsPageData>({
    query: snapshotsPage(selection),
    variables: { projectId: pagedCluster.groupId, name: pagedCluster.name, first: pageSize },
  });
  const subscription = observable.subscribe(() => {});
  try {
    const first = await firstValueFrom(observable.pipe(filter((r) => r.dataState === 'complete')));
    // Without a merge the watched list keeps page 1's endCursor, so the cursors come from each page fetched.
    let after = first.data?.project?.cluster?.snapshots?.pageInfo.endCursor ?? null;
    let fetched = 1;
    while (after !== null && fetched < 3) {
      const more = await observable.fetchMore({ variables: { after } });
      await new Promise((resolve) => setTimeout(resolve, 5));
      fetched++;
      const pageInfo = more.data?.project?.cluster?.snapshots?.pageInfo;
      after = pageInfo?.hasNextPage ? pageInfo.endCursor : null;
    }
    const current = observable.getCurrentResult();
    if (current.dataState !== 'complete') throw new Error(`expected a complete result, got ${current.dataState}`);
    return { fetched, nodes: listedIds(current.data, 'nodes'), edges: listedIds(current.data, 'edges') };
  } finally {
    subscription.unsubscribe();
  }
}
