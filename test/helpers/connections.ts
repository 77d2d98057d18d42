/**
 * Reads a Relay connection of the graph to its end, `first` at a time, checking on every page what a
 * client relies on: edges and nodes agree, the cursors bound the page, and the page flags are right.
 */
import { expect } from 'vitest';

export interface ConnectionPage<T> {
  totalCount: number | null;
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** The selection of a connection whose nodes select `fields`. */
export const connectionOf = (fields: string) =>
  `totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ${fields} } } nodes { ${fields} }`;

/** Every page of a connection, from the start, following `endCursor` until `hasNextPage` is false. */
export async function walkConnection<T>(
  first: number,
  readPage: (after: string | null) => Promise<ConnectionPage<T>>,
): Promise<{ nodes: T[]; pages: ConnectionPage<T>[] }> {
  const nodes: T[] = [];
  const pages: ConnectionPage<T>[] = [];
  let after: string | null = null;
  for (;;) {
    const page: ConnectionPage<T> = await readPage(after);
    pages.push(page);
    expect(page.nodes.length).toBeLessThanOrEqual(first);
    expect(page.edges.map((edge) => edge.node)).toEqual(page.nodes);
    expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
    expect(page.pageInfo.endCursor).toBe(page.edges[page.edges.length - 1]?.cursor ?? null);
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return { nodes, pages };
    expect(page.nodes).toHaveLength(first);
    if (pages.length > 100 || page.pageInfo.endCursor === null) throw new Error('connection does not end');
    after = page.pageInfo.endCursor;
  }
}
