/**
 * Queries over GET, as the clients send them with their own code, against the production-mode gateway
 * (no foreign origin, introspection off): urql's default client (short queries as GET), Apollo Client 4
 * with `useGETForQueries`, and a Relay-style fetch function using GET. Each gets its data with no extra
 * header; a mutation is never run over GET.
 */
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { Client, cacheExchange, fetchExchange } from '@urql/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/simulator/index.js';
import { startStack, type TestStack } from '../../support/stack.js';

const groupId = DEMO.projects.payments.id;
const document = `query ProjectName($id: ObjectId!) { project(id: $id) { id name } }`;
const expected = { project: { id: expect.any(String), name: DEMO.projects.payments.name } };

let stack: TestStack;
const methods: string[] = [];
/** The clients' own fetch, recording the method each request went out with. */
const recordingFetch: typeof fetch = (input, init) => {
  methods.push(init?.method ?? (input instanceof Request ? input.method : 'GET'));
  return fetch(input, init);
};

beforeAll(async () => {
  stack = await startStack({ gateway: { corsOrigins: [], introspection: false, graphiql: false } });
});
afterAll(() => stack.close());
beforeEach(() => {
  methods.length = 0;
  stack.simulator.resetCalls();
});

describe('queries over GET against production mode', () => {
  it("urql's default client sends a short query as GET and gets its data", async () => {
    const client = new Client({ url: stack.url, exchanges: [cacheExchange, fetchExchange], fetch: recordingFetch });
    const result = await client.query(document, { id: groupId }).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data).toEqual({ project: { ...expected.project, __typename: 'Project' } });
    expect(methods).toEqual(['GET']);
    expect(stack.simulator.callCount({ operationId: 'getGroup' })).toBe(1);
  });

  it('Apollo Client 4 with useGETForQueries gets its data', async () => {
    const client = new ApolloClient({
      link: new HttpLink({ uri: stack.url, useGETForQueries: true, fetch: recordingFetch }),
      cache: new InMemoryCache(),
    });
    const result = await client.query({ query: gql(document), variables: { id: groupId } });
    expect(result.data).toEqual({ project: { ...expected.project, __typename: 'Project' } });
    expect(methods).toEqual(['GET']);
  });

  it('a Relay fetch function using GET gets its data', async () => {
    // What a Relay app writes in its Network.create(fetchFn) when it prefers GET for queries.
    const params = new URLSearchParams({ query: document, variables: JSON.stringify({ id: groupId }) });
    const response = await recordingFetch(`${stack.url}?${params}`, { headers: { accept: 'application/json' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: expected });
    expect(methods).toEqual(['GET']);
  });

  it('a mutation sent as GET is refused before anything runs', async () => {
    const params = new URLSearchParams({ query: 'mutation { __typename }' });
    const response = await fetch(`${stack.url}?${params}`);
    expect(response.status).toBe(405);
    expect(stack.simulator.calls).toHaveLength(0);
  });
});
