/**
 * The loaders of one resource for one unit of work, and the planning that keeps Atlas calls at the
 * minimum the data allows (Atlas has no multi-get):
 *
 * - **Pages.** Windows asked of the same list in one batch (a card showing 3 items and a table showing
 *   10) are merged and served by the fewest Atlas pages that cover them (src/graph/pagination.ts picks
 *   the pages), then cut back into the windows asked for.
 * - **Lookups** are grouped by the list their item belongs to. A page of that list already fetched (or
 *   in flight) in this unit of work answers what it holds; two or more keys left walk the list (pages of
 *   500) while that costs fewer calls than single GETs; the rest are single GETs. Listed items are
 *   found by id when a lookup asks (not primed one by one: most are never looked up). A key missing
 *   from a list walked to its end is answered 404 without a GET.
 *
 * Keys are objects; the cache key is the Atlas path, so the same resource asked twice costs one call.
 */
import DataLoader from 'dataloader';
import type { AtlasClient } from '../atlas/client.js';
import { AtlasApiError } from '../atlas/errors.js';
import type { AtlasPage, PageRequest } from '../atlas/types.js';

export { isLastPage } from './pages.js';
import { ATLAS_MAX_PAGE_SIZE, allAtOnce, isLastPage, planPages } from './pages.js';
import {
  itemPath,
  keyId,
  listedId,
  listFilters,
  listPath,
  parentKey,
  resources,
  stamp,
  type ItemKey,
  type ResourceEntry,
  type ListKey,
  type ResourceModels,
  type ResourceName,
} from './resources.js';

/** Lists are walked in Atlas's largest pages: the fewest calls. */
const WALK_PAGE_SIZE = ATLAS_MAX_PAGE_SIZE;

export type Paged<K> = K & PageRequest;

/** Loads one resource by key; resolvers call only `load`. */
export interface ItemLoader<K, V> {
  load(key: K): Promise<V>;
  /**
   * What the pages of the item's list asked for in this unit of work (settled or in flight) say of it,
   * without a call: the item when one of them lists it; null when they hold the whole list and it is not
   * in it; undefined when they cannot tell.
   */
  known(key: K): Promise<V | null | undefined>;
}

/** Loads pages of a list. */
export interface PageLoader<PK, V> {
  load(key: Paged<PK>): Promise<AtlasPage<V>>;
  /** Every item of the list under `key`, if this unit of work has already read it to its end; else undefined. */
  knownWholeList(key: PK): Promise<V[] | undefined>;
}

export interface ResourceLoaders<N extends ResourceName> {
  item: ItemLoader<ItemKey<N>, ResourceModels[N]>;
  page: PageLoader<ListKey<N>, ResourceModels[N]>;
  /** Forgets an item and every page of its list (after a write changed them). */
  invalidate(key: ItemKey<N>): void;
  /** Forgets every page of a list, filtered or not (after a write added an item to it). */
  invalidateList(key: ListKey<N>): void;
}

/** Counts what resolvers ask for, so a response can report what batching saved. */
export interface LoadCounter {
  requested: number;
}

/**
 * Settles every key on its own, as a DataLoader batch answers: one failing key gets its own Error, and rejects
 * only its own load.
 */
