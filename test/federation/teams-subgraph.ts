/**
 * Fixtures for the federation tests: the SDL our subgraph serves, and a small neighbour subgraph a
 * company would run beside it (teams that own Atlas projects and clusters). The neighbour stores only
 * Atlas ids, as its own database would, and leaves everything else to our subgraph through entity keys.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createGatewayRuntime, useCustomFetch, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { composeServices, compositionHasErrors, type CompositionResult } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { servedSubgraphSdl } from '../../src/graph/schema.js';
import { DEMO } from '../../src/simulator/index.js';

/** Subgraph URLs as the supergraph records them; the federation gateway test routes them itself. */
export const ATLAS_URL = 'http://atlas-backup.subgraph.test/graphql';
export const TEAMS_URL = 'http://teams.subgraph.test/graphql';

/** What `{ _service { sdl } }` returns, as a supergraph build or `rover subgraph introspect` reads it. */
export const servedSdl = (nodeField: boolean): Promise<string> => servedSubgraphSdl({ nodeField });

const link = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@shareable"])';

/**
 * The neighbour. Its stubs use our raw-id keys (`Project.atlasId`, `Cluster.projectId name`), since a
 * team database holds Atlas ids, not our opaque Relay ids. It redeclares our scalars by name; composition
 * merges same-named scalars.
 */
export const teamsTypeDefs = /* GraphQL */ `
  ${link}

  scalar ObjectId
  scalar ClusterName

  type Team @key(fields: "id") {
    id: ID!
    name: String!
    # Items nullable: a project deleted in Atlas (or a cluster replaced by a Flex cluster) resolves to null,
    # which a non-null item would spread to the whole list (through Hive Gateway, to the whole answer).
    atlasProjects: [Project]!
    criticalClusters: [Cluster]!
  }

  type Project @key(fields: "atlasId", resolvable: false) {
    atlasId: ObjectId!
  }

  type Cluster @key(fields: "projectId name", resolvable: false) {
    projectId: ObjectId!
    name: ClusterName!
  }

  type Query {
    teams: [Team!]!
  }
`;

/** The same neighbour, owning Relay's `Query.node` itself (the clash GRAPHQL_NODE_FIELD=false resolves). */
export const teamsWithNodeTypeDefs = /* GraphQL */ `
  ${link}

  interface Node {
    id: ID!
  }

  type Team implements Node @key(fields: "id") {
    id: ID!
    name: String!
  }

  type Query {
    teams: [Team!]!
    node(id: ID!): Node
  }
`;

/** The neighbour with its own paginated list: fine as long as its PageInfo is @shareable like ours. */
export function teamsWithPageInfoTypeDefs(shareable: boolean): string {
  return /* GraphQL */ `
    ${link}

    type Team @key(fields: "id") {
      id: ID!
      name: String!
    }

    type TeamConnection {
      nodes: [Team!]!
      pageInfo: PageInfo!
    }

    type PageInfo ${shareable ? '@shareable' : ''} {
      hasNextPage: Boolean!
      hasPreviousPage: Boolean!
      startCursor: String
      endCursor: String
    }

    type Query {
      teams(first: Int, after: String): TeamConnection!
    }
  `;
}

/** Composes our served SDL with a neighbour, as Hive's registry or `rover supergraph compose` would. */
export function composeWithNeighbour(atlasSdl: string, neighbourSdl: string = teamsTypeDefs): CompositionResult {
  return composeServices([
    { name: 'atlas-backup', typeDefs: parse(atlasSdl), url: ATLAS_URL },
    { name: 'teams', typeDefs: parse(neighbourSdl), url: TEAMS_URL },
  ]);
}

/**
 * A Hive Gateway runtime over our served SDL (with `node`) composed with the teams neighbour; `route`
 * answers its requests to each subgraph URL (the tests send ours over real HTTP to their stack).
 */
export async function startFederationGateway(route: Parameters<typeof useCustomFetch>[0]): Promise<GatewayRuntime> {
  const composition = composeWithNeighbour(await servedSdl(true));
  if (compositionHasErrors(composition)) throw composition.errors[0];
  return createGatewayRuntime({
    supergraph: composition.supergraphSdl,
    logging: false,
    plugins: () => [useCustomFetch(route)],
  });
}

const { payments, analytics, inventory } = DEMO.projects;
const { paymentsProd, paymentsLedger, analyticsWarehouse, inventorySharded } = DEMO.clusters;

interface TeamRecord {
  id: string;
  name: string;
  projectIds: string[];
  clusters: { groupId: string; name: string; id: string }[];
}

/** The neighbour's data: references to the seeded projects and clusters, some shared between teams. */
export const TEAMS: TeamRecord[] = [
  {
    id: 'team-payments',
    name: 'Payments',
    projectIds: [payments.id],
    clusters: [paymentsProd, paymentsLedger],
  },
  {
    id: 'team-data',
    name: 'Data platform',
    projectIds: [analytics.id, inventory.id],
    clusters: [analyticsWarehouse],
  },
  {
    // Shares every project and one cluster with the other teams, so the gateway sees duplicate references.
    id: 'team-sre',
    name: 'SRE',
    projectIds: [payments.id, analytics.id, inventory.id],
    clusters: [inventorySharded, paymentsProd],
  },
];

/** The neighbour subgraph as a yoga server (tests call its `fetch` in-process). */
export function createTeamsSubgraph() {
  const schema = buildSubgraphSchema([
    {
      typeDefs: parse(teamsTypeDefs),
      resolvers: {
        Query: { teams: () => TEAMS },
        Team: {
          __resolveReference: (reference: { id: string }) => TEAMS.find((team) => team.id === reference.id) ?? null,
          atlasProjects: (team: TeamRecord) => team.projectIds.map((atlasId) => ({ atlasId })),
          criticalClusters: (team: TeamRecord) =>
            team.clusters.map((cluster) => ({ projectId: cluster.groupId, name: cluster.name })),
        },
      },
    },
  ]);
  return createYoga({ schema, logging: false, graphiql: false });
}
