/**
 * Prometheus metrics (prom-client): GraphQL operations by name,
 * type and outcome with a latency histogram; Atlas calls by operationId and status with a latency
 * histogram, retries, shared (coalesced or cached) answers, budget refusals, token mints and renewals,
 * digest challenges and `RateLimit-*` headroom, all read from the Atlas event stream; live subscriptions
 * and pollers, readiness, and the process's own figures.
 *
 * Label values are bounded: operation names come from documents, which callers write, so only names on an
 * allow-list (the trusted documents' names, or METRICS_OPERATION_NAMES), or else the first
 * `maxOperationNames` names seen on operations that executed, get their own label; the rest count as
 * `other`. No variable, argument, id, header or token ever becomes a label.
 *
 * @graphql-yoga/plugin-prometheus was tried first: its envelop hooks (one per phase, labels filled per
 * phase) and its deprecated-field counter (a TypeInfo walk of the document on every request) cost about as
 * much as everything below together on a single-resource query, so this module counts from one observer
 * (operation-observer.ts), finds a document's deprecated fields once per document, and serves the text itself.
 * What operations and Atlas calls update is counted in the gateway's own families (metric-families.ts), which
 * prom-client's registry reads at scrape time, beside its process metrics.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { AtlasEvent, AtlasEvents } from '../../atlas/events.js';
import { MetricFamily } from './metric-families.js';
import type { ObservedOperation, OperationObserver, Outcome } from './operation-observer.js';
import { MAX_OPERATION_NAME_LENGTH, pathOf } from './results.js';

export interface MetricsOptions {
  /** Where yoga serves the metrics (`/metrics`), or false when they are served elsewhere (`serve`). */
  endpoint: string | false;
  /** Operation names that get their own label; when set, every other name counts as `other`. */
  operationNames?: readonly string[];
  /** Without an allow-list, at most this many distinct operation names get their own label. */
  maxOperationNames: number;
  /** Process and Node.js figures (CPU, memory, event-loop delay, GC, handles): prom-client's defaults. */
  processMetrics?: boolean;
}

/** What the live subscriptions (src/live) report: read at each scrape, so nothing is counted twice. */
export interface LiveFigures {
  /** Subscriptions open now (streams to clients). */
  subscriptions: number;
  /** Pollers running now (each polls Atlas for one watched resource, whatever its subscribers). */
  pollers: number;
}

/** What readiness reports (src/server/plugins/health.ts). */
export interface ReadinessFigures {
  ready: boolean;
  draining: boolean;
  /** Each named check (`atlas-credential`, `redis`...) and whether it passes (degraded counts as not). */
  checks: Record<string, boolean>;
}

export interface GatewayMetrics {
  readonly registry: Registry;
  /** Yoga plugins: the endpoint, when served on yoga's port. */
  readonly plugins: Plugin[];
  /** Counts operations; give it to useOperationObserver. */
  readonly operations: OperationObserver;
  /** Reads the Atlas event stream; returns the unsubscribe function. */
  observeAtlas(events: AtlasEvents): () => void;
  /** Exposes the live subscription and poller counts (the function is called at each scrape). */
  observeLive(read: () => LiveFigures): void;
  observeReadiness(read: () => ReadinessFigures): void;
  /** A Node request handler answering `GET /metrics` (for a port of its own, METRICS_PORT). */
  serve(request: IncomingMessage, response: ServerResponse): void;
}

/** Seconds; GraphQL operations end within ATLAS_DEADLINE_MS (25 s by default). */
const operationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25];
const atlasBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Label values for operation names: an allow-list when given; otherwise the first `max` names seen on
 * operations that executed (validated against the schema), so a stream of junk names sent to be refused
 * cannot crowd out the real ones, and a caller inventing names stops adding series at `max`.
 */
export class OperationNames {
  private readonly known: Set<string>;
  constructor(
    private readonly allowList: readonly string[] | undefined,
    private readonly max: number,
  ) {
    this.known = new Set(allowList);
  }

  label(name: string | undefined, executed: boolean): string {
    if (name === undefined) return 'anonymous';
    if (this.known.has(name)) return name;
    // A name past the length limit counts as `other` rather than cut: cut names would merge operations
    // that differ only past the cut under a label that names none of them, and each would take one of the
    // `max` labels from the names an operator wants to see.
    if (name.length > MAX_OPERATION_NAME_LENGTH) return 'other';
    if (this.allowList || !executed || this.known.size >= this.max) return 'other';
    this.known.add(name);
    return name;
  }
}

