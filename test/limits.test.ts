/**
 * Abusive or malformed requests are refused before execution, with a precise code, and cost Atlas nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../src/simulator/index.js';
import { startStack, type TestStack } from './helpers/gateway.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.simulator.resetCalls());

const groupId = DEMO.projects.payments.id;
const nest = (depth: number) => {
  // project -> clusters -> nodes -> project -> clusters -> ... : one level per field.
  let selection = 'name';
  for (let i = 0; i < depth; i++)
    selection = i % 2 === 0 ? `project { ${selection} }` : `cluster(name: "x") { ${selection} }`;
  return `{ project(id: "${groupId}") { ${selection} } }`;
};

async function post(body: string, headers: Record<string, string> = {}) {
  const response = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

describe('document limits (graphql-armor)', () => {
  it.each([
    ['depth', nest(14), 'MAX_DEPTH_EXCEEDED'],
    [
      'aliases',
      `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: project(id: "${groupId}") { name }`).join(' ')} }`,
      'MAX_ALIASES_EXCEEDED',
    ],
    ['tokens', `{ project(id: "${groupId}") { ${'name '.repeat(2_100)} } }`, 'MAX_TOKENS_EXCEEDED'],
    [
      'directives',
      `{ project(id: "${groupId}") { name ${'@include(if: true) '.repeat(51)} } }`,
      'MAX_DIRECTIVES_EXCEEDED',
    ],
    [
      'cost',
      '{ projects(first: 500) { nodes { clusters(first: 500) { nodes { name stateName } } } } }',
      'COST_LIMIT_EXCEEDED',
    ],
  ])('refuses a document over the %s limit with its code, HTTP 400 and no Atlas call', async (_, document, code) => {
    const { status, text } = await post(JSON.stringify({ query: document }));
    const body = JSON.parse(text) as { data?: unknown; errors: { extensions?: { code?: string } }[] };
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors[0]?.extensions?.code).toBe(code);
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it('admits the example dashboard', async () => {
    const { readFile } = await import('node:fs/promises');
    const document = await readFile(new URL('../examples/backup-dashboard.graphql', import.meta.url), 'utf8');
    const { errors, data } = await stack.query(document);
    expect(errors).toBeUndefined();
    expect(data).toHaveProperty('projects.nodes');
  });

  it('hides field suggestions', async () => {
    const { errors } = await stack.query(`{ project(id: "${groupId}") { nam } }`);
    expect(errors?.[0]?.message).not.toMatch(/Did you mean/);
    expect(errors?.[0]?.message).toContain('[Suggestion hidden]');
  });
});

describe('HTTP request limits', () => {
  it('refuses a batched array body', async () => {
    const one = { query: `{ project(id: "${groupId}") { name } }` };
    const { status } = await post(JSON.stringify([one, one]));
    expect(status).toBe(400);
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it('refuses a body over 100 kB with 413', async () => {
    const { status } = await post(JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(120_000) } }));
    expect(status).toBe(413);
  });

  it('refuses a GET without a CSRF header, and a form post', async () => {
    const url = `${stack.url}?query=${encodeURIComponent(`{ project(id: "${groupId}") { name } }`)}`;
    expect((await fetch(url, { headers: { accept: 'application/json' } })).status).toBe(403);
    const form = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `query=${encodeURIComponent('{ __typename }')}`,
    });
    expect(form.status).toBe(403);
    const allowed = await fetch(url, { headers: { accept: 'application/json', 'x-graphql-csrf': '1' } });
    expect(allowed.status).toBe(200);
    expect(stack.simulator.callCount({ operationId: 'getGroup' })).toBe(1);
  });

  it('refuses invalid JSON with 400', async () => {
    expect((await post('{"query": ')).status).toBe(400);
  });

  it('marks answers private', async () => {
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.headers.get('cache-control')).toBe('private, no-store');
  });
});

describe('introspection and GraphiQL in production', () => {
  it('can switch both off', async () => {
    const closed = await startStack({ gateway: { introspection: false } });
    try {
      const { errors } = await closed.query('{ __schema { types { name } } }');
      expect(errors?.[0]?.message).toMatch(/introspection/i);
      const page = await fetch(closed.url, { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toContain('GraphiQL');
      const sdl = await closed.query('{ _service { sdl } }');
      expect(sdl.errors?.[0]?.extensions?.code).toBe('INTROSPECTION_DISABLED');
      expect(JSON.stringify(sdl)).not.toContain('type Project');
      const { data } = await closed.query(`{ project(id: "${groupId}") { name } }`);
      expect(data).toEqual({ project: { name: expect.any(String) } });
    } finally {
      await closed.close();
    }
  });
});
