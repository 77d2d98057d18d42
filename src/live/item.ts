/**
 * Watching one job or snapshot: each tick GETs it (one call, through the resource table's loaders) and
 * reports it when anything in it changed (its state, a progress count, a finish time), not only its state.
 */
import { isWrongFamily, notInList, type ItemLoader, type Loaders } from '../loaders/index.js';
import type { PollOutcome, PollSource } from './poller.js';
import { watchedState, type WatchedResource } from './states.js';

/** Atlas's `links` carry the server's own URLs, not the object's state. */
const withoutLinks = (key: string, value: unknown) => (key === 'links' ? undefined : value);

export function itemSource(resource: WatchedResource, key: object): PollSource<object> {
  let fingerprint: string | undefined;
  let current: object | undefined;
  return {
    async poll(loaders: Loaders): Promise<PollOutcome<object>> {
      // The key fits the resource (the hub built it from the resource's own key shape).
      const loader: ItemLoader<object, object> = loaders[resource];
      const value = await loader.load(key).catch((error: unknown) => {
        // A name of another family (a Flex cluster's in a cluster-API path): no such job here, as a 404 says,
        // and the stream ends with NOT_FOUND instead of polling a 400 for as long as the client stays.
        throw isWrongFamily(error) ? notInList(resource) : error;
      });
      const print = JSON.stringify(value, withoutLinks);
      const changed = print !== fingerprint;
      fingerprint = print;
      current = value;
      return { values: changed ? [value] : [], final: watchedState(resource, value).terminal };
    },
    current: () => current,
    reset() {
      fingerprint = undefined;
    },
    // Another replica's read of the object: the object itself (Atlas's JSON).
    saved: () => current,
    restore(saved) {
      if (typeof saved !== 'object' || saved === null) return false;
      const print = JSON.stringify(saved, withoutLinks);
      const news = print !== fingerprint;
      fingerprint = print;
      current = saved;
      return news;
    },
  };
}
