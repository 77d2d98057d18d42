// Authentication as Atlas does it: static bearer tokens (the demo mode), OAuth2 client-credentials
// tokens minted at /api/oauth/token, and HTTP Digest (RFC 7616, MD5, qop=auth) with API keys.
// Nothing produced here (bodies, headers, call-log entries) contains a secret, a token or the
// Authorization header, so tests can assert that clients never leak them either.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { errors } from './errors.js';

export interface SimulatorAuthOptions {
  /** Service accounts allowed to mint tokens at POST /api/oauth/token. */
  serviceAccounts?: { clientId: string; clientSecret: string }[];
  /** API key pairs accepted with HTTP Digest. */
  apiKeys?: { publicKey: string; privateKey: string }[];
  /** Lifetime of minted access tokens, seconds (default 3600). */
  tokenTtlSeconds?: number;
  /** How long a digest nonce is accepted, ms (default 60_000); after that the answer is 401 with stale=true. */
  nonceTtlMs?: number;
  /** Active (unexpired, unrevoked) tokens per service account (default 100); minting beyond → 403 access_denied. */
  maxActiveTokens?: number;
  /** Token-endpoint requests per client per minute (default 50); beyond → 429 RATE_LIMITED with Retry-After. */
  tokenRequestsPerMinute?: number;
}

/** The `auth` handle on a running simulator. */
export interface SimulatorAuthControl {
  /** Token-endpoint calls that minted a token, optionally for one client. */
  minted(clientId?: string): number;
  /** Revocations received (that revoked a live token). */
  revoked(): number;
  /** Tokens currently active for a client. */
  active(clientId: string): number;
  /** Make every current access token expired now (tests of re-minting on 401). */
  expireAllTokens(): void;
  /** Make every issued digest nonce stale now. */
  expireNonces(): void;
  /** Digest challenges (401 + WWW-Authenticate) sent so far. */
  challenges(): number;
}

export const OAUTH_TOKEN_PATH = '/api/oauth/token';
export const OAUTH_REVOKE_PATH = '/api/oauth/revoke';
export const DIGEST_REALM = 'MMS Public API';

/** A complete answer from an OAuth endpoint; the server adds Content-Length. */
export interface PlainResponse {
  status: number;
  headers: Record<string, string | number>;
  body: string;
}

const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';
const TOKEN_LIMIT_DESCRIPTION =
  'Access Token limit reached. Please use the existing Access Tokens or create a new Service Account.';
/** Bounds memory when every unauthenticated request (all modes) is issued a nonce. */
const MAX_NONCES = 10_000;
/**
 * How far below the highest accepted nonce count a not-yet-seen count is still accepted. Concurrent
 * requests signed with one cached nonce reach the server out of order, so "greater than the last
 * count" would refuse legitimate requests; RFC 7616 §3.4 only asks that no count be accepted twice.
 */
const NC_WINDOW = 256;
const RATE_WINDOW_MS = 60_000;

interface TokenRecord {
  clientId: string;
  expiresAt: number;
  revoked: boolean;
}

