/**
 * Serves GraphiQL (a browser's GET of the GraphQL endpoint) in place of yoga's own GraphiQL plugin, which
 * renders a 9 MB page (render-graphiql inlines every asset, so it works offline) for each visit and sends it
 * uncompressed and uncacheable.
 *
 * Here the assets render-graphiql exports (bundle, stylesheet, three Monaco workers, favicon) get their own
 * content-hashed URLs, served `immutable` and compressed once (br, gzip); the page at /graphql shrinks to
 * 2.3 KB (0.8 KB br), revalidated on each visit (`no-cache`, strong ETag, 304). They cannot stay inlined: GraphiQL
 * POSTs its queries to the very URL it is served from, and a browser cache drops its copy of a URL after a
 * POST to it (RFC 9111 §4.4; Chromium does), so a 9 MB page at /graphql would be downloaded again on every
 * visit. Still no CDN: everything comes from the gateway, so GraphiQL works offline.
 *
 * The page is our own short shell around render-graphiql's bundle (which it boots through the global the
 * bundle defines); test/server/plugins/graphiql-delivery.test.ts fails when an upgrade changes what the shell relies on.
 */
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';
import { staticResponse, type StaticResponse } from './static-response.js';

export interface GraphiQLDeliveryOptions {
  /** GraphiQL's title, default query...; passed to GraphiQL as given. */
  graphiql: GraphiQLOptions;
  /** The GraphQL endpoint GraphiQL is served at (yoga's default, /graphql). */
  endpoint?: string;
}

type AssetKey = 'js' | 'css' | 'editorWorker' | 'jsonWorker' | 'graphqlWorker' | 'favicon';

/** Assets are served from this directory, beside the page (a relative URL in the page points there). */
const assetDirectory = 'graphiql/';
/** Content-hashed: a new render-graphiql gives new URLs, so an old copy may be kept forever. */
const immutable = 'public, max-age=31536000, immutable';

type Bundle = typeof import('@graphql-yoga/render-graphiql/graphiql');

function favicon(bundle: Bundle): { contentType: string; body: Uint8Array } {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(bundle.favicon);
  if (!match?.[1] || match[2] === undefined) throw new Error('render-graphiql favicon is no longer a base64 data URL');
  return { contentType: match[1], body: Buffer.from(match[2], 'base64') };
}

interface Assets {
  /** Served file name -> its response. */
  files: Map<string, StaticResponse>;
  /** Asset -> its URL relative to the page. */
  urls: Record<AssetKey, string>;
}

let assets: Promise<Assets> | undefined;

/**
 * Built on first demand and shared by every gateway in the process (the bytes are the same for all).
 * The bundle (9 MB of strings) is imported only then: a gateway whose GraphiQL nobody opens, or that
 * serves none (production), never holds it.
 */
function graphiqlAssets(): Promise<Assets> {
  assets ??= import('@graphql-yoga/render-graphiql/graphiql').then(buildAssets);
  return assets;
}

function buildAssets(bundle: Bundle): Assets {
  const files = new Map<string, StaticResponse>();
  /** Serves `body` as `name` with its content hash inserted; returns its URL relative to the page. */
  const serve = (name: string, contentType: string, body: string | Uint8Array): string => {
    const response = staticResponse({ render: () => body, contentType, cacheControl: immutable });
    const dot = name.lastIndexOf('.');
    const file = `${name.slice(0, dot)}.${response.identity().hash.slice(0, 16)}${name.slice(dot)}`;
    files.set(file, response);
    return assetDirectory + file;
  };
  const javascript = 'text/javascript; charset=utf-8';
  const icon = favicon(bundle);
  return {
    files,
    urls: {
      js: serve('graphiql.js', javascript, bundle.js),
      css: serve('graphiql.css', 'text/css; charset=utf-8', bundle.css),
      editorWorker: serve('editor.worker.js', javascript, bundle.editorWorkerService),
      jsonWorker: serve('json.worker.js', javascript, bundle.jsonWorker),
      graphqlWorker: serve('graphql.worker.js', javascript, bundle.graphqlWorker),
      favicon: serve('favicon.ico', icon.contentType, icon.body),
    },
  };
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

/** JSON inside an inline script: `<` escaped, so no string in it can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * The page: a mount point, Monaco's worker URLs, and render-graphiql's bundle started through the global it
 * defines (`YogaGraphiQL.renderYogaGraphiQL(element, options)`), every asset by URL instead of inline.
 */
function graphiqlHtml(options: GraphiQLOptions, urls: Record<AssetKey, string>): string {
  // Monaco asks for a worker by label; these are the labels the bundle's editors use.
  const workers = { editorWorkerService: urls.editorWorker, json: urls.jsonWorker, graphql: urls.graphqlWorker };
  const title = escapeHtml(options.title || 'GraphiQL');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<title>${title}</title>
<link rel="icon" href="${escapeHtml(options.favicon || urls.favicon)}" />
<link rel="stylesheet" href="${urls.css}" />
</head>
<body class="no-focus-outline">
<noscript>${title} is a JavaScript application: turn JavaScript on to use it.</noscript>
<main id="graphiql"></main>
<script>self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_, label) => (${scriptJson(workers)})[label] };</script>
<script src="${urls.js}"></script>
<script>YogaGraphiQL.renderYogaGraphiQL(document.getElementById('graphiql'), ${scriptJson(options)});</script>
</body>
</html>
`;
}

/** The page, for yoga's rule: a GET asking for HTML at the GraphQL endpoint (HEAD too, for link checkers). */
function wantsPage(request: Request, pathname: string, endpoint: string): boolean {
  return (
    (pathname === endpoint || pathname === `${endpoint}/`) &&
    (request.headers.get('accept') ?? '').includes('text/html')
  );
}

/** An asset, by the relative URL the page gives: beside `/graphql`, or under `/graphql/` when that was the page. */
function assetFile(pathname: string, endpoint: string): string | undefined {
  const besides = endpoint.slice(0, endpoint.lastIndexOf('/') + 1) + assetDirectory;
  for (const directory of [besides, `${endpoint}/${assetDirectory}`]) {
    if (pathname.startsWith(directory)) return pathname.slice(directory.length);
  }
  return undefined;
}

export function useGraphiQLDelivery(options: GraphiQLDeliveryOptions): Plugin {
  const endpoint = options.endpoint ?? '/graphql';
  let page: StaticResponse | undefined;
  return {
    onRequest({ request, url, fetchAPI, endResponse }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      const { pathname } = url;
      const isPage = wantsPage(request, pathname, endpoint);
      // An unknown file (an old hash after an upgrade) falls through to yoga's 404.
      const file = isPage ? undefined : assetFile(pathname, endpoint);
      if (!isPage && file === undefined) return;
      return graphiqlAssets().then(async ({ urls, files }) => {
        if (isPage) {
          page ??= staticResponse({
            render: () => graphiqlHtml(options.graphiql, urls),
            contentType: 'text/html; charset=utf-8',
            cacheControl: 'no-cache',
            // The same URL answers GraphQL GETs (JSON) when the request does not ask for HTML.
            vary: ['Accept'],
          });
        }
        const response = isPage ? page : file === undefined ? undefined : files.get(file);
        if (response) endResponse(await response.respond(request, fetchAPI.Response));
      });
    },
  };
}
