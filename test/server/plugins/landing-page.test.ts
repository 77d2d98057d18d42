/**
 * `GET /` over real HTTP: says what the server is and where to go, as HTML, JSON or text, with GraphiQL on
 * or off, and gives away nothing about the Atlas side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstStepQueries } from '../../../src/server/plugins/landing-page.js';
import { DEMO } from '../../../src/simulator/index.js';
import { startStack, TEST_TOKEN, type TestStack } from '../../../support/stack.js';
import { rawRequest } from '../../helpers/raw-http.js';

interface LandingJson {
  graphql: string;
  graphiql: string | null;
  health: string;
  firstSteps: string[];
}

async function getRoot(stack: TestStack, accept: string): Promise<{ status: number; type: string; body: string }> {
  const response = await rawRequest(new URL('/', stack.url).href, { accept });
  return { status: response.status, type: response.headers['content-type'] ?? '', body: response.body.toString() };
}

describe('GET / with GraphiQL on (development)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('gives browsers a page linking GraphiQL and /health', async () => {
    const { status, type, body } = await getRoot(stack, 'text/html,application/xhtml+xml,*/*;q=0.8');
    expect(status).toBe(200);
    expect(type).toBe('text/html; charset=utf-8');
    expect(body).toContain('<title>Atlas Backup GraphQL Gateway</title>');
    expect(body).toContain('<a href="graphql">Open GraphiQL</a>');
    expect(body).toContain('<a href="health">');
    expect(body).toContain('POST /graphql');
    // No icon of its own: an empty one, so the browser does not ask /favicon.ico (a 404 in its console).
    expect(body).toContain('<link rel="icon" href="data:,">');
  });

  it('gives curl plain text and JSON clients JSON', async () => {
    const text = await getRoot(stack, '*/*');
    expect(text.type).toBe('text/plain; charset=utf-8');
    expect(text.body).toMatch(/GraphQL endpoint: POST \/graphql/);
    expect(text.body).toMatch(/GraphiQL: open \/graphql in a browser/);
    expect(text.body).toMatch(/GET \/health/);
    const json = await getRoot(stack, 'application/json');
    expect(json.type).toBe('application/json; charset=utf-8');
    expect(JSON.parse(json.body)).toMatchObject({
      graphql: '/graphql',
      graphiql: '/graphql',
      health: '/health',
      ready: '/ready',
      // This gateway calls Atlas with its own token: a caller needs none (forward mode says otherwise).
      authentication: expect.stringContaining('requests need no Atlas token'),
    });
    expect(text.body).toMatch(/GET \/ready while it takes traffic/);
    // What Atlas's sunset changed is said, and what came instead.
    expect(text.body).toMatch(/Flex clusters/);
    expect(text.body).toMatch(/sunset on 2026-01-22/);
  });

  it('shows first steps that work on the demo data', async () => {
    // The body of the curl command, as printed.
    const { body } = await getRoot(stack, '*/*');
    const curlBody = /-d '(.+)'$/m.exec(body)?.[1] ?? '';
    const listed = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: curlBody,
    });
    const answer = (await listed.json()) as { data?: { projects: { nodes: { atlasId: string }[] } }; errors?: unknown };
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.projects.nodes.map((p) => p.atlasId)).toContain(DEMO.projects.payments.id);

    const walk = await stack.query(firstStepQueries.walk.replace('<atlasId>', DEMO.projects.payments.id));
    expect(walk.errors).toBeUndefined();
    expect(JSON.stringify(walk.data)).toContain(DEMO.clusters.paymentsProd.name);
  });

  it('reveals nothing about the Atlas side, costs no Atlas call, and is revalidated', async () => {
    stack.simulator.resetCalls();
    for (const accept of ['text/html', '*/*', 'application/json']) {
      const response = await rawRequest(new URL('/', stack.url).href, { accept });
      const body = response.body.toString();
      for (const secret of [stack.simulator.url, new URL(stack.simulator.url).host, TEST_TOKEN, 'cloud.mongodb.com']) {
        expect(body).not.toContain(secret);
      }
      expect(body).not.toMatch(/service.account|api.key|digest|demo/i);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['vary']).toBe('Accept, Accept-Encoding');
      const etag = response.headers['etag'] ?? '';
      const revisit = await rawRequest(new URL('/', stack.url).href, { accept, 'if-none-match': etag });
      expect(revisit.status).toBe(304);
    }
    expect(stack.simulator.callCount()).toBe(0);
  });

  it('leaves other unknown paths a 404', async () => {
    const response = await rawRequest(new URL('/nope', stack.url).href, { accept: 'text/html' });
    expect(response.status).toBe(404);
  });
});

describe('GET / in production (GraphiQL and introspection off)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ gateway: { graphiql: false, introspection: false } });
  });
  afterAll(() => stack.close());

  it('still says where the endpoint is, and that GraphiQL is off', async () => {
    const html = await getRoot(stack, 'text/html');
    expect(html.status).toBe(200);
    expect(html.body).not.toContain('Open GraphiQL');
    expect(html.body).toContain('GraphiQL is off on this server');
    expect(html.body).toContain('POST /graphql');
    const text = await getRoot(stack, '*/*');
    expect(text.body).toContain('GraphiQL is off on this server');
    const json = JSON.parse((await getRoot(stack, 'application/json')).body) as LandingJson;
    expect(json).toMatchObject({ graphql: '/graphql', graphiql: null, health: '/health' });
    expect(json.firstSteps.length).toBeGreaterThan(0);
  });
});

describe('GET / in forward mode', () => {
  it("says each request carries its caller's own Atlas token", async () => {
    const forward = await startStack({ auth: { mode: 'forward' } });
    try {
      const json = JSON.parse((await getRoot(forward, 'application/json')).body) as { authentication: string };
      expect(json.authentication).toBe(
        "Each request must carry its caller's own Atlas access token: `Authorization: Bearer <token>`.",
      );
    } finally {
      await forward.close();
    }
  });
});
