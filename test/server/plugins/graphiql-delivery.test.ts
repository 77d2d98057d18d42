/**
 * GraphiQL over real HTTP: a small page at /graphql, revalidated with a strong ETag (304, no body), and its
 * assets at content-hashed URLs, `immutable`; everything sent br or gzip as Accept-Encoding asks, while
 * GraphQL answers stay `private, no-store`.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import * as bundle from '@graphql-yoga/render-graphiql/graphiql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentsQuery, exampleQuery, watchRestoreSubscription } from '../../../src/server/gateway.js';
import { chooseCoding, ifNoneMatchHits } from '../../../src/server/plugins/static-response.js';
import { startStack, type TestStack } from '../../../support/stack.js';
import { rawRequest } from '../../helpers/raw-http.js';

const browser = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

/** The asset URLs the page names (relative to it), by what they hold. */
function assetUrls(html: string): Record<'js' | 'css' | 'favicon' | 'editor' | 'json' | 'graphql', string> {
  const find = (pattern: RegExp) => pattern.exec(html)?.[1] ?? '';
  return {
    js: find(/<script src="(graphiql\/graphiql\.[\w-]{16}\.js)">/),
    css: find(/<link rel="stylesheet" href="(graphiql\/graphiql\.[\w-]{16}\.css)"/),
    favicon: find(/<link rel="icon" href="(graphiql\/favicon\.[\w-]{16}\.ico)"/),
    editor: find(/"editorWorkerService":"(graphiql\/editor\.worker\.[\w-]{16}\.js)"/),
    json: find(/"json":"(graphiql\/json\.worker\.[\w-]{16}\.js)"/),
    graphql: find(/"graphql":"(graphiql\/graphql\.worker\.[\w-]{16}\.js)"/),
  };
}

describe('GraphiQL delivery', () => {
  let stack: TestStack;
  let html = '';

  beforeAll(async () => {
    stack = await startStack();
    html = (await rawRequest(stack.url, { ...browser, 'accept-encoding': 'identity' })).body.toString();
  });
  afterAll(() => stack.close());

  const get = (headers: Record<string, string>) => rawRequest(stack.url, { ...browser, ...headers });

  it('sends a small page naming the assets, with validators', async () => {
    const response = await get({ 'accept-encoding': 'identity' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(Number(response.headers['content-length'])).toBe(response.body.length);
    expect(response.body.length).toBeLessThan(10_000); // the example tabs' text; was 9 MB with everything inlined
    expect(response.headers['etag']).toMatch(/^"[A-Za-z0-9_-]+"$/); // strong: no W/
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['vary']).toMatch(/\bAccept\b.*\bAccept-Encoding\b/);
    expect(html).toContain('<title>Atlas Backup GraphQL</title>');
    // GraphiQL's options, the example query included, reach renderYogaGraphiQL (`<` escaped in the script).
    const options = /renderYogaGraphiQL\([^,]+, (\{.*\})\);/.exec(html)?.[1] ?? 'null';
    expect(JSON.parse(options)).toEqual({
      title: 'Atlas Backup GraphQL',
      defaultTabs: [{ query: exampleQuery }, { query: deploymentsQuery }, { query: watchRestoreSubscription }],
    });
    expect(Object.values(assetUrls(html)).every(Boolean)).toBe(true);
  });

  it.each([
    ['br', 'gzip, deflate, br, zstd', brotliDecompressSync],
    ['gzip', 'gzip, deflate', gunzipSync],
  ])('sends %s to a client that accepts it; it decompresses to the same bytes', async (coding, accept, decode) => {
    const page = await get({ 'accept-encoding': accept });
    expect(page.status).toBe(200);
    expect(page.headers['content-encoding']).toBe(coding);
    expect(Number(page.headers['content-length'])).toBe(page.body.length);
    expect(decode(page.body).toString()).toBe(html);
    expect(page.headers['etag']).toMatch(new RegExp(`^"[A-Za-z0-9_-]+-${coding}"$`));

    const urls = assetUrls(html);
    const expected: [string, string, Buffer][] = [
      [urls.js, 'text/javascript; charset=utf-8', Buffer.from(bundle.js)],
      [urls.css, 'text/css; charset=utf-8', Buffer.from(bundle.css)],
      [urls.editor, 'text/javascript; charset=utf-8', Buffer.from(bundle.editorWorkerService)],
      [urls.json, 'text/javascript; charset=utf-8', Buffer.from(bundle.jsonWorker)],
      [urls.graphql, 'text/javascript; charset=utf-8', Buffer.from(bundle.graphqlWorker)],
      [urls.favicon, 'image/x-icon', Buffer.from(bundle.favicon.split(',')[1] ?? '', 'base64')],
    ];
    let [sent, decoded] = [0, 0];
    for (const [url, type, body] of expected) {
      const asset = await rawRequest(new URL(url, stack.url).href, { 'accept-encoding': accept });
      expect(asset.status, url).toBe(200);
      expect(asset.headers['content-type']).toBe(type);
      expect(asset.headers['content-encoding']).toBe(coding);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(decode(asset.body).equals(body), url).toBe(true);
      [sent, decoded] = [sent + asset.body.length, decoded + body.length];
    }
    expect(sent).toBeLessThan(decoded * 0.3); // 8.9 MB: br 2.09 MB, gzip 2.43 MB
  });

  it('keeps one ETag per coding across requests, and answers a revisit with 304 and no body', async () => {
    const first = await get({ 'accept-encoding': 'br' });
    const second = await get({ 'accept-encoding': 'br' });
    const gzip = await get({ 'accept-encoding': 'gzip' });
    const etag = first.headers['etag'] ?? '';
    expect(second.headers['etag']).toBe(etag);
    expect(gzip.headers['etag']).not.toBe(etag);

    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`]) {
      const revisit = await get({ 'accept-encoding': 'br', 'if-none-match': ifNoneMatch });
      expect(revisit.status).toBe(304);
      expect(revisit.body.length).toBe(0);
      expect(revisit.headers['etag']).toBe(etag);
      expect(revisit.headers['cache-control']).toBe('no-cache');
    }
    // A validator of another coding (or of an older page) gets the whole page.
    const stale = await get({ 'accept-encoding': 'br', 'if-none-match': gzip.headers['etag'] ?? '' });
    expect(stale.status).toBe(200);
    expect(stale.body.length).toBe(first.body.length);

    const js = new URL(assetUrls(html).js, stack.url).href;
    const asset = await rawRequest(js, { 'accept-encoding': 'br' });
    const again = await rawRequest(js, { 'accept-encoding': 'br', 'if-none-match': asset.headers['etag'] ?? '' });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('serves the assets where the page resolves them from /graphql/ too; an unknown one is a 404', async () => {
    const { js } = assetUrls(html);
    expect((await rawRequest(new URL(js, `${stack.url}/`).href, {})).status).toBe(200);
    expect((await rawRequest(new URL('graphiql/graphiql.0000000000000000.js', stack.url).href, {})).status).toBe(404);
  });

  it('answers HEAD with the headers only', async () => {
    const response = await rawRequest(stack.url, { ...browser, 'accept-encoding': 'gzip' }, 'HEAD');
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.body.length).toBe(0);
  });

  it('leaves GraphQL answers private, no-store, and costs no Atlas call', async () => {
    const post = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'br' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(post.status).toBe(200);
    expect(post.headers.get('cache-control')).toBe('private, no-store');
    expect(post.headers.get('etag')).toBeNull();
    // The same URL without `accept: text/html` is a GraphQL GET, not GraphiQL.
    const get = await fetch(`${stack.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'x-graphql-csrf': '1' },
    });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
    expect(get.headers.get('cache-control')).toBe('private, no-store');
    expect(stack.simulator.callCount()).toBe(0);
  });
});

