/**
 * A subscription across the supergraph: a real Hive Gateway runtime over the composed supergraph reaches
 * our subgraph over real HTTP with server-sent events (its default for subscriptions: GET with
 * `Accept: text/event-stream`), and streams each event on to its own client, until the job finishes.
 */
import type { GatewayRuntime, useCustomFetch } from '@graphql-hive/gateway-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/graph/ids.js';
import { DEMO, type SimulatorData } from '../../src/simulator/index.js';
import { startStack, type TestStack } from '../../support/stack.js';
import { ATLAS_URL, createTeamsSubgraph, startFederationGateway, TEAMS_URL } from './teams-subgraph.js';

let stack: TestStack;
let teams: ReturnType<typeof createTeamsSubgraph>;
let gateway: GatewayRuntime;
/** How each request of the federation gateway reached our subgraph: method and Accept. */
const toAtlas: { method: string; accept: string | null }[] = [];

const route: Parameters<typeof useCustomFetch>[0] = (url, init) => {
  if (url.startsWith(ATLAS_URL)) {
    const headers = new Headers(init?.headers);
    toAtlas.push({ method: init?.method ?? 'GET', accept: headers.get('accept') });
    return fetch(stack.url + url.slice(ATLAS_URL.length), init);
  }
  if (url.startsWith(TEAMS_URL)) return teams.fetch(new Request(url, init));
  throw new Error(`no route to subgraph ${url}`);
};

beforeAll(async () => {
  stack = await startStack({ gateway: { subscriptions: { pollIntervalMs: 40, maxPollIntervalMs: 1_000 } } });
  teams = createTeamsSubgraph();
  gateway = await startFederationGateway(route);
});

afterAll(async () => {
  await gateway?.dispose();
  await teams?.dispose();
  await stack?.close();
});

/** Reads a `text/event-stream` response: the `data` of each `next` event, until the stream ends. */
async function* sseEvents(response: Response): AsyncGenerator<Record<string, unknown>> {
  const reader = response.body?.getReader();
  if (!reader) return;
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const message = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(message)?.[1];
      const data = /^data: (.*)$/m.exec(message)?.[1];
      if (event === 'complete') return;
      if (data && (event === undefined || event === 'next')) yield JSON.parse(data) as Record<string, unknown>;
    }
  }
}

describe('a subscription through the federation gateway', () => {
  it('streams a restore job’s progress from the subgraph over SSE, until it finishes', async () => {
    const data: SimulatorData = stack.simulator.data;
    const template = data.restoreJobs.find((j) => j.value.id === DEMO.restoreJobs.inProgress.id);
    if (!template) throw new Error('seed changed');
    const entry = { ...template, value: { ...template.value, id: 'fed0000000000000000000aa' } };
    data.restoreJobs.unshift(entry);
    const id = toGlobalId('CloudBackupRestoreJob', entry.groupId, entry.clusterName, entry.value.id);

    const response = await gateway.fetch('http://supergraph.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        query: `subscription($id: ID!) {
          cloudBackupRestoreJob(id: $id) {
            final
            restoreJob { id state snapshot { atlasId } cluster { name project { atlasId name } } }
          }
        }`,
        variables: { id },
      }),
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events: Record<string, unknown>[] = [];
    for await (const event of sseEvents(response)) {
      events.push(event);
      // Once the first event is through, the job finishes in Atlas.
      if (events.length === 1) entry.value = { ...entry.value, finishedAt: '2026-08-20T12:30:00Z' };
    }

    const cluster = {
      name: DEMO.clusters.paymentsProd.name,
      project: { atlasId: entry.groupId, name: expect.any(String) },
    };
    const snapshot = { atlasId: entry.value.snapshotId };
    expect(events).toEqual([
      {
        data: { cloudBackupRestoreJob: { final: false, restoreJob: { id, state: 'IN_PROGRESS', snapshot, cluster } } },
      },
      { data: { cloudBackupRestoreJob: { final: true, restoreJob: { id, state: 'FINISHED', snapshot, cluster } } } },
    ]);
    // The gateway reached our subgraph with a server-sent-events request, as Hive Gateway does by default.
    expect(toAtlas).toContainEqual({ method: 'GET', accept: 'text/event-stream' });
    expect(stack.gateway.live.stats().pollers).toEqual([]);
  });
});
