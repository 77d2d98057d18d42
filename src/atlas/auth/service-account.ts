/**
 * Atlas service accounts: OAuth 2.0 client credentials at `<base>/api/oauth/token`.
 *
 * Atlas caps a service account at 100 active tokens and rate-limits the token endpoint, so the gateway
 * holds one token per client for the whole process: minted by one request at a time (others wait for
 * it), renewed in the background before it expires (the old one serves meanwhile), minted again once
 * when Atlas answers 401, and revoked on shutdown.
 */
import type { Dispatcher } from 'undici';
import { AtlasAuthError } from '../errors.js';
import type { AtlasCredential } from './credential.js';
import type { AtlasEvents } from '../events.js';
import { parseRetryAfter } from '../headers.js';
import { parseJsonObject } from '../transport.js';

export interface ServiceAccountOptions {
  /** Origin of the Atlas API (the token endpoint lives on it). */
  origin: string;
  clientId: string;
  clientSecret: string;
  dispatcher: Dispatcher;
  userAgent: string;
  timeoutMs: number;
  /**
   * Mint a new token this long before the current one expires (default 10 minutes, as Terraform does), or
   * half the token's lifetime when that is shorter (see `renewalLeadMs`).
   */
  renewBeforeMs?: number;
  /** After a failed mint, answer from that failure this long instead of asking again (default 1 s). */
  failureHoldMs?: number;
  /** Reports background failures (renewal, revocation); never given a secret. */
  onWarning?: (message: string) => void;
  /** Where each mint and renewal is reported (metrics, readiness); never with a secret or token. */
  events?: AtlasEvents;
  now?: () => number;
}

interface Token {
  header: string;
  value: string;
  expiresAt: number;
  /** From then on, requests start a background renewal. */
  renewAt: number;
}

/**
 * How long before expiry a token of this lifetime is renewed: the configured lead, but at most half the
 * lifetime. A lead as long as the lifetime would make every fresh token already due, so every request
 * would start a renewal (6 s tokens: a mint per request). Half keeps both margins wide: the token serves
 * half its life before a renewal (at most two mints per lifetime), and the renewal has the other half to
 * succeed, or fail and be tried again after `failureHoldMs`, before the token runs out. Tokens of 20
 * minutes or more keep the configured lead.
 */
export function renewalLeadMs(lifetimeMs: number, configuredLeadMs: number): number {
  return Math.min(configuredLeadMs, lifetimeMs / 2);
}

export interface ServiceAccountCredential extends AtlasCredential {
  /** Tokens minted by this process so far. */
  readonly minted: number;
}

/**
 * A failed mint answered again while it holds: with the seconds still to wait, not those the token endpoint
 * asked for when it failed (a client told "60 s" twenty seconds later would wait twenty seconds too long).
 */
function heldFailure(failure: { error: AtlasAuthError; until: number }, at: number): AtlasAuthError {
  const { error } = failure;
  if (error.retryAfter === undefined) return error;
  const left = Math.max(1, Math.ceil((failure.until - at) / 1000));
  return new AtlasAuthError(error.failure, error.status, error.errorCode, left, error.causeCode);
}

