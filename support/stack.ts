/**
 * The harness tests and benchmarks share: the embedded Atlas simulator and the gateway, both on 127.0.0.1
 * ephemeral ports, talking real HTTP (tests count calls at the simulator), and reads of Atlas's own
 * answers by operationId.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AtlasClient, type PathParams } from '../src/atlas/client.js';
import { loadConfig } from '../src/config.js';
import { atlasOperations, type AtlasOperationId } from '../src/generated/atlas-operations.js';
import {
  createGateway,
  gatewayOptions,
  type AtlasAuth,
  type Gateway,
  type GatewayOptions,
} from '../src/server/gateway.js';
import { loadOptionalParts } from '../src/server/optional-parts.js';
import { startSimulator, type AtlasSimulator, type SimulatorOptions } from '../src/simulator/index.js';
import { attachGraphQLWebSocketOnDemand } from '../src/server/websocket-on-demand.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  extensions?: Record<string, unknown>;
  errors?: {
    message: string;
    locations?: { line: number; column: number }[];
    path?: (string | number)[];
    extensions?: Record<string, unknown>;
  }[];
}

/** A gateway served over HTTP on 127.0.0.1. */
export interface ServedGateway {
  gateway: Gateway;
  url: string;
  /** The same endpoint for WebSocket clients (graphql-ws), on the same HTTP server. */
  wsUrl: string;
  /** POSTs a GraphQL operation to the gateway over HTTP. */
  query<T = Record<string, unknown>>(
    document: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T> & { status: number }>;
  close(): Promise<void>;
}

export interface TestStack extends ServedGateway {
  simulator: AtlasSimulator;
}

/** Creates a gateway and serves it on an ephemeral port (one replica of several, when tests want many). */
export async function serveGateway(options: GatewayOptions): Promise<ServedGateway> {
  // The `graph: compiled` test project (vitest.config.ts) runs the graph's tests again with every document
  // compiled from its first execution, so that the compiled executor answers every case the tests know.
  const compileFrom = process.env['GATEWAY_COMPILE_FROM'];
  if (compileFrom && options.compileFrom === undefined) options = { ...options, compileFrom: Number(compileFrom) };
  await loadOptionalParts(options);
  const gateway = createGateway(options);
  const server: Server = createServer(gateway.yoga);
  // As src/index.ts serves it: the WebSocket endpoint loaded on the first upgrade.
  const websocket = attachGraphQLWebSocketOnDemand(server, gateway, {
    corsOrigins: options.corsOrigins,
    allowedHosts: options.allowedHosts,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    gateway,
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    async query(document, variables, headers = {}) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify({ query: document, variables }),
      });
      return { status: response.status, ...((await response.json()) as GraphQLResponse<never>) };
    },
    async close() {
      // As src/index.ts stops: streams get their last event and complete, then sockets and connections close.
      await gateway.live.close();
      await websocket.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.close();
    },
  };
}

export const TEST_TOKEN = 'test-token-0123456789';

export async function startStack(
  options: {
    simulator?: SimulatorOptions;
    token?: string;
    /** How the gateway authenticates (default: the static test token). */
    auth?: AtlasAuth;
    timeoutMs?: number;
    atlas?: Partial<GatewayOptions['atlas']>;
    callReport?: GatewayOptions['callReport'];
    /** Any other gateway option (nodeField, graphiql, limits...). */
    gateway?: Partial<Omit<GatewayOptions, 'atlas'>>;
    /**
     * Configure the gateway from this environment, as `npm start` does (`NODE_ENV=production` for the
     * production edge); the simulator's test token is the credential. Other options apply on top.
     */
    env?: Record<string, string>;
  } = {},
): Promise<TestStack> {
  const simulator = await startSimulator({ bearerTokens: [TEST_TOKEN], ...options.simulator });
  const configured = options.env
    ? gatewayOptions(loadConfig({ ...options.env, MONGODB_ATLAS_ACCESS_TOKEN: TEST_TOKEN }), {
        baseUrl: simulator.url,
        auth: { mode: 'token', token: TEST_TOKEN },
      })
    : undefined;
  const served = await serveGateway({
    ...configured,
    atlas: {
      ...configured?.atlas,
      baseUrl: simulator.url,
      auth: options.auth ?? { mode: 'token', token: options.token ?? TEST_TOKEN },
      timeoutMs: options.timeoutMs ?? 5_000,
      ...options.atlas,
    },
    ...(options.callReport ? { callReport: options.callReport } : {}),
    ...options.gateway,
  });
  return {
    ...served,
    simulator,
    async close() {
      await served.close();
      await simulator.close();
    },
  };
}

/** The operations that read (GET): what a test may ask the simulator for. */
export type AtlasReadOperationId = {
  [Op in AtlasOperationId]: (typeof atlasOperations)[Op]['method'] extends 'GET' ? Op : never;
}[AtlasOperationId];

/**
 * An Atlas request as the gateway's client builds it: the operation's path (parameters checked against
 * the spec's patterns by `AtlasClient.path`) and its exact version media type, from the generated table.
 */
export function atlasRequest<Op extends AtlasOperationId>(operationId: Op, pathParams: PathParams = {}) {
  const { method, mediaType } = atlasOperations[operationId];
  return { operationId, method, path: AtlasClient.path(operationId, pathParams), mediaType };
}

/**
 * Reads an Atlas resource straight from the simulator by operationId, to compare the graph's answer
 * with Atlas's payload. `query` is the operation's query string (paging, filters).
 */
export async function atlas<T = Record<string, unknown>>(
  simulator: AtlasSimulator,
  operationId: AtlasReadOperationId,
  pathParams: PathParams = {},
  query: Record<string, string | number> = {},
): Promise<T> {
  const { path, mediaType } = atlasRequest(operationId, pathParams);
  const search = new URLSearchParams(Object.entries(query).map(([name, value]) => [name, String(value)])).toString();
  const url = `${simulator.url}${path}${search ? `?${search}` : ''}`;
  const response = await fetch(url, { headers: { accept: mediaType, authorization: `Bearer ${TEST_TOKEN}` } });
  if (!response.ok) throw new Error(`simulator ${operationId} ${path}: ${response.status}`);
  return (await response.json()) as T;
}

/**
 * Drops Atlas `links` and absent values (undefined in Atlas; null, or [] for lists, in the graph), so a
 * raw Atlas payload and the graph's answer compare field for field.
 */
export function withoutLinks(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutLinks);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key, v]) => key !== 'links' && v !== undefined && v !== null && !(Array.isArray(v) && !v.length))
        .map(([key, v]) => [key, withoutLinks(v)]),
    );
  }
  return value;
}
