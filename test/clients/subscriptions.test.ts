/**
 * Frontend subscriptions against the gateway, as the README shows them: Apollo Client 4 over graphql-ws
 * (GraphQLWsLink, queries over HTTP) and urql 6 over server-sent events (subscriptionExchange with a
 * graphql-sse client), each with its shipped cache configuration. A screen showing a restore job by
 * `node(id:)` updates from the subscription's events without fetching again: the events carry the job as
 * the graph shapes it, normalized by `id`.
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { Client, fetchExchange, subscriptionExchange, type TypedDocumentNode } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { parse } from 'graphql';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pipe, subscribe } from 'wonka';
import { apolloCacheConfig } from '../../client/apollo.js';
import { urqlCacheConfig } from '../../client/urql.js';
import { toGlobalId } from '../../src/graph/ids.js';
import { DEMO, type SimulatorData } from '../../src/simulator/index.js';
import { startStack, type TestStack } from '../../support/stack.js';
import { sseClient, wsClient } from '../helpers/streams.js';
import { edge } from './stack.js';

let stack: TestStack;
beforeAll(async () => {
  // The edge test/clients runs under, configured from the environment as `npm start` is, with fast polls.
  stack = await startStack({
    env: { ...(edge === 'production' ? { NODE_ENV: 'production' } : {}), SUBSCRIPTION_POLL_INTERVAL_MS: '100' },
  });
});
afterAll(() => stack?.close());

let made = 0;
/** A running restore of payments-prod, added to the simulator's store; returns it and its global id. */
function runningRestore(data: SimulatorData) {
  const template = data.restoreJobs.find((j) => j.value.id === DEMO.restoreJobs.inProgress.id);
  if (!template) throw new Error('seed changed');
  const entry = { ...template, value: { ...template.value, id: `c1${String(++made).padStart(22, '0')}` } };
  data.restoreJobs.unshift(entry);
  return { entry, id: toGlobalId('CloudBackupRestoreJob', entry.groupId, entry.clusterName, entry.value.id) };
}

const jobQuery = /* GraphQL */ `
  query Job($id: ID!) {
    node(id: $id) {
      id
      ... on CloudBackupRestoreJob {
        state
        finishedAt
      }
    }
  }
`;
const watchJob = /* GraphQL */ `
  subscription WatchJob($id: ID!) {
    cloudBackupRestoreJob(id: $id) {
      final
      error {
        code
        message
      }
      restoreJob {
        id
        state
        finishedAt
      }
    }
  }
`;

interface JobData {
  node: { id: string; state: string; finishedAt: string | null } | null;
}
interface WatchData {
  cloudBackupRestoreJob: { final: boolean; restoreJob: { id: string; state: string } | null };
}