export function serviceAccount(options: ServiceAccountOptions): ServiceAccountCredential {
  const now = options.now ?? Date.now;
  const renewBeforeMs = options.renewBeforeMs ?? 10 * 60_000;
  const failureHoldMs = options.failureHoldMs ?? 1_000;
  // The OAuth spec has client id and secret form-encoded before they are joined for Basic; Atlas's SDK does
  // the same.
  const basic = `Basic ${Buffer.from(
    `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`,
  ).toString('base64')}`;

  let token: Token | undefined;
  let minting: Promise<Token> | undefined;
  let failure: { error: AtlasAuthError; until: number } | undefined;
  let minted = 0;

  function mint(renewal = false): Promise<Token> {
    if (minting) return minting;
    const started = performance.now();
    const report = (outcome: 'minted' | AtlasAuthError['failure']) =>
      options.events?.emit({
        kind: 'token',
        renewal,
        outcome,
        durationMs: performance.now() - started,
        usable: token !== undefined && now() < token.expiresAt,
      });
    minting = requestToken()
      .then((fresh) => {
        token = fresh;
        failure = undefined;
        minted++;
        report('minted');
        return fresh;
      })
      .catch((error: unknown) => {
        const authError = error instanceof AtlasAuthError ? error : new AtlasAuthError('token-endpoint-failed');
        const hold = authError.retryAfter !== undefined ? authError.retryAfter * 1000 : failureHoldMs;
        failure = { error: authError, until: now() + hold };
        report(authError.failure);
        throw authError;
      })
      .finally(() => {
        minting = undefined;
      });
    return minting;
  }

  async function requestToken(): Promise<Token> {
    let response: Dispatcher.ResponseData;
    let text: string;
    try {
      response = await post('/api/oauth/token', 'grant_type=client_credentials');
      text = await response.body.text();
    } catch (error) {
      // Its code only (`ECONNREFUSED`): the message may name the host.
      const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
      throw new AtlasAuthError('token-endpoint-failed', undefined, undefined, undefined, code);
    }
    const body = parseJsonObject(text);
    if (response.statusCode === 200) {
      const value = body?.['access_token'];
      const expiresIn = body?.['expires_in'];
      if (typeof value !== 'string' || value === '' || typeof expiresIn !== 'number' || expiresIn <= 0) {
        throw new AtlasAuthError('token-endpoint-failed', 200);
      }
      const lifetimeMs = expiresIn * 1000;
      const expiresAt = now() + lifetimeMs;
      return {
        value,
        header: `Bearer ${value}`,
        expiresAt,
        renewAt: expiresAt - renewalLeadMs(lifetimeMs, renewBeforeMs),
      };
    }
    const code = typeof body?.['errorCode'] === 'string' ? body['errorCode'] : body?.['error'];
    const errorCode = typeof code === 'string' ? code : undefined;
    if (response.statusCode === 429) {
      const retryAfter = parseRetryAfter(response.headers['retry-after']) ?? 60;
      throw new AtlasAuthError('token-rate-limited', 429, errorCode, retryAfter);
    }
    if (errorCode === 'invalid_client' || response.statusCode === 401) {
      throw new AtlasAuthError('invalid-client', response.statusCode, errorCode);
    }
    if (response.statusCode >= 400 && response.statusCode < 500) {
      throw new AtlasAuthError('token-refused', response.statusCode, errorCode);
    }
    throw new AtlasAuthError('token-endpoint-failed', response.statusCode, errorCode);
  }

  function post(path: string, form: string): Promise<Dispatcher.ResponseData> {
    return options.dispatcher.request({
      origin: options.origin,
      path,
      method: 'POST',
      headers: {
        authorization: basic,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'user-agent': options.userAgent,
      },
      body: form,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  return {
    cacheKey: `sa:${options.clientId}`,
    get minted() {
      return minted;
    },
    async authorize() {
      const at = now();
      if (token && at < token.expiresAt) {
        // Renew ahead of expiry in the background; the current token serves until the new one arrives.
        if (at >= token.renewAt && !minting && !(failure && at < failure.until)) {
          mint(true).catch((error: unknown) => options.onWarning?.(`Atlas token renewal failed: ${String(error)}`));
        }
        return token.header;
      }
      if (failure && at < failure.until && !minting) throw heldFailure(failure, at);
      return (await mint()).header;
    },
    async renew(sent) {
      // Atlas no longer accepts the token (expired early, revoked): forget it, unless a newer one replaced it.
      if (token && token.header === sent) token = undefined;
      return true;
    },
    async close() {
      const current = token;
      token = undefined;
      if (!current || current.expiresAt <= now()) return;
      try {
        const response = await post(
          '/api/oauth/revoke',
          `token=${encodeURIComponent(current.value)}&token_type_hint=access_token`,
        );
        await response.body.dump();
        if (response.statusCode !== 200) options.onWarning?.(`Atlas token revocation answered ${response.statusCode}`);
      } catch {
        options.onWarning?.('Atlas token revocation failed');
      }
    },
  };
}
