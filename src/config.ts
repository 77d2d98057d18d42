/**
 * Configuration from the environment, validated once at boot. A bad value stops start-up with one
 * line that names the variable; secret values are never echoed.
 */
import { z } from 'zod';

export interface Config {
  port: number;
  host: string;
  /** Null in demo mode: the embedded simulator serves the Atlas API. */
  atlas: { baseUrl: string; accessToken: string } | null;
  atlasTimeoutMs: number;
  atlasMaxConnections: number;
  atlasCallBudget: number;
  atlasCacheTtlMs: number;
  callReport: 'always' | 'on-request' | 'never';
  graphiql: boolean;
  /** Serve Query.node/nodes (GRAPHQL_NODE_FIELD, default true). */
  nodeField: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

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

const schema = z.object({
  PORT: integer(0, 65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  MONGODB_ATLAS_BASE_URL: atlasBaseUrl.optional(),
  MONGODB_ATLAS_ACCESS_TOKEN: z.string().min(1).optional(),
  ATLAS_TIMEOUT_MS: integer(100, 120_000).default(10_000),
  ATLAS_MAX_CONNECTIONS: integer(1, 1024).default(32),
  ATLAS_CALL_BUDGET: integer(1, 100_000).default(200),
  ATLAS_CACHE_TTL_MS: integer(0, 600_000).default(0),
  ATLAS_CALL_REPORT: z.enum(['always', 'header', 'off']).optional(),
  NODE_ENV: z.string().optional(),
  GRAPHIQL: flag.default(true),
  GRAPHQL_NODE_FIELD: flag.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const reportModes = { always: 'always', header: 'on-request', off: 'never' } as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    // Issues name the variable and the rule; zod does not include the rejected value in them.
    const issue = parsed.error.issues[0];
    const name = issue?.path.join('.') ?? 'environment';
    throw new ConfigError(`${name} ${issue?.message ?? 'is invalid'}`);
  }
  const e = parsed.data;
  if (e.MONGODB_ATLAS_BASE_URL && !e.MONGODB_ATLAS_ACCESS_TOKEN) {
    throw new ConfigError(
      'MONGODB_ATLAS_BASE_URL is set but MONGODB_ATLAS_ACCESS_TOKEN is not: no credential for Atlas',
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    atlas: e.MONGODB_ATLAS_ACCESS_TOKEN
      ? {
          baseUrl: e.MONGODB_ATLAS_BASE_URL ?? 'https://cloud.mongodb.com',
          accessToken: e.MONGODB_ATLAS_ACCESS_TOKEN,
        }
      : null,
    atlasTimeoutMs: e.ATLAS_TIMEOUT_MS,
    atlasMaxConnections: e.ATLAS_MAX_CONNECTIONS,
    atlasCallBudget: e.ATLAS_CALL_BUDGET,
    atlasCacheTtlMs: e.ATLAS_CACHE_TTL_MS,
    // The per-request header switch is for development; production reports only when configured to.
    callReport: reportModes[e.ATLAS_CALL_REPORT ?? (e.NODE_ENV === 'production' ? 'off' : 'header')],
    graphiql: e.GRAPHIQL,
    nodeField: e.GRAPHQL_NODE_FIELD,
    logLevel: e.LOG_LEVEL,
  };
}
