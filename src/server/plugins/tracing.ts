/**
 * OpenTelemetry traces: a server span per GraphQL operation, continuing the caller's W3C `traceparent`,
 * and under it a client span per Atlas call (operationId, path template, status, retries, re-sends after
 * a 401, whether another operation's identical call answered it). The Atlas spans come from the Atlas
 * event stream (`call` events, src/atlas/calls.ts), matched to their operation by its session, so nothing
 * is threaded through the layers. Exported over OTLP/HTTP when configured; without configuration no
 * tracer exists at all.
 *
 * Attributes carry names, types, statuses, counts and codes only: never a variable, an argument, an id
 * from a path, a query text, a header or an error message (messages can quote the caller's ids).
 *
 * The provider is this gateway's own, not registered globally, so several gateways in one process (tests)
 * keep their traces apart. @envelop/opentelemetry was not used: it is still on OTel SDK 1.x and knows
 * nothing of the Atlas calls, which are what a trace of this gateway is for.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SamplingDecision,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { AtlasEvent, AtlasEvents } from '../../atlas/events.js';
import { Session } from '../../atlas/session.js';
import { atlasOperations } from '../../generated/atlas-operations.js';
import type { AtlasCallStats } from '../../atlas/session.js';
import type { ObservedOperation, OperationObserver, Outcome } from './operation-observer.js';

export interface TracingOptions {
  /** OTLP/HTTP traces URL (`.../v1/traces`). Ignored when `exporter` is given. */
  endpoint?: string;
  /** `http/protobuf` (OTLP's default) or `http/json`. */
  protocol?: 'http/protobuf' | 'http/json';
  /** Tests: spans go to this exporter, one by one, instead of OTLP. */
  exporter?: SpanExporter;
  serviceName: string;
  /** Share of new traces recorded (0-1); a caller's sampled `traceparent` is always followed. */
  sampleRatio?: number;
  /** The Atlas origin, for the client spans' `server.address` and `server.port`. */
  atlasBaseUrl: string;
}

export interface GatewayTracing {
  /** Opens and closes the operation spans; give it to useOperationObserver. */
  readonly operations: OperationObserver;
  /** Reads the Atlas event stream; returns the unsubscribe function. */
  observeAtlas(events: AtlasEvents): () => void;
  /** Exports what is pending and stops. */
  close(): Promise<void>;
}

const propagator = new W3CTraceContextPropagator();
/** `version-traceId-parentId-flags`; the last bit of the flags says the caller sampled its trace. */
const traceparentPattern = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

/**
 * Whether an operation is traced, decided before any span work: a caller's valid `traceparent` decides
 * (its sampled flag), otherwise the ratio. An operation not traced costs one header read and, without a
 * caller's decision, one random number: no span, no context, no attribute object (measured: the SDK's own
 * non-recording path cost about 30 µs of a 280 µs operation).
 */
export function traced(traceparent: string | null, ratio: number): boolean {
  if (traceparent !== null && traceparentPattern.test(traceparent)) {
    return (parseInt(traceparent.slice(53, 55), 16) & 1) === 1;
  }
  return ratio >= 1 || (ratio > 0 && Math.random() < ratio);
}

/**
 * The SDK's sampler: operation spans are started only once `traced` said yes, so they are sampled; client
 * spans of an operation follow it; those of a poll tick, which has no operation, start their own traces,
 * sampled at the ratio.
 */
