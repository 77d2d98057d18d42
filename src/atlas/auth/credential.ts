/**
 * How the transport authenticates to Atlas. A credential supplies the `Authorization` header of each
 * attempt and may renew itself once when Atlas answers 401 (a new OAuth token, a fresh digest
 * challenge). Credentials never reveal their secret: caches and logs see only `cacheKey`.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { AtlasAuthError } from '../errors.js';

export interface AttemptTarget {
  method: string;
  /** Path and query exactly as sent (digest signs it). */
  uri: string;
}

export interface AtlasCredential {
  /** Distinguishes credentials in caches and coalescing without revealing them. */
  readonly cacheKey: string;
  /**
   * The `Authorization` header for one attempt; undefined sends none (digest, before its first challenge).
   * A credential that knows its header answers it directly, without a promise per call.
   */
  authorize(target: AttemptTarget): string | undefined | Promise<string | undefined>;
  /**
   * Atlas answered 401 to an attempt that carried `sent`. Resolves true when the credential renewed itself
   * and the request should be sent once more; the transport asks at most once per request.
   */
  renew?(sent: string | undefined, challenge: string | undefined): Promise<boolean>;
  /**
   * Atlas answered 401 again to the attempt sent after `renew` (signed with the renewed credential): the
   * request ends there, never sent a third time, and the credential hears of it (a digest key counts a
   * wrong key).
   */
  renewalRefused?(sent: string | undefined, challenge: string | undefined): void;
  /** Releases what the credential holds upstream (revokes its OAuth token). Best effort. */
  close?(): Promise<void>;
}

/** A fixed bearer token: an access token minted elsewhere, or the demo simulator's. */
export function staticBearer(token: string, cacheKey = 'static'): AtlasCredential {
  const header = `Bearer ${token}`;
  return { cacheKey, authorize: () => header };
}

/**
 * Forward mode: each caller's own `Authorization: Bearer` token goes to Atlas. The cache key is an HMAC of
 * the token under a key that lives only in this process, so coalescing and caches never cross callers and
 * the key cannot be turned back into the token.
 */
export function forwardedBearerFactory(): (authorizationHeader: string | null) => AtlasCredential {
  const hmacKey = randomBytes(32);
  return (authorizationHeader) => {
    // The scheme is case-insensitive and may be followed by several spaces (RFC 9110 11.4, RFC 6750 2.1).
    const token = /^Bearer +([A-Za-z0-9._~+/=-]+)$/i.exec(authorizationHeader?.trim() ?? '')?.[1];
    if (!token) return missingCredential;
    const cacheKey = `fwd:${createHmac('sha256', hmacKey).update(token).digest('base64url')}`;
    return staticBearer(token, cacheKey);
  };
}

/** Forward mode without a usable bearer token: every call fails before anything is sent. */
const missingCredential: AtlasCredential = {
  cacheKey: 'fwd:none',
  authorize: () => Promise.reject(new AtlasAuthError('missing-caller-token')),
};

/** How the gateway authenticates to Atlas. */
export type AtlasAuth =
  /** A bearer token minted elsewhere (and the demo simulator's). */
  | { mode: 'token'; token: string }
  /** A service account: OAuth client credentials, one token for the process. */
  | { mode: 'service-account'; clientId: string; clientSecret: string; renewBeforeMs?: number }
  /** A legacy API key pair: HTTP Digest. */
  | { mode: 'api-key'; publicKey: string; privateKey: string }
  /** Each caller's own `Authorization: Bearer` token is passed to Atlas. */
  | { mode: 'forward' };
