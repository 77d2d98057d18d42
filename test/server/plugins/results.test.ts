/** The result helpers the observing plugins share; here, reading a request's path without parsing its URL. */
import { describe, expect, it } from 'vitest';
import { pathOf } from '../../../src/server/plugins/results.js';

describe('pathOf', () => {
  it('gives the same path as URL.pathname for the URLs a request can carry', () => {
    const urls = [
      'http://127.0.0.1:4000/graphql',
      'http://127.0.0.1:4000/graphql?query=%7B__typename%7D',
      'http://gateway.example/graphql/',
      'https://gateway.example/metrics#x',
      'http://localhost:4000/',
      'http://localhost:4000',
      'http://localhost:4000?x=1',
      'http://user@host:1/ready?probe=1&x=/graphql',
      'http://host/a/b/graphql?x=1',
    ];
    for (const url of urls) expect([url, pathOf(url)]).toEqual([url, new URL(url).pathname]);
  });
});
