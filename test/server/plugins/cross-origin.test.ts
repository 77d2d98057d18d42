/**
 * Who may call the gateway from a browser, through real HTTP: queries over GET as urql, Apollo
 * (`useGETForQueries`) and Relay send them; no mutation over GET; no form post; no foreign origin unless
 * allowed (CORS_ORIGINS), and never a reflected origin with credentials. The headers a browser sets
 * (`Origin`, `Sec-Fetch-*`) are set by hand here; test/e2e/cors.browser.test.ts lets Chromium set them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { DEMO } from '../../../src/simulator/index.js';
import { startStack, type TestStack } from '../../../support/stack.js';
import { rawRequest } from '../../helpers/raw-http.js';
import { handshake } from '../../helpers/streams.js';

const groupId = DEMO.projects.payments.id;
const projectQuery = `{ project(id: "${groupId}") { name } }`;
const jsonBody = JSON.stringify({ query: projectQuery });

interface Answer {
  status: number;
  headers: Headers;
  code?: string;
  message?: string;
  data?: unknown;
}

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  const body = text.startsWith('{')
    ? (JSON.parse(text) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] })
    : {};
  return {
    status: response.status,
    headers: response.headers,
    code: body.errors?.[0]?.extensions?.code,
    message: body.errors?.[0]?.message,
    data: body.data,
  };
}

describe('production default: no foreign origin', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ gateway: { corsOrigins: [] } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.simulator.resetCalls());

  it('runs a query sent as GET with no CSRF header, as urql sends it by default', async () => {
    const answer = await call(`${stack.url}?query=${encodeURIComponent(projectQuery)}`, {
      headers: { accept: 'application/graphql-response+json, application/graphql+json, application/json' },
    });
    expect(answer.status).toBe(200);
    expect(answer.data).toEqual({ project: { name: 'payments-production' } });
    expect(stack.simulator.callCount({ operationId: 'getGroup' })).toBe(1);
  });

  it('never runs a mutation over GET (405, with a code)', async () => {
    const answer = await call(`${stack.url}?query=${encodeURIComponent('mutation { __typename }')}`);
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('POST');
    expect(answer.code).toBe('BAD_REQUEST');
    expect(answer.message).toMatch(/POST/);
  });

  it.each([
    ['text/plain', 'text/plain;charset=UTF-8'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['a multipart form', 'multipart/form-data; boundary=x'],
  ])('refuses a POST with %s body and no CSRF header, naming the fix', async (_, contentType) => {
    const answer = await call(stack.url, { method: 'POST', headers: { 'content-type': contentType }, body: jsonBody });
    expect(answer.status).toBe(403);
    expect(answer.code).toBe('CSRF_HEADER_REQUIRED');
    expect(answer.message).toContain('x-graphql-csrf');
    expect(answer.message).toContain('application/json');
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it('lets a non-JSON POST through once it carries the CSRF header (a form cannot set it)', async () => {
    const answer = await call(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-graphql-csrf': '1' },
      body: `query=${encodeURIComponent(projectQuery)}`,
    });
    expect(answer.status).toBe(200);
    expect(answer.data).toEqual({ project: { name: 'payments-production' } });
  });

  // Past the CSRF check, plain text is still no encoding yoga reads: it answered 415 with an empty body.
  it('answers a plain-text POST that carries the CSRF header with 415 and a code, naming what to send', async () => {
    const answer = await call(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-graphql-csrf': '1' },
      body: jsonBody,
    });
    expect(answer.status).toBe(415);
    expect(answer.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(answer.message).toContain('application/json');
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it.each([
    ['a cross-site POST', 'POST', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' }],
    ['a same-site (sibling host) POST', 'POST', { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors' }],
    [
      'a cross-site no-cors GET (an <img> or a probe)',
      'GET',
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' },
    ],
    ['a POST from a browser without Fetch Metadata', 'POST', {}],
  ])('refuses %s from a foreign origin with 403 and no Atlas call', async (_, method, fetchMetadata) => {
    const url = method === 'GET' ? `${stack.url}?query=${encodeURIComponent(projectQuery)}` : stack.url;
    const answer = await call(url, {
      method,
      headers: { origin: 'https://evil.example', 'content-type': 'application/json', ...fetchMetadata },
      ...(method === 'POST' ? { body: jsonBody } : {}),
    });
    expect(answer.status).toBe(403);
    expect(answer.code).toBe('CROSS_ORIGIN_REFUSED');
    expect(answer.message).toContain('CORS_ORIGINS');
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it('answers a foreign preflight without any CORS permission', async () => {
    const answer = await call(stack.url, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    expect(answer.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('serves its own pages: same-origin requests and navigations from a link', async () => {
    const own = new URL(stack.url).origin;
    const sameOrigin = await call(stack.url, {
      method: 'POST',
      headers: { origin: own, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      body: jsonBody,
    });
    expect(sameOrigin.status).toBe(200);
    // A link to GraphiQL on a wiki page: a top-level navigation renders the page and executes nothing.
    // Over node:http: fetch would replace `sec-fetch-mode` with its own `cors`.
    const navigation = await rawRequest(stack.url, {
      accept: 'text/html',
      'sec-fetch-site': 'cross-site',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-dest': 'document',
    });
    expect(navigation.status).toBe(200);
    expect(navigation.body.toString('utf8')).toContain('GraphiQL');
    // A link that carries a query opens GraphiQL with it, and runs nothing.
    const withQuery = await rawRequest(`${stack.url}?query=${encodeURIComponent(projectQuery)}`, linkClick);
    expect(withQuery.status).toBe(200);
    expect(withQuery.body.toString('utf8')).toContain('GraphiQL');
    expect(stack.simulator.callCount({ operationId: 'getGroup' })).toBe(1);
    // The pages say they are never to be framed.
    expect(navigation.headers['x-frame-options']).toBe('DENY');
    expect(navigation.headers['content-security-policy']).toBe("frame-ancestors 'none'");
  });

  // Another site framing GraphiQL with a mutation in `?query=`: one lured click on Execute ran it, as a
  // same-origin page. Only a top-level navigation gets the page.
  it.each(['cross-site', 'same-site'])('refuses its pages to a %s frame', async (site) => {
    for (const url of [`${stack.url}?query=${encodeURIComponent(projectQuery)}`, new URL('/', stack.url).href]) {
      const framed = await rawRequest(url, { ...linkClick, 'sec-fetch-site': site, 'sec-fetch-dest': 'iframe' });
      expect(framed.status).toBe(403);
      expect(JSON.parse(framed.body.toString('utf8'))).toMatchObject({
        errors: [{ extensions: { code: 'CROSS_ORIGIN_REFUSED' } }],
      });
    }
  });
});

/** The headers Chromium sends when a link on another site is followed. */
const linkClick = {
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'sec-fetch-site': 'cross-site',
  'sec-fetch-mode': 'navigate',
  'sec-fetch-dest': 'document',
};

