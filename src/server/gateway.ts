/**
 * Builds the gateway: one Atlas transport and credential for the process (or each caller's own token in
 * forward mode), a yoga server whose context gives each request its own loaders, the request limits that
 * stop abusive documents before any Atlas call, errors shaped by src/graph/errors.ts, and GraphiQL served from
 * the gateway itself (render-graphiql's bundle at content-hashed URLs, so it works with no internet).
 */
import { readFileSync } from 'node:fs';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { GraphQLError, type ValidationRule } from 'graphql';
import { createYoga, type Plugin, type YogaLogger, type YogaServerInstance } from 'graphql-yoga';
import type { Dispatcher } from 'undici';
import {
  forwardedBearerFactory,
  staticBearer,
  type AtlasAuth,
  type AtlasCredential,
} from '../atlas/auth/credential.js';
import { digestApiKey } from '../atlas/auth/digest.js';
import { serviceAccount } from '../atlas/auth/service-account.js';
import type { RetryOptions } from '../atlas/retry.js';
import { createTransport } from '../atlas/transport.js';
import { useBudgetEstimate } from './plugins/budget-estimate.js';
import { defaults, type Config } from '../config.js';
import { createContext, type GraphQLContext } from '../graph/context.js';
import { toClientError } from '../graph/errors.js';
import { requestLimitPlugins, type RequestLimits } from './plugins/limits.js';
import { useOperationLog, yogaLogger } from './plugins/operation-log.js';
import { createSchema } from '../graph/schema.js';
import { corsOptions, useCrossOriginGuard, type OriginRule } from './plugins/cross-origin.js';
import { useMaskedIncrementalErrors } from './plugins/masked-incremental-errors.js';
import { useGraphiQLDelivery } from './plugins/graphiql-delivery.js';
import { useLandingPage } from './plugins/landing-page.js';

export type { AtlasAuth } from '../atlas/auth/credential.js';