describe('GraphiQL off', () => {
  it('serves neither the page nor its assets', async () => {
    const stack = await startStack({ gateway: { graphiql: false } });
    try {
      const page = await rawRequest(stack.url, browser);
      expect(page.headers['content-type'] ?? '').not.toMatch(/text\/html/);
      expect(page.body.toString()).not.toContain('YogaGraphiQL');
      const on = await startStack();
      try {
        const html = (await rawRequest(on.url, browser)).body.toString();
        const asset = await rawRequest(new URL(assetUrls(html).js, stack.url).href, {});
        expect(asset.status).toBe(404);
      } finally {
        await on.close();
      }
    } finally {
      await stack.close();
    }
  });
});

describe("render-graphiql's template", () => {
  // src/server/plugins/graphiql-delivery.ts rebuilds the page from these parts; an upgrade that changes them
  // must be looked at (the browser test in test/e2e checks the result runs).
  it('still inlines the parts the gateway serves separately, and boots GraphiQL the same way', () => {
    const upstream = renderGraphiQL({ title: 't' });
    for (const hook of [
      "self['MonacoEnvironment']",
      'getWorkerUrl: function (moduleId, label)',
      'return workers[label]',
      'editorWorkerService: prepareBlob(',
      'json: prepareBlob(',
      'graphql: prepareBlob(',
      'YogaGraphiQL.renderYogaGraphiQL(',
      'class="no-focus-outline"',
    ]) {
      expect(upstream, hook).toContain(hook);
    }
    expect(bundle.favicon).toMatch(/^data:image\/x-icon;base64,/);
  });
});

describe('content negotiation', () => {
  it.each([
    [null, 'identity'],
    ['', 'identity'],
    ['identity', 'identity'],
    ['gzip', 'gzip'],
    ['gzip, deflate, br, zstd', 'br'],
    ['br;q=0.5, gzip', 'gzip'],
    ['BR;Q=1, GZIP;q=0.9', 'br'],
    ['*', 'br'],
    ['br;q=0, *;q=0.5', 'gzip'],
    ['deflate', 'identity'],
    ['x-gzip', 'gzip'],
  ])('Accept-Encoding %j gets %s', (header, coding) => {
    expect(chooseCoding(header)).toBe(coding);
  });

  it.each([
    ['"a"', '"a"', true],
    ['W/"a"', '"a"', true],
    ['"b", "a"', '"a"', true],
    ['*', '"a"', true],
    ['"b"', '"a"', false],
    [null, '"a"', false],
  ])('If-None-Match %j against %s: %s', (header, etag, hit) => {
    expect(ifNoneMatchHits(header, etag)).toBe(hit);
  });
});
