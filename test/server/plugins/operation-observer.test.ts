/**
 * A request cut at shutdown (its Atlas call hung past the drain) still gets its access line, its count in
 * the metrics and its span, written before the gateway's last spans are exported.
 */
import { Writable } from 'node:stream';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { pino } from 'pino';
import { expect, it, vi } from 'vitest';
import { startStack } from '../../../support/stack.js';
import { sampleValue } from '../../helpers/prometheus.js';

it('ends a request cut at shutdown as cut: one access line, a failure in metrics, an error span', async () => {
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(chunk.toString());
      done();
    },
  });
  // Kept past the gateway's close (an InMemorySpanExporter forgets its spans when shut down).
  const spans: ReadableSpan[] = [];
  const exporter: SpanExporter = {
    export: (batch, done) => {
      spans.push(...batch);
      done({ code: 0 });
    },
    shutdown: async () => {},
  };
  // Atlas never answers the operation's call (it would time out after 5 s).
  const stack = await startStack({
    simulator: { faults: { script: ['hang'], match: { operationId: 'listGroups' } } },
    gateway: { logger: pino({ level: 'info' }, sink), metrics: {}, tracing: { exporter } },
  });
  const request = fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'query Hung { projects { totalCount } }' }),
  }).catch(() => undefined);
  // The call is in flight: Atlas has it (and holds it), however long a loaded machine took to send it.
  await vi.waitFor(() => expect(stack.simulator.faults.injected().hang).toBe(1), { timeout: 5_000 });
  // As src/index.ts stops once SHUTDOWN_TIMEOUT_MS has passed: connections closed, then the gateway.
  await stack.close();
  await request;
  const lines = () => raw.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => 'durationMs' in l);
  expect(lines()).toEqual([
    expect.objectContaining({ level: 30, operation: 'Hung', operationType: 'query', cut: true }),
  ]);
  const text = (await stack.gateway.metrics?.registry.metrics()) ?? '';
  expect(sampleValue(text, 'graphql_operations_total', { operation_name: 'Hung', outcome: 'failure' })).toBe(1);
  const [span] = spans.filter((s) => s.name === 'query Hung');
  expect(span?.attributes).toMatchObject({ 'graphql.response.outcome': 'failure', 'gateway.cut_at_shutdown': true });
  expect(span?.status).toEqual({ code: 2, message: 'cut' });
  // The aborted call's late failure writes no second line.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(lines()).toHaveLength(1);
});
