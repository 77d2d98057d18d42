/**
 * Configuration from the environment, validated once at boot. A bad value stops start-up with one
 * line that names the variable; secret values are never echoed. Credential variables use the names
 * MongoDB's own tools (atlas CLI, Terraform provider) read.
 */
// zod's v3 API, which the zod package keeps beside v4: it loads a few modules where v4's loads 95 (every
// locale among them), for a parse that runs once at startup (0.7 against 3.0 MiB of heap for as long as
// the process lives).
import { z } from 'zod/v3';
import type { AtlasAuth } from './atlas/auth/credential.js';
import type { RequestLimits } from './server/plugins/limits.js';
import { loadTrustedDocuments, ManifestError, type TrustedDocuments } from './server/plugins/trusted-documents.js';

export interface Config {
  port: number;
  host: string;
  /** Null in demo mode: the embedded simulator serves the Atlas API. */
  atlas: { baseUrl: string; auth: AtlasAuth } | null;
  atlasTimeoutMs: number;
  atlasDeadlineMs: number;
  atlasMaxRetries: number;
  atlasMaxConnections: number;
  atlasCallBudget: number;
  atlasCacheTtlMs: number;
  callReport: 'always' | 'on-request' | 'never';
  graphiql: boolean;
  introspection: boolean;
  /** Serve Query.node/nodes (GRAPHQL_NODE_FIELD, default true). */
  nodeField: boolean;
  /**
   * Serve the mutations (GRAPHQL_MUTATIONS): `auto` turns them on with callers' own tokens (forward mode) and
   * in demo mode, off with the gateway's own credential, which would let anyone who reaches the gateway act
   * with it; `true`/`false` decide whatever the mode.
   */
  mutations: boolean;
  /** How long a mutation's outcome answers a repeat with the same idempotencyKey (GRAPHQL_IDEMPOTENCY_WINDOW_MS). */
  idempotencyWindowMs: number;
  limits: Required<RequestLimits>;
  /** Subscriptions: how often the shared pollers read Atlas, and how many streams are served (SUBSCRIPTION_*). */
  subscriptions: SubscriptionSettings;
  /** Origins whose pages may call the gateway from a browser (CORS_ORIGINS; see src/server/plugins/cross-origin.ts). */
  corsOrigins: string[];
  /** The gateway's own host names (ALLOWED_HOSTS): requests naming another are refused. Undefined: any. */
  allowedHosts?: string[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Demo mode only (DEMO_SERVERLESS_BACKUP): whether the embedded simulator plays today's Atlas, whose
   * serverless backup endpoints are sunset (`sunset`, the default), or the Atlas of before 2026-01-22
   * (`available`).
   */
  demoServerlessBackup: 'sunset' | 'available';
  /** REDIS_URL: what replicas share (response cache, rate budget); null: each process keeps its own. */
  redisUrl: string | null;
  redisKeyPrefix: string;
  /** ATLAS_RATE_CAPACITY / _REFILL / _PERIOD_SECONDS: Atlas's token bucket per project, mirrored; null: off. */
  atlasRateLimit: { capacity: number; refill: number; periodMs: number } | null;
  /** Running as a service: metrics, traces, trusted documents, shutdown (see OperationsSettings). */
  operations: OperationsSettings;
}

export interface OperationsSettings {
  /** METRICS: Prometheus text at /metrics; on METRICS_PORT (its own listener) when set, else on PORT. */
  metrics: { port: number | null; operationNames?: string[]; maxOperationNames: number } | null;
  /** OTLP/HTTP trace export (OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT); null: no tracing at all. */
  tracing: {
    endpoint: string;
    protocol: 'http/protobuf' | 'http/json';
    serviceName: string;
    sampleRatio: number;
  } | null;
  /** TRUSTED_DOCUMENTS: the manifests' documents, the only ones run (unless TRUSTED_DOCUMENTS_MODE=allow-arbitrary). */
  trustedDocuments: TrustedDocuments | null;
  /** On SIGTERM: serve this long with /ready failing, then give requests in flight this long to finish. */
  shutdown: { delayMs: number; timeoutMs: number };
}

export interface SubscriptionSettings {
  /** Milliseconds between two reads of a watched object while it changes. */
  pollIntervalMs: number;
  /** The slowest a poller gets while nothing changes or Atlas keeps failing. */
  maxPollIntervalMs: number;
  /** Unchanged this long, a poller starts slowing down. */
  idleAfterMs: number;
  /** Milliseconds between two reads of a project's job lists (`backupActivity`). */
  activityIntervalMs: number;
  /** Open subscriptions in the process. */
  maxSubscriptions: number;
  /** Open subscriptions on one WebSocket (or one HTTP connection). */
  maxPerConnection: number;
}

/** Every default, in one place: the environment's, and the gateway's when built without a configuration. */
export const defaults = {
  port: 4000,
  host: '0.0.0.0',
  atlasBaseUrl: 'https://cloud.mongodb.com',
  atlasTimeoutMs: 10_000,
  atlasDeadlineMs: 25_000,
  atlasMaxRetries: 2,
  atlasMaxConnections: 32,
  atlasCallBudget: 200,
  atlasCacheTtlMs: 0,
  mutations: 'auto',
  // A day, as Stripe keeps its idempotency keys: long enough for any client's retries.
  idempotencyWindowMs: 86_400_000,
  redisKeyPrefix: 'atlas-backup-gateway:',
  atlasRatePeriodSeconds: 60,
  subscriptions: {
    // The Atlas CLI's `watch` polls every 4 s per user; one shared poll every 5 s costs 12 calls a minute per
    // watched object, whatever the number of watchers. A project's activity lists every job list per tick.
    pollIntervalMs: 5_000,
    maxPollIntervalMs: 60_000,
    idleAfterMs: 60_000,
    activityIntervalMs: 15_000,
    maxSubscriptions: 10_000,
    maxPerConnection: 100,
  },
  /** How long shutdown waits for subscribers to read their last event. */
  subscriptionDrainMs: 5_000,
  /** WebSocket keep-alive: a ping this often; a socket that missed the last pong is closed. */
  websocketPingMs: 30_000,
  // Operations: metrics, traces, shutdown.
  metricsMaxOperationNames: 100,
  otelServiceName: 'atlas-backup-graphql-gateway',
  tracingSampleRatio: 1,
  // Kubernetes examples set a delay (deploy/); a plain `npm start` stops at once.
  shutdownDelayMs: 0,
  shutdownTimeoutMs: 10_000,
  limits: {
    maxDepth: 12,
    maxAliases: 15,
    maxTokens: 1_000,
    maxDirectives: 50,
    maxCost: 50_000,
    maxRequestBodyBytes: 100_000,
  },
} as const satisfies { limits: Required<RequestLimits>; subscriptions: SubscriptionSettings } & Record<string, unknown>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const isLoopback = (host: string) => ['localhost', '127.0.0.1', '[::1]'].includes(host);

/**
 * The URL a variable names, or undefined. zod runs a refinement even after `.url()` failed, and `new URL`
 * throws an error that quotes its input (which may hold a password) into a crash's output.
 */
function urlOf(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** A URL variable: `check` says what is wrong with a well-formed URL, or nothing. Its value is never quoted. */
const url = (example: string, check: (url: URL) => string | undefined) =>
  z.string().superRefine((value, context) => {
    const parsed = urlOf(value);
    const message = parsed ? check(parsed) : `must be a URL, like ${example}`;
    if (message) context.addIssue({ code: z.ZodIssueCode.custom, message });
  });

const atlasBaseUrl = url('https://cloud.mongodb.com', (atlas) => {
  if (!(atlas.protocol === 'https:' || (atlas.protocol === 'http:' && isLoopback(atlas.hostname))))
    return 'must be an https URL (plain http only on loopback)';
  // The start-up line names the base URL; a password in it would be logged.
  if (atlas.username || atlas.password)
    return 'must not hold a user or password (the credential variables authenticate to Atlas)';
  if (atlas.pathname !== '/' || atlas.search || atlas.hash)
    return 'must be an origin without a path, like https://cloud.mongodb.com';
  return undefined;
});

/**
 * Redis's URL, checked as the WHATWG parser reads it: ioredis parses it with Node's legacy `url.parse`, which
 * warns about (or throws on) a malformed port or host with the whole URL, password included, in its message.
 */
const redisUrl = url('redis://:password@redis.internal:6379/0', (redis) => {
  if (redis.protocol !== 'redis:' && redis.protocol !== 'rediss:') return 'must be a redis:// or rediss:// URL';
  if (!redis.hostname) return 'must name a host';
  if (!/^(\/\d{0,2})?$/.test(redis.pathname)) return 'may end only in a database number, like /0';
  return undefined;
});

/**
 * A whole number in digits. zod's coercion would read an empty value as 0 (`PORT=` left blank in a manifest
 * listened on a random port, `ATLAS_MAX_RETRIES=` turned retries off) and accept `0x10`, `1e4` or spaces.
 */
const digits = (value: unknown) => (typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value);
const integer = (min: number, max: number) =>
  z.preprocess(
    digits,
    z
      .number({ invalid_type_error: 'must be a whole number in digits (unset it for the default)' })
      .int()
      .min(min)
      .max(max),
  );
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
/**
 * A credential: printable characters without spaces. A secret mounted from a file often ends with a line
 * break, which undici refuses in a header: every call failed as "Atlas could not be reached".
 */
const secret = z
  .string()
  .min(1)
  .regex(/^[\x21-\x7e]+$/, 'must be printable characters without spaces or line breaks (check for a trailing newline)')
  .optional();
// The collector's URL may carry credentials of its own: zod's messages never quote it.
const otlpUrl = url('https://collector.example.com:4318', (collector) =>
  /^https?:$/.test(collector.protocol) ? undefined : 'must be an http(s) URL (OTLP over HTTP)',
);
const otlpProtocol = z.enum(['http/protobuf', 'http/json'], {
  message: 'must be http/protobuf or http/json (OTLP over gRPC is not supported)',
});

const schema = z.object({
  PORT: integer(0, 65535).default(defaults.port),
  HOST: z.string().min(1).default(defaults.host),
  MONGODB_ATLAS_BASE_URL: atlasBaseUrl.optional(),
  MONGODB_ATLAS_CLIENT_ID: secret,
  MONGODB_ATLAS_CLIENT_SECRET: secret,
  MONGODB_ATLAS_PUBLIC_KEY: secret,
  MONGODB_ATLAS_PRIVATE_KEY: secret,
  MONGODB_ATLAS_ACCESS_TOKEN: secret,
  ATLAS_AUTH_MODE: z.enum(['service-account', 'api-key', 'token', 'forward']).optional(),
  ATLAS_TIMEOUT_MS: integer(100, 120_000).default(defaults.atlasTimeoutMs),
  ATLAS_DEADLINE_MS: integer(100, 300_000).default(defaults.atlasDeadlineMs),
  ATLAS_MAX_RETRIES: integer(0, 10).default(defaults.atlasMaxRetries),
  ATLAS_MAX_CONNECTIONS: integer(1, 1024).default(defaults.atlasMaxConnections),
  ATLAS_CALL_BUDGET: integer(1, 100_000).default(defaults.atlasCallBudget),
  ATLAS_CACHE_TTL_MS: integer(0, 600_000).default(defaults.atlasCacheTtlMs),
  ATLAS_CALL_REPORT: z.enum(['always', 'header', 'off']).optional(),
  NODE_ENV: z.string().optional(),
  GRAPHIQL: flag.optional(),
  INTROSPECTION: flag.optional(),
  GRAPHQL_NODE_FIELD: flag.default('true'),
  GRAPHQL_MUTATIONS: z.enum(['auto', 'true', 'false', '1', '0']).default(defaults.mutations),
  GRAPHQL_IDEMPOTENCY_WINDOW_MS: integer(1_000, 604_800_000).default(defaults.idempotencyWindowMs),
  DEMO_SERVERLESS_BACKUP: z.enum(['sunset', 'available']).default('sunset'),
  REDIS_URL: redisUrl.optional(),
  REDIS_KEY_PREFIX: z.string().min(1).max(100).default(defaults.redisKeyPrefix),
  ATLAS_RATE_CAPACITY: integer(0, 1_000_000).default(0),
  ATLAS_RATE_REFILL: integer(1, 1_000_000).optional(),
  ATLAS_RATE_PERIOD_SECONDS: integer(1, 3600).default(defaults.atlasRatePeriodSeconds),
  GRAPHQL_MAX_DEPTH: integer(1, 100).default(defaults.limits.maxDepth),
  GRAPHQL_MAX_ALIASES: integer(0, 1000).default(defaults.limits.maxAliases),
  GRAPHQL_MAX_TOKENS: integer(10, 100_000).default(defaults.limits.maxTokens),
  GRAPHQL_MAX_DIRECTIVES: integer(0, 1000).default(defaults.limits.maxDirectives),
  GRAPHQL_MAX_COST: integer(1, 100_000_000).default(defaults.limits.maxCost),
  GRAPHQL_MAX_BODY_BYTES: integer(1_000, 10_000_000).default(defaults.limits.maxRequestBodyBytes),
  SUBSCRIPTION_POLL_INTERVAL_MS: integer(100, 600_000).default(defaults.subscriptions.pollIntervalMs),
  SUBSCRIPTION_MAX_POLL_INTERVAL_MS: integer(100, 3_600_000).default(defaults.subscriptions.maxPollIntervalMs),
  SUBSCRIPTION_IDLE_AFTER_MS: integer(0, 86_400_000).default(defaults.subscriptions.idleAfterMs),
  SUBSCRIPTION_ACTIVITY_INTERVAL_MS: integer(100, 3_600_000).default(defaults.subscriptions.activityIntervalMs),
  SUBSCRIPTION_MAX: integer(0, 1_000_000).default(defaults.subscriptions.maxSubscriptions),
  SUBSCRIPTION_MAX_PER_CONNECTION: integer(1, 100_000).default(defaults.subscriptions.maxPerConnection),
  METRICS: flag.default('false'),
  METRICS_PORT: integer(1, 65535).optional(),
  METRICS_OPERATION_NAMES: z.string().optional(),
  METRICS_MAX_OPERATION_NAMES: integer(0, 10_000).default(defaults.metricsMaxOperationNames),
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl.optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol.optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol.optional(),
  OTEL_SERVICE_NAME: z.string().min(1).max(200).default(defaults.otelServiceName),
  OTEL_TRACES_SAMPLER_ARG: z
    .preprocess(
      (value) => (typeof value === 'string' && /^\d*\.?\d+$/.test(value) ? Number(value) : value),
      z.number({ invalid_type_error: 'must be a ratio from 0 to 1, like 0.1' }).min(0).max(1),
    )
    .default(defaults.tracingSampleRatio),
  OTEL_TRACES_EXPORTER: z.string().optional(),
  OTEL_SDK_DISABLED: z.string().optional(),
  TRUSTED_DOCUMENTS: z.string().optional(),
  TRUSTED_DOCUMENTS_MODE: z.enum(['enforce', 'allow-arbitrary']).default('enforce'),
  SHUTDOWN_DELAY_MS: integer(0, 600_000).default(defaults.shutdownDelayMs),
  SHUTDOWN_TIMEOUT_MS: integer(0, 600_000).default(defaults.shutdownTimeoutMs),
  CORS_ORIGINS: z.string().optional(),
  ALLOWED_HOSTS: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

type Env = z.infer<typeof schema>;

const reportModes = { always: 'always', header: 'on-request', off: 'never' } as const;

/** The one credential the environment configures, or null for demo mode. */
function atlasAuth(e: Env): AtlasAuth | null {
  const pair = (a: keyof Env, b: keyof Env) => {
    if (Boolean(e[a]) !== Boolean(e[b])) throw new ConfigError(`${String(a)} and ${String(b)} must be set together`);
    return Boolean(e[a]);
  };
  const configured: AtlasAuth[] = [];
  if (pair('MONGODB_ATLAS_CLIENT_ID', 'MONGODB_ATLAS_CLIENT_SECRET')) {
    configured.push({
      mode: 'service-account',
      clientId: e.MONGODB_ATLAS_CLIENT_ID ?? '',
      clientSecret: e.MONGODB_ATLAS_CLIENT_SECRET ?? '',
    });
  }
  if (pair('MONGODB_ATLAS_PUBLIC_KEY', 'MONGODB_ATLAS_PRIVATE_KEY')) {
    configured.push({
      mode: 'api-key',
      publicKey: e.MONGODB_ATLAS_PUBLIC_KEY ?? '',
      privateKey: e.MONGODB_ATLAS_PRIVATE_KEY ?? '',
    });
  }
  if (e.MONGODB_ATLAS_ACCESS_TOKEN) configured.push({ mode: 'token', token: e.MONGODB_ATLAS_ACCESS_TOKEN });
  if (e.ATLAS_AUTH_MODE === 'forward') {
    if (configured.length > 0)
      throw new ConfigError("ATLAS_AUTH_MODE=forward uses callers' tokens: unset the Atlas credential variables");
    return { mode: 'forward' };
  }
  if (configured.length > 1) {
    throw new ConfigError(
      'More than one Atlas credential is set (service account, API key, access token): set exactly one',
    );
  }
  const auth = configured[0] ?? null;
  if (e.ATLAS_AUTH_MODE && auth?.mode !== e.ATLAS_AUTH_MODE) {
    const found = auth ? ` (the variables set are for ${auth.mode})` : '';
    throw new ConfigError(`ATLAS_AUTH_MODE is ${e.ATLAS_AUTH_MODE} but its credential variables are not set${found}`);
  }
  return auth;
}

/**
 * ALLOWED_HOSTS: comma-separated host names the gateway is reached by (`backup-gateway.internal`,
 * `10.0.0.5`, `[fd00::5]`), without scheme or port; loopback's are always allowed.
 */
function allowedHosts(value: string): string[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  if (entries.length === 0) throw new ConfigError('ALLOWED_HOSTS names no host: unset it to allow any');
  for (const entry of entries) {
    if (
      !/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])$/.test(
        entry,
      )
    ) {
      throw new ConfigError(
        `ALLOWED_HOSTS entry "${entry.slice(0, 100)}" is not a host name like backup-gateway.internal (no scheme, no port)`,
      );
    }
  }
  return entries;
}

/**
 * CORS_ORIGINS: comma-separated origins (`https://console.example.com`), `local` (localhost on any port),
 * `*` (forward mode only: elsewhere any page could read what the gateway's own credential can), or empty
 * for none. Default: `local` in development, none in production.
 */
function corsOrigins(value: string | undefined, production: boolean, forward: boolean): string[] {
  if (value === undefined) return production ? [] : ['local'];
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries.map((entry) => {
    if (entry === 'local') return entry;
    if (entry === '*') {
      if (!forward) {
        throw new ConfigError(
          "CORS_ORIGINS=* would let any web page read what the gateway's Atlas credential can: list the origins " +
            '(`*` is allowed only with ATLAS_AUTH_MODE=forward)',
        );
      }
      return entry;
    }
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new ConfigError(
        `CORS_ORIGINS entry "${entry.slice(0, 100)}" is not an origin like https://app.example.com`,
      );
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname !== '/' || url.search || url.hash) {
      throw new ConfigError(
        `CORS_ORIGINS entry "${entry.slice(0, 100)}" is not an origin like https://app.example.com`,
      );
    }
    return url.origin;
  });
}

/**
 * zod's messages, except one that would quote the rejected value (configuration errors never echo a value):
 * zod v3's default for a rejected choice ends with it, so the choices are named instead. A message a schema
 * gives itself quotes nothing and is kept.
 */
const withoutValues: z.ZodErrorMap = (issue, context) =>
  issue.code === z.ZodIssueCode.invalid_enum_value && context.defaultError.includes(`'${String(issue.received)}'`)
    ? { message: `must be one of ${issue.options.join(', ')}` }
    : { message: context.defaultError };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env, { errorMap: withoutValues });
  if (!parsed.success) {
    // Issues name the variable and the rule, never the rejected value (see withoutValues).
    const issue = parsed.error.issues[0];
    const name = issue?.path.join('.') ?? 'environment';
    throw new ConfigError(`${name} ${issue?.message ?? 'is invalid'}`);
  }
  const e = parsed.data;
  // `Production` would pass for development (demo data, GraphiQL, introspection): refused rather than guessed.
  if (e.NODE_ENV !== undefined && e.NODE_ENV !== 'production' && e.NODE_ENV.trim().toLowerCase() === 'production') {
    throw new ConfigError('NODE_ENV must be written production, in lowercase');
  }
  const production = e.NODE_ENV === 'production';
  const auth = atlasAuth(e);
  if (e.MONGODB_ATLAS_BASE_URL && !auth) {
    throw new ConfigError('MONGODB_ATLAS_BASE_URL is set but no Atlas credential is: no way to authenticate to Atlas');
  }
  if (!auth && production) {
    throw new ConfigError(
      'NODE_ENV=production needs an Atlas credential (MONGODB_ATLAS_CLIENT_ID/_SECRET, MONGODB_ATLAS_PUBLIC_KEY/' +
        '_PRIVATE_KEY, MONGODB_ATLAS_ACCESS_TOKEN or ATLAS_AUTH_MODE=forward); demo data is for development',
    );
  }
  if (e.SUBSCRIPTION_MAX_POLL_INTERVAL_MS < e.SUBSCRIPTION_POLL_INTERVAL_MS) {
    throw new ConfigError('SUBSCRIPTION_MAX_POLL_INTERVAL_MS must be at least SUBSCRIPTION_POLL_INTERVAL_MS');
  }
  // Outside production, GraphiQL and introspection are on; in production only when asked for.
  const introspection = e.INTROSPECTION ?? !production;
  if (e.GRAPHIQL === true && !introspection) {
    throw new ConfigError('GRAPHIQL=true needs INTROSPECTION=true: GraphiQL reads the schema by introspection');
  }
  refuseWhatWouldDoNothing(env, e);
  return {
    port: e.PORT,
    host: e.HOST,
    atlas: auth ? { baseUrl: e.MONGODB_ATLAS_BASE_URL ?? defaults.atlasBaseUrl, auth } : null,
    atlasTimeoutMs: e.ATLAS_TIMEOUT_MS,
    atlasDeadlineMs: e.ATLAS_DEADLINE_MS,
    atlasMaxRetries: e.ATLAS_MAX_RETRIES,
    atlasMaxConnections: e.ATLAS_MAX_CONNECTIONS,
    atlasCallBudget: e.ATLAS_CALL_BUDGET,
    atlasCacheTtlMs: e.ATLAS_CACHE_TTL_MS,
    // The per-request header switch is for development; production reports only when configured to.
    callReport: reportModes[e.ATLAS_CALL_REPORT ?? (production ? 'off' : 'header')],
    graphiql: (e.GRAPHIQL ?? !production) && introspection,
    introspection,
    nodeField: e.GRAPHQL_NODE_FIELD,
    // Writes act with the credential: a caller's own (forward) or the demo's are theirs to use; the gateway's
    // own would act for anyone who can reach the gateway, so it writes only when told to.
    mutations:
      e.GRAPHQL_MUTATIONS === 'auto'
        ? auth === null || auth.mode === 'forward'
        : e.GRAPHQL_MUTATIONS === 'true' || e.GRAPHQL_MUTATIONS === '1',
    idempotencyWindowMs: e.GRAPHQL_IDEMPOTENCY_WINDOW_MS,
    demoServerlessBackup: e.DEMO_SERVERLESS_BACKUP,
    redisUrl: e.REDIS_URL ?? null,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    atlasRateLimit:
      e.ATLAS_RATE_CAPACITY > 0
        ? {
            capacity: e.ATLAS_RATE_CAPACITY,
            // Atlas's buckets refill at most their capacity per period.
            refill: Math.min(e.ATLAS_RATE_REFILL ?? e.ATLAS_RATE_CAPACITY, e.ATLAS_RATE_CAPACITY),
            periodMs: e.ATLAS_RATE_PERIOD_SECONDS * 1000,
          }
        : null,
    limits: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      maxCost: e.GRAPHQL_MAX_COST,
      maxRequestBodyBytes: e.GRAPHQL_MAX_BODY_BYTES,
    },
    subscriptions: {
      pollIntervalMs: e.SUBSCRIPTION_POLL_INTERVAL_MS,
      maxPollIntervalMs: e.SUBSCRIPTION_MAX_POLL_INTERVAL_MS,
      idleAfterMs: e.SUBSCRIPTION_IDLE_AFTER_MS,
      activityIntervalMs: e.SUBSCRIPTION_ACTIVITY_INTERVAL_MS,
      maxSubscriptions: e.SUBSCRIPTION_MAX,
      maxPerConnection: e.SUBSCRIPTION_MAX_PER_CONNECTION,
    },
    corsOrigins: corsOrigins(e.CORS_ORIGINS, production, auth?.mode === 'forward'),
    ...(e.ALLOWED_HOSTS === undefined ? {} : { allowedHosts: allowedHosts(e.ALLOWED_HOSTS) }),
    logLevel: e.LOG_LEVEL,
    operations: operationsSettings(e),
  };
}

