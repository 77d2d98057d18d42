/**
 * `variables` and `extensions` as URL parameters (a GET, a form POST) over HTTP: not JSON is the caller's
 * mistake (400 BAD_REQUEST, naming the parameter where it can, no Atlas call), where it used to be a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../../src/simulator/index.js';
import { startStack, type TestStack } from '../../../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const query = 'query Name($id: ObjectId!) { project(id: $id) { name } }';

async function get(params: Record<string, string>) {
  const response = await fetch(`${stack.url}?${new URLSearchParams({ query, ...params }).toString()}`, {
    // The header a GET needs past the cross-site guard (src/server/plugins/cross-origin.ts).
    headers: { accept: 'application/graphql-response+json', 'x-graphql-csrf': '1' },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('GET parameters', () => {
  it.each([
    ['variables', { variables: '{bad' }],
    ['extensions', { variables: JSON.stringify({ id: DEMO.projects.payments.id }), extensions: 'nope' }],
  ])('refuses "%s" that is not JSON with 400 BAD_REQUEST, before any Atlas call', async (name, params) => {
    stack.simulator.resetCalls();
    expect(await get(params)).toEqual({
      status: 400,
      body: {
        errors: [{ message: `The "${name}" parameter is not valid JSON.`, extensions: { code: 'BAD_REQUEST' } }],
      },
    });
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it('refuses a form POST whose variables are not JSON the same way', async () => {
    stack.simulator.resetCalls();
    const response = await fetch(stack.url, {
      method: 'POST',
      // A form passes the cross-site guard only with this header (src/server/plugins/cross-origin.ts).
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'x-graphql-csrf': '1',
      },
      body: new URLSearchParams({ query, variables: '{bad' }).toString(),
    });
    expect([response.status, await response.json()]).toEqual([
      400,
      {
        errors: [
          {
            message: 'The "variables" or "extensions" parameter is not valid JSON.',
            extensions: { code: 'BAD_REQUEST' },
          },
        ],
      },
    ]);
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it('refuses a JSON POST whose body is not JSON without quoting it back', async () => {
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: '{bad',
    });
    // The parser's own error (its message quoting the body) stayed under extensions.originalError.
    expect([response.status, await response.json()]).toEqual([
      400,
      { errors: [{ message: 'POST body sent invalid JSON.', extensions: { code: 'BAD_REQUEST' } }] },
    ]);
  });

  it('answers a GET whose parameters are JSON', async () => {
    const payments = DEMO.projects.payments;
    expect(await get({ variables: JSON.stringify({ id: payments.id }), extensions: '{}' })).toEqual({
      status: 200,
      body: { data: { project: { name: payments.name } } },
    });
  });
});
