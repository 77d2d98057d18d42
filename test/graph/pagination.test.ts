import { describe, expect, it } from 'vitest';
import {
  connectionFields,
  connectionWindow,
  loadConnection,
  offsetCursor,
  planPages,
} from '../../src/graph/pagination.js';
import type { AtlasPage, PageRequest } from '../../src/atlas/types.js';

/**
 * An Atlas-like list of `total` numbered items, paged the way Atlas pages; `estimate` is the `totalCount` it
 * answers (Atlas's count is an estimate, notes §5), the exact count unless given.
 */
function atlasList(total: number, estimate = total) {
  const calls: PageRequest[] = [];
  const load = async (page: PageRequest): Promise<AtlasPage<number>> => {
    calls.push(page);
    const start = (page.pageNum - 1) * page.itemsPerPage;
    const results = Array.from(
      { length: Math.max(0, Math.min(page.itemsPerPage, total - start)) },
      (_, i) => start + i,
    );
    return { results, totalCount: estimate, hasNext: start + page.itemsPerPage < total, ...page };
  };
  return { calls, load };
}

describe('connection windows', () => {
  it('defaults to the first 20 items and validates first', () => {
    expect(connectionWindow({})).toEqual({ start: 0, first: 20 });
    expect(() => connectionWindow({ first: 0 })).toThrow(/between 1 and 500/);
    expect(() => connectionWindow({ first: 501 })).toThrow(/between 1 and 500/);
  });

  it('rejects a cursor that is not ours', () => {
    expect(() => connectionWindow({ after: 'bm9wZQ' })).toThrow(/Invalid cursor/);
    expect(() => connectionWindow({ after: Buffer.from('v1:o:-3').toString('base64url') })).toThrow(/Invalid cursor/);
    // A position the gateway never writes: leading zeros.
    expect(() => connectionWindow({ after: Buffer.from('v1:o:01').toString('base64url') })).toThrow(/Invalid cursor/);
    expect(connectionWindow({ after: Buffer.from('v1:o:0').toString('base64url') })).toEqual({ start: 1, first: 20 });
    expect(connectionWindow({ after: offsetCursor(9), first: 5 })).toEqual({ start: 10, first: 5 });
  });

  // Node's decoder skips what is not base64url: these read as the cursor of offset 2 (`djE6bzoy`).
  it.each(['djE6bzoy!!!', 'djE6bzoy====', 'dj E6bzoy', 'djE6bzoy='])('rejects the altered cursor %s', (after) => {
    expect(connectionWindow({ after: 'djE6bzoy' })).toEqual({ start: 3, first: 20 });
    expect(() => connectionWindow({ after })).toThrow(/Invalid cursor/);
  });
});

describe('planPages', () => {
  it('uses one exact page when the window is aligned', () => {
    expect(planPages({ start: 40, first: 20 })).toEqual([{ pageNum: 3, itemsPerPage: 20 }]);
  });

  it('uses the smallest single page that covers an unaligned window', () => {
    // [5, 15) is covered by page 1 of size 15: items 0..14.
    expect(planPages({ start: 5, first: 10 })).toEqual([{ pageNum: 1, itemsPerPage: 15 }]);
  });

  it('falls back to two pages when no page of at most 500 covers the window', () => {
    expect(planPages({ start: 499, first: 500 })).toEqual([
      { pageNum: 1, itemsPerPage: 500 },
      { pageNum: 2, itemsPerPage: 500 },
    ]);
  });
});

describe('loadConnection', () => {
  it('walks a list across page boundaries without gaps or repeats', async () => {
    const list = atlasList(23);
    const seen: number[] = [];
    let after: string | null = null;
    for (;;) {
      const connection = await loadConnection({ first: 5, after }, list.load);
      seen.push(...connection.items);
      if (!connection.hasNextPage) break;
      after = offsetCursor(connection.start + connection.items.length - 1);
    }
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(list.calls).toHaveLength(5);
  });

  it('cuts an unaligned window out of one page', async () => {
    const list = atlasList(100);
    const connection = await loadConnection({ first: 10, after: offsetCursor(4) }, list.load);
    expect(connection.items).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(connection.totalCount).toBe(100);
    expect(connection.hasNextPage).toBe(true);
    expect(list.calls).toEqual([{ pageNum: 1, itemsPerPage: 15 }]);
  });

  it('returns an empty page past the end', async () => {
    const list = atlasList(3);
    const connection = await loadConnection({ first: 5, after: offsetCursor(10) }, list.load);
    expect(connection.items).toEqual([]);
    expect(connection.hasNextPage).toBe(false);
  });

  // Atlas's count is an estimate: deciding by it, a low one hid the rest of the list, and a high one announced
  // a page that was empty (its endCursor null, so a client passing it as `after` started over: a loop).
  it.each([
    ['under', 3],
    ['over', 7],
  ])('walks the whole list by its next links when the count is %s the truth', async (_, estimate) => {
    const list = atlasList(5, estimate);
    const seen: number[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 5; pages++) {
      const connection = await loadConnection({ first: 3, after }, list.load);
      seen.push(...connection.items);
      expect(connection.totalCount).toBe(estimate);
      if (!connection.hasNextPage) break;
      after = offsetCursor(connection.start + connection.items.length - 1);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(list.calls).toEqual([
      { pageNum: 1, itemsPerPage: 3 },
      { pageNum: 2, itemsPerPage: 3 },
    ]);
  });

  it('says items precede a page only when the list has any', async () => {
    const after = offsetCursor(1);
    const edges = async (total: number) =>
      connectionFields.pageInfo(await loadConnection({ first: 5, after }, atlasList(total).load));
    expect((await edges(0)).hasPreviousPage).toBe(false);
    expect((await edges(1)).hasPreviousPage).toBe(true);
    expect((await edges(4)).hasPreviousPage).toBe(true);
    expect(connectionFields.pageInfo(await loadConnection({ first: 5 }, atlasList(4).load)).hasPreviousPage).toBe(
      false,
    );
  });
});