function gatewaySampler(ratio: number): Sampler {
  const roots = new TraceIdRatioBasedSampler(ratio);
  return {
    shouldSample(context, traceId, _name, spanKind) {
      if (spanKind === SpanKind.SERVER) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
      const parent = trace.getSpanContext(context);
      if (parent) {
        return { decision: parent.traceFlags & 1 ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
      }
      return roots.shouldSample(context, traceId);
    },
    toString: () => `GatewaySampler{${ratio}}`,
  };
}
const headerGetter = {
  keys: (headers: Headers) => [...headers.keys()],
  get: (headers: Headers, key: string) => headers.get(key) ?? undefined,
};

export function createTracing(options: TracingOptions): GatewayTracing {
  const ratio = options.sampleRatio ?? 1;
  const exporter =
    options.exporter ??
    (options.protocol === 'http/json'
      ? new OTLPJsonTraceExporter({ url: options.endpoint })
      : new OTLPProtoTraceExporter({ url: options.endpoint }));
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    sampler: gatewaySampler(ratio),
    // Batches off the request path; a test's exporter sees each span as it ends.
    spanProcessors: [options.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
  });
  const tracer: Tracer = provider.getTracer('atlas-backup-graphql-gateway');
  const atlas = new URL(options.atlasBaseUrl);
  const atlasPort = Number(atlas.port || (atlas.protocol === 'https:' ? 443 : 80));

  const spans = new WeakMap<ObservedOperation, Span>();
  // The session's statistics object is what the operation's context holds: it names the session. An
  // operation not traced maps to `untraced`, so that its Atlas calls make no span (not a trace of their own).
  const byStats = new WeakMap<AtlasCallStats, Context | typeof untraced>();
  const untraced = Symbol('untraced');

  const operations: OperationObserver = {
    onParams(operation) {
      const traceparent = operation.request.headers.get('traceparent');
      if (!traced(traceparent, ratio)) return;
      const parent = traceparent
        ? propagator.extract(ROOT_CONTEXT, operation.request.headers, headerGetter)
        : ROOT_CONTEXT;
      const span = tracer.startSpan(
        'GraphQL operation',
        {
          kind: SpanKind.SERVER,
          startTime: operation.startTime,
          attributes: { 'http.request.method': operation.request.method, 'url.path': '/graphql' },
        },
        parent,
      );
      spans.set(operation, span);
    },
    onExecute(operation) {
      const span = spans.get(operation);
      const stats = operation.atlasCalls;
      if (!span) {
        if (stats) byStats.set(stats, untraced);
        return;
      }
      nameSpan(span, operation);
      if (stats) byStats.set(stats, trace.setSpan(ROOT_CONTEXT, span));
    },
    onEnd(operation, outcome: Outcome) {
      const span = spans.get(operation);
      if (!span) return;
      nameSpan(span, operation);
      const codes = [...operation.codes.keys()];
      span.setAttribute('graphql.response.outcome', outcome);
      if (codes.length) span.setAttribute('graphql.error.codes', codes);
      if (operation.status !== undefined) span.setAttribute('http.response.status_code', operation.status);
      const stats = operation.atlasCalls;
      if (stats) {
        span.setAttributes({
          'atlas.calls': stats.calls,
          'atlas.coalesced': stats.coalesced,
          'atlas.retries': stats.retries,
        });
      }
      if (outcome === 'failure' || outcome === 'refused' || (operation.status ?? 0) >= 500) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: codes[0] ?? outcome });
      }
      span.end();
    },
  };

  const onAtlasEvent = (event: AtlasEvent) => {
    if (event.kind !== 'call' && event.kind !== 'budget-refused') return;
    const operation = event.unit instanceof Session ? byStats.get(event.unit.stats) : undefined;
    if (operation === untraced) return;
    if (event.kind === 'budget-refused') {
      if (operation)
        trace.getSpan(operation)?.addEvent('atlas.budget_refused', { 'atlas.operation_id': event.operationId });
      return;
    }
    // A unit of work with no operation (a poll tick) gets traces of its own, sampled at the ratio.
    const parent = operation ?? ROOT_CONTEXT;
    const template = (atlasOperations as Record<string, { path: string } | undefined>)[event.operationId]?.path;
    const span = tracer.startSpan(
      `${event.method} ${event.operationId}`,
      {
        kind: SpanKind.CLIENT,
        startTime: event.startTime,
        attributes: {
          'http.request.method': event.method,
          'server.address': atlas.hostname,
          'server.port': atlasPort,
          ...(template ? { 'url.template': template } : {}),
          'atlas.operation_id': event.operationId,
          'atlas.retries': event.retries,
          'atlas.reauthentications': event.reauthentications,
          'atlas.coalesced': event.shared,
          ...(event.retries + event.reauthentications > 0
            ? { 'http.request.resend_count': event.retries + event.reauthentications }
            : {}),
          ...(event.status !== undefined ? { 'http.response.status_code': event.status } : {}),
        },
      },
      parent,
    );
    if (event.failure !== undefined) {
      const type = event.failure === 'status' && event.status !== undefined ? String(event.status) : event.failure;
      span.setAttribute('error.type', type);
      span.setStatus({ code: SpanStatusCode.ERROR, message: type });
    }
    span.end(event.startTime + event.durationMs);
  };

  return {
    operations,
    observeAtlas: (events) => events.subscribe(onAtlasEvent),
    close: () => provider.shutdown(),
  };
}

/** `query BackupDashboard`, as OpenTelemetry's GraphQL conventions name operation spans. */
function nameSpan(span: Span, operation: ObservedOperation) {
  if (!operation.type) return;
  const name = operation.name?.slice(0, 100);
  span.updateName(name ? `${operation.type} ${name}` : operation.type);
  span.setAttribute('graphql.operation.type', operation.type);
  if (name) span.setAttribute('graphql.operation.name', name);
}
