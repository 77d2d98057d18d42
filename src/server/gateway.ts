/**
 * Builds the gateway: one Atlas transport and credential for the process (or each caller's own token in
 * forward mode), a yoga server whose context gives each request its own loaders, the request limits that
 * stop abusive documents before any Atlas call, errors shaped by src/graph/errors.ts, and GraphiQL served from
 * the gateway itself (render-graphiql's bundle at content-hashed URLs, so it works with no internet).
 */
import { readFileSync } from 'node:fs';
import { GraphQLError, Kind, NoSchemaIntrospectionCustomRule, type DefinitionNode, type ValidationRule } from 'graphql';
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
import { MemoryIdempotencyStore, type IdempotencyStore } from '../atlas/idempotency.js';
import { LiveHub } from '../live/hub.js';
import { LocalRateBudget, type RateBucketShape } from '../atlas/rate-budget.js';
import type { RedisConnection } from '../redis/connection.js';
import { optionalPart } from './optional-parts.js';
import type { PollSharing } from '../live/sharing.js';
import { useBudgetEstimate } from './plugins/budget-estimate.js';
import { defaults, type Config, type SubscriptionSettings } from '../config.js';
import { createContext, type GraphQLContext } from '../graph/context.js';
import { toClientError } from '../graph/errors.js';
import { requestLimitPlugins, type RequestLimits } from './plugins/limits.js';
import { useRequestBodyLimit } from './plugins/request-body-limit.js';
import { useQueryStringParams } from './plugins/query-string-params.js';
import { createOperationLog } from './plugins/operation-log.js';
import { createSchema } from '../graph/schema.js';
import { corsOptions, useCrossOriginGuard, type OriginRule } from './plugins/cross-origin.js';
import { useMaskedIncrementalErrors } from './plugins/masked-incremental-errors.js';
import { useDeferAndStream } from './plugins/defer-stream.js';
import { useUnsentStreamRelease } from './plugins/unsent-streams.js';
import { useAutomaticPersistedQueriesNotSupported } from './plugins/automatic-persisted-queries.js';
import { useGraphiQLDelivery } from './plugins/graphiql-delivery.js';
import { useLandingPage } from './plugins/landing-page.js';
import { serviceFeatures, serviceOptions, type ServiceOptions } from './service.js';
import type { Readiness } from './plugins/health.js';
import type { TrustedDocuments } from './plugins/trusted-documents.js';
import { useCompiledExecution } from './plugins/compiled-execution.js';
import { isAsyncIterable, isRecord, observe } from './plugins/results.js';
import type { GatewayMetrics } from './plugins/metrics.js';
import type { AtlasEvents } from '../atlas/events.js';

export type { AtlasAuth } from '../atlas/auth/credential.js';

/** Readiness, metrics, traces and trusted documents are the ServiceOptions (src/server/service.ts). */
export interface GatewayOptions extends ServiceOptions {
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
    /** Atlas's token bucket per (credential, project), mirrored so calls wait instead of meeting 429s (default: off). */
    rateLimit?: RateBucketShape;
  };
  /**
   * What replicas share, through Redis: the response cache, the rate budget, mutations' idempotency keys
   * and the pollers of live streams. Without it each process keeps its own.
   */
  redis?: {
    url: string;
    keyPrefix?: string;
    /**
     * Tests only (not configurable): how long a Redis command may take before it counts as failed (default
     * 250 ms, src/redis/connection.ts). A loaded test machine can stall that long, and a replica would then
     * poll alone for a turn.
     */
    commandTimeoutMs?: number;
  };
  /**
   * When responses report their Atlas calls under `extensions.atlasCalls`: `always`, `on-request`
   * (when the request has the header `x-atlas-call-report: 1`; the default) or `never`.
   */
  callReport?: 'always' | 'on-request' | 'never';
  /** Serve `Query.node`/`Query.nodes` (default true); off when another subgraph of the supergraph owns them. */
  nodeField?: boolean;
  /**
   * Serve the mutations. Default: on in forward mode (each caller acts with their own token), off with the
   * gateway's own credential (src/config.ts decides for `npm start`: on in demo mode too). Off, the schema
   * has no Mutation type.
   */
  mutations?: boolean;
  /** How long an idempotency key's outcome is remembered (default: src/config.ts `defaults`). */
  idempotencyWindowMs?: number;
  /** Where idempotency keys' outcomes are kept (default: this process's memory). */
  idempotencyStore?: IdempotencyStore;
  /**
   * Subscriptions: how often the shared pollers read Atlas, how many streams are served, and how long
   * shutdown waits for their last events (default: src/config.ts `defaults`).
   */
  subscriptions?: Partial<SubscriptionSettings> & { drainMs?: number };
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
  /** The gateway's own host names (ALLOWED_HOSTS); other hosts are refused (421). Undefined: any host. */
  allowedHosts?: readonly string[];
  /** Yoga's logger (pino fits); silent by default so tests stay quiet. */
  logger?: YogaLogger | false;
  /**
   * From which execution of a document on it runs compiled (graphql-jit; src/server/plugins/compiled-execution.ts):
   * 2 by default, false never.
   */
  compileFrom?: number | false;
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
      rateLimit: config.atlasRateLimit ?? undefined,
    },
    redis: config.redisUrl ? { url: config.redisUrl, keyPrefix: config.redisKeyPrefix } : undefined,
    callReport: config.callReport,
    graphiql: config.graphiql,
    introspection: config.introspection,
    limits: config.limits,
    corsOrigins: config.corsOrigins,
    allowedHosts: config.allowedHosts,
    nodeField: config.nodeField,
    subscriptions: config.subscriptions,
    mutations: config.mutations,
    idempotencyWindowMs: config.idempotencyWindowMs,
    ...serviceOptions(config),
  };
}

