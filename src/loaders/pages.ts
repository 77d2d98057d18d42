/**
 * Atlas pages: which `pageNum`/`itemsPerPage` pages cover a window of a list, when a page is a list's last,
 * and loading several at once. Shared by the planner (list walks, merged windows) and the graph's connections.
 */
import type { AtlasPage, PageRequest } from '../atlas/types.js';

/** Atlas's largest `itemsPerPage`: the cheapest way to walk a list, and the most a connection serves. */
export const ATLAS_MAX_PAGE_SIZE = 500;

/** Positions [start, start + first) of a list. */
export interface Window {
  start: number;
  first: number;
}

/**
 * The Atlas pages that cover a window, fewest calls first, then least over-fetch: the one page that
 * covers it when one exists (the smallest such page size), otherwise the two pages of size `first`.
 */
export function planPages(window: Window): PageRequest[] {
  const { start, first } = window;
  const last = start + first - 1;
  for (let size = first; size <= ATLAS_MAX_PAGE_SIZE; size++) {
    if (Math.floor(start / size) === Math.floor(last / size)) {
      return [{ pageNum: Math.floor(start / size) + 1, itemsPerPage: size }];
    }
  }
  return [
    { pageNum: Math.floor(start / first) + 1, itemsPerPage: first },
    { pageNum: Math.floor(last / first) + 1, itemsPerPage: first },
  ];
}

/**
 * The one end-of-list rule: a page is a list's last when Atlas links no next page and the page is not
 * full (a full page without a `next` link may still be followed by items Atlas did not announce).
 */
export function isLastPage(page: AtlasPage<unknown>): boolean {
  return !page.hasNext && page.results.length < page.itemsPerPage;
}

/**
 * `run` on every item at once, its answers in the items' order (as Promise.all). Almost every window is one
 * page, and almost every planner batch one list or one parent: that one runs without the promises Promise.all
 * makes around it.
 */
export function allAtOnce<T, R>(items: readonly T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const [only] = items;
  return items.length === 1 && only !== undefined ? run(only).then(alone) : Promise.all(items.map(run));
}

const alone = <R>(value: R): R[] => [value];
