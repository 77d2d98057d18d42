// Example Hive Gateway (CLI) configuration for a supergraph that includes the Atlas backup subgraph.
//   npx hive-gateway supergraph --config-path federation/hive-gateway.config.ts
// An example for the team that runs the supergraph: it is outside this project's tsconfig, and
// @graphql-hive/gateway (the CLI package) is not a dependency here.
import { defineConfig } from '@graphql-hive/gateway';

const atlasBackup = 'atlas-backup'; // the subgraph's name in supergraph.yaml

export const gatewayConfig = defineConfig({
  // Composed from supergraph.yaml (see supergraph-howto.md); or point at Hive's CDN instead.
  supergraph: './supergraph.graphql',
  // One query can fan out into dozens of Atlas calls; the subgraph gives up at ATLAS_DEADLINE_MS
  // (25 s by default), so wait a little longer than that for it.
  upstreamTimeout: ({ subgraphName }) => (subgraphName === atlasBackup ? 30_000 : undefined),
  // No upstreamRetry for this subgraph: it already retries Atlas itself (ATLAS_MAX_RETRIES), and a
  // retry here would repeat every Atlas call of the operation.
  propagateHeaders: {
    // Only with ATLAS_AUTH_MODE=forward: each caller's Atlas token goes to this subgraph, and only to it.
    fromClientToSubgraphs: ({ request, subgraphName }) =>
      subgraphName === atlasBackup ? { authorization: request.headers.get('authorization') } : {},
  },
});