export interface GatewayOptions {
  atlas: {
    baseUrl: string;
    auth: AtlasAuth;
    /** Milliseconds one Atlas call may wait for headers or between body chunks (default: src/config.ts `defaults`). */
    timeoutMs?: number;
    /** Milliseconds within which all Atlas calls of one operation, retries included, must end (default: src/config.ts `defaults`). */
    deadlineMs?: number;
    maxConnections?: number;
    /** Tests and benchmarks inject their own undici dispatcher. */
    dispatcher?: Dispatcher;
    /** Most Atlas calls one GraphQL operation may make (default: src/config.ts `defaults`). */
    callBudget?: number;
    /** Share identical GET answers for this long, per credential (default 0: off). */
    cacheTtlMs?: number;
    retry?: RetryOptions;
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
  /** Answer introspection queries (default true; GraphiQL needs it). */
  introspection?: boolean;
  limits?: RequestLimits;
  /**
   * Origins whose web pages may call the gateway from a browser: exact origins, `local` (localhost,
   * 127.0.0.1, [::1] on any port) or `*` (forward mode only). Default: none (same-origin only).
   */
  corsOrigins?: readonly OriginRule[];
  /** Yoga's logger (pino fits); silent by default so tests stay quiet. */
  logger?: YogaLogger | false;
}

/**
 * The gateway as the environment configures it (`src/index.ts` runs it; tests start the same to try the
 * production edge), for an Atlas origin and credential (the embedded simulator's in demo mode).
 */
export function gatewayOptions(config: Config, atlas: { baseUrl: string; auth: AtlasAuth }): GatewayOptions {
  return {
    atlas: {
      baseUrl: atlas.baseUrl,
      auth: atlas.auth,
      timeoutMs: config.atlasTimeoutMs,
      deadlineMs: config.atlasDeadlineMs,
      retry: { maxRetries: config.atlasMaxRetries },
      maxConnections: config.atlasMaxConnections,
      callBudget: config.atlasCallBudget,
      cacheTtlMs: config.atlasCacheTtlMs,
    },
    callReport: config.callReport,
    graphiql: config.graphiql,
    introspection: config.introspection,
    limits: config.limits,
    corsOrigins: config.corsOrigins,
    nodeField: config.nodeField,
  };
}

export interface Gateway {
  yoga: YogaServerInstance<Record<string, unknown>, GraphQLContext>;
  close(): Promise<void>;
}

const userAgent = `atlas-backup-graphql-gateway/0.1.0 (node ${process.versions.node})`;

const example = (file: string) => readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8');
/** The example GraphiQL opens with; it runs on the demo data. */
export const exampleQuery = example('backup-dashboard.graphql');
/** GraphiQL's other tabs: every deployment of every family (Flex included) with its backup state. */
export const deploymentsQuery = example('deployments.graphql');

export function createGateway(options: GatewayOptions): Gateway {
  const logger = options.logger || undefined;
  const timeoutMs = options.atlas.timeoutMs ?? defaults.atlasTimeoutMs;
  const transport = createTransport({
    baseUrl: options.atlas.baseUrl,
    timeoutMs,
    connections: options.atlas.maxConnections ?? defaults.atlasMaxConnections,
    userAgent,
    dispatcher: options.atlas.dispatcher,
    cacheTtlMs: options.atlas.cacheTtlMs,
    retry: options.atlas.retry,
  });
  transport.events.subscribe((event) => {
    if (event.kind !== 'lifecycle') return;
    const { operationId, deprecation, sunset } = event;
    logger?.warn(
      `Atlas marks the API version of ${operationId} as deprecated${deprecation ? ` since ${deprecation}` : ''}` +
        `${sunset ? `, sunset ${sunset}` : ''}`,
    );
  });
  const credentialFor = credentials(options.atlas.auth, {
    origin: new URL(options.atlas.baseUrl).origin,
    dispatcher: transport.dispatcher,
    timeoutMs,
    warn: (message) => logger?.warn(message),
  });
  const budget = options.atlas.callBudget ?? defaults.atlasCallBudget;
  const deadlineMs = options.atlas.deadlineMs ?? defaults.atlasDeadlineMs;
  const callReport = options.callReport ?? 'on-request';
  const introspection = options.introspection ?? true;
  const graphiql = (options.graphiql ?? true) && introspection;
  const corsOrigins = options.corsOrigins ?? [];

  const yoga = createYoga<Record<string, unknown>, GraphQLContext>({
    schema: createSchema({ nodeField: options.nodeField }),
    context: ({ request }) =>
      createContext(
        transport,
        { credential: credentialFor.request(request), budget, deadlineMs },
        callReport === 'always' || (callReport === 'on-request' && request.headers.get('x-atlas-call-report') === '1'),
      ),
    plugins: [
      // First, so its access line times the whole request and it sees errors before masking.
      ...(options.logger ? [useOperationLog(options.logger)] : []),
      // Pages on foreign origins cannot read or drive the gateway; forms cannot post to it.
      useCrossOriginGuard(corsOrigins),
      // GET / says what this is; GraphiQL is rendered once, compressed and revalidated (yoga's is off below).
      useLandingPage({ graphiql }),
      ...(graphiql
        ? [
            useGraphiQLDelivery({
              graphiql: {
                title: 'Atlas Backup GraphQL',
                // The dashboard opens first; the deployments view waits in the next tab.
                defaultTabs: [{ query: exampleQuery }, { query: deploymentsQuery }],
              },
            }),
          ]
        : []),
      ...requestLimitPlugins(options.limits, { hideSuggestions: !introspection }),
      ...(introspection ? [] : [useDisableIntrospection(), useNoServiceSdl()]),
      // @defer/@stream let a dashboard render its fast parts first and stream the slow ones.
      useDeferStream(),
      useBudgetEstimate(budget),
      useAtlasCallReport(),
      usePrivateResponses(),
      useMaskedIncrementalErrors(),
    ],
    // Yoga refuses array bodies unless batching is on; it stays off (each operation has its own Atlas budget).
    batching: false,
    cors: corsOptions(corsOrigins),
    maxRequestBodySize: options.limits?.maxRequestBodyBytes ?? defaults.limits.maxRequestBodyBytes,
    maskedErrors: { maskError: toClientError, isDev: false },
    // Served by useGraphiQLDelivery (src/server/plugins/graphiql-delivery.ts).
    graphiql: false,
    // Yoga's own error lines would repeat (and mis-level) what the operation log reports.
    logging: options.logger ? yogaLogger(options.logger) : false,
    // GET / is useLandingPage's; other unknown paths stay a bare 404.
    landingPage: false,
  });
  return {
    yoga,
    async close() {
      await yoga.dispose();
      await credentialFor.close();
      await transport.close();
    },
  };
}

interface CredentialSource {
  /** The credential for one GraphQL request. */
  request(request: Request): AtlasCredential;
  close(): Promise<void>;
}

function credentials(
  auth: AtlasAuth,
  context: { origin: string; dispatcher: Dispatcher; timeoutMs: number; warn: (message: string) => void },
): CredentialSource {
  if (auth.mode === 'forward') {
    const forwarded = forwardedBearerFactory();
    return { request: (request) => forwarded(request.headers.get('authorization')), close: async () => {} };
  }
  const credential =
    auth.mode === 'token'
      ? staticBearer(auth.token)
      : auth.mode === 'api-key'
        ? digestApiKey(auth.publicKey, auth.privateKey)
        : serviceAccount({
            origin: context.origin,
            clientId: auth.clientId,
            clientSecret: auth.clientSecret,
            dispatcher: context.dispatcher,
            userAgent,
            timeoutMs: context.timeoutMs,
            renewBeforeMs: auth.renewBeforeMs,
            onWarning: context.warn,
          });
  return { request: () => credential, close: async () => credential.close?.() };
}

/**
 * Adds `extensions.atlasCalls` (requests sent, calls coalesced with other operations, resources asked for,
 * calls saved, retries, re-sends after a 401, milliseconds spent upstream, Atlas's rate-limit headroom) to a response whose
 * context asked for it.
 */
function useAtlasCallReport(): Plugin<GraphQLContext> {
  return {
    onExecute({ args }) {
      const context = args.contextValue;
      if (!context.reportAtlasCalls) return;
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          const { calls, coalesced, requested, upstreamMs, retries, reauthenticated, rateLimit } = context.atlasCalls;
          setResult({
            ...result,
            extensions: {
              ...result.extensions,
              atlasCalls: {
                calls,
                coalesced,
                requested,
                // What deduplication, planning and coalescing avoided: asks beyond the distinct calls sent.
                saved: requested - (calls - retries - reauthenticated),
                retries,
                reauthenticated,
                upstreamMs: Math.round(upstreamMs),
                ...(rateLimit ? { rateLimitRemaining: rateLimit.remaining, rateLimitLimit: rateLimit.limit } : {}),
              },
            },
          });
        },
      };
    },
  };
}

/** Answers depend on the credential: no shared cache may keep them. */
function usePrivateResponses(): Plugin {
  return {
    onResponse({ response }) {
      if (!response.headers.has('cache-control')) response.headers.set('cache-control', 'private, no-store');
    },
  };
}

/**
 * With introspection off, `_service { sdl }` would still hand out the whole schema. Supergraphs compose
 * from the checked-in federation/atlas-backup.subgraph.graphql instead.
 */
function useNoServiceSdl(): Plugin {
  const rule: ValidationRule = (context) => ({
    Field(node) {
      if (node.name.value === '_service') {
        context.reportError(
          new GraphQLError('The subgraph SDL is not served while introspection is off', {
            nodes: [node],
            extensions: { code: 'INTROSPECTION_DISABLED' },
          }),
        );
      }
    },
  });
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(rule);
    },
  };
}