export interface Gateway {
  yoga: YogaServerInstance<Record<string, unknown>, GraphQLContext>;
  /** The subscriptions' pollers (one per credential and watched object) and their limits. */
  live: LiveHub;
  /** The Redis connection replicas share, when configured (its `healthy` is what readiness reports). */
  redis?: RedisConnection;
  /** /ready's state: `drain()` on shutdown, `addCheck(name, check)` for what else it must wait for. */
  readiness: Readiness;
  /** The Prometheus registry and its handler, when metrics are on (index.ts serves METRICS_PORT with it). */
  metrics?: GatewayMetrics;
  /** The only documents that run, when configured (the WebSocket endpoint holds to them as HTTP does). */
  trustedDocuments?: TrustedDocuments;
  close(): Promise<void>;
}

const userAgent = `atlas-backup-graphql-gateway/0.1.0 (node ${process.versions.node})`;

const example = (file: string) => readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8');
/** The example GraphiQL opens with; it runs on the demo data. */
export const exampleQuery = example('backup-dashboard.graphql');
/** GraphiQL's other tabs: every deployment of every family (Flex included) with its backup state. */
export const deploymentsQuery = example('deployments.graphql');
/** GraphiQL's subscription tab: a restore job's progress, live. */
export const watchRestoreSubscription = example('watch-restore.graphql');
/** GraphiQL's restore tab (where mutations are served): start a restore, then follow it. */
export const restoreExample = example('restore.graphql');

