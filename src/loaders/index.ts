/**
 * Every loader of one unit of work (a GraphQL operation today), built from the resource table: for each
 * resource `r`, `loaders.r` looks items up and `loaders.rPage` reads pages of its lists. Never shared
 * between units of work, so nothing crosses callers. Each resource's loaders are built on first use:
 * an operation touches a few.
 */
import type { AtlasClient } from '../atlas/client.js';
import {
  resourceLoaders,
  type ItemLoader,
  type LoadCounter,
  type PageLoader,
  type ResourceLoaders,
} from './planner.js';
import { resources, type ItemKey, type ListKey, type ResourceModels, type ResourceName } from './resources.js';

export type { ItemLoader, LoadCounter, PageLoader } from './planner.js';

export type Loaders = {
  readonly [N in ResourceName]: ItemLoader<ItemKey<N>, ResourceModels[N]>;
} & {
  readonly [N in ResourceName as `${N}Page`]: PageLoader<ListKey<N>, ResourceModels[N]>;
} & {
  /** Forgets what this unit of work read of an item and of its list, after a write changed them. */
  invalidate<N extends ResourceName>(name: N, key: ItemKey<N>): void;
};

export function createLoaders(client: AtlasClient, counter: LoadCounter = { requested: 0 }): Loaders {
  const built = new Map<ResourceName, ResourceLoaders<ResourceName>>();
  const of = <N extends ResourceName>(name: N): ResourceLoaders<N> => {
    let loaders = built.get(name);
    if (!loaders) built.set(name, (loaders = resourceLoaders(name, client, counter)));
    // The map holds each name's own loaders; the widened value type cannot say so.
    return loaders as ResourceLoaders<N>;
  };
  const loaders: Record<string, unknown> = {
    invalidate(name: ResourceName, key: ItemKey<ResourceName>) {
      built.get(name)?.invalidate(key);
    },
  };
  for (const name of Object.keys(resources) as ResourceName[]) {
    Object.defineProperty(loaders, name, { get: () => of(name).item, enumerable: true });
    Object.defineProperty(loaders, `${name}Page`, { get: () => of(name).page, enumerable: true });
  }
  // Built by the loop above, one getter per name the Loaders type lists.
  return loaders as Loaders;
}
