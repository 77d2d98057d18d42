/**
 * Routing a deployment name to its family's endpoints (notes §4.3, §11). A project's deployments are
 * dedicated clusters (`/clusters/{clusterName}`), Flex clusters (`/flexClusters/{name}`) and, until 2027,
 * serverless instances (`/serverless/{name}`), and Atlas answers a name sent to another family's endpoint
 * with a 400 (`CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API`, `CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API`, ...),
 * never with the object. So a lookup whose family is given (`Project.flexCluster(name:)`, a `FlexCluster`
 * id) asks only that family, and one whose family is not (`Project.deployment(name:)`, a Flex restore
 * job's target, a `Deployment` federation reference) asks in this order:
 *
 * 1. what this unit of work already knows: names listed in the pages of the three lists it read
 *    (settled or in flight), what earlier lookups and 400s taught it;
 * 2. the cluster API first: it knows every family, answering 200 for a dedicated cluster, a 400 naming
 *    the family for a Flex cluster or serverless instance, and 404 when the project has no deployment of
 *    that name; then the family the 400 named.
 *
 * What is learnt is kept for the unit of work, so a name costs at most one wrong-family call. A
 * serverless instance migrated to Flex keeps its name (the Flex cluster of that name in the same project
 * is the same deployment): a name lookup answers the Flex cluster.
 */
import { AtlasApiError, isNotFound } from '../atlas/errors.js';
import { NotInListError, notInList, type ItemLoader } from './planner.js';
import type { ClusterKey, ResourceModels } from './resources.js';

/** The resources that are deployments, in the order the graph lists them. */
export const deploymentResources = ['cluster', 'flexCluster', 'serverlessInstance'] as const;
export type DeploymentResource = (typeof deploymentResources)[number];

export function isDeploymentResource(name: string): name is DeploymentResource {
  return (deploymentResources as readonly string[]).includes(name);
}

/** A deployment found by name, with the family (resource) it belongs to. */
export type FoundDeployment = {
  [N in DeploymentResource]: { resource: N; value: ResourceModels[N] };
}[DeploymentResource];

export type DeploymentItemLoaders = { readonly [N in DeploymentResource]: ItemLoader<ClusterKey, ResourceModels[N]> };

/** For each family: the name is in it, is not, or this unit of work does not know yet. */
type Facts = Record<DeploymentResource, boolean | undefined>;

/**
 * Atlas's wrong-family 400s, and the family each names (the cluster API's do). The Flex and serverless
 * APIs' only say the name is not theirs: a dedicated cluster or serverless instance for the Flex API, a
 * dedicated or Flex cluster for the serverless one.
 */
const wrongFamily: Record<string, { is?: DeploymentResource }> = {
  CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API: { is: 'flexCluster' },
  CANNOT_USE_SERVERLESS_INSTANCE_IN_CLUSTER_API: { is: 'serverlessInstance' },
  CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API: {},
  CANNOT_USE_CLUSTER_IN_SERVERLESS_INSTANCE_API: {},
};

/** True when Atlas refused a name because it belongs to another family. */
export function isWrongFamily(error: unknown): error is AtlasApiError {
  return error instanceof AtlasApiError && error.status === 400 && Object.hasOwn(wrongFamily, error.errorCode);
}

/**
 * True when Atlas says no such object is there: 404, or a name of another family (no object of the family
 * asked can be under it).
 */
export function isAbsent(error: unknown): error is AtlasApiError {
  return isNotFound(error) || isWrongFamily(error);
}

const factKey = (key: ClusterKey) => `${key.groupId}/${key.clusterName}`;

export class DeploymentRouter {
  private readonly facts = new Map<string, Facts>();
  /** The Atlas 404 that proved a name missing, answered again to a reference that needs it. */
  private readonly missing = new Map<string, AtlasApiError>();
  private readonly finds = new Map<string, Promise<FoundDeployment | null>>();

  constructor(private readonly loaders: DeploymentItemLoaders) {}

  /**
   * The deployment of family `resource` named by `key`, or null when the project has none of that name
   * in that family (Atlas's 404 or wrong-family 400, or what this unit of work already knows, at no call).
   */
  async load<N extends DeploymentResource>(resource: N, key: ClusterKey): Promise<ResourceModels[N] | null> {
    const facts = await this.learn(key);
    if (facts[resource] === false) return null;
    return this.ask(resource, key);
  }

