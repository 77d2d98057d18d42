/**
 * Builds the gateway: one Atlas transport and client for the process, a yoga server whose context
 * gives each request its own loaders, errors shaped by src/errors.ts, and GraphiQL served from the
 * gateway itself (assets inlined by @graphql-yoga/render-graphiql, so it works with no internet).
 */
import { readFileSync } from 'node:fs';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, type YogaLogger, type YogaServerInstance } from 'graphql-yoga';
import type { Dispatcher } from 'undici';
import { AtlasClient } from './atlas/client.js';
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
  };
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
  });
  const client = new AtlasClient(transport);
  const yoga = createYoga<Record<string, unknown>, GraphQLContext>({
    schema: createSchema(),
    context: () => createContext(client),
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