describe('without GraphiQL (production): a link from another site runs nothing', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ gateway: { corsOrigins: [], graphiql: false } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.simulator.resetCalls());

  it('refuses a link to the endpoint with a query in its URL, which would run it with the gateway credential', async () => {
    const link = await rawRequest(`${stack.url}?query=${encodeURIComponent(projectQuery)}`, linkClick);
    expect(link.status).toBe(403);
    expect(JSON.parse(link.body.toString('utf8'))).toMatchObject({
      errors: [{ extensions: { code: 'CROSS_ORIGIN_REFUSED' } }],
    });
    expect(stack.simulator.calls).toEqual([]);
  });

  it('still opens the landing page from a link, and runs a query typed into the address bar', async () => {
    const landing = await rawRequest(new URL('/', stack.url).href, linkClick);
    expect(landing.status).toBe(200);
    expect(landing.body.toString('utf8')).toContain('/graphql');
    // Typed or bookmarked: the browser says `none`, no other site is involved.
    const typed = await rawRequest(`${stack.url}?query=${encodeURIComponent(projectQuery)}`, {
      ...linkClick,
      'sec-fetch-site': 'none',
    });
    expect(typed.status).toBe(200);
    expect(stack.simulator.callCount({ operationId: 'getGroup' })).toBe(1);
  });
});

