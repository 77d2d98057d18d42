/**
 * Benchmark servers, one per process, on 127.0.0.1. MODE=gateway serves this project's gateway with
 * its production features on (per-request loaders, planner, coalescing, budget, error mapping);
 * MODE=handwritten serves the smallest reasonable graphql-yoga + undici server that answers the same
 * single-resource question with the same Atlas call, as the baseline. Prints one JSON line: { url }.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema as yogaSchema, createYoga } from 'graphql-yoga';
import { Agent } from 'undici';

// The gateway runs as production runs it: compiled by tsc (bench/run.ts builds dist/ first), not
// transpiled on the fly, which adds per-closure helpers to every function the request path creates.
type GatewayModule = typeof import('../src/server/gateway.js');
const dist = (file: string) => new URL(`../dist/${file}`, import.meta.url).href;
const { createGateway } = (await import(dist('server/gateway.js'))) as GatewayModule;

const upstream = process.env['UPSTREAM_URL'] ?? '';
const mode = process.env['MODE'];

function handwritten() {
  const agent = new Agent({ connections: 32, keepAliveTimeout: 10_000 });
  return createYoga({
    graphqlEndpoint: '/graphql',
    graphiql: false,
    schema: yogaSchema({
      typeDefs: /* GraphQL */ `
        type RestoreJob {
          id: ID!
          deliveryType: String!
          finishedAt: String
        }
        type Query {
          restoreJob(groupId: String!, clusterName: String!, id: String!): RestoreJob
        }
      `,
      resolvers: {
        Query: {
          async restoreJob(_: unknown, args: { groupId: string; clusterName: string; id: string }) {
            const path = `/api/atlas/v2/groups/${args.groupId}/clusters/${args.clusterName}/backup/restoreJobs/${args.id}`;
            const response = await agent.request({
              origin: upstream,
              path,
              method: 'GET',
              headers: { accept: 'application/vnd.atlas.2023-01-01+json', authorization: 'Bearer bench-token' },
            });
            return response.body.json();
          },
        },
      },
    }),
  });
}

const handler =
  mode === 'handwritten'
    ? handwritten()
    : createGateway({
        atlas: { baseUrl: upstream, auth: { mode: 'token', token: 'bench-token' } },
        graphiql: false,
        callReport: 'never',
      }).yoga;

const server = createServer(handler);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(
    `${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` })}\n`,
  );
});
process.on('message', (message) => {
  // Heap after a full collection: what the process really keeps (the soak checks it stays flat).
  if (message === 'memory') {
    global.gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    process.send?.({ rss, heapUsed });
  }
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