export function createGateway(options: GatewayOptions): Gateway {
  const logger = options.logger || undefined;
  const timeoutMs = options.atlas.timeoutMs ?? defaults.atlasTimeoutMs;
  const redis = options.redis
    ? new (optionalPart('redis').RedisConnection)({
        url: options.redis.url,
        keyPrefix: options.redis.keyPrefix ?? defaults.redisKeyPrefix,
        commandTimeoutMs: options.redis.commandTimeoutMs,
        onStateChange: (healthy, reason) =>
          healthy
            ? logger?.info('Redis connected: cache and rate budget shared with the other replicas')
            : logger?.warn(
                `Redis unreachable${reason ? ` (${reason})` : ''}: answering from Atlas with this process's own cache and rate budget`,
              ),
      })
    : undefined;
  const rateLimit = options.atlas.rateLimit;
  const transport = createTransport({
    baseUrl: options.atlas.baseUrl,
    timeoutMs,
    connections: options.atlas.maxConnections ?? defaults.atlasMaxConnections,
    userAgent,
    dispatcher: options.atlas.dispatcher,
    cacheTtlMs: options.atlas.cacheTtlMs,
    cache: redis ? new (optionalPart('redis').RedisResponseCache)(redis) : undefined,
    rateBudget: rateLimit
      ? redis
        ? new (optionalPart('redis').RedisRateBudget)(redis, rateLimit)
        : new LocalRateBudget(rateLimit)
      : undefined,
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
    events: transport.events,
  });
  const budget = options.atlas.callBudget ?? defaults.atlasCallBudget;
  const deadlineMs = options.atlas.deadlineMs ?? defaults.atlasDeadlineMs;
  const callReport = options.callReport ?? 'on-request';
  const introspection = options.introspection ?? true;
  const graphiql = (options.graphiql ?? true) && introspection;
  const corsOrigins = options.corsOrigins ?? [];
  const subscriptions = { ...defaults.subscriptions, ...options.subscriptions };
  // With the gateway's own credential a mutation acts for whoever reaches the gateway: off unless asked for.
  const mutations = options.mutations ?? options.atlas.auth.mode === 'forward';
  const writes = mutations
    ? {
        idempotency: {
          store:
            options.idempotencyStore ??
            (redis ? new (optionalPart('redis').RedisIdempotencyStore)(redis) : new MemoryIdempotencyStore()),
          windowMs: options.idempotencyWindowMs ?? defaults.idempotencyWindowMs,
        },
      }
    : undefined;
  // With Redis, one poller per credential and watched object across replicas (a lease; src/redis/poller-lease.ts).
  // Not in forward mode: its credential keys are per-process HMACs, so replicas would never share a poller.
  const pollLeases =
    redis && options.atlas.auth.mode !== 'forward' ? new (optionalPart('redis').RedisPollLeases)(redis) : undefined;
  const sharing: PollSharing | undefined = pollLeases;
  // One poller per credential and watched object for the whole process; each tick is a unit of work
  // with the operations' budget and deadline (src/live/hub.ts).
  const live = new LiveHub(transport, {
    intervalMs: subscriptions.pollIntervalMs,
    maxIntervalMs: subscriptions.maxPollIntervalMs,
    idleAfterMs: subscriptions.idleAfterMs,
    activityIntervalMs: subscriptions.activityIntervalMs,
    maxSubscriptions: subscriptions.maxSubscriptions,
    maxSubscriptionsPerConnection: subscriptions.maxPerConnection,
    budget,
    deadlineMs,
    drainMs: options.subscriptions?.drainMs ?? defaults.subscriptionDrainMs,
    // One warn line per distinct failure of a poller, as the operation log does for operations.
    onFailure: (failure) => logger?.warn({ poll: failure }, `Atlas poll failed (${failure.watching})`),
    sharing,
  });
  const operationLog = options.logger
    ? createOperationLog(options.logger, { ownCredential: options.atlas.auth.mode !== 'forward' })
    : undefined;
  const service = serviceFeatures(options, {
    events: transport.events,
    observers: operationLog ? [operationLog.observer] : [],
    log: options.logger || undefined,
    atlasBaseUrl: options.atlas.baseUrl,
    ownCredential: options.atlas.auth.mode !== 'forward',
    reauthenticate: credentialFor.reauthenticate,
    live: () => {
      const stats = live.stats();
      return { subscriptions: stats.subscriptions, pollers: stats.pollers.length };
    },
  });
  // Draining ends the streams at once (their last event says why), so their clients reconnect elsewhere.
  service.readiness.onDrain(() => void live.close());
  // Redis away is a degradation, not a reason to leave the load balancer: every replica would leave at once
  // and turn a slower, unshared service into none. /ready says `degraded` (200) and names it; so does
  // the `gateway_readiness_check` gauge.
  if (redis) service.readiness.addCheck('redis', () => (redis.healthy ? 'ready' : 'degraded'));

  const yoga = createYoga<Record<string, unknown>, GraphQLContext>({
    schema: createSchema({ nodeField: options.nodeField, mutations }),
    context: (initial) => {
      const { request } = initial;
      const credential = credentialFor.request(request);
      return createContext(
        transport,
        { credential, budget, deadlineMs },
        callReport === 'always' || (callReport === 'on-request' && request.headers.get('x-atlas-call-report') === '1'),
        { hub: live, credential, connection: connectionOf(initial) },
        writes,
      );
    },
    plugins: [
      // /ready and /metrics answer before anything else; the observer follows every request for the
      // access log, metrics and traces.
      ...service.early,
      // First after them, so it sees errors before masking (the observer times the request for its line).
      ...(operationLog ? [operationLog.plugin] : []),
      // Pages on foreign origins cannot read or drive the gateway; forms cannot post to it.
      // A link from another site may open GraphiQL or the landing page, which run nothing.
      useCrossOriginGuard(
        corsOrigins,
        (pathname) => graphiql || pathname === '/',
        options.allowedHosts ? new Set(options.allowedHosts) : undefined,
      ),
      // Only the trusted documents run (when configured): anything else is refused before parsing. Without
      // them, a client's hash-only automatic persisted query is told to send its text.
      ...(service.trusted.length ? service.trusted : [useAutomaticPersistedQueriesNotSupported()]),
      // GET / says what this is; GraphiQL is rendered once, compressed and revalidated (yoga's is off below).
      useLandingPage({ graphiql, callersTokens: options.atlas.auth.mode === 'forward' }),
      ...(graphiql
        ? [
            useGraphiQLDelivery({
              graphiql: {
                title: 'Atlas Backup GraphQL',
                // The dashboard opens first; the deployments view and a live restore wait in the next tabs.
                defaultTabs: [
                  { query: exampleQuery },
                  { query: deploymentsQuery },
                  { query: watchRestoreSubscription },
                  ...(mutations ? [{ query: restoreExample }] : []),
                ],
              },
            }),
          ]
        : []),
      useRequestBodyLimit(options.limits?.maxRequestBodyBytes ?? defaults.limits.maxRequestBodyBytes),
      useQueryStringParams(),
      ...requestLimitPlugins(options.limits, { hideSuggestions: !introspection }),
      ...(introspection ? [] : [useNoIntrospection()]),
      // @defer/@stream let a dashboard render its fast parts first and stream the slow ones.
      // Without mutations a `mutation` document is refused while validating, with a code, whatever it selects
      // (graphql itself would let `mutation { __typename }` through to an uncoded execution error).
      ...(mutations ? [] : [useNoMutations()]),
      ...useDeferAndStream(),
      useBudgetEstimate(budget),
      useAtlasCallReport(),
      usePrivateResponses(),
      useMaskedIncrementalErrors(),
      // Last: a document run before executes compiled (the other plugins' hooks still see it execute).
      ...(options.compileFrom === false ? [] : [useCompiledExecution({ compileFrom: options.compileFrom })]),
      // A stream no client will read (its request accepted no streaming type: 406) is ended, after every
      // plugin that wraps it has seen it.
      useUnsentStreamRelease(),
    ],
    // Yoga refuses array bodies unless batching is on; it stays off (each operation has its own Atlas budget).
    batching: false,
    extraParamNames: service.extraParamNames,
    cors: corsOptions(corsOrigins),
    // Enforced by useRequestBodyLimit, which counts only a body without a Content-Length.
    maxRequestBodySize: false,
    maskedErrors: { maskError: toClientError, isDev: false },
    // Served by useGraphiQLDelivery (src/server/plugins/graphiql-delivery.ts).
    graphiql: false,
    // Yoga's own error lines would repeat (and mis-level) what the operation log reports.
    logging: operationLog ? operationLog.yoga : false,
    // GET / is useLandingPage's; other unknown paths stay a bare 404.
    landingPage: false,
  });
  return {
    yoga,
    redis,
    live,
    readiness: service.readiness,
    metrics: service.metrics,
    trustedDocuments: options.trustedDocuments,
    async close() {
      // Streams end first (their last event says why), and no poll tick is in flight when the token is revoked.
      await live.close();
      await yoga.dispose();
      // Stops readiness's timers and exports the last spans.
      await service.close();
      await credentialFor.close();
      // A store passed in (shared by replicas) is its owner's to close.
      if (!options.idempotencyStore) await writes?.idempotency.store.close();
      await transport.close();
      await pollLeases?.close();
      await redis?.close();
    },
  };
}

