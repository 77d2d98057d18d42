/**
 * Traces: a server span per GraphQL operation continuing the caller's `traceparent`, a client span per
 * Atlas call under it (operationId, status, retries, coalescing), nothing of the caller's data in any
 * attribute; and the same spans exported over OTLP/HTTP (JSON and protobuf) to a real receiver on loopback.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { exampleQuery } from '../../../src/server/gateway.js';
import { traced } from '../../../src/server/plugins/tracing.js';
import { DEMO } from '../../../src/simulator/index.js';
import { toGlobalId } from '../../../src/graph/ids.js';
import { sseClient, Stream } from '../../helpers/streams.js';
import { startStack, type TestStack } from '../../../support/stack.js';

const payments = DEMO.projects.payments.id;
const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const parentSpanId = '00f067aa0ba902b7';

const byKind = (spans: ReadableSpan[], kind: number) => spans.filter((s) => s.kind === kind);
const SERVER = 1;
const CLIENT = 2;
const INTERNAL = 0;

describe('spans', () => {
  const exporter = new InMemorySpanExporter();
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({
      atlas: { retry: { baseDelayMs: 1 } },
      gateway: { tracing: { exporter } },
    });
  });
  afterAll(() => stack?.close());
  beforeEach(() => {
    exporter.reset();
    stack.simulator.resetCalls();
    stack.simulator.faults.clear();
  });

  it("continues the caller's trace: a server span for the operation, a client span per Atlas call", async () => {
    const answer = await stack.query(exampleQuery, undefined, { traceparent: `00-${traceId}-${parentSpanId}-01` });
    expect(answer.errors).toBeUndefined();
    const spans = exporter.getFinishedSpans();
    const [operation, ...others] = byKind(spans, SERVER);
    expect(others).toEqual([]);
    expect(operation?.name).toBe('query BackupDashboard');
    expect(operation?.spanContext().traceId).toBe(traceId);
    expect(operation?.parentSpanContext?.spanId).toBe(parentSpanId);
    expect(operation?.attributes).toMatchObject({
      'graphql.operation.type': 'query',
      'graphql.operation.name': 'BackupDashboard',
      'graphql.response.outcome': 'success',
      'http.response.status_code': 200,
      'atlas.calls': stack.simulator.calls.length,
    });
    const calls = byKind(spans, CLIENT);
    // One client span per Atlas call, each under the operation's span, named by method and operationId.
    expect(calls).toHaveLength(stack.simulator.calls.length);
    expect(calls.map((s) => s.name).sort()).toEqual(
      stack.simulator.calls.map((c) => `${c.method} ${c.operationId}`).sort(),
    );
    for (const call of calls) {
      expect(call.spanContext().traceId).toBe(traceId);
      expect(call.parentSpanContext?.spanId).toBe(operation?.spanContext().spanId);
      expect(call.attributes['http.response.status_code']).toBe(200);
      // Not coalesced and not retried: those attributes are left out.
      expect(call.attributes['atlas.coalesced']).toBeUndefined();
      expect(call.attributes['atlas.retries']).toBeUndefined();
      expect(call.attributes['url.template']).toMatch(/^\/api\/atlas\/v2\/groups/);
      expect(call.attributes['server.address']).toBe('127.0.0.1');
    }
    const listGroups = calls.find((s) => s.attributes['atlas.operation_id'] === 'listGroups');
    expect(listGroups?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.template': '/api/atlas/v2/groups',
    });
  });

  it("records nothing, not even the Atlas calls as traces of their own, when the caller's traceparent is unsampled", async () => {
    await stack.query(exampleQuery, undefined, { traceparent: `00-${traceId}-${parentSpanId}-00` });
    expect(stack.simulator.calls.length).toBeGreaterThan(5);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('starts a new trace without a traceparent, and records retries and failures on the call', async () => {
    stack.simulator.faults.set({ script: ['status500'], match: { operationId: 'getGroup' } });
    await stack.query(`query Lookup { project(id: "${payments}") { name } }`);
    stack.simulator.faults.set({ script: ['status500', 'status500', 'status500'], match: { operationId: 'getGroup' } });
    await stack.query(`query Lookup { project(id: "${payments}") { name } }`);
    const spans = exporter.getFinishedSpans();
    const [retried, failed] = byKind(spans, CLIENT);
    expect(retried?.attributes).toMatchObject({
      'atlas.operation_id': 'getGroup',
      'atlas.retries': 1,
      'http.request.resend_count': 1,
      'http.response.status_code': 200,
    });
    expect(retried?.status.code).toBe(0);
    expect(failed?.attributes).toMatchObject({
      'atlas.retries': 2,
      'http.response.status_code': 500,
      'error.type': '500',
    });
    expect(failed?.status.code).toBe(2);
    const [first, second] = byKind(spans, SERVER);
    expect(first?.parentSpanContext).toBeUndefined();
    expect(first?.spanContext().traceId).not.toBe(second?.spanContext().traceId);
    expect(second?.attributes['graphql.response.outcome']).toBe('partial');
    expect(second?.attributes['graphql.error.codes']).toEqual(['UPSTREAM_ERROR']);
  });

  it("marks a call another operation's identical call answered as coalesced", async () => {
    // Shared only while in flight: Atlas answers in 1.5 s, so that the second query reaches the call in time on
    // a loaded machine too (at 100 ms it sometimes came after the answer).
    stack.simulator.setLatency(1_500);
    try {
      const query = `{ project(id: "${payments}") { name } }`;
      await Promise.all([stack.query(query), stack.query(query)]);
    } finally {
      stack.simulator.setLatency(0);
    }
    const calls = byKind(exporter.getFinishedSpans(), CLIENT);
    expect(calls.map((s) => s.attributes['atlas.coalesced'] ?? false).sort()).toEqual([false, true]);
    expect(stack.simulator.calls).toHaveLength(1);
  });

  it('marks refusals before execution as errors, named by their code', async () => {
    await stack.query(`query Invalid { nope }`);
    const [operation] = byKind(exporter.getFinishedSpans(), SERVER);
    expect(operation?.name).toBe('query Invalid');
    expect(operation?.status).toMatchObject({ code: 2, message: 'GRAPHQL_VALIDATION_FAILED' });
    expect(operation?.attributes['graphql.response.outcome']).toBe('refused');
  });

  it('cuts an operation name past 100 characters, with a marker, in the span name and attribute', async () => {
    const long = `L${'x'.repeat(20_000)}`;
    await stack.query(`query ${long} { __typename }`);
    await stack.query(`query ${'N'.repeat(100)} { __typename }`);
    const [cut, kept] = byKind(exporter.getFinishedSpans(), SERVER);
    expect(cut?.name).toBe(`query ${long.slice(0, 100)}…`);
    expect(cut?.attributes['graphql.operation.name']).toBe(`${long.slice(0, 100)}…`);
    expect(kept?.name).toBe(`query ${'N'.repeat(100)}`);
  });

  it('names a mutation refused over GET (405) from its parsed document', async () => {
    const response = await fetch(`${stack.url}?query=${encodeURIComponent('mutation GM { __typename }')}`, {
      headers: { accept: 'application/json', 'x-graphql-csrf': '1' },
    });
    expect(response.status).toBe(405);
    await response.text();
    const [operation] = byKind(exporter.getFinishedSpans(), SERVER);
    expect(operation?.name).toBe('mutation GM');
    expect(operation?.attributes).toMatchObject({
      'graphql.operation.type': 'mutation',
      'graphql.operation.name': 'GM',
      'graphql.response.outcome': 'refused',
      'http.response.status_code': 405,
    });
  });

  it('puts no variable, argument, id or query text in any span', async () => {
    const canary = 'trace-canary-77f1';
    await stack.query(
      `query Named($name: ClusterName!) { project(id: "${payments}") { cluster(name: $name) { name } } }`,
      {
        name: canary,
      },
    );
    const everything = JSON.stringify(
      exporter
        .getFinishedSpans()
        .map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })),
    );
    expect(everything).toContain('getCluster');
    expect(everything).not.toContain(canary);
    expect(everything).not.toContain(payments);
    expect(everything).not.toContain('ClusterName');
  });
});

describe('sampling', () => {
  const exporter = new InMemorySpanExporter();
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ gateway: { tracing: { exporter, sampleRatio: 0 } } });
  });
  afterAll(() => stack?.close());
  beforeEach(() => exporter.reset());
  const lookup = `query Lookup { project(id: "${payments}") { name clusters { nodes { name } } } }`;

  it('records nothing of an operation the ratio leaves out, not even its Atlas calls as traces of their own', async () => {
    stack.simulator.resetCalls();
    for (let i = 0; i < 5; i++) expect((await stack.query(lookup)).errors).toBeUndefined();
    expect(stack.simulator.calls.length).toBeGreaterThanOrEqual(5);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it("follows the caller's decision: its sampled traceparent is traced whatever the ratio, its unsampled one is not", async () => {
    await stack.query(lookup, undefined, { traceparent: `00-${traceId}-${parentSpanId}-01` });
    const spans = exporter.getFinishedSpans();
    expect(byKind(spans, SERVER).map((s) => s.name)).toEqual(['query Lookup']);
    expect(byKind(spans, CLIENT).length).toBeGreaterThanOrEqual(2);
    for (const span of spans) expect(span.spanContext().traceId).toBe(traceId);
    exporter.reset();
    await stack.query(lookup, undefined, { traceparent: `00-${traceId}-${parentSpanId}-00` });
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('samples new traces at the ratio', () => {
    expect([traced(null, 1), traced(null, 0)]).toEqual([true, false]);
    const draws = Array.from({ length: 4_000 }, () => traced(null, 0.25)).filter(Boolean).length;
    expect(draws).toBeGreaterThan(800);
    expect(draws).toBeLessThan(1_200);
    // A malformed traceparent decides nothing: the ratio does.
    expect([traced('00-xyz-01', 1), traced('00-xyz-01', 0)]).toEqual([true, false]);
    expect(traced(`00-${traceId}-${parentSpanId}-03`, 0)).toBe(true);
  });
});

describe('spans outside a plain query', () => {
  const exporter = new InMemorySpanExporter();
  let stack: TestStack;
  const clients: { dispose(): void | Promise<void> }[] = [];
  beforeAll(async () => {
    stack = await startStack({
      atlas: { callBudget: 3 },
      gateway: {
        tracing: { exporter },
        subscriptions: { pollIntervalMs: 40, maxPollIntervalMs: 2_000, idleAfterMs: 10_000, activityIntervalMs: 40 },
      },
    });
  });
  afterAll(async () => {
    for (const client of clients.splice(0)) await client.dispose();
    await stack?.close();
  });
  beforeEach(() => exporter.reset());

  it("records a call the budget refused as an event on the operation's span", async () => {
    const over = await stack.query(`query Over { projects { nodes { clusters { nodes { name } } } } }`);
    expect(over.errors?.some((e) => e.extensions?.['code'] === 'UPSTREAM_BUDGET_EXCEEDED')).toBe(true);
    const [operation] = byKind(exporter.getFinishedSpans(), SERVER);
    const refused = operation?.events.filter((e) => e.name === 'atlas.budget_refused') ?? [];
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]?.attributes).toEqual({ 'atlas.operation_id': 'listClusters' });
    // The calls that were sent are client spans under it; the refused ones are not.
    expect(byKind(exporter.getFinishedSpans(), CLIENT)).toHaveLength(3);
  });

  it("gives a subscription's poll ticks traces of their own, one client span per poll", async () => {
    const job = DEMO.restoreJobs.inProgress; // running: its stream stays open and polls
    const id = toGlobalId('CloudBackupRestoreJob', job.groupId, job.clusterName, job.id);
    const client = sseClient(stack.url);
    clients.push(client);
    const stream = new Stream(client, {
      query: `subscription($id: ID!) { cloudBackupRestoreJob(id: $id) { restoreJob { id } } }`,
      variables: { id },
    });
    const [first] = await stream.received(1);
    expect(first?.errors).toBeUndefined();
    await vi.waitFor(() => {
      const ticks = byKind(exporter.getFinishedSpans(), INTERNAL);
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      // Each tick is its own trace, its span the root, its call under it.
      expect(new Set(ticks.map((s) => s.spanContext().traceId)).size).toBe(ticks.length);
      for (const tick of ticks) {
        expect(tick.name).toBe('poll restoreJob');
        expect(tick.parentSpanContext).toBeUndefined();
        expect(tick.attributes).toMatchObject({ 'live.watching': 'restoreJob', 'atlas.calls': 1 });
        const calls = byKind(exporter.getFinishedSpans(), CLIENT).filter(
          (s) => s.spanContext().traceId === tick.spanContext().traceId,
        );
        expect(calls.map((s) => [s.name, s.parentSpanContext?.spanId])).toEqual([
          ['GET getBackupRestoreJob', tick.spanContext().spanId],
        ]);
      }
    });
  });
});

describe("a subscription's poll tick", () => {
  it('is one trace: its calls under one span, sampled once per tick', async () => {
    const exporter = new InMemorySpanExporter();
    const stack = await startStack({
      gateway: {
        tracing: { exporter, sampleRatio: 0.5 },
        subscriptions: { pollIntervalMs: 20, maxPollIntervalMs: 20, idleAfterMs: 10_000, activityIntervalMs: 20 },
      },
    });
    const client = sseClient(stack.url);
    try {
      const stream = new Stream(client, {
        query: `subscription { backupActivity(projectId: "${payments}") { kind } }`,
      });
      await vi.waitFor(() => expect(stack.gateway.live.stats().pollers[0]?.ticks ?? 0).toBeGreaterThanOrEqual(20), {
        timeout: 5_000,
      });
      await stream.stop();
      // The tick in flight when the stream left ends its span after its calls.
      await vi.waitFor(() => {
        const spans = exporter.getFinishedSpans();
        const ticks = byKind(spans, INTERNAL);
        const calls = byKind(spans, CLIENT);
        const polled = stack.gateway.live.stats().pollers.length;
        expect(polled).toBe(0);
        // At a ratio of one half a tick is traced whole or not at all: every call under its tick's span.
        expect(ticks.length).toBeGreaterThan(0);
        const tickIds = new Map(ticks.map((t) => [t.spanContext().traceId, t.spanContext().spanId]));
        expect(tickIds.size).toBe(ticks.length);
        for (const call of calls) {
          expect(call.parentSpanContext?.spanId).toBe(tickIds.get(call.spanContext().traceId));
        }
        for (const tick of ticks) {
          const under = calls.filter((c) => c.spanContext().traceId === tick.spanContext().traceId);
          expect(tick.name).toBe('poll activity');
          expect(under.length).toBeGreaterThan(2);
          expect(under).toHaveLength(Number(tick.attributes['atlas.calls']));
        }
      });
    } finally {
      await client.dispose();
      await stack.close();
    }
  });
});

/** A tiny OTLP/HTTP receiver: keeps each POST's path, content type and body. */
async function otlpReceiver() {
  const received: { path: string; type: string; body: Buffer }[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        type: request.headers['content-type'] ?? '',
        body: Buffer.concat(chunks),
      });
      const json = (request.headers['content-type'] ?? '').includes('json');
      response.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      response.end(json ? '{}' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('OTLP export', () => {
  it.each([
    ['http/json', 'application/json'],
    ['http/protobuf', 'application/x-protobuf'],
  ])('sends the spans to the configured collector over %s', async (protocol, type) => {
    const receiver = await otlpReceiver();
    const stack = await startStack({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_SERVICE_NAME: 'gw-test',
      },
    });
    try {
      expect((await stack.query(`query Dashboard { projects { totalCount } }`)).errors).toBeUndefined();
    } finally {
      // Closing the gateway exports what is batched.
      await stack.close();
      await receiver.close();
    }
    expect(receiver.received.length).toBeGreaterThan(0);
    const [post] = receiver.received;
    expect(post?.path).toBe('/v1/traces');
    expect(post?.type).toContain(type);
    const body = Buffer.concat(receiver.received.map((r) => r.body)).toString('latin1');
    // Strings travel as they are in both encodings.
    for (const text of ['query Dashboard', 'GET listGroups', 'gw-test', 'atlas.operation_id'])
      expect(body).toContain(text);
    if (protocol === 'http/json') {
      const spans = receiver.received.flatMap((r) => {
        const json = JSON.parse(r.body.toString()) as {
          resourceSpans: { scopeSpans: { spans: { name: string; kind: number }[] }[] }[];
        };
        return json.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
      });
      expect(spans.map((s) => s.name).sort()).toEqual(['GET listGroups', 'query Dashboard']);
    }
  });

  it('is off without an endpoint, or when OpenTelemetry is disabled', () => {
    expect(loadConfig({}).operations.tracing).toBeNull();
    const endpoint = 'http://127.0.0.1:4318';
    // In any case, as OpenTelemetry reads them.
    for (const off of [
      { OTEL_SDK_DISABLED: 'true' },
      { OTEL_SDK_DISABLED: 'TRUE' },
      { OTEL_TRACES_EXPORTER: 'None' },
    ]) {
      expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, ...off }).operations.tracing).toBeNull();
    }
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }).operations.tracing).toEqual({
      endpoint: `${endpoint}/v1/traces`,
      protocol: 'http/protobuf',
      serviceName: 'atlas-backup-graphql-gateway',
      sampleRatio: 1,
    });
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${endpoint}/custom`,
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      }).operations.tracing,
    ).toMatchObject({ endpoint: `${endpoint}/custom`, protocol: 'http/json' });
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL must be http\/protobuf or http\/json/,
    );
    const secretUrl = 'ftp://user:otlp-secret@collector';
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: secretUrl })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: secretUrl })).not.toThrow(/otlp-secret/);
  });
});

describe('a collector that cannot take the spans', () => {
  // The SDK writes export failures only to its own diagnostic logger, which nothing reads: a collector
  // that went away lost every span without a line anywhere.
  it('is said once when spans stop arriving and once when they arrive again, naming the cause', async () => {
    let refusing = true;
    const exporter = {
      export(spans: ReadableSpan[], done: (result: { code: number; error?: Error }) => void) {
        done(refusing ? { code: 1, error: new Error('connect ECONNREFUSED 127.0.0.1:4318') } : { code: 0 });
      },
      shutdown: async () => {},
    };
    const lines: [string, string][] = [];
    const say = (level: string) => (message: unknown) => lines.push([level, String(message)]);
    const logger = { debug: () => {}, info: say('info'), warn: say('warn'), error: say('error') };
    const stack = await startStack({ gateway: { tracing: { exporter }, logger } });
    try {
      const query = `{ project(id: "${payments}") { name } }`;
      await stack.query(query);
      await stack.query(query);
      refusing = false;
      await stack.query(query);
      await stack.query(query);
      const said = lines.filter(([, message]) => message.startsWith('Traces'));
      expect(said).toEqual([
        ['warn', 'Traces cannot be exported (connect ECONNREFUSED 127.0.0.1:4318): spans are dropped until they can'],
        ['info', 'Traces reach the collector again'],
      ]);
    } finally {
      await stack.close();
    }
  });
});
