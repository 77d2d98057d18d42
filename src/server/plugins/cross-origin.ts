/**
 * What a web page on another origin may do with the gateway.
 *
 * The threat: with a service account or API key the gateway holds the Atlas credential itself, so anyone
 * who can reach it can read every backup it serves. A page on any site, opened by a person who can reach
 * the gateway (inside a company network, say), could make that person's browser query it and read the
 * answer, unless the browser is told not to hand the answer over (CORS), and could make it act or probe
 * timings with "simple" requests that need no CORS permission to be sent at all (CSRF, XS-Search).
 *
 * So:
 * - CORS answers only origins on an allow-list (`CORS_ORIGINS`), never with
 *   `Access-Control-Allow-Credentials` (the gateway uses no cookies; forward mode's token is a header the
 *   page sets itself), and never by reflecting whatever `Origin` came in. `*` is accepted only in forward
 *   mode, where a page without the caller's own Atlas token can read nothing.
 * - A request a browser marks as coming from another site (Fetch Metadata `Sec-Fetch-Site`, or an
 *   `Origin` that is not the gateway's own) is refused unless its origin is allowed, whatever its method or
 *   content type. A top-level navigation (opening GraphiQL from a link) is let through where it is answered
 *   with a page, which executes nothing: GraphiQL when it is served, the landing page. Without GraphiQL (in
 *   production) a link to the endpoint with a `query` in its URL would run that query with the gateway's
 *   credential, so it is refused like any other foreign request.
 * - A POST with a content type a form can send (text/plain, form encodings) needs a header a form cannot
 *   set (`x-graphql-csrf` or `apollo-require-preflight`), as yoga's CSRF prevention asks.
 * - A GET needs no such header: it is how urql (by default), Apollo's `useGETForQueries` and Relay's GET
 *   fetchers send queries, yoga runs only queries over GET (a mutation gets 405), and the cross-site case
 *   is refused above. Browsers too old to send Fetch Metadata still send `Origin` on cross-origin CORS
 *   requests; what remains open to them is a blind no-cors GET of a query, which reads and changes nothing.
 */
import type { CORSOptions, Plugin } from 'graphql-yoga';

/** An allow-list entry: an exact origin, `local` (any port on localhost, 127.0.0.1 or [::1]) or `*`. */
export type OriginRule = string;

const localHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A predicate over `Origin` header values, from the allow-list. */
export function originMatcher(rules: readonly OriginRule[]): (origin: string) => boolean {
  const exact = new Set(rules.filter((rule) => rule !== 'local' && rule !== '*').map(normalizeOrigin));
  const any = rules.includes('*');
  const local = rules.includes('local');
  return (origin) => {
    if (any) return true;
    if (exact.has(origin)) return true;
    if (!local) return false;
    try {
      const url = new URL(origin);
      return (url.protocol === 'http:' || url.protocol === 'https:') && localHosts.has(url.hostname);
    } catch {
      return false;
    }
  };
}

/** `https://App.example.com:443/` and `https://app.example.com` name the same origin. */
export function normalizeOrigin(value: string): string {
  return new URL(value).origin;
}

/** Headers a browser client may send across origins (preflight), and those it may read back. */
const allowedHeaders = [
  'content-type',
  'accept',
  'authorization',
  'x-graphql-csrf',
  'apollo-require-preflight',
  'x-atlas-call-report',
  'traceparent',
  'tracestate',
  // Apollo Client's client awareness (`clientAwareness: { name, version }`), and a caller's request id, which
  // the access log keeps as `reqId`.
  'apollographql-client-name',
  'apollographql-client-version',
  'x-request-id',
];

/** Yoga's `cors` option: headers for allowed origins only, no credentials, nothing for the rest. */
export function corsOptions(rules: readonly OriginRule[]): (request: Request) => CORSOptions {
  const allowed = originMatcher(rules);
  return (request) => {
    const origin = request.headers.get('origin');
    if (!origin || !allowed(origin)) return false;
    return { origin, credentials: false, methods: ['GET', 'POST'], allowedHeaders, maxAge: 600 };
  };
}

const formContentTypes = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
export const csrfHeaders = ['x-graphql-csrf', 'apollo-require-preflight'];

function refusal(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'private, no-store' },
  });
}

function sameHost(origin: string, url: string): boolean {
  try {
    return new URL(origin).host === new URL(url).host;
  } catch {
    return false; // `null` and other opaque origins
  }
}

