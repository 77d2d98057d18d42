/**
 * The failures client/urql.js exists for, shown with Graphcache as it comes: "Invalid key" warnings for
 * every type without `id`, heuristic matching of the fragment on the `RestoreJob` interface, and pages
 * that stay apart. A file of its own: Graphcache warns once per message per module instance, so these
 * warnings must not share a module with urql.test.ts, which asserts there are none.
 */
import { Client, fetchExchange, type AnyVariables, type TypedDocumentNode } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import type { DocumentNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { valueTypes } from '../../client/cache-facts.js';
import type { TestStack } from '../../support/stack.js';
import { startClientStack } from './stack.js';
import { captureConsoleInEachTest } from './console.js';
import {
  dashboard,
  dashboardFragments,
  listedIds,
  pagedCluster,
  pageSize,
  snapshotsPage,
  type SnapshotsPageData,
} from './documents.js';

let stack: TestStack;
const consoleCapture = captureConsoleInEachTest();

beforeAll(async () => {
  stack = await startClientStack();
});
afterAll(() => stack?.close());

const defaultClient = () => new Client({ url: stack.url, exchanges: [cacheExchange(), fetchExchange] });
const typed = <T, V extends AnyVariables = AnyVariables>(document: DocumentNode) => document as TypedDocumentNode<T, V>;

describe('urql Graphcache without the shipped configuration', () => {
  it('warns "Invalid key" for ExportStatus and matches the fragment on the RestoreJob interface by guess', async () => {
    const client = defaultClient();
    expect((await client.query(dashboard, {}).toPromise()).error).toBeUndefined();
    expect((await client.query(dashboardFragments, {}).toPromise()).error).toBeUndefined();

    const invalidKeys = consoleCapture()
      .messages.filter((m) => m.includes('Invalid key'))
      .map((m) => /create a custom `keys` config for `(\w+)`/.exec(m)?.[1]);
    // Graphcache exempts `*Connection`, `*Edge` and `PageInfo` by name; ExportStatus it flags once per
    // export it is embedded in (seven exports on the demo dashboard).
    expect(invalidKeys).toEqual(Array.from({ length: 7 }, () => 'ExportStatus'));
    // Every one of them is a value type the shipped `keys` embeds.
    for (const type of invalidKeys) expect(valueTypes).toContain(type);
    const heuristic = consoleCapture().messages.filter((m) => m.includes('Heuristic Fragment Matching'));
    expect(heuristic).toHaveLength(1);
    expect(heuristic[0]).toContain('against the `CloudBackupRestoreJob` type, but the type condition is `RestoreJob`');
    expect(consoleCapture().messages).toHaveLength(invalidKeys.length + heuristic.length);
  });

  it('keeps each page apart: the query for page 2 reads page 2 only', async () => {
    const client = defaultClient();
    const document = typed<SnapshotsPageData>(snapshotsPage('nodes'));
    const variables = { projectId: pagedCluster.groupId, name: pagedCluster.name, first: pageSize };
    const first = await client.query(document, variables).toPromise();
    const after = first.data?.project?.cluster?.snapshots?.pageInfo.endCursor;
    const second = await client.query(document, { ...variables, after }).toPromise();
    expect(listedIds(second.data, 'nodes')).toHaveLength(pageSize);
    const firstIds = listedIds(first.data, 'nodes') ?? [];
    expect(listedIds(second.data, 'nodes')?.some((id) => firstIds.includes(id))).toBe(false);
  });
});
