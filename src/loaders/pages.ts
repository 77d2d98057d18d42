/**
 * Atlas pages: which `pageNum`/`itemsPerPage` pages cover a window of a list, and when a page is a
 * list's last. Shared by the planner (list walks, merged windows) and the graph's connections.
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
