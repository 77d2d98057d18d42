/**
 * What running the gateway as a service adds to it: readiness, Prometheus metrics, OpenTelemetry traces
 * and trusted documents, wired to the Atlas event stream and the yoga plugin list in one place, so that
 * createGateway only places them.
 */
import type { Plugin } from 'graphql-yoga';
import type { AtlasEvents } from '../atlas/events.js';
import type { Config } from '../config.js';
import type { GraphQLContext } from '../graph/context.js';
import { Readiness, useReadiness, type ReadinessOptions } from './plugins/health.js';
import type { GatewayMetrics, LiveFigures, MetricsOptions } from './plugins/metrics.js';
import { useOperationObserver, type OperationObserver } from './plugins/operation-observer.js';
import type { GatewayTracing, TracingOptions } from './plugins/tracing.js';
import { optionalPart } from './optional-parts.js';
import { documentIdParams, useTrustedDocuments, type TrustedDocuments } from './plugins/trusted-documents.js';
import { defaults } from '../config.js';

export interface ServiceOptions {
  /** Prometheus metrics; none when absent. `endpoint` false when served on a port of their own. */
  metrics?: Partial<MetricsOptions>;
  /** OpenTelemetry traces (OTLP, or a test's exporter); no tracer at all when absent. */
  tracing?: Omit<TracingOptions, 'atlasBaseUrl' | 'serviceName'> & { serviceName?: string };
  /** Run only these documents (unless they allow arbitrary ones too). */
  trustedDocuments?: TrustedDocuments;
  /** Readiness back-off after the credential fails (tests shorten it). */
  readiness?: Pick<ReadinessOptions, 'initialBackoffMs' | 'maxBackoffMs'>;
}

/** The service options the environment configures (src/config.ts `operations`). */
export function serviceOptions(config: Config): ServiceOptions {
  const { metrics, tracing, trustedDocuments } = config.operations;
  return {
    ...(metrics
      ? {
          metrics: {
            endpoint: metrics.port === null ? '/metrics' : false,
            operationNames: metrics.operationNames,
            maxOperationNames: metrics.maxOperationNames,
          },
        }
      : {}),
    ...(tracing ? { tracing } : {}),
    ...(trustedDocuments ? { trustedDocuments } : {}),
  };
}

export interface ServiceFeatures {
  readiness: Readiness;
  metrics?: GatewayMetrics;
  /** First in the plugin list: /ready, /metrics, and the observer that times every request. */
  early: (Plugin | Plugin<GraphQLContext>)[];
  /** After the cross-origin guard: trusted documents. */
  trusted: Plugin[];
  /** Request parameters yoga must accept (`documentId`, `doc_id`) when trusted documents are on. */
  extraParamNames?: string[];
  close(): Promise<void>;
}

export function serviceFeatures(
  options: ServiceOptions,
  gateway: {
    events: AtlasEvents;
    atlasBaseUrl: string;
    /** False in forward mode: callers' tokens are theirs. */
    ownCredential: boolean;
    /** Makes the credential authenticate again (a service account mints a token). */
    reauthenticate?: () => Promise<unknown>;
    /** The live subscriptions and pollers, read at each scrape. */
    live?: () => LiveFigures;
    /** The gateway's own readers of each operation's end (the access log), beside metrics and traces. */
    observers?: readonly OperationObserver[];
    /** Where the service's own conditions are said (traces that cannot be exported). */
    log?: { info(message: string): void; warn(message: string): void };
  },
): ServiceFeatures {
  const readiness = new Readiness({
    ownCredential: gateway.ownCredential,
    reauthenticate: gateway.reauthenticate,
    ...options.readiness,
  });
  const unsubscribe = [readiness.observe(gateway.events)];

  let metrics: GatewayMetrics | undefined;
  if (options.metrics) {
    metrics = optionalPart('metrics').createMetrics({
      endpoint: options.metrics.endpoint ?? '/metrics',
      maxOperationNames: options.metrics.maxOperationNames ?? defaults.metricsMaxOperationNames,
      operationNames: options.metrics.operationNames ?? options.trustedDocuments?.operationNames,
      processMetrics: options.metrics.processMetrics,
    });
    unsubscribe.push(metrics.observeAtlas(gateway.events));
    metrics.observeReadiness(() => {
      const report = readiness.report();
      return {
        ready: report.ready,
        draining: report.draining,
        checks: Object.fromEntries(Object.entries(report.checks).map(([name, state]) => [name, state === 'ready'])),
      };
    });
    if (gateway.live) metrics.observeLive(gateway.live);
  }

  let tracing: GatewayTracing | undefined;
  if (options.tracing) {
    const log = gateway.log;
    tracing = optionalPart('tracing').createTracing({
      ...options.tracing,
      serviceName: options.tracing.serviceName ?? defaults.otelServiceName,
      atlasBaseUrl: gateway.atlasBaseUrl,
      // An operator must know when traces stop arriving (and again when they come back).
      onExportChange: log
        ? (delivered, cause) =>
            delivered
              ? log.info('Traces reach the collector again')
              : log.warn(`Traces cannot be exported (${cause ?? 'unknown cause'}): spans are dropped until they can`)
        : undefined,
    });
    unsubscribe.push(tracing.observeAtlas(gateway.events));
  }

  const observers: OperationObserver[] = [...(gateway.observers ?? [])];
  if (metrics) observers.push(metrics.operations);
  if (tracing) observers.push(tracing.operations);
  const observer = observers.length ? useOperationObserver(observers) : undefined;

  return {
    readiness,
    metrics,
    early: [useReadiness(readiness), ...(metrics?.plugins ?? []), ...(observer ? [observer] : [])],
    trusted: options.trustedDocuments ? [useTrustedDocuments(options.trustedDocuments)] : [],
    extraParamNames: options.trustedDocuments ? documentIdParams : undefined,
    async close() {
      readiness.close();
      // Requests still open were cut at shutdown: their lines, metrics and spans are written before the
      // last spans are exported and the process exits.
      observer?.cutOpen();
      for (const stop of unsubscribe) stop();
      await tracing?.close();
    },
  };
}
