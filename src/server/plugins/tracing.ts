/**
 * OpenTelemetry traces: a server span per GraphQL operation, continuing the caller's W3C `traceparent`,
 * and under it a client span per Atlas call (operationId, path template, status, retries, re-sends after
 * a 401, whether another operation's identical call answered it). The Atlas spans come from the Atlas
 * event stream (`call` events, src/atlas/calls.ts), matched to their operation by its session, so nothing
 * is threaded through the layers. A subscription's poll tick is a trace of its own: its span (from the
 * tick's `unit-start` and `unit-end` events, src/live/hub.ts) holds its calls. Exported over OTLP/HTTP when
 * configured; without configuration no tracer exists at all.
 *
 * Attributes carry names, types, statuses, counts and codes only: never a variable, an argument, an id
 * from a path, a query text, a header or an error message (messages can quote the caller's ids).
 *
 * No tracer provider is registered (globally or at all): each span is known whole when it ends, so it is
 * handed to the SDK's batch processor and OTLP exporter as a finished record (`FinishedSpan`), and several
 * gateways in one process (tests) keep their traces apart. @envelop/opentelemetry was not used: it is still
 * on OTel SDK 1.x and knows nothing of the Atlas calls, which are what a trace of this gateway is for.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
  type Attributes,
  type HrTime,
  type SpanContext,
  type SpanStatus,
} from '@opentelemetry/api';
import { ExportResultCode, W3CTraceContextPropagator, hrTimeDuration, millisToHrTime } from '@opentelemetry/core';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  RandomIdGenerator,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type TimedEvent,
} from '@opentelemetry/sdk-trace-base';
import type { AtlasEvent, AtlasEvents } from '../../atlas/events.js';
import { Session } from '../../atlas/session.js';
import { atlasOperations } from '../../generated/atlas-operations.js';
import type { AtlasCallStats } from '../../atlas/session.js';
import type { ObservedOperation, OperationObserver, Outcome } from './operation-observer.js';
import { shownOperationName } from './results.js';

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
  /**
   * Told when spans stop reaching the collector (`cause`: the exporter's error, its message only) and when
   * they reach it again: once each, not per batch.
   */
  onExportChange?: (delivered: boolean, cause?: string) => void;
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
const headerGetter = {
  keys: (headers: Headers) => [...headers.keys()],
  get: (headers: Headers, key: string) => headers.get(key) ?? undefined,
};

/** The caller's span from its W3C `traceparent` (and `tracestate`), as OpenTelemetry's propagator reads them. */
function callerSpan(headers: Headers): SpanContext | undefined {
  return trace.getSpanContext(propagator.extract(ROOT_CONTEXT, headers, headerGetter));
}

/**
 * Whether an operation is traced, decided before any span work: a caller's valid `traceparent` decides
 * (its sampled flag), otherwise the ratio. An operation not traced costs one header read and, without a
 * caller's decision, one random number: no span, no context, no attribute object (measured: the SDK's own
 * non-recording path cost about 30 µs of a 280 µs operation).
 */