interface NonceRecord {
  issuedAt: number;
  /** expireNonces() bumps the current generation; older nonces are stale. */
  generation: number;
  /** Highest nonce count accepted so far. */
  maxNc: number;
  /** Counts accepted within NC_WINDOW of maxNc; each may be used once. */
  seenNc: Set<number>;
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** Constant-time string comparison; hashing first makes the lengths equal. */
function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

/**
 * Parses RFC 7235 auth-params (`key=token` or `key="quoted, with \"escapes\""`, comma separated).
 * Keys are lower-cased. Returns null on a syntax error or a repeated key.
 */
export function parseAuthParams(input: string): Map<string, string> | null {
  const params = new Map<string, string>();
  let i = 0;
  const skip = (chars: string): void => {
    while (i < input.length && chars.includes(input[i] ?? '')) i++;
  };
  for (;;) {
    skip(' \t,');
    if (i >= input.length) return params;
    const keyStart = i;
    while (i < input.length && !' \t=,"'.includes(input[i] ?? '')) i++;
    const key = input.slice(keyStart, i).toLowerCase();
    skip(' \t');
    if (key === '' || input[i] !== '=') return null;
    i++;
    skip(' \t');
    let value = '';
    if (input[i] === '"') {
      i++;
      let closed = false;
      while (i < input.length) {
        const ch = input[i++] ?? '';
        if (ch === '\\') {
          if (i >= input.length) return null;
          value += input[i++] ?? '';
        } else if (ch === '"') {
          closed = true;
          break;
        } else {
          value += ch;
        }
      }
      if (!closed) return null;
      skip(' \t');
      if (i < input.length && input[i] !== ',') return null;
    } else {
      const valueStart = i;
      while (i < input.length && input[i] !== ',') i++;
      value = input.slice(valueStart, i).trim();
      if (value.includes('"') || /\s/.test(value)) return null;
    }
    if (params.has(key)) return null;
    params.set(key, value);
  }
}

/** `application/x-www-form-urlencoded` decoding, which RFC 6749 §2.3.1 applies to Basic client credentials. */
function formDecode(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

function parseBasic(authorization: string | undefined): { id: string; secret: string } | null {
  const encoded = /^Basic +([A-Za-z0-9+/=_-]+) *$/i.exec(authorization ?? '')?.[1];
  if (encoded === undefined) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return null;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function oauthJson(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): PlainResponse {
  // RFC 6749 §5.1: token responses must not be cached.
  return {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache', ...headers },
    body: JSON.stringify(body),
  };
}

function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`simulator: auth.${name} must be a positive number`);
  return value;
}

/** The form parameters of an OAuth request, or the 400 its content type earns. */
function formBody(contentType: string | undefined, bodyText: string): URLSearchParams | PlainResponse {
  if (mediaTypeOf(contentType) !== FORM_MEDIA_TYPE) {
    return oauthJson(400, { error: 'invalid_request', error_description: `Content-Type must be ${FORM_MEDIA_TYPE}.` });
  }
  return new URLSearchParams(bodyText);
}

export class SimulatorAuth {
  private readonly staticTokens: ReadonlySet<string>;
  private readonly accounts: { clientId: string; clientSecret: string }[];
  private readonly apiKeys: Map<string, string>;
  private readonly tokenTtlSeconds: number;
  private readonly nonceTtlMs: number;
  private readonly maxActiveTokens: number;
  private readonly tokenRequestsPerMinute: number;

  private readonly tokens = new Map<string, TokenRecord>();
  private readonly tokensByClient = new Map<string, Set<string>>();
  /** Start times of the token-endpoint requests in the last minute, per client id. */
  private readonly tokenRequests = new Map<string, number[]>();
  private readonly nonces = new Map<string, NonceRecord>();
  private nonceGeneration = 0;
  private readonly mintedByClient = new Map<string, number>();
  private revokedCount = 0;
  private challengeCount = 0;

  constructor(options: SimulatorAuthOptions | undefined, staticTokens: Iterable<string>) {
    this.staticTokens = new Set(staticTokens);
    this.accounts = (options?.serviceAccounts ?? []).map((a) => ({ ...a }));
    this.apiKeys = new Map((options?.apiKeys ?? []).map((k) => [k.publicKey, k.privateKey]));
    this.tokenTtlSeconds = positive(options?.tokenTtlSeconds, 3600, 'tokenTtlSeconds');
    this.nonceTtlMs = positive(options?.nonceTtlMs, 60_000, 'nonceTtlMs');
    this.maxActiveTokens = positive(options?.maxActiveTokens, 100, 'maxActiveTokens');
    this.tokenRequestsPerMinute = positive(options?.tokenRequestsPerMinute, 50, 'tokenRequestsPerMinute');
  }

  // ---------------------------------------------------------------------------------------------
  // /api/atlas/v2: Bearer or Digest
  // ---------------------------------------------------------------------------------------------

  /**
   * Checks the credentials of an Atlas API request. Returns null when they are valid, otherwise the
   * `WWW-Authenticate` value of the digest challenge to send with the 401 (Atlas challenges on every
   * 401, whatever scheme the client tried).
   */
  authenticateApi(method: string, rawUrl: string, authorization: string | undefined): string | null {
    const header = authorization ?? '';
    const bearer = /^Bearer (.+)$/i.exec(header)?.[1];
    if (bearer !== undefined) return this.bearerIsValid(bearer) ? null : this.challenge(false);
    const digest = /^Digest[ \t]+(.*)$/is.exec(header)?.[1];
    if (digest !== undefined) return this.verifyDigest(method, rawUrl, digest);
    return this.challenge(false);
  }

  /**
   * The credential an authenticated API request used, for Atlas's USER-scoped rate limits: the service
   * account a token was minted for, the API key, or a hash of a static token (never a secret).
   */
  userOf(authorization: string | undefined): string {
    const header = authorization ?? '';
    const bearer = /^Bearer (.+)$/i.exec(header)?.[1];
    if (bearer !== undefined) {
      const record = this.tokens.get(bearer);
      if (record !== undefined) return `sa:${record.clientId}`;
      return `token:${createHash('sha256').update(bearer, 'utf8').digest('hex').slice(0, 16)}`;
    }
    const digest = /^Digest[ \t]+(.*)$/is.exec(header)?.[1];
    const username = digest === undefined ? undefined : parseAuthParams(digest)?.get('username');
    return username === undefined ? 'anonymous' : `key:${username}`;
  }