/**
 * What a subscription counts against for the per-connection limit: the WebSocket (src/server/websocket.ts
 * passes it as `liveConnection`), else the socket of the HTTP request an SSE stream runs on.
 */
function connectionOf(initial: Record<string, unknown>): object | undefined {
  const given = initial['liveConnection'];
  if (typeof given === 'object' && given !== null) return given;
  const req = initial['req'];
  const socket: unknown = typeof req === 'object' && req !== null ? Reflect.get(req, 'socket') : undefined;
  return typeof socket === 'object' && socket !== null ? socket : undefined;
}

interface CredentialSource {
  /** The credential for one GraphQL request. */
  request(request: Request): AtlasCredential;
  /** Authenticates again (mints a token), for readiness; only where there is something to ask for. */
  reauthenticate?: () => Promise<unknown>;
  close(): Promise<void>;
}

function credentials(
  auth: AtlasAuth,
  context: {
    origin: string;
    dispatcher: Dispatcher;
    timeoutMs: number;
    warn: (message: string) => void;
    events: AtlasEvents;
  },
): CredentialSource {
  if (auth.mode === 'forward') {
    const forwarded = forwardedBearerFactory();
    return { request: (request) => forwarded(request.headers.get('authorization')), close: async () => {} };
  }
  const credential =
    auth.mode === 'token'
      ? staticBearer(auth.token)
      : auth.mode === 'api-key'
        ? digestApiKey(auth.publicKey, auth.privateKey, context.events)
        : serviceAccount({
            origin: context.origin,
            clientId: auth.clientId,
            clientSecret: auth.clientSecret,
            dispatcher: context.dispatcher,
            userAgent,
            timeoutMs: context.timeoutMs,
            renewBeforeMs: auth.renewBeforeMs,
            onWarning: context.warn,
            events: context.events,
          });
  return {
    request: () => credential,
    close: async () => credential.close?.(),
    // Only a service account has something to ask for again (a token); readiness does, while minting fails.
    ...(auth.mode === 'service-account'
      ? { reauthenticate: async () => credential.authorize({ method: 'GET', uri: '/' }) }
      : {}),
  };
}

