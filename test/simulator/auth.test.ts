// Strict authentication: OAuth2 client-credentials tokens (mint, use, revoke, expiry, cap, rate limit)
// and HTTP Digest with API keys (challenge, verification, nonce counts, stale nonces).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startSimulator, type AtlasSimulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { asObject, operation } from './helpers.js';

const SA = { clientId: 'mdb_sa_id_0123456789abcdef', clientSecret: 'mdb_sa_sk_p+ss/w:rd&x%41=' };
const OTHER_SA = { clientId: 'mdb_sa_id_fedcba9876543210', clientSecret: 'other-secret' };
const KEY = { publicKey: 'qwertyui', privateKey: '9f1c2a3b-0000-4d5e-8f90-123456789abc' };
const GROUPS = '/api/atlas/v2/groups';
const ACCEPT = operation('listGroups').mediaType;
const CHALLENGE =
  /^Digest realm="MMS Public API", domain="", nonce="([0-9a-zA-Z]{32})", algorithm=MD5, qop="auth", stale=(true|false)$/;

const started: AtlasSimulator[] = [];
async function simulator(options: SimulatorOptions): Promise<AtlasSimulator> {
  const sim = await startSimulator(options);
  started.push(sim);
  return sim;
}
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
});

function basic(id: string, secret: string, urlEncode = false): string {
  const pair = urlEncode ? `${encodeURIComponent(id)}:${encodeURIComponent(secret)}` : `${id}:${secret}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

async function send(url: string, init: RequestInit): Promise<Reply> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: Record<string, unknown> = {};
  if (text !== '') json = asObject(JSON.parse(text));
  return { status: res.status, headers: res.headers, text, json };
}

function oauth(
  sim: AtlasSimulator,
  endpoint: 'token' | 'revoke',
  authorization: string | null,
  body: string,
  contentType = 'application/x-www-form-urlencoded',
): Promise<Reply> {
  const headers: Record<string, string> = { 'Content-Type': contentType, Accept: 'application/json' };
  if (authorization !== null) headers['Authorization'] = authorization;
  return send(`${sim.url}/api/oauth/${endpoint}`, { method: 'POST', headers, body });
}

async function mint(sim: AtlasSimulator, account = SA): Promise<string> {
  const res = await oauth(sim, 'token', basic(account.clientId, account.clientSecret), 'grant_type=client_credentials');
  expect(res.status, res.text).toBe(200);
  const token = res.json['access_token'];
  if (typeof token !== 'string') throw new Error('no access_token');
  return token;
}

function api(sim: AtlasSimulator, path: string, authorization: string | null, method = 'GET'): Promise<Reply> {
  const headers: Record<string, string> = { Accept: ACCEPT };
  if (authorization !== null) headers['Authorization'] = authorization;
  return send(`${sim.url}${path}`, { method, headers });
}

function challengeOf(res: Reply): { nonce: string; stale: boolean } {
  expect(res.status).toBe(401);
  const header = res.headers.get('www-authenticate') ?? '';
  const m = CHALLENGE.exec(header);
  if (m === null) throw new Error(`not an Atlas digest challenge: ${header}`);
  expect(res.json).toMatchObject({
    error: 401,
    reason: 'Unauthorized',
    detail: 'You are not authorized for this resource.',
    errorCode: 'UNEXPECTED_ERROR',
  });
  return { nonce: m[1] ?? '', stale: m[2] === 'true' };
}

// Our own RFC 7616 client side, written independently of the simulator's verifier.
function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

interface DigestInput {
  username?: string;
  privateKey?: string;
  method?: string;
  uri: string;
  nonce: string;
  nc: number;
  cnonce?: string;
}

function digestResponse(d: DigestInput): { nc: string; cnonce: string; response: string; username: string } {
  const username = d.username ?? KEY.publicKey;
  const nc = d.nc.toString(16).padStart(8, '0');
  const cnonce = d.cnonce ?? '0a1b2c3d4e5f6789';
  const ha1 = md5(`${username}:MMS Public API:${d.privateKey ?? KEY.privateKey}`);
  const ha2 = md5(`${d.method ?? 'GET'}:${d.uri}`);
  return { nc, cnonce, username, response: md5(`${ha1}:${d.nonce}:${nc}:${cnonce}:auth:${ha2}`) };
}

function digestHeader(d: DigestInput): string {
  const r = digestResponse(d);
  return (
    `Digest username="${r.username}", realm="MMS Public API", nonce="${d.nonce}", uri="${d.uri}", ` +
    `algorithm=MD5, qop=auth, nc=${r.nc}, cnonce="${r.cnonce}", response="${r.response}"`
  );
}

describe('OAuth2 service accounts', () => {
  let sim: AtlasSimulator;
  beforeAll(async () => {
    sim = await simulator({ auth: { serviceAccounts: [SA, OTHER_SA], apiKeys: [KEY] } });
  });

  it('refuses unauthenticated calls with an Atlas digest challenge, and no demo token in strict mode', async () => {
    const before = sim.auth.challenges();
    const none = await api(sim, GROUPS, null);
    expect(challengeOf(none).stale).toBe(false);
    expect(none.headers.get('content-type')).toBe('application/json');
    const demo = await api(sim, GROUPS, `Bearer ${DEMO.token}`);
    challengeOf(demo);
    // Every 401 carries a fresh nonce.
    expect(challengeOf(none).nonce).not.toBe(challengeOf(demo).nonce);
    expect(sim.auth.challenges()).toBe(before + 2);
  });

  it('mints a bearer token that works on /api/atlas/v2', async () => {
    sim.resetCalls();
    const mintedBefore = sim.auth.minted(SA.clientId);
    const res = await oauth(sim, 'token', basic(SA.clientId, SA.clientSecret), 'grant_type=client_credentials');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(res.json).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(res.json['token_type']).toBe('Bearer');
    expect(res.json['expires_in']).toBe(3600);
    const token = String(res.json['access_token']);
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(sim.auth.minted(SA.clientId)).toBe(mintedBefore + 1);
    expect(sim.auth.active(SA.clientId)).toBeGreaterThanOrEqual(1);

    const groups = await api(sim, GROUPS, `Bearer ${token}`);
    expect(groups.status).toBe(200);
    expect(Array.isArray(groups.json['results'])).toBe(true);
    expect(sim.calls.map((c) => [c.operationId, c.method, c.path, c.status])).toEqual([
      ['oauthToken', 'POST', '/api/oauth/token', 200],
      ['listGroups', 'GET', GROUPS, 200],
    ]);
    expect(sim.callCount({ operationId: 'oauthToken' })).toBe(1);
  });

  it('accepts client credentials URL-encoded before Basic encoding (RFC 6749 §2.3.1)', async () => {
    const res = await oauth(sim, 'token', basic(SA.clientId, SA.clientSecret, true), 'grant_type=client_credentials');
    expect(res.status).toBe(200);
    expect((await api(sim, GROUPS, `Bearer ${String(res.json['access_token'])}`)).status).toBe(200);
  });

  it('401 invalid_client for a wrong secret, an unknown client or no Basic credentials', async () => {
    const mintedBefore = sim.auth.minted();
    for (const authorization of [
      basic(SA.clientId, 'wrong-secret'),
      basic('mdb_sa_id_unknown', SA.clientSecret),
      basic(OTHER_SA.clientId, SA.clientSecret),
      `Bearer ${SA.clientSecret}`,
      null,
    ]) {
      const res = await oauth(sim, 'token', authorization, 'grant_type=client_credentials');
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: 'invalid_client' });
      expect(res.text).not.toContain(SA.clientSecret);
    }
    expect(sim.auth.minted()).toBe(mintedBefore);
    expect(sim.calls.at(-1)).toMatchObject({ operationId: 'oauthToken', status: 401 });
  });

  it('400 unsupported_grant_type for another grant, invalid_request for a non-form body', async () => {
    const auth = basic(SA.clientId, SA.clientSecret);
    const grant = await oauth(sim, 'token', auth, 'grant_type=password&username=a&password=b');
    expect(grant.status).toBe(400);
    expect(grant.json).toEqual({ error: 'unsupported_grant_type' });
    const json = await oauth(sim, 'token', auth, '{"grant_type":"client_credentials"}', 'application/json');
    expect(json.status).toBe(400);
    expect(json.json['error']).toBe('invalid_request');
    const missing = await oauth(sim, 'token', auth, 'scope=x');
    expect(missing.json['error']).toBe('invalid_request');
  });

  it('revocation makes the token fail; another client cannot revoke it', async () => {
    const token = await mint(sim);
    expect((await api(sim, GROUPS, `Bearer ${token}`)).status).toBe(200);
    const revokedBefore = sim.auth.revoked();

    // RFC 7009: 200 whatever the token, but only the owner's revocation takes effect.
    const foreign = await oauth(
      sim,
      'revoke',
      basic(OTHER_SA.clientId, OTHER_SA.clientSecret),
      `token=${encodeURIComponent(token)}&token_type_hint=access_token`,
    );
    expect(foreign.status).toBe(200);
    expect(sim.auth.revoked()).toBe(revokedBefore);
    expect((await api(sim, GROUPS, `Bearer ${token}`)).status).toBe(200);

    const badAuth = await oauth(sim, 'revoke', basic(SA.clientId, 'nope'), `token=${encodeURIComponent(token)}`);
    expect(badAuth.status).toBe(401);
    expect(badAuth.json).toEqual({ error: 'invalid_client' });

    const activeBefore = sim.auth.active(SA.clientId);
    const own = await oauth(
      sim,
      'revoke',
      basic(SA.clientId, SA.clientSecret, true),
      `token=${encodeURIComponent(token)}&token_type_hint=access_token`,
    );
    expect(own.status).toBe(200);
    expect(own.text).toBe('');
    expect(sim.auth.revoked()).toBe(revokedBefore + 1);
    expect(sim.auth.active(SA.clientId)).toBe(activeBefore - 1);
    challengeOf(await api(sim, GROUPS, `Bearer ${token}`));

    // Revoking it again is still a 200 and counts nothing.
    const again = await oauth(sim, 'revoke', basic(SA.clientId, SA.clientSecret), `token=${encodeURIComponent(token)}`);
    expect(again.status).toBe(200);
    expect(sim.auth.revoked()).toBe(revokedBefore + 1);
    expect(sim.calls.at(-1)).toMatchObject({ operationId: 'oauthRevoke', method: 'POST', status: 200 });
  });

  it('expireAllTokens makes every token fail with 401; a new one works', async () => {
    const a = await mint(sim);
    const b = await mint(sim, OTHER_SA);
    sim.auth.expireAllTokens();
    challengeOf(await api(sim, GROUPS, `Bearer ${a}`));
    challengeOf(await api(sim, GROUPS, `Bearer ${b}`));
    expect(sim.auth.active(SA.clientId)).toBe(0);
    expect(sim.auth.active(OTHER_SA.clientId)).toBe(0);
    expect((await api(sim, GROUPS, `Bearer ${await mint(sim)}`)).status).toBe(200);
    expect(sim.auth.active(SA.clientId)).toBe(1);
  });

  it('never logs or returns a secret, token or Authorization header', async () => {
    const token = await mint(sim);
    await api(sim, `${GROUPS}?access_token=${token}&itemsPerPage=1`, `Bearer ${token}`);
    const log = JSON.stringify(sim.calls);
    for (const secret of [token, SA.clientSecret, OTHER_SA.clientSecret, KEY.privateKey, 'Basic ', 'Bearer ']) {
      expect(log).not.toContain(secret);
    }
    expect(sim.calls.at(-1)?.query).toEqual({ itemsPerPage: '1' });
  });

  it('other methods on the token endpoint get 405', async () => {
    const res = await send(`${sim.url}/api/oauth/token`, { method: 'GET' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});

describe('token lifetime, cap and rate limit', () => {
  it('tokens expire after tokenTtlSeconds', async () => {
    const sim = await simulator({ auth: { serviceAccounts: [SA], tokenTtlSeconds: 1 } });
    const res = await oauth(sim, 'token', basic(SA.clientId, SA.clientSecret), 'grant_type=client_credentials');
    expect(res.json['expires_in']).toBe(1);
    const token = String(res.json['access_token']);
    expect((await api(sim, GROUPS, `Bearer ${token}`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    challengeOf(await api(sim, GROUPS, `Bearer ${token}`));
  });

  it('403 access_denied beyond maxActiveTokens; revoking frees a slot', async () => {
    const sim = await simulator({ auth: { serviceAccounts: [SA, OTHER_SA], maxActiveTokens: 3 } });
    const tokens = [await mint(sim), await mint(sim), await mint(sim)];
    expect(sim.auth.active(SA.clientId)).toBe(3);
    const over = await oauth(sim, 'token', basic(SA.clientId, SA.clientSecret), 'grant_type=client_credentials');
    expect(over.status).toBe(403);
    expect(over.json).toEqual({
      error: 'access_denied',
      error_description:
        'Access Token limit reached. Please use the existing Access Tokens or create a new Service Account.',
    });
    expect(sim.auth.minted(SA.clientId)).toBe(3);
    // The cap is per service account.
    await mint(sim, OTHER_SA);
    await oauth(sim, 'revoke', basic(SA.clientId, SA.clientSecret), `token=${tokens[0] ?? ''}`);
    expect(sim.auth.active(SA.clientId)).toBe(2);
    await mint(sim);
    expect(sim.auth.minted(SA.clientId)).toBe(4);
    expect(sim.auth.minted()).toBe(5);
  });

  it('429 RATE_LIMITED with Retry-After beyond tokenRequestsPerMinute, per client', async () => {
    const sim = await simulator({ auth: { serviceAccounts: [SA, OTHER_SA], tokenRequestsPerMinute: 3 } });
    await mint(sim);
    // Failed attempts count too.
    expect((await oauth(sim, 'token', basic(SA.clientId, 'wrong'), 'grant_type=client_credentials')).status).toBe(401);
    await mint(sim);
    const limited = await oauth(sim, 'token', basic(SA.clientId, SA.clientSecret), 'grant_type=client_credentials');
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({
      detail: 'Resource /api/oauth/token is limited to 3 requests every 1 minutes.',
      error: 429,
      errorCode: 'RATE_LIMITED',
      parameters: ['/api/oauth/token', 3, 1],
      reason: 'Too Many Requests',
    });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(sim.auth.minted(SA.clientId)).toBe(2);
    expect(sim.callCount({ operationId: 'oauthToken' })).toBe(4);
    expect(sim.calls.at(-1)?.status).toBe(429);
    // Another client has its own budget.
    await mint(sim, OTHER_SA);
  });

  it('the default limit is 50 requests a minute', async () => {
    const sim = await simulator({ auth: { serviceAccounts: [SA] } });
    const statuses: number[] = [];
    for (let i = 0; i < 51; i++) {
      const res = await oauth(sim, 'token', basic(SA.clientId, 'wrong'), 'grant_type=client_credentials');
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(50);
    expect(statuses.at(-1)).toBe(429);
  });

  it('static bearerTokens keep working next to auth', async () => {
    const sim = await simulator({ bearerTokens: ['static-token'], auth: { serviceAccounts: [SA] } });
    expect((await api(sim, GROUPS, 'Bearer static-token')).status).toBe(200);
    expect((await api(sim, GROUPS, `Bearer ${await mint(sim)}`)).status).toBe(200);
    sim.auth.expireAllTokens();
    expect((await api(sim, GROUPS, 'Bearer static-token')).status).toBe(200);
  });
});

describe('HTTP Digest with API keys', () => {
  let sim: AtlasSimulator;
  beforeAll(async () => {
    sim = await simulator({ auth: { apiKeys: [KEY] } });
  });

  async function freshNonce(): Promise<string> {
    const { nonce, stale } = challengeOf(await api(sim, GROUPS, null));
    expect(stale).toBe(false);
    return nonce;
  }

  it('accepts a correct response, refuses a replayed nc and accepts the next nc', async () => {
    const uri = `${GROUPS}?itemsPerPage=1&pageNum=1`;
    const nonce = await freshNonce();
    const first = await api(sim, uri, digestHeader({ uri, nonce, nc: 1 }));
    expect(first.status, first.text).toBe(200);
    expect(first.headers.get('www-authenticate')).toBeNull();
    expect(sim.calls.at(-1)).toMatchObject({ operationId: 'listGroups', status: 200 });

    const replay = await api(sim, uri, digestHeader({ uri, nonce, nc: 1 }));
    const again = challengeOf(replay);
    expect(again.stale).toBe(false);
    expect(again.nonce).not.toBe(nonce);

    expect((await api(sim, uri, digestHeader({ uri, nonce, nc: 2 }))).status).toBe(200);
    // A count already used is a replay even with another cnonce.
    expect(challengeOf(await api(sim, uri, digestHeader({ uri, nonce, nc: 1, cnonce: 'ffff' }))).stale).toBe(false);
    expect((await api(sim, GROUPS, digestHeader({ uri: GROUPS, nonce, nc: 5 }))).status).toBe(200);
  });

  it('accepts unseen counts arriving out of order (concurrent requests), but each only once', async () => {
    const nonce = await freshNonce();
    const signed = (nc: number): Promise<Reply> => api(sim, GROUPS, digestHeader({ uri: GROUPS, nonce, nc }));
    expect((await signed(4)).status).toBe(200);
    expect((await signed(2)).status).toBe(200);
    expect((await signed(3)).status).toBe(200);
    expect((await signed(1)).status).toBe(200);
    for (const nc of [1, 2, 3, 4]) expect(challengeOf(await signed(nc)).stale).toBe(false);
    // Counts far below the highest one are refused without being remembered (a bounded window).
    expect((await signed(1000)).status).toBe(200);
    expect(challengeOf(await signed(10)).stale).toBe(false);
    expect((await signed(999)).status).toBe(200);
    expect(challengeOf(await signed(0)).stale).toBe(false);
    const concurrent = await Promise.all(Array.from({ length: 20 }, (_, i) => signed(1001 + i)));
    expect(concurrent.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200));
  });

  it('expireNonces: a correct answer with an old nonce gets stale=true and a fresh nonce that works', async () => {
    const nonce = await freshNonce();
    expect((await api(sim, GROUPS, digestHeader({ uri: GROUPS, nonce, nc: 1 }))).status).toBe(200);
    sim.auth.expireNonces();
    const stale = challengeOf(await api(sim, GROUPS, digestHeader({ uri: GROUPS, nonce, nc: 2 })));
    expect(stale.stale).toBe(true);
    expect(stale.nonce).not.toBe(nonce);
    expect((await api(sim, GROUPS, digestHeader({ uri: GROUPS, nonce: stale.nonce, nc: 1 }))).status).toBe(200);
  });

  it('nonces go stale after nonceTtlMs', async () => {
    const short = await simulator({ auth: { apiKeys: [KEY], nonceTtlMs: 50 } });
    const { nonce } = challengeOf(await api(short, GROUPS, null));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(challengeOf(await api(short, GROUPS, digestHeader({ uri: GROUPS, nonce, nc: 1 }))).stale).toBe(true);
  });

  it('a wrong private key, unknown user, unissued nonce, other uri or method: 401 stale=false', async () => {
    const nonce = await freshNonce();
    const cases = [
      digestHeader({ uri: GROUPS, nonce, nc: 1, privateKey: 'not-the-key' }),
      digestHeader({ uri: GROUPS, nonce, nc: 1, username: 'someone' }),
      digestHeader({ uri: GROUPS, nonce: 'a'.repeat(32), nc: 1 }),
      digestHeader({ uri: `${GROUPS}?itemsPerPage=500`, nonce, nc: 1 }),
      digestHeader({ uri: GROUPS, nonce, nc: 1, method: 'POST' }),
      digestHeader({ uri: GROUPS, nonce, nc: 1 }).replace('realm="MMS Public API"', 'realm="Other"'),
      digestHeader({ uri: GROUPS, nonce, nc: 1 }).replace('qop=auth', 'qop=auth-int'),
      'Digest username="qwertyui", nonce="unterminated',
    ];
    for (const authorization of cases) {
      const res = await api(sim, GROUPS, authorization);
      expect(challengeOf(res).stale, authorization).toBe(false);
      expect(res.text).not.toContain(KEY.privateKey);
    }
    // None of the failures consumed the nonce's count.
    expect((await api(sim, GROUPS, digestHeader({ uri: GROUPS, nonce, nc: 1 }))).status).toBe(200);
  });

  it('a wrong key with a stale nonce is not told stale=true', async () => {
    const nonce = await freshNonce();
    sim.auth.expireNonces();
    const res = await api(sim, GROUPS, digestHeader({ uri: GROUPS, nonce, nc: 1, privateKey: 'wrong' }));
    expect(challengeOf(res).stale).toBe(false);
  });

  it('parses quoted and unquoted values, odd spacing and commas inside quotes', async () => {
    const nonce = await freshNonce();
    const cnonce = 'a,b "c"';
    const r = digestResponse({ uri: GROUPS, nonce, nc: 1, cnonce });
    const header =
      `Digest   response="${r.response}",username=${KEY.publicKey} ,  realm="MMS Public API",` +
      `nonce="${nonce}" , uri="${GROUPS}", algorithm="MD5", qop="auth", nc=${r.nc}, ` +
      `cnonce="a,b \\"c\\"", opaque=""`;
    expect((await api(sim, GROUPS, header)).status).toBe(200);
  });

  it('checks the raw request target, query included', async () => {
    const uri = `${GROUPS}?itemsPerPage=2&includeCount=false`;
    const nonce = await freshNonce();
    const res = await api(sim, uri, digestHeader({ uri, nonce, nc: 1 }));
    expect(res.status).toBe(200);
    expect(res.json['totalCount']).toBeUndefined();
    expect(sim.calls.at(-1)?.query).toEqual({ itemsPerPage: '2', includeCount: 'false' });
  });
});
