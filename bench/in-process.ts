/**
 * What the bench scripts that hold compiled gateways in their own process share (bench/paired.ts,
 * bench/instructions-child.ts): gateway options from a features string, and a loop of operations through
 * `yoga.fetch` (no socket between the script and the gateway; Atlas is in another process).
 */
import { pino } from 'pino';

type GatewayOptions = Parameters<(typeof import('../src/server/gateway.js'))['createGateway']>[0];

/**
 * Options for `features`: `plain`, or any of `log` (the access log `npm start` writes, to /dev/null),
 * `metrics` and `tracing:<ratio>` (spans exported over OTLP/HTTP protobuf to `otlpUrl`) joined by `+`.
 */
export function gatewayOptionsFor(features: string, upstreamUrl: string, otlpUrl: string): GatewayOptions {
  const parts = features.split('+');
  const options: GatewayOptions = {
    atlas: { baseUrl: upstreamUrl, auth: { mode: 'token', token: 'bench-token' } },
    graphiql: false,
    callReport: 'never',
  };
  if (parts.includes('log')) options.logger = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true }));
  if (parts.includes('metrics')) options.metrics = {};
  const ratio = parts.find((part) => part.startsWith('tracing:'))?.slice('tracing:'.length);
  if (ratio !== undefined) {
    options.tracing = { endpoint: `${otlpUrl}/v1/traces`, sampleRatio: Number(ratio), serviceName: 'bench' };
  }
  return options;
}

/** Sends `count` POSTs of `body` through the gateway's `yoga.fetch`; each answer must have data and no errors. */
export async function sendThrough(
  yoga: { fetch(url: string, init: RequestInit): Response | Promise<Response> },
  body: string,
  count: number,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const response = await yoga.fetch('http://bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const text = await response.text();
    if (!text.includes('"data"') || text.includes('"errors"')) throw new Error(text.slice(0, 500));
  }
}
