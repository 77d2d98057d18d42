/**
 * Atlas API keys: HTTP Digest (RFC 7616) with MD5 and qop=auth; the public key is the user name.
 *
 * Atlas's own SDK fetches a fresh challenge for every call (two round trips each). This credential keeps
 * the last nonce and signs later calls with an increasing `nc`, so a warm gateway makes one round trip.
 * When Atlas declines a reused nonce (stale, or a count that arrived out of order), the 401 carries a new
 * challenge and the request is signed once more with it; only a fresh nonce being refused is a real
 * authentication failure.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AtlasCredential, AttemptTarget } from './credential.js';
import type { AtlasEvents } from '../events.js';

interface Challenge {
  realm: string;
  nonce: string;
  opaque?: string;
  /** Requests signed with this nonce so far (the next `nc`). */
  count: number;
}

/** `events` hears of each challenge (metrics count them); never of the key or a signature. */
export function digestApiKey(publicKey: string, privateKey: string, events?: AtlasEvents): AtlasCredential {
  let challenge: Challenge | undefined;
  const md5 = (text: string) => createHash('md5').update(text).digest('hex');

  return {
    cacheKey: `digest:${publicKey}`,
    async authorize(target: AttemptTarget) {
      // No challenge yet: send without credentials; Atlas's 401 brings one.
      if (!challenge) return undefined;
      challenge.count++;
      const nc = challenge.count.toString(16).padStart(8, '0');
      const cnonce = randomBytes(8).toString('hex');
      const ha1 = md5(`${publicKey}:${challenge.realm}:${privateKey}`);
      const ha2 = md5(`${target.method}:${target.uri}`);
      const response = md5(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:auth:${ha2}`);
      const fields = [
        `username="${quote(publicKey)}"`,
        `realm="${quote(challenge.realm)}"`,
        `nonce="${quote(challenge.nonce)}"`,
        `uri="${quote(target.uri)}"`,
        'algorithm=MD5',
        'qop=auth',
        `nc=${nc}`,
        `cnonce="${cnonce}"`,
        `response="${response}"`,
      ];
      if (challenge.opaque !== undefined) fields.push(`opaque="${quote(challenge.opaque)}"`);
      return `Digest ${fields.join(', ')}`;
    },
    async renew(sent, header) {
      const offered = header ? parseChallenge(header) : undefined;
      if (!offered) return false;
      challenge = { ...offered.challenge, count: 0 };
      const signedAgain = worthSigningAgain(sent, offered.stale);
      events?.emit({ kind: 'digest-challenge', stale: offered.stale, signedAgain });
      return signedAgain;
    },
    // The transport renews once per request: the attempt signed with the new challenge, refused in turn,
    // comes here rather than to `renew`, and is counted as a wrong key when it is one (without a third request).
    renewalRefused(sent, header) {
      const offered = header ? parseChallenge(header) : undefined;
      if (!offered) return;
      challenge = { ...offered.challenge, count: 0 };
      if (!worthSigningAgain(sent, offered.stale)) {
        events?.emit({ kind: 'digest-challenge', stale: offered.stale, signedAgain: false });
      }
    },
  };
}

/**
 * Whether a 401 with a challenge is worth signing again: nothing was signed yet, Atlas says the nonce went
 * stale, or the refused attempt reused a nonce (a count that may have arrived out of order). A fresh nonce
 * refused is a wrong key.
 */
function worthSigningAgain(sent: string | undefined, stale: boolean): boolean {
  if (sent === undefined || stale) return true;
  const sentNonce = /nonce="([^"]*)"/.exec(sent)?.[1];
  const sentCount = Number.parseInt(/nc=([0-9a-f]+)/.exec(sent)?.[1] ?? '1', 16);
  return sentNonce !== undefined && sentCount > 1;
}

function quote(value: string): string {
  return value.replace(/["\\]/g, '\\$&');
}

/** Parses `WWW-Authenticate: Digest realm="…", nonce="…", qop="auth", stale=false` (quoted or bare values). */
export function parseChallenge(header: string): { challenge: Omit<Challenge, 'count'>; stale: boolean } | undefined {
  const match = /^\s*Digest\s+(.*)$/is.exec(header);
  if (!match?.[1]) return undefined;
  const params: Record<string, string> = {};
  const pattern = /([a-zA-Z]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (const part of match[1].matchAll(pattern)) {
    const name = part[1]?.toLowerCase();
    if (name) params[name] = (part[2] ?? part[3] ?? '').replace(/\\(.)/g, '$1');
  }
  const algorithm = (params['algorithm'] ?? 'MD5').toUpperCase();
  const qop = (params['qop'] ?? '').split(',').map((value) => value.trim());
  if (!params['nonce'] || params['realm'] === undefined || algorithm !== 'MD5' || !qop.includes('auth')) {
    return undefined;
  }
  return {
    challenge: { realm: params['realm'], nonce: params['nonce'], opaque: params['opaque'] },
    stale: params['stale']?.toLowerCase() === 'true',
  };
}
