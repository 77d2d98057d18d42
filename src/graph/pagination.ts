/**
 * Relay connections over Atlas `pageNum`/`itemsPerPage` paging. A cursor is the absolute position of
 * an edge in the Atlas list (offset paging, honestly: an item inserted before it shifts what follows).
 * A requested window [start, start + first) is served by the one Atlas page that covers it when one
 * exists (choosing the smallest such page size), otherwise by the two pages of size `first` around it.
 */
import { badUserInput } from './errors.js';
import { decodeOpaque } from './ids.js';
import type { AtlasPage, PageRequest } from '../atlas/types.js';
import { ATLAS_MAX_PAGE_SIZE, allAtOnce, planPages, type Window } from '../loaders/pages.js';

export { planPages } from '../loaders/pages.js';

/** The most items a connection serves at once: Atlas's largest page. */
export const MAX_PAGE_SIZE = ATLAS_MAX_PAGE_SIZE;

/** What a connection field resolves to; edges, nodes and pageInfo are derived from it. */
export interface Connection<T> {
  items: T[];
  /** Position of `items[0]` in the whole list. */
  start: number;
  totalCount: number | null;
  hasNextPage: boolean;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
}

const cursorPrefix = 'v1:o:';

/**
 * A position as a cursor writes it: digits without leading zeros (`01` reads as 1 but was never written,
 * and a cursor is taken only exactly as the gateway wrote it).
 */
export const cursorPositionPattern = /^(0|[1-9]\d{0,8})$/;

export function offsetCursor(offset: number): string {
  return Buffer.from(`${cursorPrefix}${offset}`).toString('base64url');
}

function parseCursor(cursor: string): number {
  const text = decodeOpaque(cursor) ?? '';
  const offset = text.startsWith(cursorPrefix) ? text.slice(cursorPrefix.length) : '';
  if (!cursorPositionPattern.test(offset)) throw badUserInput(`Invalid cursor "${cursor.slice(0, 40)}"`, 'after');
  return Number(offset);
}

/** Validates `first`/`after` before any Atlas call. */
export function connectionWindow(args: ConnectionArgs): Window {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`"first" must be between 1 and ${MAX_PAGE_SIZE}`, 'first');
  }
  const start = args.after ? parseCursor(args.after) + 1 : 0;
  return { start, first };
}

/** Loads the pages a window needs and cuts the window out of them. */
export function loadConnection<T>(
  args: ConnectionArgs,
  loadPage: (page: PageRequest) => Promise<AtlasPage<T>>,
): Promise<Connection<T>> {
  return loadWindow(connectionWindow(args), loadPage);
}

/** Loads the pages a window of positions needs and cuts the window out of them. */
export async function loadWindow<T>(
  window: Window,
  loadPage: (page: PageRequest) => Promise<AtlasPage<T>>,
): Promise<Connection<T>> {
  const plan = planPages(window);
  const pages = await allAtOnce(plan, loadPage);
  const firstPage = plan[0];
  if (!firstPage) throw new Error('planPages returned no page');
  const pageStart = (firstPage.pageNum - 1) * firstPage.itemsPerPage;
  // Almost every window is one page: its results as they are (flatMap copies, and is slow in V8).
  const all = pages.length === 1 ? (pages[0]?.results ?? []) : pages.flatMap((page) => page.results);
  const from = window.start - pageStart;
  const items = from === 0 && window.first >= all.length ? all : all.slice(from, from + window.first);
  const lastPage = pages[pages.length - 1];
  const totalCount = lastPage?.totalCount ?? null;
  const end = window.start + items.length;
  // Atlas's count is an estimate (notes §5): whether more follow is read from the items fetched past the
  // window, or from the last page's `next` link, never from the count.
  const hasNextPage = items.length === window.first && (end < pageStart + all.length || lastPage?.hasNext === true);
  return { items, start: window.start, totalCount, hasNextPage };
}

/** Field resolvers shared by every connection type. */
export const connectionFields = {
  edges: <T>(c: Connection<T>): Edge<T>[] => c.items.map((node, i) => ({ cursor: offsetCursor(c.start + i), node })),
  nodes: <T>(c: Connection<T>): T[] => c.items,
  totalCount: <T>(c: Connection<T>): number | null => c.totalCount,
  pageInfo: <T>(c: Connection<T>) => ({
    hasNextPage: c.hasNextPage,
    // Items precede the page when it starts past the first and the list has any (not when it is empty).
    hasPreviousPage: c.start > 0 && (c.items.length > 0 || (c.totalCount ?? 0) > 0),
    startCursor: c.items.length ? offsetCursor(c.start) : null,
    endCursor: c.items.length ? offsetCursor(c.start + c.items.length - 1) : null,
  }),
};
