/**
 * Deployment and BackupSnapshot: one view of a project's deployments across the families Atlas serves at
 * separate endpoints (dedicated clusters, Flex clusters, serverless instances), and the connection that
 * pages through them in one order.
 */
import type { DeploymentFamily, Resolvers } from '../../generated/resolvers-types.js';
import type { GraphQLContext } from '../context.js';
import { badUserInput } from '../errors.js';
import type { Deployment, DeploymentConnection, DeploymentEdge } from '../mappers.js';
import { decodeOpaque, fromGlobalId } from '../ids.js';
import { connectionWindow, cursorPositionPattern, loadWindow, type ConnectionArgs } from '../pagination.js';
import type { DeploymentResource, FoundDeployment, PageLoader } from '../../loaders/index.js';
import { resources, type ClusterKey, type ProjectKey } from '../../loaders/resources.js';
import { ATLAS_MAX_PAGE_SIZE, isLastPage } from '../../loaders/pages.js';
import { loadNode } from './node.js';

/** The families in the order `Project.deployments` lists them, and the resource serving each. */
const familyOrder = ['DEDICATED', 'FLEX', 'SERVERLESS'] as const satisfies readonly DeploymentFamily[];
type Family = (typeof familyOrder)[number];
const resourceOf = {
  DEDICATED: 'cluster',
  FLEX: 'flexCluster',
  SERVERLESS: 'serverlessInstance',
} as const satisfies Record<Family, DeploymentResource>;

/** A deployment found by name, named for the Deployment interface (a copy: loaders share their objects). */
export function asDeployment(found: FoundDeployment | null): Deployment | null {
  if (!found) return null;
  switch (found.resource) {
    case 'cluster':
      return { ...found.value, __typename: 'Cluster' };
    case 'flexCluster':
      return { ...found.value, __typename: 'FlexCluster' };
    case 'serverlessInstance':
      return { ...found.value, __typename: 'ServerlessInstance' };
  }
}

/**
 * The snapshot a deployment's list starts with (Atlas lists snapshots newest first): a page of one, which
 * the planner merges with other windows of the same list asked in the same batch (`snapshots(first:)`).
 */
export async function latestOf<V>(pages: PageLoader<ClusterKey, V>, key: ClusterKey): Promise<V | null> {
  const page = await pages.load({ ...key, pageNum: 1, itemsPerPage: 1 });
  return page.results[0] ?? null;
}

/** Every item of a list: as this unit of work already read it, or walked in Atlas's largest pages. */
async function wholeList<K extends object, V>(pages: PageLoader<K, V>, key: K): Promise<V[]> {
  const known = await pages.knownWholeList(key);
  if (known) return known;
  const items: V[] = [];
  for (let pageNum = 1; ; pageNum++) {
    const page = await pages.load({ ...key, pageNum, itemsPerPage: ATLAS_MAX_PAGE_SIZE });
    items.push(...page.results);
    if (isLastPage(page) || page.results.length === 0) return items;
  }
}

const cursorPrefix = 'v1:d:';

/**
 * A deployment cursor: the family and the position in that family's Atlas list. The last item of a family
 * gets the next family's position -1, so the page after it starts there without asking the finished list again.
 */
function deploymentCursor(family: Family, position: number): string {
  return Buffer.from(`${cursorPrefix}${family}:${position}`).toString('base64url');
}

function parseDeploymentCursor(cursor: string, selected: readonly Family[]): { index: number; position: number } {
  const text = decodeOpaque(cursor) ?? '';
  const parts = text.startsWith(cursorPrefix) ? text.slice(cursorPrefix.length).split(':') : [];
  // Exactly a family and a position: anything more was not written by the gateway.
  const [family, position] = parts.length === 2 ? parts : [];
  const index = selected.findIndex((f) => f === family);
  // -1: before the family's first item (the cursor of the previous family's last edge).
  if (index < 0 || position === undefined || !(position === '-1' || cursorPositionPattern.test(position))) {
    throw badUserInput(`Invalid cursor "${cursor.slice(0, 40)}" for these families`, 'after');
  }
  return { index, position: Number(position) + 1 };
}

interface DeploymentsArgs extends ConnectionArgs {
  families?: readonly DeploymentFamily[] | null;
}

/**
 * A page of a project's deployments: dedicated clusters in Atlas order, then Flex clusters, then serverless
 * instances, of the selected families. Each family's list is read only when the page reaches it; a page
 * that ends at a family's end reads the first item of the next to know whether more follow. A serverless
 * instance with a Flex cluster of the same name was migrated and is listed as that Flex cluster only.
 */