describe('Apollo Client over graphql-ws', () => {
  it('updates a watched job from the subscription’s events, by id', async () => {
    const { entry, id } = runningRestore(stack.simulator.data);
    const ws = wsClient(stack.wsUrl);
    // Subscriptions over the WebSocket, everything else over HTTP: Apollo's documented split.
    const link = ApolloLink.split(
      ({ query }) => {
        const definition = getMainDefinition(query);
        return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
      },
      new GraphQLWsLink(ws),
      new HttpLink({ uri: stack.url }),
    );
    const client = new ApolloClient({ link, cache: new InMemoryCache(apolloCacheConfig()) });
    try {
      const screen = client.watchQuery<JobData>({ query: gql(jobQuery), variables: { id } });
      const states: string[] = [];
      const watching = screen.subscribe(({ data }) => {
        if (data?.node?.state) states.push(data.node.state);
      });
      await vi.waitFor(() => expect(states).toEqual(['IN_PROGRESS']));

      const events: WatchData['cloudBackupRestoreJob'][] = [];
      const live = client.subscribe<WatchData>({ query: gql(watchJob), variables: { id } });
      const ended = new Promise<void>((resolve, reject) =>
        live.subscribe({
          next: ({ data }) => data && events.push(data.cloudBackupRestoreJob),
          error: reject,
          complete: resolve,
        }),
      );
      await vi.waitFor(() => expect(events).toHaveLength(1));
      entry.value = { ...entry.value, finishedAt: '2026-08-20T12:30:00Z' };
      await ended;

      // The subscription completed at the terminal state, and the query's screen followed it from the cache.
      expect(events.map((e) => [e.restoreJob?.state, e.final])).toEqual([
        ['IN_PROGRESS', false],
        ['FINISHED', true],
      ]);
      await vi.waitFor(() => expect(states.at(-1)).toBe('FINISHED'));
      const cached = client.cache.readFragment<{ state: string; finishedAt: string | null }>({
        id: client.cache.identify({ __typename: 'CloudBackupRestoreJob', id }),
        fragment: gql`
          fragment Cached on CloudBackupRestoreJob {
            state
            finishedAt
          }
        `,
      });
      expect(cached).toEqual({
        __typename: 'CloudBackupRestoreJob',
        state: 'FINISHED',
        finishedAt: '2026-08-20T12:30:00Z',
      });
      watching.unsubscribe();
    } finally {
      client.stop();
      await ws.dispose();
    }
  });

  it('gets an upstream failure as an event with a code, the subscription still open', async () => {
    const { entry, id } = runningRestore(stack.simulator.data);
    const ws = wsClient(stack.wsUrl);
    const client = new ApolloClient({ link: new GraphQLWsLink(ws), cache: new InMemoryCache(apolloCacheConfig()) });
    try {
      const results = client.subscribe<{
        cloudBackupRestoreJob: { final: boolean; error: { code: string } | null };
      }>({ query: gql(watchJob), variables: { id } });
      const first = firstValueFrom(results);
      await first;
      stack.simulator.faults.set({
        script: ['status500', 'status500', 'status500'],
        match: { operationId: 'getBackupRestoreJob' },
      });
      const failure = await firstValueFrom(
        results.pipe(filter(({ data }) => Boolean(data?.cloudBackupRestoreJob.error))),
      );
      expect(failure.data?.cloudBackupRestoreJob).toMatchObject({
        final: false,
        error: { code: expect.stringMatching(/^UPSTREAM_/) },
      });
      entry.value = { ...entry.value, finishedAt: '2026-08-20T12:30:00Z' };
    } finally {
      stack.simulator.faults.clear();
      client.stop();
      await ws.dispose();
    }
  });
});

describe('urql over server-sent events', () => {
  it('updates a queried job in Graphcache from the subscription’s events, by id', async () => {
    const { entry, id } = runningRestore(stack.simulator.data);
    const sse = sseClient(stack.url);
    const client = new Client({
      url: stack.url,
      exchanges: [
        cacheExchange(urqlCacheConfig()),
        fetchExchange,
        subscriptionExchange({
          forwardSubscription: (request) => ({
            subscribe: (sink) => ({ unsubscribe: sse.subscribe({ ...request, query: request.query ?? '' }, sink) }),
          }),
        }),
      ],
    });
    try {
      const typed = <T>(source: string) => parse(source) as TypedDocumentNode<T, { id: string }>;
      const states: string[] = [];
      const screen = pipe(
        client.query(typed<JobData>(jobQuery), { id }),
        subscribe((result) => {
          if (result.data?.node) states.push(result.data.node.state);
        }),
      );
      await vi.waitFor(() => expect(states).toEqual(['IN_PROGRESS']));

      const events: WatchData['cloudBackupRestoreJob'][] = [];
      let completed = false;
      const live = pipe(
        client.subscription(typed<WatchData>(watchJob), { id }),
        subscribe((result) => {
          // urql marks each event `hasNext`, and repeats the last one without it when the stream completes.
          if (!result.hasNext) completed = true;
          else if (result.data) events.push(result.data.cloudBackupRestoreJob);
        }),
      );
      await vi.waitFor(() => expect(events).toHaveLength(1));
      entry.value = { ...entry.value, finishedAt: '2026-08-20T12:30:00Z' };
      await vi.waitFor(() => expect(completed).toBe(true));
      expect(events.map((e) => [e.restoreJob?.state, e.final])).toEqual([
        ['IN_PROGRESS', false],
        ['FINISHED', true],
      ]);
      // Graphcache wrote the event's job under its key: the query's screen shows it without a new request.
      await vi.waitFor(() => expect(states.at(-1)).toBe('FINISHED'));
      live.unsubscribe();
      screen.unsubscribe();
    } finally {
      sse.dispose();
    }
  });
});
