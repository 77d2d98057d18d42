/** Query.node / Query.nodes, and the type resolution of the Node and RestoreJob interfaces. */
import type { GraphQLContext } from '../context.js';
import { badUserInput, isGraphQLError } from '../errors.js';
import { fromGlobalId, type DecodedId } from '../ids.js';
import type { ItemLoader } from '../../loaders/index.js';
import { isDeploymentResource } from '../../loaders/deployments.js';
import { resourceOfNode } from '../../loaders/resources.js';
import type { Resolvers, ResolversInterfaceTypes } from '../../generated/resolvers-types.js';
import { orNull } from './atlas-values.js';
import { readServerlessBackup } from './serverless-backup.js';

type NodeModel = ResolversInterfaceTypes<Resolvers>['Node'];

const MAX_NODES = 100;

/** Fetches the object a decoded id names, tagged with its graph type; null when Atlas has no such object. */
async function loadDecoded(decoded: DecodedId, { loaders }: GraphQLContext): Promise<NodeModel | null> {
  const { type, ...key } = decoded;
  const resource = resourceOfNode[type];
  // The decoded key is the resource's own key shape (src/graph/ids.ts checks it against the table's layout).
  const loader: ItemLoader<object, object> = loaders[resource];
  // A deployment id names its family; the router answers null, not an error, when Atlas says the name
  // is another family's (a dedicated cluster that became Flex, a forged id) and skips names it knows are.
  const found = isDeploymentResource(resource)
    ? await loaders.deployments.load(resource, key as { groupId: string; clusterName: string })
    : decoded.type === 'ServerlessSnapshot'
      ? // Since the sunset, its error names the instance's Flex successor, as the instance's own fields' do.
        await readServerlessBackup(
          { groupId: decoded.groupId, name: decoded.clusterName },
          loaders,
          orNull(loader.load(key)),
        )
      : await orNull(loader.load(key));
  return found && ({ ...found, __typename: type } as NodeModel);
}

/** Loads the object behind a global id, or null. A malformed id is BAD_USER_INPUT before any call. */
export function loadNode(id: string, context: GraphQLContext): Promise<NodeModel | null> {
  return loadDecoded(fromGlobalId(id), context);
}

/**
 * Resolves a federation reference by global id, checking the id names the expected type
 * (a Snapshot id sent as a Cluster reference resolves to null).
 */
export async function resolveEntity<T extends NodeModel['__typename']>(
  id: string,
  type: T,
  context: GraphQLContext,
): Promise<Extract<NodeModel, { __typename?: T }> | null> {
  const decoded = fromGlobalId(id);
  if (decoded.type !== type) return null;
  const node = await loadDecoded(decoded, context);
  return node as Extract<NodeModel, { __typename?: T }> | null;
}

export const nodeResolvers: Resolvers = {
  Query: {
    node: (_, { id }, context) => loadNode(id, context),
  },
  Node: {
    __resolveType: (node) => node.__typename ?? null,
  },
  RestoreJob: {
    __resolveType: (job) => job.__typename ?? null,
  },
};

/**
 * Query.nodes returns one promise per id so that one failing object nulls only its own entry
 * (graphql-js completes list items separately). The generated resolver type has no slot for a list of
 * promises of nullable items, so this field is typed here by hand.
 */
export const nodeListResolvers = {
  Query: {
    nodes(_: unknown, { ids }: { ids: string[] }, context: GraphQLContext): Promise<NodeModel | null>[] {
      if (ids.length > MAX_NODES) throw badUserInput(`"ids" takes at most ${MAX_NODES} ids`, 'ids');
      // Decode every id before loading any, so one malformed id costs no Atlas call at all.
      const decoded = ids.map((id, index) => {
        try {
          return fromGlobalId(id);
        } catch (error) {
          // The same refusal, naming this field's argument and which of its ids.
          throw isGraphQLError(error) ? badUserInput(error.message, 'ids', { index }) : error;
        }
      });
      return decoded.map((d) => loadDecoded(d, context));
    },
  },
};
