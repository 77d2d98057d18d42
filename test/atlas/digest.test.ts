import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digestApiKey, parseChallenge } from '../../src/atlas/auth/digest.js';
import { AtlasEvents, type AtlasEvent } from '../../src/atlas/events.js';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const atlasChallenge = (nonce: string, stale = false) =>
  `Digest realm="MMS Public API", domain="", nonce="${nonce}", algorithm=MD5, qop="auth", stale=${stale}`;

function fields(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.slice('Digest '.length).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)) out[m[1]!] = m[2] ?? m[3]!;
  return out;
}

describe('HTTP Digest for Atlas API keys', () => {
  it('parses the challenge Atlas sends', () => {
    expect(parseChallenge(atlasChallenge('abc123', true))).toEqual({
      challenge: { realm: 'MMS Public API', nonce: 'abc123', opaque: undefined },
      stale: true,
    });
    expect(parseChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseChallenge('Digest realm="x", nonce="n", algorithm=SHA-256, qop="auth"')).toBeUndefined();
  });

  it('sends nothing before the first challenge, then a correct MD5 response with increasing nc', async () => {
    const credential = digestApiKey('pubkey', 'private-key-canary');
    const target = { method: 'GET', uri: '/api/atlas/v2/groups?pageNum=1' };
    expect(await credential.authorize(target)).toBeUndefined();
    expect(await credential.renew!(undefined, atlasChallenge('nonce-1'))).toBe(true);

    const first = fields((await credential.authorize(target))!);
    const second = fields((await credential.authorize(target))!);
    for (const [sent, nc] of [
      [first, '00000001'],
      [second, '00000002'],
    ] as const) {
      expect(sent).toMatchObject({ username: 'pubkey', realm: 'MMS Public API', nonce: 'nonce-1', qop: 'auth', nc });
      const ha1 = md5('pubkey:MMS Public API:private-key-canary');
      const ha2 = md5(`GET:${target.uri}`);
      expect(sent['response']).toBe(md5(`${ha1}:nonce-1:${nc}:${sent['cnonce']}:auth:${ha2}`));
    }
    expect(JSON.stringify([first, second])).not.toContain('private-key-canary');
  });

  it('signs again with a fresh challenge when a nonce goes stale or a reused nonce is refused', async () => {
    const credential = digestApiKey('pub', 'priv');
    await credential.renew!(undefined, atlasChallenge('n1'));
    const reused =
      (await credential.authorize({ method: 'GET', uri: '/a' }),
      await credential.authorize({ method: 'GET', uri: '/a' }));
    expect(await credential.renew!(reused, atlasChallenge('n2', false))).toBe(true); // nc=2 refused: try n2
    const fresh = await credential.authorize({ method: 'GET', uri: '/a' });
    expect(fields(fresh!)).toMatchObject({ nonce: 'n2', nc: '00000001' });
    // A fresh nonce refused without stale=true is a wrong key: no more attempts.
    expect(await credential.renew!(fresh, atlasChallenge('n3', false))).toBe(false);
    const again = await credential.authorize({ method: 'GET', uri: '/a' });
    expect(await credential.renew!(again, atlasChallenge('n4', true))).toBe(true); // stale: sign again
  });

  it('counts the attempt signed after a renewal and refused again as a wrong key, unless the nonce went stale', async () => {
    const events = new AtlasEvents();
    const heard: AtlasEvent[] = [];
    events.subscribe((event) => heard.push(event));
    const credential = digestApiKey('pub', 'wrong', events);
    expect(await credential.renew!(undefined, atlasChallenge('n1'))).toBe(true);
    const signed = await credential.authorize({ method: 'GET', uri: '/a' });
    credential.renewalRefused!(signed, atlasChallenge('n2'));
    // Stale meanwhile: not a wrong key (the next call signs with n3).
    credential.renewalRefused!(await credential.authorize({ method: 'GET', uri: '/a' }), atlasChallenge('n3', true));
    expect(heard).toEqual([
      { kind: 'digest-challenge', stale: false, signedAgain: true },
      { kind: 'digest-challenge', stale: false, signedAgain: false },
    ]);
    expect(fields((await credential.authorize({ method: 'GET', uri: '/a' }))!)).toMatchObject({ nonce: 'n3' });
  });
});