  /** The deployment of any family named by `key` (a migrated name: its Flex cluster), or null. */
  find(key: ClusterKey): Promise<FoundDeployment | null> {
    const id = factKey(key);
    let found = this.finds.get(id);
    if (!found) this.finds.set(id, (found = this.search(key)));
    return found;
  }

  /** As `find`, for a reference that must exist: Atlas's 404 (NOT_FOUND) when no family has the name. */
  async require(key: ClusterKey): Promise<FoundDeployment> {
    const found = await this.find(key);
    if (found) return found;
    throw this.missing.get(factKey(key)) ?? notInList('cluster');
  }

  /** Forgets what was learnt of a name (after a write created, deleted or migrated a deployment). */
  forget(key: ClusterKey): void {
    const id = factKey(key);
    this.facts.delete(id);
    this.missing.delete(id);
    this.finds.delete(id);
  }

  private async search(key: ClusterKey): Promise<FoundDeployment | null> {
    const facts = await this.learn(key);
    for (;;) {
      const resource = nextToAsk(facts);
      if (!resource) return null;
      // `ask` sets a fact about `resource` whatever the answer, so the loop ends.
      const value = await this.ask(resource, key);
      if (value) return { resource, value } as FoundDeployment;
    }
  }

  /** Asks one family's endpoint (or the pages that already list the name) and records what the answer says. */
  private async ask<N extends DeploymentResource>(resource: N, key: ClusterKey): Promise<ResourceModels[N] | null> {
    const loader: ItemLoader<ClusterKey, ResourceModels[N]> = this.loaders[resource];
    try {
      const value = await loader.load(key);
      this.record(key, resource, true);
      return value;
    } catch (error) {
      if (isNotFound(error)) {
        this.missing.set(factKey(key), error);
        // The cluster API answers 400 for the other families' names: its 404 means no deployment at all.
        // Not so a name missing from a list the planner walked for several lookups: only not in that family.
        const all = resource === 'cluster' && !(error instanceof NotInListError);
        for (const family of all ? deploymentResources : [resource]) this.record(key, family, false);
        return null;
      }
      if (isWrongFamily(error)) {
        const { is } = wrongFamily[error.errorCode] ?? {};
        this.record(key, resource, false);
        if (is) this.record(key, is, true);
        // A migrated name would have answered as Flex: a serverless answer rules Flex out.
        if (is === 'serverlessInstance') this.record(key, 'flexCluster', false);
        return null;
      }
      throw error;
    }
  }

  /** Facts known about a name, with what the pages read so far list (in flight ones included). */
  private async learn(key: ClusterKey): Promise<Facts> {
    // Sibling fields start their list reads in the same tick as this lookup: wait one microtask so a
    // page they ask for counts as known.
    await Promise.resolve();
    const listed = await Promise.all(deploymentResources.map((resource) => this.loaders[resource].known(key)));
    deploymentResources.forEach((resource, i) => {
      const value = listed[i];
      if (value === null) this.record(key, resource, false);
      else if (value !== undefined) this.record(key, resource, true);
    });
    return this.factsOf(key);
  }

  private factsOf(key: ClusterKey): Facts {
    const id = factKey(key);
    let facts = this.facts.get(id);
    if (!facts)
      this.facts.set(id, (facts = { cluster: undefined, flexCluster: undefined, serverlessInstance: undefined }));
    return facts;
  }

  /**
   * Records a fact and what it implies: a project's names are unique across dedicated and Flex clusters
   * and across dedicated clusters and serverless instances; only a migrated serverless instance shares
   * its name with a Flex cluster.
   */
  private record(key: ClusterKey, resource: DeploymentResource, isIn: boolean): void {
    const facts = this.factsOf(key);
    facts[resource] = isIn;
    if (!isIn) return;
    if (resource === 'cluster') facts.flexCluster = facts.serverlessInstance = false;
    else facts.cluster = false;
  }
}

/**
 * Which family to ask next: a known one (Flex before serverless, for a migrated name), else the cluster
 * API (it names the family of any name), else the families not ruled out.
 */
function nextToAsk(facts: Facts): DeploymentResource | undefined {
  if (facts.flexCluster === true) return 'flexCluster';
  if (facts.cluster === true) return 'cluster';
  if (facts.serverlessInstance === true && facts.flexCluster === false) return 'serverlessInstance';
  return deploymentResources.find((resource) => facts[resource] !== false);
}