export function createMetrics(options: MetricsOptions): GatewayMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const names = new OperationNames(options.operationNames, options.maxOperationNames);

  const operations = new MetricFamily(registry, {
    type: 'counter',
    name: 'graphql_operations_total',
    help: 'GraphQL requests by operation name, type (unknown when refused before parsing) and outcome: success, partial (data and errors), failure (no data), refused (not executed)',
    labelNames: ['operation_name', 'operation_type', 'outcome'],
  });
  const duration = new MetricFamily(registry, {
    type: 'histogram',
    name: 'graphql_operation_duration_seconds',
    help: 'Time from the request to the end of its answer (the end of the stream for subscriptions, @defer and @stream)',
    labelNames: ['operation_name', 'operation_type'],
    buckets: operationBuckets,
  });
  const errors = new MetricFamily(registry, {
    type: 'counter',
    name: 'graphql_errors_total',
    help: 'Errors in GraphQL answers by extensions.code (UNCODED without one)',
    labelNames: ['code'],
  });
  const atlasRequests = new MetricFamily(registry, {
    type: 'counter',
    name: 'atlas_requests_total',
    help: 'HTTP requests sent to the Atlas API (retries and re-sends after a 401 included) by operationId and status (none: no answer)',
    labelNames: ['operation_id', 'status'],
  });
  const atlasDuration = new MetricFamily(registry, {
    type: 'histogram',
    name: 'atlas_request_duration_seconds',
    help: 'Duration of each HTTP request to the Atlas API, from sending to the whole body read',
    labelNames: ['operation_id'],
    buckets: atlasBuckets,
  });
  const atlasRetries = new MetricFamily(registry, {
    type: 'counter',
    name: 'atlas_retries_total',
    help: 'Atlas requests sent again after a retryable failure (429, 5xx, reset)',
    labelNames: ['operation_id'],
  });
  const atlasShared = new MetricFamily(registry, {
    type: 'counter',
    name: 'atlas_shared_answers_total',
    help: "Atlas calls answered without a request of their own: by another operation's identical call in flight (coalesced), or from what the gateway kept (ATLAS_CACHE_TTL_MS; a retired version's 410)",
    labelNames: ['operation_id', 'source'],
  });
  const budgetRefusals = new MetricFamily(registry, {
    type: 'counter',
    name: 'atlas_budget_refusals_total',
    help: 'ATLAS_CALL_BUDGET refusals: estimate = operations refused whole before execution; execution = Atlas calls not sent',
    labelNames: ['stage'],
  });
  const tokenRequests = new MetricFamily(registry, {
    type: 'counter',
    name: 'atlas_token_requests_total',
    help: 'Service-account token requests by kind (mint: none usable; renewal: ahead of expiry) and outcome (minted, or the failure)',
    labelNames: ['kind', 'outcome'],
  });
  const digestChallenges = new MetricFamily(registry, {
    type: 'counter',
    name: 'atlas_digest_challenges_total',
    help: 'Digest challenges Atlas answered API-key calls with: signed-again (first, stale or reused nonce) or refused (wrong key)',
    labelNames: ['outcome', 'stale'],
  });
  const rateLimitRemaining = new MetricFamily(registry, {
    type: 'gauge',
    name: 'atlas_rate_limit_remaining',
    help: 'RateLimit-Remaining of the last Atlas answer that carried it, by operationId',
    labelNames: ['operation_id'],
  });
  const rateLimitLimit = new MetricFamily(registry, {
    type: 'gauge',
    name: 'atlas_rate_limit_limit',
    help: 'RateLimit-Limit of the last Atlas answer that carried it, by operationId',
    labelNames: ['operation_id'],
  });
  const deprecatedFields = new MetricFamily(registry, {
    type: 'counter',
    name: 'graphql_deprecated_fields_total',
    help: 'Deprecated fields selected by operations that executed, by type, field and operation name (Legacy Backup and serverless fields, which Atlas is retiring)',
    labelNames: ['operation_name', 'type_name', 'field_name'],
  });
  const sunset = new MetricFamily(registry, {
    type: 'gauge',
    name: 'atlas_api_sunset_timestamp_seconds',
    help: 'Sunset date Atlas announced for the API version an operation uses (Sunset header), as a Unix time',
    labelNames: ['operation_id'],
  });

  let live: (() => LiveFigures) | undefined;
  new Gauge({
    name: 'graphql_subscriptions_open',
    help: 'GraphQL subscriptions open now',
    registers: [registry],
    collect() {
      this.set(live?.().subscriptions ?? 0);
    },
  });
  new Gauge({
    name: 'atlas_pollers_active',
    help: 'Pollers running now (one per watched Atlas resource, whatever its subscribers)',
    registers: [registry],
    collect() {
      this.set(live?.().pollers ?? 0);
    },
  });
  let readiness: (() => ReadinessFigures) | undefined;
  new Gauge({
    name: 'gateway_ready',
    help: '1 when /ready answers 200',
    registers: [registry],
    collect() {
      this.set(readiness?.().ready === false ? 0 : 1);
    },
  });
  new Gauge({
    name: 'gateway_draining',
    help: '1 while the gateway drains before shutting down',
    registers: [registry],
    collect() {
      this.set(readiness?.().draining ? 1 : 0);
    },
  });
  new Gauge({
    name: 'gateway_readiness_check',
    help: 'Each readiness check: 1 passing, 0 failing or degraded',
    labelNames: ['check'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [check, ok] of Object.entries(readiness?.().checks ?? {})) this.set({ check }, ok ? 1 : 0);
    },
  });

  const deprecatedOf = deprecatedFieldFinder();
  const operationObserver: OperationObserver = {
    onEnd(operation: ObservedOperation, outcome: Outcome) {
      const operation_name = names.label(operation.name, operation.executed && outcome !== 'refused');
      if (operation.executed && operation.document && operation.schema) {
        for (const [type_name, field_name] of deprecatedOf(operation.document, operation.schema)) {
          deprecatedFields.of(operation_name, type_name, field_name).inc();
        }
      }
      const operation_type = operation.type ?? 'unknown';
      operations.of(operation_name, operation_type, outcome).inc();
      duration.of(operation_name, operation_type).observe((performance.now() - operation.started) / 1000);
      for (const [code, n] of operation.codes) {
        errors.of(code).inc(n);
        // Refused whole before execution by the budget estimate (the session counts calls not sent).
        if (code === 'UPSTREAM_BUDGET_EXCEEDED' && outcome === 'refused') budgetRefusals.of('estimate').inc();
      }
    },
  };

  const onAtlasEvent = (event: AtlasEvent) => {
    switch (event.kind) {
      case 'request':
        if (event.retry) atlasRetries.of(event.operationId).inc();
        break;
      case 'response':
        atlasRequests.of(event.operationId, event.status?.toString() ?? 'none').inc();
        atlasDuration.of(event.operationId).observe(event.durationMs / 1000);
        break;
      case 'shared':
        atlasShared.of(event.operationId, event.from).inc();
        break;
      case 'budget-refused':
        budgetRefusals.of('execution').inc();
        break;
      case 'rate-limit':
        rateLimitRemaining.of(event.operationId).set(event.remaining);
        rateLimitLimit.of(event.operationId).set(event.limit);
        break;
      case 'token':
        tokenRequests.of(event.renewal ? 'renewal' : 'mint', event.outcome).inc();
        break;
      case 'digest-challenge':
        digestChallenges.of(event.signedAgain ? 'signed-again' : 'refused', String(event.stale)).inc();
        break;
      case 'lifecycle': {
        const time = event.sunset ? Date.parse(event.sunset) : Number.NaN;
        if (!Number.isNaN(time)) sunset.of(event.operationId).set(time / 1000);
        break;
      }
    }
  };

  const plugins: Plugin[] = [];
  if (options.endpoint) {
    const endpoint = options.endpoint;
    plugins.push({
      onRequest({ request, fetchAPI, endResponse }) {
        if (request.method !== 'GET' || pathOf(request.url) !== endpoint) return;
        return registry.metrics().then((text) => {
          endResponse(new fetchAPI.Response(text, { headers: { 'content-type': registry.contentType } }));
        });
      },
    });
  }

  return {
    registry,
    plugins,
    operations: operationObserver,
    observeAtlas: (events) => events.subscribe(onAtlasEvent),
    observeLive(read) {
      live = read;
    },
    observeReadiness(read) {
      readiness = read;
    },
    serve(request, response) {
      if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
        response.writeHead(404).end();
        return;
      }
      registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
    },
  };
}

/**
 * The deprecated fields a document selects, as [type, field] pairs: found once per document (yoga hands
 * the same parsed document to every request with the same text), so a request pays a WeakMap lookup.
 */
function deprecatedFieldFinder(): (document: DocumentNode, schema: GraphQLSchema) => [string, string][] {
  const known = new WeakMap<DocumentNode, [string, string][]>();
  return (document, schema) => {
    let fields = known.get(document);
    if (!fields) {
      const found: [string, string][] = [];
      const typeInfo = new TypeInfo(schema);
      visit(
        document,
        visitWithTypeInfo(typeInfo, {
          Field() {
            const field = typeInfo.getFieldDef();
            const parent = typeInfo.getParentType();
            if (field?.deprecationReason != null && parent) found.push([parent.name, field.name]);
          },
        }),
      );
      known.set(document, (fields = found));
    }
    return fields;
  };
}