/** Loopback names: a page elsewhere cannot make a browser send them as the request's host. */
const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why a request naming another host than the gateway's own (ALLOWED_HOSTS) must not run, or undefined. A
 * page whose DNS name an attacker points at the gateway's address (DNS rebinding) is same-origin to its own
 * name, which its requests carry as their host: only a list of the gateway's names tells them apart.
 */
export function hostRefusal(
  request: Request,
  allowedHosts: ReadonlySet<string> | undefined,
): { status: number; code: string; message: string } | undefined {
  if (!allowedHosts) return undefined;
  const host = new URL(request.url).hostname.toLowerCase();
  if (allowedHosts.has(host) || loopbackHosts.has(host)) return undefined;
  return {
    status: 421,
    code: 'HOST_NOT_ALLOWED',
    message: 'This gateway does not answer to that host name: add it to ALLOWED_HOSTS if it is the gateway’s own',
  };
}

/** Whether a browser's top-level navigation to `pathname` is answered with a page, which executes nothing. */
export type RendersPage = (pathname: string) => boolean;

/** Why a request must not run, or undefined. Exported for tests of the decision table. */
export function crossOriginRefusal(
  request: Request,
  allowed: (origin: string) => boolean,
  rendersPage: RendersPage = () => false,
): { status: number; code: string; message: string } | undefined {
  const method = request.method.toUpperCase();
  if (method === 'OPTIONS') return undefined; // CORS preflight: answered by yoga, with headers only for allowed origins
  const origin = request.headers.get('origin');
  const site = request.headers.get('sec-fetch-site');
  // A top-level navigation only: a page framed by another site (`sec-fetch-dest: iframe`) could be clicked
  // through (clickjacking), and GraphiQL in it runs what its `?query=` says, as a same-origin page.
  const destination = request.headers.get('sec-fetch-dest');
  const navigation =
    request.headers.get('sec-fetch-mode') === 'navigate' &&
    (destination === null || destination === 'document') &&
    method === 'GET' &&
    rendersPage(new URL(request.url).pathname);
  // The browser's own verdict when it sends one; else `Origin` against the host asked for (by host, not
  // scheme, so a TLS-terminating proxy in front does not make every request look foreign).
  const foreign =
    site === 'cross-site' ||
    site === 'same-site' ||
    (site === null && origin !== null && !sameHost(origin, request.url));
  if (foreign && !navigation && !(origin && origin !== 'null' && allowed(origin))) {
    return {
      status: 403,
      code: 'CROSS_ORIGIN_REFUSED',
      message: `Requests from ${origin && origin !== 'null' ? origin : 'another site'} are not allowed: add the web app's origin to CORS_ORIGINS`,
    };
  }
  if (method === 'POST') {
    const contentType = (request.headers.get('content-type') ?? '').toLowerCase();
    const formLike = contentType === '' || formContentTypes.some((type) => contentType.startsWith(type));
    if (formLike && !csrfHeaders.some((header) => request.headers.has(header))) {
      return {
        status: 403,
        code: 'CSRF_HEADER_REQUIRED',
        message:
          'A POST with a form or text content type needs the header `x-graphql-csrf: 1` (or `apollo-require-preflight: true`); ' +
          'or send `content-type: application/json`',
      };
    }
    // The header admits a form encoding yoga reads; plain text it reads not at all (it answered a bare 415).
    if (contentType === '' || contentType.startsWith('text/plain')) {
      return {
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'Send the operation as `content-type: application/json` (or a form encoding); plain text is not read',
      };
    }
  }
  return undefined;
}

/** Refuses cross-site and form-like requests before yoga parses them (see the module comment). */
export function useCrossOriginGuard(
  rules: readonly OriginRule[],
  rendersPage: RendersPage,
  allowedHosts?: ReadonlySet<string>,
): Plugin {
  const allowed = originMatcher(rules);
  return {
    onRequest({ request, endResponse }) {
      const refused = hostRefusal(request, allowedHosts) ?? crossOriginRefusal(request, allowed, rendersPage);
      if (refused) endResponse(refusal(refused.status, refused.code, refused.message));
    },
    onResponse({ request, response }) {
      // The CORS headers differ per origin: shared caches must not serve one origin's answer to another.
      if (request.headers.has('origin')) response.headers.append('vary', 'Origin');
    },
  };
}