function decide(caller: SpanContext | undefined, ratio: number): boolean {
  if (caller) return (caller.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
  return ratio >= 1 || (ratio > 0 && Math.random() < ratio);
}

/** `decide` for a `traceparent` value alone (null: none sent). */
export function traced(traceparent: string | null, ratio: number): boolean {
  const headers = new Headers(traceparent === null ? undefined : { traceparent });
  return decide(traceparent === null ? undefined : callerSpan(headers), ratio);
}

const scope = { name: 'atlas-backup-graphql-gateway' };
const unset: SpanStatus = { code: SpanStatusCode.UNSET };
const noLinks: ReadableSpan['links'] = [];
const noEvents: TimedEvent[] = [];

/**
 * A span as the exporter reads it, made once it is over. The gateway knows each span whole when it ends
 * (the operation from its observer, an Atlas call from its `call` event), so it hands the SDK's batch
 * processor and exporter a finished record instead of driving the SDK's live span objects: those (with
 * their sampler, context and per-attribute checks) cost about 38 µs of a 385 µs operation for two spans.
 */
class FinishedSpan implements ReadableSpan {
  readonly links = noLinks;
  readonly ended = true;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;
  readonly instrumentationScope = scope;

  constructor(
    readonly name: string,
    readonly kind: SpanKind,
    private readonly context: SpanContext,
    readonly parentSpanContext: SpanContext | undefined,
    private readonly startMs: number,
    private readonly endMs: number,
    readonly attributes: Attributes,
    readonly status: SpanStatus,
    readonly events: TimedEvent[],
    readonly resource: Resource,
  ) {}

  // Times are kept as milliseconds and made [seconds, nanoseconds] when read (the exporter reads each
  // once): a span waits in its batch up to 5 s, long enough to be promoted to V8's old generation, so the
  // less each keeps, the less the old generation's collections have to do.
  get startTime(): HrTime {
    return millisToHrTime(this.startMs);
  }
  get endTime(): HrTime {
    return millisToHrTime(Math.max(this.startMs, this.endMs));
  }
  get duration(): HrTime {
    return hrTimeDuration(this.startTime, this.endTime);
  }

  spanContext(): SpanContext {
    return this.context;
  }
}

/** A traced operation while it runs: its span's identity, its caller's span, and events so far. */
interface OperationTrace {
  context: SpanContext;
  parent: SpanContext | undefined;
  /** Made on the first event (most operations have none). */
  events?: TimedEvent[];
  /** A poll tick's: what it polls and when it began (its span is made when the tick ends). */
  tick?: { watching: string; startTime: number };
}

/**
 * `exporter`, saying when its exports start failing and when they succeed again. The SDK only writes failures
 * to its own diagnostic logger, which nothing reads: a collector that went away lost every span unseen.
 */
function reportingChanges(
  exporter: SpanExporter,
  onChange: (delivered: boolean, cause?: string) => void,
): SpanExporter {
  let delivering = true;
  return {
    export(spans, done) {
      exporter.export(spans, (result) => {
        const delivered = result.code === ExportResultCode.SUCCESS;
        if (delivered !== delivering) {
          delivering = delivered;
          onChange(delivered, delivered ? undefined : (result.error?.message ?? 'export failed').slice(0, 200));
        }
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

export function createTracing(options: TracingOptions): GatewayTracing {
  const ratio = options.sampleRatio ?? 1;
  const chosen =
    options.exporter ??
    (options.protocol === 'http/json'
      ? new OTLPJsonTraceExporter({ url: options.endpoint })
      : new OTLPProtoTraceExporter({ url: options.endpoint }));
  const exporter = options.onExportChange ? reportingChanges(chosen, options.onExportChange) : chosen;
  // Batches off the request path; a test's exporter sees each span as it ends.
  const processor = options.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter);
  const resource = resourceFromAttributes({ 'service.name': options.serviceName });
  const ids = new RandomIdGenerator();
  const atlas = new URL(options.atlasBaseUrl);
  const atlasPort = Number(atlas.port || (atlas.protocol === 'https:' ? 443 : 80));
  const newContext = (traceId: string): SpanContext => ({
    traceId,
    spanId: ids.generateSpanId(),
    traceFlags: TraceFlags.SAMPLED,
  });

  const traces = new WeakMap<ObservedOperation, OperationTrace>();
  // The session's statistics object is what the operation's context holds: it names the session. An
  // operation not traced maps to `untraced`, so that its Atlas calls make no span (not a trace of their own).
  const byStats = new WeakMap<AtlasCallStats, OperationTrace | typeof untraced>();
  const untraced = Symbol('untraced');

  const operations: OperationObserver = {
    onParams(operation) {
      const { headers } = operation.request;
      const parent = headers.has('traceparent') ? callerSpan(headers) : undefined;
      if (!decide(parent, ratio)) return;
      traces.set(operation, {
        context: newContext(parent?.traceId ?? ids.generateTraceId()),
        parent,
      });
    },
    onExecute(operation) {
      const stats = operation.atlasCalls;
      if (stats) byStats.set(stats, traces.get(operation) ?? untraced);
    },
    onEnd(operation, outcome: Outcome) {
      const operationTrace = traces.get(operation);
      if (!operationTrace) return;
      const attributes: Attributes = {
        'http.request.method': operation.request.method,
        'url.path': '/graphql',
        'graphql.response.outcome': outcome,
      };
      if (operation.cut) attributes['gateway.cut_at_shutdown'] = true;
      const name = operation.name === undefined ? undefined : shownOperationName(operation.name);
      if (operation.type) {
        attributes['graphql.operation.type'] = operation.type;
        if (name) attributes['graphql.operation.name'] = name;
      }
      const codes = [...operation.codes.keys()];
      if (codes.length) attributes['graphql.error.codes'] = codes;
      if (operation.status !== undefined) attributes['http.response.status_code'] = operation.status;
      const stats = operation.atlasCalls;
      if (stats) {
        attributes['atlas.calls'] = stats.calls;
        // Zero counts are left out (less to keep and encode): absent means none.
        if (stats.coalesced) attributes['atlas.coalesced'] = stats.coalesced;
        if (stats.retries) attributes['atlas.retries'] = stats.retries;
      }
      const failed = outcome === 'failure' || outcome === 'refused' || (operation.status ?? 0) >= 500;
      processor.onEnd(
        new FinishedSpan(
          // `query BackupDashboard`, as OpenTelemetry's GraphQL conventions name operation spans.
          operation.type ? (name ? `${operation.type} ${name}` : operation.type) : 'GraphQL operation',
          SpanKind.SERVER,
          operationTrace.context,
          operationTrace.parent,
          operation.startTime,
          Date.now(),
          attributes,
          failed ? { code: SpanStatusCode.ERROR, message: operation.cut ? 'cut' : (codes[0] ?? outcome) } : unset,
          operationTrace.events ?? noEvents,
          resource,
        ),
      );
    },
  };

  /**
   * A poll tick is one trace: decided once when it begins, at the ratio; its calls become client spans
   * under its span, made when it ends.
   */
  const onUnit = (event: Extract<AtlasEvent, { kind: 'unit-start' | 'unit-end' }>) => {
    if (!(event.unit instanceof Session)) return;
    const stats = event.unit.stats;
    if (event.kind === 'unit-start') {
      byStats.set(
        stats,
        decide(undefined, ratio)
          ? {
              context: newContext(ids.generateTraceId()),
              parent: undefined,
              tick: { watching: event.watching, startTime: Date.now() },
            }
          : untraced,
      );
      return;
    }
    const unit = byStats.get(stats);
    if (unit === undefined || unit === untraced || !unit.tick) return;
    const attributes: Attributes = { 'live.watching': unit.tick.watching, 'atlas.calls': stats.calls };
    if (stats.coalesced) attributes['atlas.coalesced'] = stats.coalesced;
    if (stats.retries) attributes['atlas.retries'] = stats.retries;
    processor.onEnd(
      new FinishedSpan(
        `poll ${unit.tick.watching}`,
        SpanKind.INTERNAL,
        unit.context,
        undefined,
        unit.tick.startTime,
        Date.now(),
        attributes,
        event.failed ? { code: SpanStatusCode.ERROR, message: 'poll failed' } : unset,
        unit.events ?? noEvents,
        resource,
      ),
    );
  };

  const onAtlasEvent = (event: AtlasEvent) => {
    if (event.kind === 'unit-start' || event.kind === 'unit-end') return onUnit(event);
    if (event.kind !== 'call' && event.kind !== 'budget-refused') return;
    const operation = event.unit instanceof Session ? byStats.get(event.unit.stats) : undefined;
    if (operation === untraced) return;
    if (event.kind === 'budget-refused') {
      if (operation)
        (operation.events ??= []).push({
          name: 'atlas.budget_refused',
          time: millisToHrTime(Date.now()),
          attributes: { 'atlas.operation_id': event.operationId },
          droppedAttributesCount: 0,
        });
      return;
    }
    // A unit of work with neither an operation nor a tick (fields under a subscription's event, resolved
    // once the tick's unit is too old) starts a trace of its own per call, sampled at the ratio.
    if (!operation && !decide(undefined, ratio)) return;
    const template = (atlasOperations as Record<string, { path: string } | undefined>)[event.operationId]?.path;
    const attributes: Attributes = {
      'http.request.method': event.method,
      'server.address': atlas.hostname,
      'server.port': atlasPort,
      'atlas.operation_id': event.operationId,
    };
    if (template) attributes['url.template'] = template;
    // Zero counts and `false` are left out (less to keep and encode): absent means none, not coalesced.
    if (event.shared) attributes['atlas.coalesced'] = true;
    const resends = event.retries + event.reauthentications;
    if (resends > 0) {
      attributes['http.request.resend_count'] = resends;
      if (event.retries) attributes['atlas.retries'] = event.retries;
      if (event.reauthentications) attributes['atlas.reauthentications'] = event.reauthentications;
    }
    if (event.status !== undefined) attributes['http.response.status_code'] = event.status;
    let status = unset;
    if (event.failure !== undefined) {
      const type = event.failure === 'status' && event.status !== undefined ? String(event.status) : event.failure;
      attributes['error.type'] = type;
      status = { code: SpanStatusCode.ERROR, message: type };
    }
    processor.onEnd(
      new FinishedSpan(
        `${event.method} ${event.operationId}`,
        SpanKind.CLIENT,
        newContext(operation ? operation.context.traceId : ids.generateTraceId()),
        operation?.context,
        event.startTime,
        event.startTime + event.durationMs,
        attributes,
        status,
        noEvents,
        resource,
      ),
    );
  };

  return {
    operations,
    observeAtlas: (events) => events.subscribe(onAtlasEvent),
    close: () => processor.shutdown(),
  };
}
