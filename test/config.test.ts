import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('defaults to demo mode on port 4000', () => {
    expect(loadConfig({})).toMatchObject({ port: 4000, atlas: null, graphiql: true });
  });

  it('talks to Atlas when a token is set', () => {
    expect(loadConfig({ MONGODB_ATLAS_ACCESS_TOKEN: 'tok' }).atlas).toEqual({
      baseUrl: 'https://cloud.mongodb.com',
      auth: { mode: 'token', token: 'tok' },
    });
  });

  it.each([
    [
      { MONGODB_ATLAS_CLIENT_ID: 'id', MONGODB_ATLAS_CLIENT_SECRET: 's' },
      { mode: 'service-account', clientId: 'id', clientSecret: 's' },
    ],
    [
      { MONGODB_ATLAS_PUBLIC_KEY: 'pk', MONGODB_ATLAS_PRIVATE_KEY: 'sk' },
      { mode: 'api-key', publicKey: 'pk', privateKey: 'sk' },
    ],
    [{ ATLAS_AUTH_MODE: 'forward' }, { mode: 'forward' }],
    [
      { MONGODB_ATLAS_ACCESS_TOKEN: 't', ATLAS_AUTH_MODE: 'token' },
      { mode: 'token', token: 't' },
    ],
  ])('selects the auth mode from %j', (env, auth) => {
    expect(loadConfig(env).atlas).toEqual({ baseUrl: 'https://cloud.mongodb.com', auth });
  });

  it('turns GraphiQL, introspection and demo mode off in production unless asked', () => {
    const prod = { NODE_ENV: 'production', MONGODB_ATLAS_ACCESS_TOKEN: 't' };
    expect(loadConfig(prod)).toMatchObject({ graphiql: false, introspection: false, callReport: 'never' });
    expect(loadConfig({ ...prod, INTROSPECTION: 'true', GRAPHIQL: 'true' })).toMatchObject({
      graphiql: true,
      introspection: true,
    });
    expect(loadConfig({})).toMatchObject({ graphiql: true, introspection: true, limits: { maxDepth: 12 } });
  });

  it.each([
    [{ NODE_ENV: 'production' }, /NODE_ENV=production needs an Atlas credential/],
    [{ MONGODB_ATLAS_CLIENT_ID: 'id' }, /MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET must be set together/],
    [{ MONGODB_ATLAS_PRIVATE_KEY: 'k' }, /must be set together/],
    [{ MONGODB_ATLAS_ACCESS_TOKEN: 't', MONGODB_ATLAS_PUBLIC_KEY: 'p', MONGODB_ATLAS_PRIVATE_KEY: 'k' }, /exactly one/],
    [{ ATLAS_AUTH_MODE: 'forward', MONGODB_ATLAS_ACCESS_TOKEN: 't' }, /forward/],
    [{ ATLAS_AUTH_MODE: 'api-key' }, /ATLAS_AUTH_MODE is api-key/],
    [
      { ATLAS_AUTH_MODE: 'api-key', MONGODB_ATLAS_CLIENT_ID: 'i', MONGODB_ATLAS_CLIENT_SECRET: 's' },
      /^ATLAS_AUTH_MODE is api-key but its credential variables are not set \(the variables set are for service-account\)$/,
    ],
    // Set on purpose, naming nothing: trusted documents would silently not be enforced.
    [{ TRUSTED_DOCUMENTS: ',' }, /^TRUSTED_DOCUMENTS names no manifest file/],
    [{ TRUSTED_DOCUMENTS: '' }, /^TRUSTED_DOCUMENTS names no manifest file/],
    [{ METRICS_PORT: '9464' }, /^METRICS_PORT is set but METRICS is not true/],
    [{ NODE_ENV: 'Production' }, /^NODE_ENV must be written production, in lowercase$/],
    [
      { NODE_ENV: 'production', MONGODB_ATLAS_ACCESS_TOKEN: 't', GRAPHIQL: 'true' },
      /^GRAPHIQL=true needs INTROSPECTION=true/,
    ],
    [{ ATLAS_RATE_REFILL: '10' }, /^ATLAS_RATE_REFILL is set but ATLAS_RATE_CAPACITY \(above 0\) is not/],
    [{ ATLAS_RATE_PERIOD_SECONDS: '60', ATLAS_RATE_CAPACITY: '0' }, /^ATLAS_RATE_PERIOD_SECONDS is set but/],
    [{ REDIS_KEY_PREFIX: 'blue:' }, /^REDIS_KEY_PREFIX is set but REDIS_URL is not: it would do nothing$/],
    [{ TRUSTED_DOCUMENTS_MODE: 'allow-arbitrary' }, /^TRUSTED_DOCUMENTS_MODE is set but TRUSTED_DOCUMENTS is not/],
    [{ GRAPHQL_MAX_DEPTH: '0' }, /^GRAPHQL_MAX_DEPTH /],
    [{ PORT: 'abc' }, /^PORT /],
    [{ PORT: '70000' }, /^PORT /],
    [
      { MONGODB_ATLAS_BASE_URL: 'http://cloud.mongodb.com', MONGODB_ATLAS_ACCESS_TOKEN: 't' },
      /^MONGODB_ATLAS_BASE_URL .*https/,
    ],
    [{ MONGODB_ATLAS_BASE_URL: 'https://cloud.mongodb.com/api', MONGODB_ATLAS_ACCESS_TOKEN: 't' }, /without a path/],
    [{ MONGODB_ATLAS_BASE_URL: 'https://cloud.mongodb.com' }, /no Atlas credential/],
    [{ ATLAS_TIMEOUT_MS: '5' }, /^ATLAS_TIMEOUT_MS /],
    // A value left blank in a manifest is no number (zod's coercion read it as 0), nor are hex and exponents.
    [{ PORT: '' }, /^PORT must be a whole number in digits \(unset it for the default\)$/],
    [{ ATLAS_MAX_RETRIES: '' }, /^ATLAS_MAX_RETRIES must be a whole number/],
    [{ SUBSCRIPTION_MAX: '' }, /^SUBSCRIPTION_MAX must be a whole number/],
    [{ GRAPHQL_MAX_ALIASES: ' ' }, /^GRAPHQL_MAX_ALIASES must be a whole number/],
    [{ PORT: '0x10FF' }, /^PORT must be a whole number/],
    [{ ATLAS_CALL_BUDGET: '1e4' }, /^ATLAS_CALL_BUDGET must be a whole number/],
    [{ ATLAS_RATE_CAPACITY: '' }, /^ATLAS_RATE_CAPACITY must be a whole number/],
    [{ OTEL_TRACES_SAMPLER_ARG: '' }, /^OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1/],
    [{ MONGODB_ATLAS_BASE_URL: 'notaurl', MONGODB_ATLAS_ACCESS_TOKEN: 't' }, /^MONGODB_ATLAS_BASE_URL must be a URL/],
    [
      { MONGODB_ATLAS_BASE_URL: 'https://cloud.mongodb.com?x=1', MONGODB_ATLAS_ACCESS_TOKEN: 't' },
      /^MONGODB_ATLAS_BASE_URL must be an origin without a path/,
    ],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, /^OTEL_EXPORTER_OTLP_ENDPOINT must be/],
    // A secret mounted from a file often ends with a line break; undici refuses it in a header, call by call.
    [{ MONGODB_ATLAS_ACCESS_TOKEN: 'token\n' }, /^MONGODB_ATLAS_ACCESS_TOKEN must be printable characters/],
    [
      { MONGODB_ATLAS_CLIENT_ID: 'mdb_sa_id_x', MONGODB_ATLAS_CLIENT_SECRET: ' mdb_sa_sk_y' },
      /^MONGODB_ATLAS_CLIENT_SECRET must be printable/,
    ],
  ])('refuses %j with one clear line', (env, message) => {
    try {
      loadConfig(env);
      expect.unreachable('accepted a bad setting');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('never echoes a secret in its message', () => {
    for (const env of [
      { MONGODB_ATLAS_CLIENT_SECRET: 'canary-secret-7f3a' },
      {
        MONGODB_ATLAS_PRIVATE_KEY: 'canary-secret-7f3a',
        MONGODB_ATLAS_CLIENT_ID: 'x',
        MONGODB_ATLAS_CLIENT_SECRET: 'y',
        MONGODB_ATLAS_PUBLIC_KEY: 'z',
      },
    ]) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      try {
        loadConfig(env);
      } catch (error) {
        expect((error as Error).message).not.toContain('canary');
      }
    }
    const secret = 'canary-secret-7f3a';
    expect(() => loadConfig({ MONGODB_ATLAS_ACCESS_TOKEN: secret, PORT: 'x' })).toThrow(/^PORT/);
    // URLs that may hold a password: refused with a line naming the variable, never a crash quoting the value.
    for (const env of [
      { MONGODB_ATLAS_ACCESS_TOKEN: 't', MONGODB_ATLAS_BASE_URL: `https://${secret}.example/x` },
      { MONGODB_ATLAS_ACCESS_TOKEN: 't', MONGODB_ATLAS_BASE_URL: `http://proxy:${secret}@127.0.0.1:4010` },
      { MONGODB_ATLAS_ACCESS_TOKEN: 't', MONGODB_ATLAS_BASE_URL: `https//user:${secret}@cloud.mongodb.com` },
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `https//key:${secret}@collector` },
      { MONGODB_ATLAS_ACCESS_TOKEN: `${secret}\r\n` },
    ]) {
      expect(() => loadConfig(env), JSON.stringify(Object.keys(env))).toThrow(ConfigError);
      try {
        loadConfig(env);
      } catch (error) {
        expect((error as Error).message).not.toContain(secret);
      }
    }
    expect(() =>
      loadConfig({ MONGODB_ATLAS_ACCESS_TOKEN: 't', MONGODB_ATLAS_BASE_URL: `http://proxy:${secret}@127.0.0.1:4010` }),
    ).toThrow(/^MONGODB_ATLAS_BASE_URL must not hold a user or password/);
  });

  it('names the choices of a variable set to none of them, without quoting what was set', () => {
    expect(() => loadConfig({ ATLAS_AUTH_MODE: 'mdb_sa_sk_pasted-by-mistake' })).toThrow(
      /^ATLAS_AUTH_MODE must be one of service-account, api-key, token, forward$/,
    );
  });

  it('plays post-sunset Atlas in demo mode unless DEMO_SERVERLESS_BACKUP=available', () => {
    expect(loadConfig({}).demoServerlessBackup).toBe('sunset');
    expect(loadConfig({ DEMO_SERVERLESS_BACKUP: 'available' }).demoServerlessBackup).toBe('available');
    expect(() => loadConfig({ DEMO_SERVERLESS_BACKUP: 'later' })).toThrow(/^DEMO_SERVERLESS_BACKUP/);
  });

  it('shares through Redis and mirrors Atlas rate limit only when configured, never echoing the URL', () => {
    expect(loadConfig({}).redisUrl).toBeNull();
    expect(loadConfig({}).atlasRateLimit).toBeNull();
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6380' }).redisUrl).toBe('redis://127.0.0.1:6380');
    expect(loadConfig({ ATLAS_RATE_CAPACITY: '1200', ATLAS_RATE_REFILL: '500' }).atlasRateLimit).toEqual({
      capacity: 1200,
      refill: 500,
      periodMs: 60_000,
    });
    // Refill defaults to the capacity and never exceeds it.
    expect(loadConfig({ ATLAS_RATE_CAPACITY: '100', ATLAS_RATE_REFILL: '900' }).atlasRateLimit?.refill).toBe(100);
    expect(loadConfig({ REDIS_URL: 'rediss://:pw@[::1]:6380/2' }).redisUrl).toBe('rediss://:pw@[::1]:6380/2');
    const secret = 'canary-redis-password';
    // Each of these reached ioredis, whose URL parser printed it, password included (a deprecation warning,
    // or a crash's stack), or retried a port that cannot exist forever.
    for (const value of [
      `http://user:${secret}@host`,
      `redis://:${secret}@127.0.0.1:6391x`,
      `redis://default:${secret}@[::1:6391`,
      `redis://:${secret}@127.0.0.1:99999`,
      `redis://:${secret}@127.0.0.1:6379/db`,
    ]) {
      try {
        loadConfig({ REDIS_URL: value });
        expect.unreachable(`accepted ${value}`);
      } catch (error) {
        expect((error as Error).message).toMatch(/^REDIS_URL/);
        expect((error as Error).message).not.toContain(secret);
      }
    }
  });
  it('polls for subscriptions every 5 s by default, slower when idle, within limits the environment sets', () => {
    expect(loadConfig({}).subscriptions).toEqual({
      pollIntervalMs: 5_000,
      maxPollIntervalMs: 60_000,
      idleAfterMs: 60_000,
      activityIntervalMs: 15_000,
      maxSubscriptions: 10_000,
      maxPerConnection: 100,
    });
    expect(
      loadConfig({
        SUBSCRIPTION_POLL_INTERVAL_MS: '2000',
        SUBSCRIPTION_MAX: '50',
        SUBSCRIPTION_MAX_PER_CONNECTION: '5',
      }).subscriptions,
    ).toMatchObject({ pollIntervalMs: 2_000, maxSubscriptions: 50, maxPerConnection: 5 });
    expect(() => loadConfig({ SUBSCRIPTION_POLL_INTERVAL_MS: '10' })).toThrow(/^SUBSCRIPTION_POLL_INTERVAL_MS/);
    expect(() =>
      loadConfig({ SUBSCRIPTION_POLL_INTERVAL_MS: '10000', SUBSCRIPTION_MAX_POLL_INTERVAL_MS: '5000' }),
    ).toThrow(ConfigError);
  });

  it("serves mutations with callers' own tokens and in demo mode, not with the gateway's own credential unless enabled", () => {
    const token = { MONGODB_ATLAS_ACCESS_TOKEN: 't' };
    expect(loadConfig({}).mutations).toBe(true);
    expect(loadConfig({ ATLAS_AUTH_MODE: 'forward' }).mutations).toBe(true);
    expect(loadConfig(token).mutations).toBe(false);
    expect(loadConfig({ MONGODB_ATLAS_CLIENT_ID: 'id', MONGODB_ATLAS_CLIENT_SECRET: 's' }).mutations).toBe(false);
    expect(loadConfig({ ...token, GRAPHQL_MUTATIONS: 'true' }).mutations).toBe(true);
    expect(loadConfig({ ATLAS_AUTH_MODE: 'forward', GRAPHQL_MUTATIONS: 'false' }).mutations).toBe(false);
    expect(() => loadConfig({ GRAPHQL_MUTATIONS: 'yes' })).toThrow(/^GRAPHQL_MUTATIONS/);
    expect(loadConfig({}).idempotencyWindowMs).toBe(86_400_000);
    expect(loadConfig({ GRAPHQL_IDEMPOTENCY_WINDOW_MS: '60000' }).idempotencyWindowMs).toBe(60_000);
    expect(() => loadConfig({ GRAPHQL_IDEMPOTENCY_WINDOW_MS: '10' })).toThrow(/^GRAPHQL_IDEMPOTENCY_WINDOW_MS/);
  });
});