export function settle<K, V>(keys: readonly K[], fetch: (key: K) => Promise<V>): Promise<(V | Error)[]> {
  return allAtOnce(keys, (key) => fetch(key).catch(asError));
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * What Atlas answers for an id its complete list does not contain (as a GET would: 404). Its own class
 * because it says less than a GET's 404: a deployment name missing from the dedicated list may still be a
 * Flex cluster's, where the cluster API would have answered 400 (./deployments.ts).
 */
export class NotInListError extends AtlasApiError {}

export function notInList(name: ResourceName): AtlasApiError {
  return new NotInListError(
    resources[name].get,
    404,
    'RESOURCE_NOT_FOUND',
    'Not Found',
    undefined,
    undefined,
    undefined,
  );
}

/**
 * Atlas's answer for endpoints it has retired: 410 (the documented one); from the retirement day, also a 404
 * of Atlas's own (an ApiError body) that names no missing project. Before that day a 404 is what it says.
 */
function isRetired(error: unknown, retiringFrom: string): boolean {
  if (!(error instanceof AtlasApiError)) return false;
  if (error.status === 410) return true;
  return (
    error.status === 404 &&
    Date.now() >= Date.parse(retiringFrom) &&
    error.errorCode !== 'GROUP_NOT_FOUND' &&
    !error.errorCode.startsWith('HTTP_')
  );
}

/**
 * `compute` of an object, computed once per object. Loader keys are made per resolver call and read several
 * times in one unit of work; what is derived from them (paths, cache keys, a page's index) is kept with them.
 */
function oncePerObject<K extends object, T extends NonNullable<unknown>>(compute: (key: K) => T): (key: K) => T {
  const computed = new WeakMap<K, T>();
  return (key) => {
    let value = computed.get(key);
    if (value === undefined) computed.set(key, (value = compute(key)));
    return value;
  };
}

/** A list without paging, as one read answered it; `complete` unless Atlas said there was more. */
interface WholeList<V> {
  results: V[];
  totalCount: number | undefined;
  complete: boolean;
}

interface KnownPage<PK, V> {
  key: Paged<PK>;
  result: Promise<AtlasPage<V>>;
}

export function resourceLoaders<N extends ResourceName>(
  name: N,
  client: AtlasClient,
  counter: LoadCounter,
): ResourceLoaders<N> {
  type K = ItemKey<N>;
  type PK = ListKey<N>;
  type V = ResourceModels[N];
  const { get, list } = resources[name];

  // Each key's path is built once (and checked against the spec's patterns once): it is the loader's
  // cache key, the coalescing key's core and the invalidation prefix.
  const pathOfItem = oncePerObject((key: K) => itemPath(name, key));
  const pathOfList = oncePerObject((key: PK) => listPath(name, key));
  /** A list's identity with its filters: windows of the same filtered list can share pages. */
  const filtered = (resources[name] as { filters?: readonly string[] }).filters !== undefined;
  const listIdentity = oncePerObject((key: PK) => {
    // Most lists have no filters, and need no query string built.
    if (!filtered) return `${pathOfList(key)}?`;
    const query = new URLSearchParams();
    for (const [filter, value] of Object.entries(listFilters(name, key)))
      if (value !== undefined) query.set(filter, value);
    return `${pathOfList(key)}?${query.toString()}`;
  });
  // A page load reads its key five times (loader cache, batch, known pages); one string read again keeps
  // its hash for every map it meets.
  const pageCacheKey = oncePerObject(
    (key: Paged<PK>) => `${listIdentity(key)}&pageNum=${key.pageNum}&itemsPerPage=${key.itemsPerPage}`,
  );
  const isUnfiltered = (key: PK) =>
    !filtered || Object.values(listFilters(name, key)).every((value) => value === undefined);

  const retiring: string | undefined = (resources[name] as ResourceEntry).retiring;

  async function fetchItem(key: K): Promise<V> {
    try {
      return stamp(name, key, await client.get(get, pathOfItem(key)));
    } catch (error) {
      throw retiring && isRetired(error, retiring) ? notInList(name) : error;
    }
  }

  // Lists without paging parameters, read whole once per unit of work (by path): their pages are cut from it.
  const unpaged = (resources[name] as ResourceEntry).unpaged === true;
  const wholeLists = new Map<string, Promise<WholeList<V>>>();

  function readWhole(key: PK): Promise<WholeList<V>> {
    const path = pathOfList(key);
    let whole = wholeLists.get(path);
    if (!whole) {
      whole = client.listWhole(list, path).then(
        ({ results, totalCount, complete }) => ({
          results: results.map((item) => stamp(name, key, item)),
          totalCount,
          complete,
        }),
        (error: unknown) => {
          if (!retiring || !isRetired(error, retiring)) throw error;
          return { results: [], totalCount: 0, complete: true };
        },
      );
      wholeLists.set(path, whole);
    }
    return whole;
  }

  /** The whole read of `key`'s list already made in this unit of work, once settled; undefined if none (or it failed). */
  function wholeReadSoFar(key: PK): Promise<WholeList<V> | undefined> | undefined {
    return wholeLists.get(pathOfList(key))?.catch(() => undefined);
  }

  function pageOfWhole(key: Paged<PK>): Promise<AtlasPage<V>> {
    return readWhole(key).then(({ results, totalCount, complete }) => {
      const start = (key.pageNum - 1) * key.itemsPerPage;
      const end = start + key.itemsPerPage;
      return {
        results: results.slice(start, end),
        totalCount: totalCount ?? results.length,
        // An answer Atlas said was not whole: the page holding its last item has more after it.
        hasNext: results.length > end || (!complete && start < results.length),
        pageNum: key.pageNum,
        itemsPerPage: key.itemsPerPage,
      };
    });
  }

  /**
   * Lookups in a list without paging: one read answers them all, however long the list (a walk's cost model
   * counts pages of 500). A key not in a whole answer does not exist; in an answer Atlas said was cut short,
   * it gets its own GET.
   */
  async function loadFromWhole(parent: PK, keys: K[]): Promise<Map<string, V | Error>> {
    const whole = await readWhole(parent).catch(() => undefined); // the GETs below report each key's own error
    const listed = whole ? indexOf(whole) : undefined;
    const settled = new Map<string, V | Error>();
    const rest: K[] = [];
    for (const key of keys) {
      const value = listed?.get(idOf(key));
      if (value !== undefined) settled.set(pathOfItem(key), value);
      else if (whole?.complete) settled.set(pathOfItem(key), notInList(name));
      else rest.push(key);
    }
    const fetched = await settle(rest, fetchItem);
    rest.forEach((key, i) => {
      const value = fetched[i];
      if (value !== undefined) settled.set(pathOfItem(key), value);
    });
    return settled;
  }

  async function fetchPage(key: Paged<PK>): Promise<AtlasPage<V>> {
    if (unpaged) return pageOfWhole(key);
    let page: AtlasPage<Record<string, unknown>>;
    try {
      page = await client.list(list, pathOfList(key), key, listFilters(name, key));
    } catch (error) {
      if (!retiring || !isRetired(error, retiring)) throw error;
      page = { results: [], totalCount: 0, hasNext: false, pageNum: key.pageNum, itemsPerPage: key.itemsPerPage };
    }
    for (const item of page.results) stamp(name, key, item);
    // Stamped in place: the results are now the resource's models.
    return page as AtlasPage<V>;
  }

  // Every page asked for in this unit of work, by list path (filters included in the page key), so
  // lookups can be answered from pages fetched or still in flight.
  const pagesByList = new Map<string, Map<string, KnownPage<PK, V>>>();

  /** Serves the windows asked of one list by the fewest pages that cover them, then cuts each back out. */
  async function fetchWindows(keys: readonly Paged<PK>[]): Promise<(AtlasPage<V> | Error)[]> {
    const windows = keys.map((key) => ({
      key,
      start: (key.pageNum - 1) * key.itemsPerPage,
      end: key.pageNum * key.itemsPerPage,
    }));
    const spans: { start: number; end: number }[] = [];
    for (const w of [...windows].sort((a, b) => a.start - b.start)) {
      const last = spans[spans.length - 1];
      if (last && w.start <= last.end && Math.max(last.end, w.end) - last.start <= WALK_PAGE_SIZE)
        last.end = Math.max(last.end, w.end);
      else spans.push({ start: w.start, end: w.end });
    }
    const base = keys[0];
    if (!base) return [];
    const covered = await Promise.all(
      spans.map(async (span) => {
        const plan = planPages({ start: span.start, first: span.end - span.start });
        const pages = await allAtOnce(plan, (page) => fetchPage({ ...base, ...page }));
        const first = plan[0] ?? { pageNum: 1, itemsPerPage: span.end - span.start };
        return { span, from: (first.pageNum - 1) * first.itemsPerPage, pages };
      }),
    ).catch(asError);
    if (covered instanceof Error) return keys.map(() => covered);
    return windows.map((w) => {
      const cover = covered.find(({ span }) => w.start >= span.start && w.end <= span.end);
      if (!cover) return new Error('window was not planned');
      const items = cover.pages.flatMap((page) => page.results);
      const lastPage = cover.pages[cover.pages.length - 1];
      const results = items.slice(w.start - cover.from, w.end - cover.from);
      const through = cover.from + items.length;
      return {
        results,
        totalCount: lastPage?.totalCount,
        // More items after this window: fetched already, or announced by the covering page.
        hasNext: through > w.end || (through >= w.end && lastPage?.hasNext === true),
        pageNum: w.key.pageNum,
        itemsPerPage: w.key.itemsPerPage,
      };
    });
  }

  // Created on first use: most operations touch a few resources, and every request builds this set.
  let pagesLoader: DataLoader<Paged<PK>, AtlasPage<V>, string> | undefined;
  let itemsLoader: DataLoader<K, V, string> | undefined;
  const pages = () =>
    (pagesLoader ??= new DataLoader<Paged<PK>, AtlasPage<V>, string>(
      async (keys) => {
        const byList = new Map<string, Paged<PK>[]>();
        for (const key of keys) {
          const identity = listIdentity(key);
          const group = byList.get(identity);
          if (group) group.push(key);
          else byList.set(identity, [key]);
        }
        const answers = new Map<string, AtlasPage<V> | Error>();
        await allAtOnce([...byList.values()], async (group) => {
          const results = group.length === 1 ? await settle(group, fetchPage) : await fetchWindows(group);
          group.forEach((key, i) => {
            const result = results[i];
            if (result === undefined) return;
            answers.set(pageCacheKey(key), result);
          });
        });
        return keys.map((key) => answers.get(pageCacheKey(key)) ?? new Error('page was not planned'));
      },
      { cacheKeyFn: pageCacheKey },
    ));

  function loadPage(key: Paged<PK>): Promise<AtlasPage<V>> {
    const result = pages().load(key);
    const listKey = pathOfList(key);
    const known = pagesByList.get(listKey) ?? new Map<string, KnownPage<PK, V>>();
    known.set(pageCacheKey(key), { key, result });
    pagesByList.set(listKey, known);
    return result;
  }

  // Each page's items by their id within the list, built once per page, when a lookup first reads it
  // (most listed items are never looked up, so none of them gets a path or a loader entry of its own).
  // A whole read of an unpaged list is indexed the same way.
  const indexOf = oncePerObject((page: { results: V[] }) => {
    const index = new Map<string, V>();
    for (const value of page.results) {
      const id = listedId(name, value);
      if (id !== undefined) index.set(id, value);
    }
    return index;
  });
  // A key is matched against every page of its list, and again after each page a walk reads.
  const idOf = oncePerObject((key: K) => keyId(name, key));

  /** Settles the keys found in pages of `list` already asked for; returns the total when one is known. */
  async function answerFromPages(list: string, wanted: Map<string, K>, found: Map<string, V>) {
    let total: number | undefined;
    for (const page of pagesByList.get(list)?.values() ?? []) {
      const result = await page.result.catch(() => undefined);
      if (!result) continue;
      if (isUnfiltered(page.key) && result.totalCount !== undefined) total = result.totalCount;
      const index = indexOf(result);
      for (const [path, key] of wanted) {
        const listed = index.get(idOf(key));
        if (listed) found.set(path, listed);
      }
    }
    return total;
  }

  /** Plans one parent's lookups: known pages, then a list walk while it is cheaper, then single GETs. */
  async function loadUnderParent(parent: PK, keys: K[]): Promise<Map<string, V | Error>> {
    const listKey = pathOfList(parent);
    if (unpaged && (keys.length >= 2 || wholeLists.has(listKey))) return loadFromWhole(parent, keys);
    const only = keys[0];
    if (keys.length === 1 && only !== undefined && !pagesByList.has(listKey)) {
      // The common single lookup with nothing to plan: one GET.
      const [value] = await settle([only], fetchItem);
      return new Map(value === undefined ? [] : [[pathOfItem(only), value]]);
    }
    const wanted = new Map(keys.map((key) => [pathOfItem(key), key]));
    const found = new Map<string, V>();
    let total = await answerFromPages(listKey, wanted, found);
    const missing = () => [...wanted].filter(([path]) => !found.has(path));
    // Set when this walk read the list from its first page to its last: a key not in it does not exist.
    let walkedWholeList = false;
    for (let pageNum = 1; missing().length >= 2; pageNum++) {
      const pagesLeft = total === undefined ? Infinity : Math.ceil(total / WALK_PAGE_SIZE) - (pageNum - 1);
      // Walk on only while the rest of the list costs fewer calls than the keys still missing.
      if (pagesLeft <= 0 || (total !== undefined && pagesLeft >= missing().length)) break;
      let result: AtlasPage<V>;
      try {
        result = await loadPage({ ...parent, pageNum, itemsPerPage: WALK_PAGE_SIZE });
      } catch {
        break; // the single GETs below report each key's own error
      }
      total = result.totalCount ?? total;
      await answerFromPages(listKey, wanted, found);
      if (isLastPage(result)) {
        walkedWholeList = true;
        break;
      }
    }
    const settled = new Map<string, V | Error>(found);
    const rest = missing();
    if (walkedWholeList) {
      // A GET would only confirm the 404; answer it without the call.
      for (const [path] of rest) settled.set(path, notInList(name));
      return settled;
    }
    const fetched = await settle(rest, ([, key]) => fetchItem(key));
    rest.forEach(([path], i) => {
      const value = fetched[i];
      if (value !== undefined) settled.set(path, value);
    });
    return settled;
  }

  const items = () =>
    (itemsLoader ??= new DataLoader<K, V, string>(
      async (keys) => {
        const byParent = new Map<string, { parent: PK; keys: K[] }>();
        for (const key of keys) {
          const parent = parentKey(name, key);
          const group = byParent.get(pathOfList(parent)) ?? { parent, keys: [] };
          group.keys.push(key);
          byParent.set(pathOfList(parent), group);
        }
        const answers = new Map<string, V | Error>();
        await allAtOnce([...byParent.values()], async ({ parent, keys: group }) => {
          for (const [path, value] of await loadUnderParent(parent, group)) answers.set(path, value);
        });
        return keys.map((key) => answers.get(pathOfItem(key)) ?? new Error('lookup was not planned'));
      },
      { cacheKeyFn: pathOfItem },
    ));

  /** The whole list under `key` when pages of it read in this unit of work run from its start to its end. */
  async function knownWholeList(key: PK): Promise<V[] | undefined> {
    if (unpaged) {
      const whole = await wholeReadSoFar(key);
      return whole?.complete ? whole.results : undefined;
    }
    const identity = listIdentity(key);
    const settledPages: AtlasPage<V>[] = [];
    for (const page of pagesByList.get(pathOfList(key))?.values() ?? []) {
      if (listIdentity(page.key) !== identity) continue;
      const result = await page.result.catch(() => undefined);
      if (result) settledPages.push(result);
    }
    // Walk from position 0 through contiguous pages until one is the last.
    const byStart = new Map(settledPages.map((page) => [(page.pageNum - 1) * page.itemsPerPage, page]));
    const whole: V[] = [];
    for (let position = 0; ;) {
      const page = byStart.get(position);
      if (!page) return undefined;
      whole.push(...page.results);
      if (isLastPage(page)) return whole;
      if (page.results.length < page.itemsPerPage) return undefined;
      position += page.itemsPerPage;
    }
  }

  async function known(key: K): Promise<V | null | undefined> {
    const parent = parentKey(name, key);
    if (unpaged) {
      const whole = await wholeReadSoFar(parent);
      if (!whole) return undefined;
      return indexOf(whole).get(idOf(key)) ?? (whole.complete ? null : undefined);
    }
    const listKey = pathOfList(parent);
    if (!pagesByList.has(listKey)) return undefined;
    const path = pathOfItem(key);
    const found = new Map<string, V>();
    await answerFromPages(listKey, new Map([[path, key]]), found);
    const value = found.get(path);
    if (value !== undefined) return value;
    return (await knownWholeList(parent)) ? null : undefined;
  }

  return {
    item: {
      load(key) {
        counter.requested++;
        return items().load(key);
      },
      known,
    },
    page: {
      load(key) {
        counter.requested++;
        return loadPage(key);
      },
      knownWholeList,
    },
    invalidate(key) {
      itemsLoader?.clear(key);
      // Every page of the item's list, filtered or not: the write may have moved it in any of them.
      forgetPages(parentKey(name, key));
    },
    invalidateList: forgetPages,
  };

  function forgetPages(list: PK) {
    const path = pathOfList(list);
    wholeLists.delete(path);
    for (const page of pagesByList.get(path)?.values() ?? []) pagesLoader?.clear(page.key);
    pagesByList.delete(path);
  }
}
