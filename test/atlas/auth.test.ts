/**
 * The three ways the gateway authenticates to Atlas, each against the simulator in strict mode (it mints
 * and checks OAuth tokens, verifies digest responses, refuses unknown or expired credentials).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { renewalLeadMs } from '../../src/atlas/auth/service-account.js';
import type { AtlasAuth } from '../../src/server/gateway.js';
import { DEMO, type SimulatorOptions } from '../../src/simulator/index.js';
import { startStack, type TestStack } from '../../support/stack.js';
import { exampleQuery } from '../../src/server/gateway.js';

const dashboard = exampleQuery;
const projectQuery = `{ project(id: "${DEMO.projects.payments.id}") { name } }`;
const client = { clientId: 'mdb_sa_id_0123456789abcdef01234567', clientSecret: 'mdb_sa_sk_canary-secret-1' };
const apiKey = { publicKey: 'abcdefgh', privateKey: '0b5d6a3e-canary-private-key' };

let stacks: TestStack[] = [];
afterEach(async () => {
  await Promise.all(stacks.map((s) => s.close()));
  stacks = [];
});
async function stack(options: Parameters<typeof startStack>[0]) {
  const started = await startStack(options);
  stacks.push(started);
  return started;
}
const apiCalls = (s: TestStack) => s.simulator.calls.filter((c) => c.path.startsWith('/api/atlas/v2')).length;

describe('service account (OAuth client credentials)', () => {
  const strict = (auth: Record<string, unknown> = {}) => ({
    simulator: { bearerTokens: [], auth: { serviceAccounts: [client], ...auth } },
    auth: { mode: 'service-account' as const, ...client },
  });

  it('serves the whole dashboard with one token minted for 20 concurrent cold requests', async () => {
    const s = await stack(strict());
    const answers = await Promise.all(Array.from({ length: 20 }, () => s.query(dashboard)));
    for (const answer of answers) {
      expect(answer.errors).toBeUndefined();
      expect((answer.data as { projects: { nodes: unknown[] } }).projects.nodes).toHaveLength(3);
    }
    expect(s.simulator.auth.minted(client.clientId)).toBe(1);
    expect(s.simulator.callCount({ operationId: 'oauthToken' })).toBe(1);
  });

  it('mints once more when Atlas stops accepting the token, and the request still succeeds', async () => {
    const s = await stack(strict());
    expect((await s.query(projectQuery)).data).toEqual({ project: { name: DEMO.projects.payments.name } });
    s.simulator.auth.expireAllTokens();
    const again = await Promise.all(Array.from({ length: 5 }, () => s.query(projectQuery)));
    for (const answer of again) expect(answer.data).toEqual({ project: { name: DEMO.projects.payments.name } });
    expect(s.simulator.auth.minted(client.clientId)).toBe(2);
  });

  it('renews the token in the background before it expires', async () => {
    // A 2 s token is renewed 1 s before it expires (half its lifetime, shorter than the 10-minute default).
    const s = await stack(strict({ tokenTtlSeconds: 2 }));
    await s.query(projectQuery);
    await new Promise((resolve) => setTimeout(resolve, 1_200)); // now inside the renewal window
    const answer = await s.query(projectQuery);
    expect(answer.data).toEqual({ project: { name: DEMO.projects.payments.name } });
    await expect.poll(() => s.simulator.auth.minted(client.clientId)).toBe(2);
    // The renewal happened beside the call: no API call was refused on the way.
    expect(s.simulator.calls.filter((c) => c.status === 401)).toHaveLength(0);
  });

  it('mints one token per renewal point when tokens live shorter than the renewal lead', async () => {
    // Atlas may issue tokens that live less than the default 10-minute lead (here 6 s): the lead then
    // shrinks to half the lifetime, so a fresh token is never already due for renewal.
    const s = await stack(strict({ tokenTtlSeconds: 6 }));
    const clusters = `{ projects { nodes { name clusters { nodes { name } } } } }`;
    const burst = async () => {
      const answers = await Promise.all(Array.from({ length: 20 }, () => s.query(clusters)));
      for (const answer of answers) expect(answer.errors).toBeUndefined();
    };
    const minted = () => s.simulator.auth.minted(client.clientId);
    await burst();
    // The token came during the burst: its renewal point (3 s after the gateway got it) is at most 3 s from
    // now, however long a loaded machine took to mint it.
    const burstEnd = Date.now();
    expect(minted()).toBe(1);
    // Past the renewal point, well before expiry (6 s after the mint): the burst is served by the current
    // token while exactly one renewal runs beside it.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, burstEnd + 3_400 - Date.now())));
    await burst();
    await expect.poll(minted, { timeout: 5_000 }).toBe(2);
    await burst(); // the renewed token is not due yet
    expect(minted()).toBe(2);
    expect(s.simulator.callCount({ operationId: 'oauthToken' })).toBe(2);
    expect(s.simulator.calls.filter((c) => c.status === 401)).toHaveLength(0);
  });

  it('answers UPSTREAM_AUTH_FAILED for a wrong secret, without calling the API or echoing the secret', async () => {
    const s = await stack({ ...strict(), auth: { mode: 'service-account', ...client, clientSecret: 'wrong-canary' } });
    const answer = await s.query(projectQuery);
    expect(answer.data).toEqual({ project: null });
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_AUTH_FAILED', atlas: { status: 401 } });
    expect(apiCalls(s)).toBe(0);
    expect(JSON.stringify(answer)).not.toMatch(/canary/);
  });

  it('answers RATE_LIMITED with retryAfter when the token endpoint limits the client', async () => {
    const s = await stack(strict({ tokenRequestsPerMinute: 1 }));
    s.simulator.auth.expireAllTokens();
    await s.query(projectQuery); // mints the one token the minute allows
    s.simulator.auth.expireAllTokens();
    const answer = await s.query(projectQuery);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    // Asked again while the failure holds: no new token request, and the wait left, not the wait first given.
    const first = answer.errors?.[0]?.extensions?.['retryAfter'] as number;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const later = await s.query(projectQuery);
    expect(later.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: first - 1 });
  });

  it('revokes its token on shutdown', async () => {
    const s = await startStack(strict());
    await s.query(projectQuery);
    const simulator = s.simulator;
    const { revoked } = simulator.auth;
    // Close the gateway first so the simulator is still up to receive the revocation.
    await s.gateway.close();
    expect(revoked()).toBe(1);
    expect(simulator.auth.active(client.clientId)).toBe(0);
    await s.close().catch(() => undefined);
  });
});

describe('renewal lead', () => {
  it('is the configured lead, bounded by half the token lifetime', () => {
    const tenMinutes = 10 * 60_000;
    expect(renewalLeadMs(6_000, tenMinutes)).toBe(3_000);
    expect(renewalLeadMs(3_600_000, tenMinutes)).toBe(tenMinutes);
    expect(renewalLeadMs(20 * 60_000, tenMinutes)).toBe(tenMinutes);
    expect(renewalLeadMs(3_600_000, 0)).toBe(0);
  });
});

describe('API key (HTTP Digest)', () => {
  const strict = (privateKey = apiKey.privateKey) => ({
    simulator: { bearerTokens: [], auth: { apiKeys: [apiKey] } },
    auth: { mode: 'api-key' as const, publicKey: apiKey.publicKey, privateKey },
  });

  it('serves the dashboard, reusing the nonce after the first challenge', async () => {
    const s = await stack(strict());
    const first = await s.query(projectQuery);
    expect(first.data).toEqual({ project: { name: DEMO.projects.payments.name } });
    expect(s.simulator.auth.challenges()).toBe(1);
    s.simulator.resetCalls();
    const answer = await s.query(dashboard);
    expect(answer.errors).toBeUndefined();
    // Every call of the dashboard was signed with the cached nonce: no call was answered 401.
    expect(s.simulator.calls.filter((c) => c.status === 401)).toHaveLength(0);
    expect(s.simulator.auth.challenges()).toBe(1);
  });

  it('takes a fresh challenge when the nonce goes stale', async () => {
    const s = await stack(strict());
    await s.query(projectQuery);
    s.simulator.auth.expireNonces();
    s.simulator.resetCalls();
    expect((await s.query(projectQuery)).data).toEqual({ project: { name: DEMO.projects.payments.name } });
    expect(s.simulator.calls.map((c) => c.status)).toEqual([401, 200]);
  });

  it('answers UNAUTHENTICATED for a wrong private key after exactly one signed attempt', async () => {
    const s = await stack(strict('wrong-canary-key'));
    const answer = await s.query(projectQuery);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', atlas: { status: 401 } });
    expect(s.simulator.calls.map((c) => c.status)).toEqual([401, 401]);
    expect(JSON.stringify(answer)).not.toMatch(/canary/);
  });
});

describe('forward mode (the caller’s own bearer token)', () => {
  const forward = (extra: Record<string, unknown> = {}) => ({
    simulator: { bearerTokens: ['alice-token-0001', 'bob-token-0002'], latencyMs: 50 },
    auth: { mode: 'forward' as const },
    ...extra,
  });
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  it('refuses a request without a token before calling Atlas', async () => {
    const s = await stack(forward());
    const answer = await s.query(projectQuery);
    expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(s.simulator.calls).toHaveLength(0);
  });

  it('passes each caller’s token, and Atlas’s refusal of a bad one', async () => {
    const s = await stack(forward());
    expect((await s.query(projectQuery, {}, as('alice-token-0001'))).data).toEqual({
      project: { name: DEMO.projects.payments.name },
    });
    const refused = await s.query(projectQuery, {}, as('mallory-token'));
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // The scheme in any case, and more than one space after it, as clients send them.
    for (const authorization of ['bearer alice-token-0001', 'BEARER  alice-token-0001']) {
      const answer = await s.query(projectQuery, {}, { authorization });
      expect(answer.data, authorization).toEqual({ project: { name: DEMO.projects.payments.name } });
    }
    // What is not a bearer token is no token: refused before any call.
    s.simulator.resetCalls();
    for (const authorization of ['Basic YWxpY2U6c2VjcmV0', 'Bearer', 'Bearer a b', 'Beareralice-token-0001']) {
      const answer = await s.query(projectQuery, {}, { authorization });
      expect(answer.errors?.[0]?.extensions?.code, authorization).toBe('UNAUTHENTICATED');
    }
    expect(s.simulator.calls).toEqual([]);
  });

  it('never shares an in-flight call or a cached answer across callers', async () => {
    const s = await stack(forward({ atlas: { cacheTtlMs: 60_000 } }));
    await Promise.all([
      s.query(projectQuery, {}, as('alice-token-0001')),
      s.query(projectQuery, {}, as('alice-token-0001')),
      s.query(projectQuery, {}, as('bob-token-0002')),
    ]);
    expect(s.simulator.callCount({ operationId: 'getGroup' })).toBe(2); // alice's two coalesced, bob's own
    await s.query(projectQuery, {}, as('bob-token-0002')); // bob's cached answer
    await s.query(projectQuery, {}, as('mallory-token')); // not alice's or bob's cache
    expect(s.simulator.callCount({ operationId: 'getGroup' })).toBe(3);
  });
});

describe('the whole graph in every auth mode', () => {
  // Page sizes stated: with every `first` at its default (20) the worst case is 128,901 fields, over the
  // cost limit; these sizes still cover all of the demo data.
  const everything = `{
    projects(first: 5) { nodes { name
      exportBuckets { nodes { bucketName } }
      serverlessInstances { nodes { name snapshots(first: 3) { nodes { atlasId } } } }
      clusters(first: 10) { nodes { name
        snapshots(first: 3) { nodes { atlasId } }
        restoreJobs { nodes { atlasId snapshot { atlasId } targetCluster { name project { name } } } }
        exports { nodes { atlasId exportBucket { bucketName } snapshot { atlasId } } }
        checkpoints(first: 3) { nodes { atlasId } }
        legacyRestoreJobs(first: 3) { nodes { atlasId batch { atlasId } } }
      } }
    } }
  }`;
  const modes: [string, SimulatorOptions, AtlasAuth, Record<string, string>][] = [
    [
      'service account',
      { bearerTokens: [], auth: { serviceAccounts: [client] } },
      { mode: 'service-account', ...client },
      {},
    ],
    ['API key', { bearerTokens: [], auth: { apiKeys: [apiKey] } }, { mode: 'api-key', ...apiKey }, {}],
    ['forward', { bearerTokens: ['caller-token-1'] }, { mode: 'forward' }, { authorization: 'Bearer caller-token-1' }],
  ];

  it.each(modes)('%s mode answers exactly what a static token does', async (_, simulator, auth, headers) => {
    const reference = await stack({});
    const expected = await reference.query(everything);
    expect(expected.errors).toBeUndefined();
    const s = await stack({ simulator, auth });
    const answer = await s.query(everything, {}, headers);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual(expected.data);
    expect(s.simulator.calls.filter((c) => c.status >= 400 && c.status !== 401)).toHaveLength(0);
  });
});
