/**
 * Configuration from the environment, validated once at boot. A bad value stops start-up with one
 * line that names the variable; secret values are never echoed. Credential variables use the names
 * MongoDB's own tools (atlas CLI, Terraform provider) read.
 */
import { z } from 'zod';
import type { AtlasAuth } from './atlas/auth/credential.js';
import type { RequestLimits } from './server/plugins/limits.js';

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
  limits: Required<RequestLimits>;
  /** Origins whose pages may call the gateway from a browser (CORS_ORIGINS; see src/server/plugins/cross-origin.ts). */
  corsOrigins: string[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Demo mode only (DEMO_SERVERLESS_BACKUP): whether the embedded simulator plays today's Atlas, whose
   * serverless backup endpoints are sunset (`sunset`, the default), or the Atlas of before 2026-01-22
   * (`available`).
   */
  demoServerlessBackup: 'sunset' | 'available';
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
  limits: {
    maxDepth: 12,
    maxAliases: 15,
    maxTokens: 1_000,
    maxDirectives: 50,
    maxCost: 50_000,
    maxRequestBodyBytes: 100_000,
  },
} as const satisfies { limits: Required<RequestLimits> } & Record<string, unknown>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const isLoopback = (host: string) => ['localhost', '127.0.0.1', '[::1]'].includes(host);

const atlasBaseUrl = z
  .string()
  .url()
  .refine((value) => {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
  }, 'must be an https URL (plain http only on loopback)')
  .refine(
    (value) => new URL(value).pathname === '/',
    'must be an origin without a path, like https://cloud.mongodb.com',
  );

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const secret = z.string().min(1).optional();

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
  GRAPHQL_NODE_FIELD: flag.default(true),
  DEMO_SERVERLESS_BACKUP: z.enum(['sunset', 'available']).default('sunset'),
  GRAPHQL_MAX_DEPTH: integer(1, 100).default(defaults.limits.maxDepth),
  GRAPHQL_MAX_ALIASES: integer(0, 1000).default(defaults.limits.maxAliases),
  GRAPHQL_MAX_TOKENS: integer(10, 100_000).default(defaults.limits.maxTokens),
  GRAPHQL_MAX_DIRECTIVES: integer(0, 1000).default(defaults.limits.maxDirectives),
  GRAPHQL_MAX_COST: integer(1, 100_000_000).default(defaults.limits.maxCost),
  GRAPHQL_MAX_BODY_BYTES: integer(1_000, 10_000_000).default(defaults.limits.maxRequestBodyBytes),
  CORS_ORIGINS: z.string().optional(),
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
    throw new ConfigError(`ATLAS_AUTH_MODE is ${e.ATLAS_AUTH_MODE} but its credential variables are not set`);
  }
  return auth;
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    // Issues name the variable and the rule; zod does not include the rejected value in them.
    const issue = parsed.error.issues[0];
    const name = issue?.path.join('.') ?? 'environment';
    throw new ConfigError(`${name} ${issue?.message ?? 'is invalid'}`);
  }
  const e = parsed.data;
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
  // Outside production, GraphiQL and introspection are on; in production only when asked for.
  const introspection = e.INTROSPECTION ?? !production;
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
    demoServerlessBackup: e.DEMO_SERVERLESS_BACKUP,
    limits: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      maxCost: e.GRAPHQL_MAX_COST,
      maxRequestBodyBytes: e.GRAPHQL_MAX_BODY_BYTES,
    },
    corsOrigins: corsOrigins(e.CORS_ORIGINS, production, auth?.mode === 'forward'),
    logLevel: e.LOG_LEVEL,
  };
}