describe('an allow-list (CORS_ORIGINS=https://console.example.com,local)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ gateway: { corsOrigins: ['https://console.example.com', 'local'] } });
  });
  afterAll(() => stack.close());

  it.each(['https://console.example.com', 'http://localhost:5173', 'http://127.0.0.1:3000', 'http://[::1]:8080'])(
    'lets %s preflight and read, without credentials',
    async (origin) => {
      const preflight = await call(stack.url, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, authorization',
        },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
      // What Apollo Client sends with `clientAwareness`, and a request id for the log, besides the token.
      expect(preflight.headers.get('access-control-allow-headers')?.split(', ')).toEqual(
        expect.arrayContaining([
          'authorization',
          'apollographql-client-name',
          'apollographql-client-version',
          'x-request-id',
        ]),
      );
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
      const answer = await call(stack.url, {
        method: 'POST',
        headers: {
          origin,
          'sec-fetch-site': 'cross-site',
          'sec-fetch-mode': 'cors',
          'content-type': 'application/json',
        },
        body: jsonBody,
      });
      expect(answer.status).toBe(200);
      expect(answer.data).toEqual({ project: { name: 'payments-production' } });
      expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
      expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
      expect(answer.headers.get('vary')).toMatch(/Origin/);
    },
  );

  it.each([
    'https://evil.example',
    'http://localhost.evil.example',
    'https://console.example.com.evil.example',
    'null',
  ])('still refuses %s', async (origin) => {
    const answer = await call(stack.url, {
      method: 'POST',
      headers: { origin, 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
      body: jsonBody,
    });
    expect(answer.status).toBe(403);
    expect(answer.code).toBe('CROSS_ORIGIN_REFUSED');
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('ALLOWED_HOSTS: a page whose name an attacker points at the gateway (DNS rebinding)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env: { NODE_ENV: 'production', ALLOWED_HOSTS: 'backup-gateway.internal' } });
  });
  afterAll(() => stack.close());

  /** A GET of the project query, as a browser on `host` sends it to its own origin (the gateway's address). */
  const asPageOn = (host: string, path = `/graphql?query=${encodeURIComponent(projectQuery)}`) => {
    const { port } = new URL(stack.url);
    return rawRequest(new URL(path, stack.url).href, {
      host: `${host}:${port}`,
      origin: `http://${host}:${port}`,
      'sec-fetch-site': 'same-origin',
      accept: 'application/json',
    });
  };

  it('refuses a request naming another host (421, with a code), before any Atlas call', async () => {
    stack.simulator.resetCalls();
    const rebound = await asPageOn('evil.example');
    expect(rebound.status).toBe(421);
    expect(JSON.parse(rebound.body.toString()).errors[0].extensions.code).toBe('HOST_NOT_ALLOWED');
    expect(stack.simulator.callCount()).toBe(0);
  });

  it("answers the gateway's own names and loopback's, and leaves the health checks to any host", async () => {
    expect((await asPageOn('backup-gateway.internal')).status).toBe(200);
    expect((await asPageOn('Backup-Gateway.Internal')).status).toBe(200);
    expect((await asPageOn('127.0.0.1')).status).toBe(200);
    expect((await asPageOn('10.1.2.3', '/health')).status).toBe(200);
  });

  it('refuses the WebSocket upgrade naming another host', async () => {
    const { port } = new URL(stack.url);
    expect(await handshake(stack.wsUrl, { host: `evil.example:${port}` })).toBe(421);
  });

  it('is read as host names, and refuses what is not one', () => {
    const base = { NODE_ENV: 'production', MONGODB_ATLAS_ACCESS_TOKEN: 'x'.repeat(20) };
    expect(loadConfig(base).allowedHosts).toBeUndefined();
    expect(loadConfig({ ...base, ALLOWED_HOSTS: ' Gateway.Example.com, 10.0.0.5,[fd00::5] ' }).allowedHosts).toEqual([
      'gateway.example.com',
      '10.0.0.5',
      '[fd00::5]',
    ]);
    expect(() => loadConfig({ ...base, ALLOWED_HOSTS: 'https://gateway.example.com' })).toThrow(/not a host name/);
    expect(() => loadConfig({ ...base, ALLOWED_HOSTS: 'gateway.example.com:4000' })).toThrow(/not a host name/);
    expect(() => loadConfig({ ...base, ALLOWED_HOSTS: ' , ' })).toThrow(/names no host/);
  });
});

describe('CORS_ORIGINS configuration', () => {
  const base = { NODE_ENV: 'production', MONGODB_ATLAS_ACCESS_TOKEN: 'x'.repeat(20) };

  it('allows no foreign origin in production and local origins in development by default', () => {
    expect(loadConfig(base).corsOrigins).toEqual([]);
    expect(loadConfig({}).corsOrigins).toEqual(['local']);
  });

  it('normalizes listed origins', () => {
    expect(loadConfig({ ...base, CORS_ORIGINS: 'https://Console.Example.com:443, local' }).corsOrigins).toEqual([
      'https://console.example.com',
      'local',
    ]);
    expect(loadConfig({ ...base, CORS_ORIGINS: '' }).corsOrigins).toEqual([]);
  });

  it('refuses `*` unless each caller brings its own Atlas token, and refuses paths', () => {
    expect(() => loadConfig({ ...base, CORS_ORIGINS: '*' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, CORS_ORIGINS: '*' })).toThrow(/forward/);
    expect(loadConfig({ NODE_ENV: 'production', ATLAS_AUTH_MODE: 'forward', CORS_ORIGINS: '*' }).corsOrigins).toEqual([
      '*',
    ]);
    expect(() => loadConfig({ ...base, CORS_ORIGINS: 'https://app.example.com/graphql' })).toThrow(/not an origin/);
    expect(() => loadConfig({ ...base, CORS_ORIGINS: 'app.example.com' })).toThrow(/not an origin/);
  });
});