export async function deploymentConnection(
  project: ProjectKey,
  args: DeploymentsArgs,
  { loaders }: GraphQLContext,
): Promise<DeploymentConnection> {
  const { first } = connectionWindow({ first: args.first });
  const selected = familyOrder.filter((family) => !args.families || args.families.includes(family));
  const from = args.after ? parseDeploymentCursor(args.after, selected) : { index: 0, position: 0 };
  const pagesOf = {
    DEDICATED: loaders.clusterPage,
    FLEX: loaders.flexClusterPage,
    SERVERLESS: loaders.serverlessInstancePage,
  } satisfies Record<Family, PageLoader<ProjectKey, unknown>>;
  /** Atlas's count of each family's list, and each whole list a window from position 0 read, from the pages read. */
  const totals = new Map<Family, number | null>();
  const whole = new Map<Family, Deployment[]>();
  let flexNames: Promise<Set<string>> | undefined;
  const migratedNames = () =>
    (flexNames ??= (async () => {
      const flex = whole.get('FLEX') ?? (await wholeList(loaders.flexClusterPage, project));
      return new Set(flex.map((f) => f.name));
    })());

  /**
   * A window of one family's list. The serverless list is read whole, once: it is short (Atlas allows a few
   * dozen instances per project), and its count needs every name anyway (migrated instances do not count).
   */
  async function windowOf(family: Family, start: number, size: number) {
    if (family !== 'SERVERLESS') {
      return loadWindow({ start, first: size }, (page) => pagesOf[family].load({ ...project, ...page }));
    }
    const all = whole.get(family) ?? (await wholeList(pagesOf.SERVERLESS, project));
    whole.set(family, all);
    return { items: all.slice(start, start + size), totalCount: all.length, hasNextPage: start + size < all.length };
  }

  /** A window of one family's list, its items named for the interface, migrated serverless instances left out. */
  async function read(family: Family, start: number, size: number) {
    const window = await windowOf(family, start, size);
    totals.set(family, window.totalCount);
    // The window's own end-of-list answer (Atlas's count) spares reading the list again for its names.
    if (start === 0 && !window.hasNextPage) whole.set(family, window.items);
    const visible: { node: Deployment; offset: number }[] = [];
    const migrated = family === 'SERVERLESS' && window.items.length ? await migratedNames() : new Set<string>();
    window.items.forEach((value, offset) => {
      const found = { resource: resourceOf[family], value } as FoundDeployment;
      const node = asDeployment(found);
      if (node && !migrated.has(node.name)) visible.push({ node, offset });
    });
    return { visible, read: window.items.length, more: window.hasNextPage };
  }

  const edges: DeploymentEdge[] = [];
  let hasNextPage = false;
  families: for (let index = from.index; index < selected.length; index++) {
    const family = selected[index];
    if (!family) break;
    const next = selected[index + 1];
    let position = index === from.index ? from.position : 0;
    for (;;) {
      // A full page only asks whether anything follows: one item. A serverless window reads one item past
      // the page (Atlas's count cannot say whether what follows is all migrated instances), and makes room
      // for the migrated instances it may hold when the Flex names are known already.
      const need = first - edges.length;
      const known = flexNames !== undefined || whole.has('FLEX');
      const room = family === 'SERVERLESS' ? (need > 0 ? 1 : 0) + (known ? (await migratedNames()).size : 0) : 0;
      const window = await read(family, position, Math.min(Math.max(need, 1) + room, ATLAS_MAX_PAGE_SIZE));
      for (const { node, offset } of window.visible) {
        if (edges.length === first) {
          hasNextPage = true;
          break families;
        }
        const last = !window.more && offset === window.read - 1 && next !== undefined;
        edges.push({ node, cursor: last ? deploymentCursor(next, -1) : deploymentCursor(family, position + offset) });
      }
      position += window.read;
      if (!window.more) break;
      // The family has more (a serverless rest may all be migrated instances, so that family peeks).
      if (edges.length === first && family !== 'SERVERLESS') {
        hasNextPage = true;
        break families;
      }
    }
  }

  return {
    edges,
    hasNextPage,
    // A cursor at the list's very start (a first family's -1) has nothing before it, nor has an empty page.
    hasPreviousPage: edges.length > 0 && (from.index > 0 || from.position > 0),
    async totalCount() {
      let sum = 0;
      for (const family of selected) {
        let total = totals.get(family);
        if (total === undefined) {
          // Flex and serverless lists are short, and a serverless count needs the names anyway.
          total =
            family === 'DEDICATED'
              ? ((await pagesOf.DEDICATED.load({ ...project, pageNum: 1, itemsPerPage: 1 })).totalCount ?? null)
              : family === 'FLEX'
                ? (await wholeList(pagesOf.FLEX, project)).length
                : (await wholeList(pagesOf.SERVERLESS, project)).length;
        }
        totals.set(family, total);
        if (total === null) return null;
        sum += total;
      }
      if (selected.includes('SERVERLESS') && (totals.get('SERVERLESS') ?? 1) > 0) {
        const [instances, names] = await Promise.all([
          whole.get('SERVERLESS') ?? wholeList(pagesOf.SERVERLESS, project),
          migratedNames(),
        ]);
        sum -= instances.filter((instance) => names.has(instance.name)).length;
      }
      return sum;
    },
  };
}

export const deploymentResolvers: Resolvers = {
  Deployment: {
    __resolveType: (deployment) => deployment.__typename ?? null,
    __resolveReference: async (reference, context) => {
      if ('projectId' in reference) {
        const key = { groupId: reference.projectId, clusterName: reference.name };
        return asDeployment(await context.loaders.deployments.find(key));
      }
      // A Deployment reference by id: only the ids of the three deployment types.
      const decoded = fromGlobalId(reference.id);
      if (!Object.values(resourceOf).some((resource) => resources[resource].node === decoded.type)) return null;
      return (await loadNode(reference.id, context)) as Deployment | null;
    },
  },
  BackupSnapshot: {
    __resolveType: (snapshot) => snapshot.__typename ?? null,
  },
  DeploymentConnection: {
    edges: (c) => c.edges,
    nodes: (c) => c.edges.map((edge) => edge.node),
    totalCount: (c) => c.totalCount(),
    pageInfo: (c) => ({
      hasNextPage: c.hasNextPage,
      hasPreviousPage: c.hasPreviousPage,
      startCursor: c.edges[0]?.cursor ?? null,
      endCursor: c.edges[c.edges.length - 1]?.cursor ?? null,
    }),
  },
};
