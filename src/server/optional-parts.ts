/**
 * Libraries only some deployments use (Redis, Prometheus, OpenTelemetry, persisted documents), loaded when
 * configured: a gateway that does not use them never holds them (each costs about 10 to 25 MiB of RSS, and
 * production's memory is measured against a hand-written server). `createGateway` is synchronous, so
 * whoever configures one of them awaits `loadOptionalParts(options)` first (src/index.ts and the test
 * harness's `serveGateway` do); a gateway configured without it fails at once, saying so.
 */
export interface OptionalPartsWanted {
  redis?: unknown;
  metrics?: unknown;
  tracing?: unknown;
  trustedDocuments?: unknown;
}

interface Parts {
  redis: typeof import('../redis/index.js');
  metrics: typeof import('./plugins/metrics.js');
  tracing: typeof import('./plugins/tracing.js');
  persistedOperations: typeof import('@graphql-yoga/plugin-persisted-operations');
}

const loaded: Partial<Parts> = {};

/** Loads the parts `options` configure (once per process). */
export async function loadOptionalParts(options: OptionalPartsWanted): Promise<void> {
  if (options.redis) loaded.redis ??= await import('../redis/index.js');
  if (options.metrics) loaded.metrics ??= await import('./plugins/metrics.js');
  if (options.tracing) loaded.tracing ??= await import('./plugins/tracing.js');
  if (options.trustedDocuments)
    loaded.persistedOperations ??= await import('@graphql-yoga/plugin-persisted-operations');
}

/** A part `loadOptionalParts` loaded; throws when the gateway was configured with it but never loaded it. */
export function optionalPart<K extends keyof Parts>(name: K): Parts[K] {
  const part = loaded[name];
  if (!part) {
    throw new Error(
      `The gateway is configured with ${name} but it was not loaded: await loadOptionalParts(options) first`,
    );
  }
  return part;
}