/** Settings that mean something only beside another: set alone, they would silently do nothing. */
function refuseWhatWouldDoNothing(env: NodeJS.ProcessEnv, e: Env): void {
  const rateBudget = e.ATLAS_RATE_CAPACITY > 0;
  const alone: [string, boolean, string][] = [
    ['ATLAS_RATE_REFILL', rateBudget, 'ATLAS_RATE_CAPACITY (above 0)'],
    ['ATLAS_RATE_PERIOD_SECONDS', rateBudget, 'ATLAS_RATE_CAPACITY (above 0)'],
    ['REDIS_KEY_PREFIX', e.REDIS_URL !== undefined, 'REDIS_URL'],
    ['TRUSTED_DOCUMENTS_MODE', e.TRUSTED_DOCUMENTS !== undefined, 'TRUSTED_DOCUMENTS'],
  ];
  for (const [name, withWhatItNeeds, needed] of alone) {
    if (env[name] !== undefined && !withWhatItNeeds) {
      throw new ConfigError(`${name} is set but ${needed} is not: it would do nothing`);
    }
  }
}

const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

function operationsSettings(e: Env): OperationsSettings {
  // OTLP's own variables, as every OpenTelemetry SDK reads them; the signal-specific endpoint is used as is.
  const tracesEndpoint =
    e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (e.OTEL_EXPORTER_OTLP_ENDPOINT ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` : undefined);
  // OpenTelemetry's own reading of these: case-insensitive.
  const tracingOff =
    e.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true' || e.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none';
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT === e.PORT) {
    throw new ConfigError('METRICS_PORT must differ from PORT (unset it to serve /metrics on PORT)');
  }
  if (e.METRICS_PORT !== undefined && !e.METRICS) {
    throw new ConfigError('METRICS_PORT is set but METRICS is not true: set METRICS=true to serve /metrics there');
  }
  let trustedDocuments: TrustedDocuments | null = null;
  const manifests = list(e.TRUSTED_DOCUMENTS);
  // Set, but naming no file (`TRUSTED_DOCUMENTS=,`): the operator meant to allow only trusted documents.
  if (e.TRUSTED_DOCUMENTS !== undefined && !manifests?.length) {
    throw new ConfigError('TRUSTED_DOCUMENTS names no manifest file: give one or more paths, or unset it');
  }
  if (manifests?.length) {
    try {
      trustedDocuments = loadTrustedDocuments(manifests, e.TRUSTED_DOCUMENTS_MODE === 'allow-arbitrary');
    } catch (error) {
      if (error instanceof ManifestError) throw new ConfigError(`TRUSTED_DOCUMENTS: ${error.message}`);
      throw error;
    }
  }
  return {
    metrics: e.METRICS
      ? {
          port: e.METRICS_PORT ?? null,
          // With trusted documents, their names are the allow-list unless one is given.
          operationNames: list(e.METRICS_OPERATION_NAMES) ?? trustedDocuments?.operationNames.slice(),
          maxOperationNames: e.METRICS_MAX_OPERATION_NAMES,
        }
      : null,
    tracing:
      tracesEndpoint && !tracingOff
        ? {
            endpoint: tracesEndpoint,
            protocol: e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
            serviceName: e.OTEL_SERVICE_NAME,
            sampleRatio: e.OTEL_TRACES_SAMPLER_ARG,
          }
        : null,
    trustedDocuments,
    shutdown: { delayMs: e.SHUTDOWN_DELAY_MS, timeoutMs: e.SHUTDOWN_TIMEOUT_MS },
  };
}