/**
 * Adds `extensions.atlasCalls` (requests sent, calls coalesced with other operations, resources asked for,
 * calls saved, retries, re-sends after a 401, milliseconds spent upstream, Atlas's rate-limit headroom) to a response whose
 * context asked for it. A streamed answer (`@defer`, `@stream`) reports in its last part, once every part's
 * calls are made.
 */
function useAtlasCallReport(): Plugin<GraphQLContext> {
  return {
    onExecute({ args }) {
      const context = args.contextValue;
      if (!context.reportAtlasCalls) return;
      return {
        onExecuteDone({ result, setResult }) {
          if (isAsyncIterable(result)) {
            // Each part is the executor's own fresh object: the last one is given its report in place.
            const reportLast = (part: unknown) => {
              if (isRecord(part) && part['hasNext'] === false) {
                part['extensions'] = { ...(part['extensions'] as object), atlasCalls: atlasCallReport(context) };
              }
            };
            setResult(observe(result, reportLast, () => {}));
            return;
          }
          setResult({ ...result, extensions: { ...result.extensions, atlasCalls: atlasCallReport(context) } });
        },
      };
    },
  };
}

function atlasCallReport(context: GraphQLContext) {
  const { calls, coalesced, requested, upstreamMs, retries, reauthenticated, rateLimit } = context.atlasCalls;
  return {
    calls,
    coalesced,
    requested,
    // What deduplication, planning and coalescing avoided: asks beyond the distinct calls sent.
    saved: requested - (calls - retries - reauthenticated),
    retries,
    reauthenticated,
    upstreamMs: Math.round(upstreamMs),
    ...(rateLimit ? { rateLimitRemaining: rateLimit.remaining, rateLimitLimit: rateLimit.limit } : {}),
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
 * Introspection refused while validating, for every operation. Not yoga's plugin: it marks requests as they
 * are parsed from HTTP, so an operation over the WebSocket (no HTTP request) would have introspected. And
 * `_service { sdl }` would still hand out the whole schema: supergraphs compose from the checked-in
 * federation/atlas-backup.subgraph.graphql instead.
 */
function useNoIntrospection(): Plugin {
  const noServiceSdl: ValidationRule = (context) => ({
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
      addValidationRule(NoSchemaIntrospectionCustomRule);
      addValidationRule(noServiceSdl);
    },
  };
}

/**
 * Refuses `mutation` operations while validating, when the gateway serves none (GRAPHQL_MUTATIONS). graphql
 * already refuses any mutation field there (the type is absent); this covers what passes its rules.
 */
function useNoMutations(): Plugin {
  return {
    onValidate:
      ({ params }) =>
      ({ valid, setResult }) => {
        if (!valid) return;
        const mutation = params.documentAST.definitions.find(
          (definition: DefinitionNode) =>
            definition.kind === Kind.OPERATION_DEFINITION && definition.operation === 'mutation',
        );
        if (!mutation) return;
        setResult([
          new GraphQLError('This gateway serves no mutations (GRAPHQL_MUTATIONS is off for its credential)', {
            nodes: [mutation],
            // The code yoga gives every validation error.
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          }),
        ]);
      },
  };
}