  private bearerIsValid(token: string): boolean {
    if (this.staticTokens.has(token)) return true;
    const record = this.tokens.get(token);
    return record !== undefined && this.isActive(record, Date.now());
  }

  private isActive(record: TokenRecord, now: number): boolean {
    return !record.revoked && now < record.expiresAt;
  }

  private verifyDigest(method: string, rawUrl: string, paramText: string): string | null {
    const p = parseAuthParams(paramText);
    if (p === null) return this.challenge(false);
    const username = p.get('username');
    const realm = p.get('realm');
    const nonce = p.get('nonce');
    const uri = p.get('uri');
    const response = p.get('response');
    const qop = p.get('qop');
    const nc = p.get('nc');
    const cnonce = p.get('cnonce');
    const algorithm = p.get('algorithm');
    if (
      username === undefined ||
      realm !== DIGEST_REALM ||
      nonce === undefined ||
      uri === undefined ||
      response === undefined ||
      qop !== 'auth' ||
      nc === undefined ||
      !/^[0-9a-f]{8}$/i.test(nc) ||
      cnonce === undefined ||
      cnonce === '' ||
      (algorithm !== undefined && algorithm.toUpperCase() !== 'MD5')
    ) {
      return this.challenge(false);
    }
    // The digest covers `uri`, so it must be the target actually requested, byte for byte.
    if (uri !== rawUrl) return this.challenge(false);
    const privateKey = this.apiKeys.get(username);
    if (privateKey === undefined) return this.challenge(false);
    const ha1 = md5(`${username}:${realm}:${privateKey}`);
    const ha2 = md5(`${method}:${uri}`);
    const expected = md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
    if (!safeEqual(expected, response.toLowerCase())) return this.challenge(false);
    // Only now is the nonce judged: stale=true tells the client its credentials were right.
    const record = this.nonces.get(nonce);
    if (record === undefined) return this.challenge(false);
    if (this.isStale(record, Date.now())) return this.challenge(true);
    const count = Number.parseInt(nc, 16);
    if (count === 0 || count <= record.maxNc - NC_WINDOW || record.seenNc.has(count)) return this.challenge(false);
    record.seenNc.add(count);
    if (count > record.maxNc) {
      record.maxNc = count;
      for (const seen of record.seenNc) if (seen <= count - NC_WINDOW) record.seenNc.delete(seen);
    }
    return null;
  }

  private isStale(record: NonceRecord, now: number): boolean {
    return record.generation < this.nonceGeneration || now - record.issuedAt > this.nonceTtlMs;
  }

  private challenge(stale: boolean): string {
    const nonce = randomBytes(16).toString('hex');
    this.nonces.set(nonce, {
      issuedAt: Date.now(),
      generation: this.nonceGeneration,
      maxNc: 0,
      seenNc: new Set(),
    });
    if (this.nonces.size > MAX_NONCES) {
      // Maps iterate in insertion order: the first key is the oldest nonce.
      const oldest = this.nonces.keys().next().value;
      if (oldest !== undefined) this.nonces.delete(oldest);
    }
    this.challengeCount++;
    return `Digest realm="${DIGEST_REALM}", domain="", nonce="${nonce}", algorithm=MD5, qop="auth", stale=${stale}`;
  }

  // ---------------------------------------------------------------------------------------------
  // /api/oauth/token and /api/oauth/revoke
  // ---------------------------------------------------------------------------------------------

  /**
   * Authenticates the service account of an OAuth endpoint request (HTTP Basic). For the token
   * endpoint it applies the per-client rate limit first, as Atlas counts rejected attempts too.
   * Returns the client id, or the error response to send.
   */
  authenticateClient(endpoint: 'token' | 'revoke', authorization: string | undefined): string | PlainResponse {
    const basic = parseBasic(authorization);
    if (endpoint === 'token') {
      const key = basic === null ? '' : (formDecode(basic.id) ?? basic.id);
      const limited = this.rateLimit(key, Date.now());
      if (limited !== null) return limited;
    }
    const clientId = basic === null ? null : this.matchAccount(basic.id, basic.secret);
    if (clientId === null) {
      // RFC 6749 §5.2: a failed Basic client authentication is a 401 naming the scheme.
      return oauthJson(401, { error: 'invalid_client' }, { 'WWW-Authenticate': 'Basic realm="oauth"' });
    }
    return clientId;
  }

