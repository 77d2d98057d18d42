/**
 * Benchmark servers, one per process, on 127.0.0.1. MODE=gateway serves this project's gateway with
 * its production features on (per-request loaders, planner, coalescing, budget, error mapping);
 * MODE=handwritten serves the smallest reasonable graphql-yoga + undici server that answers the same
 * single-resource question with the same Atlas call, as the baseline. Prints one JSON line: { url }.
 * FEATURES (default `plain`) are bench/in-process.ts's features, with OTLP_URL for tracing: part e and f and the
 * profile then run the gateway that bench:paired and bench:against-base run. RECORDED_ANSWERS=<file> makes the
 * gateway answer Atlas calls from memory (bench/recorded.ts).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema as yogaSchema, createYoga } from 'graphql-yoga';
import { Agent } from 'undici';
import type { ProfileCommand } from './inspect.js';
import { BENCH_TOKEN } from './credential.js';

// The gateway runs as production runs it: compiled by tsc (bench/run.ts builds dist/ first), not
// transpiled on the fly, which adds per-closure helpers to every function the request path creates; and
// without source maps (tsx, which runs this file, turns them on; `node dist/index.js` has them off).
process.setSourceMapsEnabled(false);
type GatewayModule = typeof import('../src/server/gateway.js');
type OptionalPartsModule = typeof import('../src/server/optional-parts.js');
const dist = (file: string) => new URL(`../dist/${file}`, import.meta.url).href;

const upstream = process.env['UPSTREAM_URL'] ?? '';
const mode = process.env['MODE'];
// Only the gateway process loads the gateway's modules: the hand-written baseline holds nothing of them
// (they weigh tens of MiB of heap, GraphiQL's bundle included, which would inflate the baseline's RSS).
const gateway = async () => {
  const { createGateway } = (await import(dist('server/gateway.js'))) as GatewayModule;
  // Here too, not at the top: bench/in-process.ts brings pino, which the baseline does not use.
  const { gatewayOptionsFor } = await import('./in-process.js');
  const options = gatewayOptionsFor(process.env['FEATURES'] || 'plain', upstream, process.env['OTLP_URL']);
  // RECORDED_ANSWERS=<file>: Atlas answers from memory instead of UPSTREAM_URL (bench/recorded.ts).
  const recorded = process.env['RECORDED_ANSWERS'];
  if (recorded) options.atlas.dispatcher = (await import('./recorded-atlas.js')).RecordedAtlas.fromFile(recorded);
  const { loadOptionalParts } = (await import(dist('server/optional-parts.js'))) as OptionalPartsModule;
  await loadOptionalParts(options);
  return createGateway(options).yoga;
};

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
              headers: { accept: 'application/vnd.atlas.2023-01-01+json', authorization: `Bearer ${BENCH_TOKEN}` },
            });
            return response.body.json();
          },
        },
      },
    }),
  });
}

const handler = mode === 'handwritten' ? handwritten() : await gateway();

const server = createServer(handler);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(
    `${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` })}\n`,
  );
});
process.on('message', (message: unknown) => {
  // Heap after a full collection: what the process really keeps (the soak checks it stays flat).
  if (message === 'memory') {
    global.gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    process.send?.({ rss, heapUsed });
  }
  // This process's CPU time so far (user and system, microseconds): bench part e reads it before and
  // after a batch of operations, so the figure is the server's own work, whatever the client costs.
  if (message === 'cpu') process.send?.(process.cpuUsage());
  // Profiling (bench/profile.ts); the inspector is loaded only when asked for.
  if (isProfileCommand(message)) {
    void import('./inspect.js')
      .then(({ runProfileCommand }) => runProfileCommand(message))
      .then((answer) => process.send?.(answer))
      .catch((error: unknown) => process.send?.({ error: String(error) }));
  }
});

function isProfileCommand(message: unknown): message is ProfileCommand {
  return typeof message === 'object' && message !== null && 'profile' in message;
}
process.once('SIGTERM', () => server.close(() => process.exit(0)));
