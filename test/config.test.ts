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
    [{ PORT: 'abc' }, /^PORT /],
    [{ PORT: '70000' }, /^PORT /],
    [
      { MONGODB_ATLAS_BASE_URL: 'http://cloud.mongodb.com', MONGODB_ATLAS_ACCESS_TOKEN: 't' },
      /^MONGODB_ATLAS_BASE_URL .*https/,
    ],
    [{ MONGODB_ATLAS_BASE_URL: 'https://cloud.mongodb.com/api', MONGODB_ATLAS_ACCESS_TOKEN: 't' }, /without a path/],
    [{ MONGODB_ATLAS_BASE_URL: 'https://cloud.mongodb.com' }, /no Atlas credential/],
    [{ ATLAS_TIMEOUT_MS: '5' }, /^ATLAS_TIMEOUT_MS /],
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
    const secret = 'canary-secret-7f3a';
    expect(() => loadConfig({ MONGODB_ATLAS_ACCESS_TOKEN: secret, PORT: 'x' })).toThrow(/^PORT/);
    try {
      loadConfig({ MONGODB_ATLAS_ACCESS_TOKEN: secret, MONGODB_ATLAS_BASE_URL: `https://${secret}.example/x` });
    } catch (error) {
      expect((error as Error).message).not.toContain(secret);
    }
  });
});
