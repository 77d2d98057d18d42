/**
 * Builds the gateway: one Atlas transport and client for the process, a yoga server whose context
 * gives each request its own loaders, errors shaped by src/errors.ts, and GraphiQL served from the
 * gateway itself (assets inlined by @graphql-yoga/render-graphiql, so it works with no internet).
 */
import { readFileSync } from 'node:fs';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, type Plugin, type YogaLogger, type YogaServerInstance } from 'graphql-yoga';
import type { Dispatcher } from 'undici';
import { createTransport, type AtlasCredential } from './atlas/transport.js';
import { createContext, type GraphQLContext } from './context.js';
import { toClientError } from './errors.js';
import { createSchema } from './schema.js';

export interface GatewayOptions {
  atlas: {
    baseUrl: string;
    credential: AtlasCredential;
    timeoutMs?: number;
    maxConnections?: number;
    /** Tests and benchmarks inject their own undici dispatcher. */
    dispatcher?: Dispatcher;
    /** Most Atlas calls one GraphQL operation may make (default 200). */
    callBudget?: number;
    /** Share identical GET answers for this long, per credential (default 0: off). */
    cacheTtlMs?: number;
  };
  /**
   * When responses report their Atlas calls under `extensions.atlasCalls`: `always`, `on-request`
   * (when the request has the header `x-atlas-call-report: 1`; the default) or `never`.
   */
  callReport?: 'always' | 'on-request' | 'never';
  /** Serve `Query.node`/`Query.nodes` (default true); off when another subgraph of the supergraph owns them. */
  nodeField?: boolean;
  /** Serve GraphiQL at /graphql (default true). */
  graphiql?: boolean;
  /** Yoga's logger (pino fits); silent by default so tests stay quiet. */
  logger?: YogaLogger | false;
}

export interface Gateway {
  yoga: YogaServerInstance<Record<string, unknown>, GraphQLContext>;
  close(): Promise<void>;
}

const userAgent = `atlas-backup-graphql-gateway/0.1.0 (node ${process.versions.node})`;

/** The example GraphiQL opens with; it runs on the demo data. */
export const exampleQuery = readFileSync(new URL('../examples/backup-dashboard.graphql', import.meta.url), 'utf8');

export function createGateway(options: GatewayOptions): Gateway {
  const transport = createTransport({
    baseUrl: options.atlas.baseUrl,
    credential: options.atlas.credential,
    timeoutMs: options.atlas.timeoutMs ?? 10_000,
    connections: options.atlas.maxConnections ?? 32,
    userAgent,
    dispatcher: options.atlas.dispatcher,
    cacheTtlMs: options.atlas.cacheTtlMs,
  });
  const budget = options.atlas.callBudget ?? 200;
  const callReport = options.callReport ?? 'on-request';
  const yoga = createYoga<Record<string, unknown>, GraphQLContext>({
    schema: createSchema({ nodeField: options.nodeField }),
    context: ({ request }) =>
      createContext(
        transport,
        budget,
        callReport === 'always' || (callReport === 'on-request' && request.headers.get('x-atlas-call-report') === '1'),
      ),
    // @defer/@stream let a dashboard render its fast parts first and stream the slow ones.
    plugins: [useDeferStream(), useAtlasCallReport()],
    maskedErrors: { maskError: toClientError, isDev: false },
    graphiql: options.graphiql === false ? false : { title: 'Atlas Backup GraphQL', defaultQuery: exampleQuery },
    renderGraphiQL,
    logging: options.logger ?? false,
    landingPage: false,
  });
  return {
    yoga,
    async close() {
      await yoga.dispose();
      await transport.close();
    },
  };
}

/**
 * Adds `extensions.atlasCalls` (calls made, calls coalesced with other operations, resources asked for,
 * calls saved, milliseconds spent upstream) to a response whose context asked for it.
 */
function useAtlasCallReport(): Plugin<GraphQLContext> {
  return {
    onExecute({ args }) {
      const context = args.contextValue;
      if (!context.reportAtlasCalls) return;
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          const { calls, coalesced, requested, upstreamMs } = context.atlasCalls;
          setResult({
            ...result,
            extensions: {
              ...result.extensions,
              atlasCalls: { calls, coalesced, requested, saved: requested - calls, upstreamMs: Math.round(upstreamMs) },
            },
          });
        },
      };
    },
  };
}