  /** Accepts the credentials as sent and, per RFC 6749 §2.3.1, form-url-decoded. */
  private matchAccount(rawId: string, rawSecret: string): string | null {
    const candidates = [{ id: rawId, secret: rawSecret }];
    const id = formDecode(rawId);
    const secret = formDecode(rawSecret);
    if (id !== null && secret !== null && (id !== rawId || secret !== rawSecret)) candidates.push({ id, secret });
    for (const account of this.accounts) {
      for (const c of candidates) {
        if (safeEqual(c.id, account.clientId) && safeEqual(c.secret, account.clientSecret)) return account.clientId;
      }
    }
    return null;
  }

  private rateLimit(key: string, now: number): PlainResponse | null {
    const recent = (this.tokenRequests.get(key) ?? []).filter((t) => now - t < RATE_WINDOW_MS);
    this.tokenRequests.set(key, recent);
    const oldest = recent[0];
    if (recent.length >= this.tokenRequestsPerMinute && oldest !== undefined) {
      const retryAfter = Math.max(1, Math.ceil((oldest + RATE_WINDOW_MS - now) / 1000));
      const error = errors.tokenEndpointRateLimited(OAUTH_TOKEN_PATH, this.tokenRequestsPerMinute);
      return {
        status: 429,
        headers: { 'Content-Type': 'application/json', 'X-Error-Code': error.errorCode, 'Retry-After': retryAfter },
        body: JSON.stringify(error.toBody()),
      };
    }
    // Only requests that got through count, so a client that backs off recovers within the window.
    recent.push(now);
    return null;
  }

  /** POST /api/oauth/token for an authenticated client. */
  mint(clientId: string, contentType: string | undefined, bodyText: string): PlainResponse {
    const form = formBody(contentType, bodyText);
    if (!(form instanceof URLSearchParams)) return form;
    const grantType = form.get('grant_type');
    if (grantType === null) {
      return oauthJson(400, { error: 'invalid_request', error_description: 'grant_type is required.' });
    }
    if (grantType !== 'client_credentials') return oauthJson(400, { error: 'unsupported_grant_type' });
    const now = Date.now();
    const live = this.liveTokens(clientId, now);
    if (live.size >= this.maxActiveTokens) {
      return oauthJson(403, { error: 'access_denied', error_description: TOKEN_LIMIT_DESCRIPTION });
    }
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, { clientId, expiresAt: now + this.tokenTtlSeconds * 1000, revoked: false });
    live.add(token);
    this.mintedByClient.set(clientId, (this.mintedByClient.get(clientId) ?? 0) + 1);
    return oauthJson(200, { access_token: token, token_type: 'Bearer', expires_in: this.tokenTtlSeconds });
  }

  /** POST /api/oauth/revoke for an authenticated client (RFC 7009). */
  revoke(clientId: string, contentType: string | undefined, bodyText: string): PlainResponse {
    const form = formBody(contentType, bodyText);
    if (!(form instanceof URLSearchParams)) return form;
    const token = form.get('token');
    if (token === null || token === '') {
      return oauthJson(400, { error: 'invalid_request', error_description: 'token is required.' });
    }
    const record = this.tokens.get(token);
    // RFC 7009 §2.2: unknown tokens and other clients' tokens still get a 200, so the answer reveals nothing.
    if (record !== undefined && record.clientId === clientId && this.isActive(record, Date.now())) {
      record.revoked = true;
      this.revokedCount++;
    }
    return { status: 200, headers: { 'Cache-Control': 'no-store' }, body: '' };
  }

  /** The client's active tokens, after dropping the ones that can no longer be used. */
  private liveTokens(clientId: string, now: number): Set<string> {
    let set = this.tokensByClient.get(clientId);
    if (set === undefined) {
      set = new Set();
      this.tokensByClient.set(clientId, set);
    }
    for (const token of set) {
      const record = this.tokens.get(token);
      if (record === undefined || !this.isActive(record, now)) {
        set.delete(token);
        this.tokens.delete(token);
      }
    }
    return set;
  }

  control(): SimulatorAuthControl {
    return {
      minted: (clientId) => {
        if (clientId !== undefined) return this.mintedByClient.get(clientId) ?? 0;
        let total = 0;
        for (const n of this.mintedByClient.values()) total += n;
        return total;
      },
      revoked: () => this.revokedCount,
      active: (clientId) => this.liveTokens(clientId, Date.now()).size,
      expireAllTokens: () => {
        const now = Date.now();
        for (const record of this.tokens.values()) record.expiresAt = Math.min(record.expiresAt, now);
      },
      expireNonces: () => {
        this.nonceGeneration++;
      },
      challenges: () => this.challengeCount,
    };
  }
}
