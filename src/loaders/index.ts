/**
 * Every loader of one unit of work (a GraphQL operation today), built from the resource table: for each
 * resource `r`, `loaders.r` looks items up and `loaders.rPage` reads pages of its lists. Never shared
 * between units of work, so nothing crosses callers. Each resource's loaders are built on first use:
 * an operation touches a few.
 */
import type { AtlasClient } from '../atlas/client.js';
import { DeploymentRouter, isDeploymentResource } from './deployments.js';
import {
  resourceLoaders,
  type ItemLoader,
  type LoadCounter,
  type PageLoader,
  type ResourceLoaders,
} from './planner.js';
import {
  clusterSettings,
  resources,
  type ClusterSettingName,
  type ItemKey,
  type ListKey,
  type ResourceEntry,
  type ResourceModels,
  type ResourceName,
} from './resources.js';
import { settingLoader, type SettingLoader } from './settings.js';

export type { ItemLoader, LoadCounter, PageLoader } from './planner.js';
export type { DeploymentResource, FoundDeployment } from './deployments.js';
export { isAbsent, isWrongFamily } from './deployments.js';
export { notInList } from './planner.js';

export type Loaders = {
  readonly [N in ResourceName]: ItemLoader<ItemKey<N>, ResourceModels[N]>;
} & {
  readonly [N in ResourceName as `${N}Page`]: PageLoader<ListKey<N>, ResourceModels[N]>;
} & {
  readonly [S in ClusterSettingName]: SettingLoader<S>;
} & {
  /** Deployment lookups routed to their family's endpoints (./deployments.ts). */
  readonly deployments: DeploymentRouter;
  /** Forgets what this unit of work read of an item and of its list, after a write changed them. */
  invalidate<N extends ResourceName>(name: N, key: ItemKey<N>): void;
  /** Forgets what this unit of work read of a list, after a write added to it. */
  invalidateList<N extends ResourceName>(name: N, key: ListKey<N>): void;
};

/** Each resource's facets (entries with `facetOf`: other views of its items), which a write changes with it. */
const facetsOf = new Map<ResourceName, ResourceName[]>();
for (const name of Object.keys(resources) as ResourceName[]) {
  const of = (resources[name] as ResourceEntry).facetOf as ResourceName | undefined;
  if (of !== undefined) facetsOf.set(of, [...(facetsOf.get(of) ?? []), name]);
}

/** One unit of work's loaders; the getters `r` and `rPage` are defined once, on the prototype, below. */
class LoaderSet {
  private readonly built = new Map<ResourceName, ResourceLoaders<ResourceName>>();
  private readonly settings = new Map<ClusterSettingName, SettingLoader<ClusterSettingName>>();
  private router: DeploymentRouter | undefined;

  constructor(
    private readonly client: AtlasClient,
    private readonly counter: LoadCounter,
  ) {}

  of<N extends ResourceName>(name: N): ResourceLoaders<N> {
    let loaders = this.built.get(name);
    if (!loaders) this.built.set(name, (loaders = resourceLoaders(name, this.client, this.counter)));
    // The map holds each name's own loaders; the widened value type cannot say so.
    return loaders as ResourceLoaders<N>;
  }

  get deployments(): DeploymentRouter {
    return (this.router ??= new DeploymentRouter({
      cluster: this.of('cluster').item,
      flexCluster: this.of('flexCluster').item,
      serverlessInstance: this.of('serverlessInstance').item,
    }));
  }

  setting<S extends ClusterSettingName>(name: S): SettingLoader<S> {
    let loader = this.settings.get(name);
    if (!loader) this.settings.set(name, (loader = settingLoader(name, this.client, this.counter)));
    return loader as SettingLoader<S>;
  }

  invalidate<N extends ResourceName>(name: N, key: ItemKey<N>): void {
    this.built.get(name)?.invalidate(key);
    // A facet's keys are the resource's own (the same scope).
    for (const facet of facetsOf.get(name) ?? []) this.built.get(facet)?.invalidate(key as ItemKey<typeof facet>);
    if (isDeploymentResource(name)) this.router?.forget(key as ItemKey<typeof name>);
  }

  invalidateList<N extends ResourceName>(name: N, key: ListKey<N>): void {
    // The map holds each name's own loaders (see `of`).
    (this.built.get(name) as ResourceLoaders<N> | undefined)?.invalidateList(key);
    for (const facet of facetsOf.get(name) ?? []) {
      (this.built.get(facet) as ResourceLoaders<typeof facet> | undefined)?.invalidateList(key as ListKey<typeof facet>);
    }
  }
}

// Every request builds a LoaderSet: its per-resource getters live on the prototype, defined once here.
for (const name of Object.keys(resources) as ResourceName[]) {
  Object.defineProperty(LoaderSet.prototype, name, {
    get(this: LoaderSet) {
      return this.of(name).item;
    },
  });
  Object.defineProperty(LoaderSet.prototype, `${name}Page`, {
    get(this: LoaderSet) {
      return this.of(name).page;
    },
  });
}

for (const name of Object.keys(clusterSettings) as ClusterSettingName[]) {
  Object.defineProperty(LoaderSet.prototype, name, {
    get(this: LoaderSet) {
      return this.setting(name);
    },
  });
}

export function createLoaders(client: AtlasClient, counter: LoadCounter = { requested: 0 }): Loaders {
  // The prototype loop above gives a LoaderSet every getter the Loaders type lists.
  return new LoaderSet(client, counter) as LoaderSet & Loaders;
}
