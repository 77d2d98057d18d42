/**
 * @defer and @stream through the gateway over HTTP: each field conflict reported once (graphql's own
 * overlap rule and the defer-stream plugin's used to both run), the plugin's own rules still in force, and a
 * deferred fragment still delivered in parts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../../src/simulator/index.js';
import { startStack, type TestStack } from '../../../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.simulator.resetCalls());

const groupId = DEMO.projects.payments.id;

/** Posts a document asking for `accept`; answers the status, content type and body text. */
async function post(query: string, accept = 'application/graphql-response+json', headers: Record<string, string> = {}) {
  const response = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept, ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** The JSON parts of a multipart/mixed answer. */
function multipartParts(text: string): Record<string, unknown>[] {
  return text
    .split(/\r\n---/)
    .map((part) => part.slice(part.indexOf('{')))
    .filter((part) => part.startsWith('{'))
    .map((part) => JSON.parse(part) as Record<string, unknown>);
}

const differing = (field: string, what: string) =>
  `Fields "${field}" conflict because they have differing ${what}. Use different aliases on the fields to fetch both if this was intentional.`;

describe('validation of @defer and @stream documents: one error each, with its code, and no Atlas call', () => {
  it.each([
    [
      'two fields under one alias with different arguments',
      '{ a: projects(first: 1) { totalCount } a: projects(first: 2) { totalCount } }',
      differing('a', 'arguments'),
    ],
    [
      "a list field streamed twice with different arguments (the plugin's rule)",
      `{ project(id: "${groupId}") { clusters(first: 5) { nodes @stream(initialCount: 1) { name } nodes @stream(initialCount: 2) { name } } } }`,
      differing('nodes', 'stream directives'),
    ],
    [
      '@stream on a field that is not a list (still refused)',
      `{ project(id: "${groupId}") @stream { name } }`,
      'Stream directive cannot be used on non-list field "project" on type "Query".',
    ],
  ])('%s', async (_, query, message) => {
    const { status, text } = await post(query);
    const { errors } = JSON.parse(text) as { errors?: { message: string; extensions?: { code?: string } }[] };
    expect(status).toBe(400);
    expect(errors?.map((e) => [e.message, e.extensions?.code])).toEqual([[message, 'GRAPHQL_VALIDATION_FAILED']]);
    expect(stack.simulator.calls).toHaveLength(0);
  });
});

describe('delivery', () => {
  it('sends a deferred fragment after the rest, in multipart/mixed', async () => {
    const { status, type, text } = await post(
      `{ project(id: "${groupId}") { id ... @defer(label: "name") { name } } }`,
      'multipart/mixed',
    );
    expect(status).toBe(200);
    expect(type).toContain('multipart/mixed');
    const parts = multipartParts(text);
    expect(parts).toEqual([
      { data: { project: { id: expect.any(String) } }, hasNext: true },
      {
        incremental: [{ data: { name: DEMO.projects.payments.name }, path: ['project'], label: 'name' }],
        hasNext: false,
      },
    ]);
  });

  it('reports the Atlas calls of a streamed answer in its last part, once they are all made', async () => {
    const { status, text } = await post(
      `{ project(id: "${groupId}") { id ... @defer { clusters(first: 5) { nodes { name } } } } }`,
      'multipart/mixed',
      { 'x-atlas-call-report': '1' },
    );
    expect(status).toBe(200);
    const parts = multipartParts(text);
    expect(parts.map((part) => [part['hasNext'], part['extensions']])).toEqual([
      [true, undefined],
      // getGroup for the project, then listClusters for the deferred part.
      [false, { atlasCalls: expect.objectContaining({ calls: 2, requested: 2, retries: 0 }) }],
    ]);
    expect(stack.simulator.calls.map((c) => c.operationId)).toEqual(['getGroup', 'listClusters']);
  });
});
