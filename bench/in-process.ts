/**
 * What the bench scripts that build gateways share: gateway options from a features string (every bench gateway,
 * bench/servers.ts's, bench/paired-child.ts's and bench/streams-gateway.ts's among them), a loop of operations
 * through `yoga.fetch` (no socket between the script and the gateway; Atlas is in another process), and running
 * the instructions child.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { GatewayOptions } from '../src/server/gateway.js';
import { BENCH_TOKEN } from './credential.js';

/**
 * Options for `features`: `plain` (Atlas sees BENCH_TOKEN), or any of `forward` (each request's own bearer token
 * goes to Atlas: clients with tokens of their own, bench/cpu.ts), `log` (the access log `npm start` writes, to
 * /dev/null), `metrics` and `tracing:<ratio>` (spans exported over OTLP/HTTP protobuf to `otlpUrl`, which only
 * tracing needs) joined by `+`.
 */
export function gatewayOptionsFor(features: string, upstreamUrl: string, otlpUrl = ''): GatewayOptions {
  const options: GatewayOptions = {
    atlas: {
      baseUrl: upstreamUrl,
      auth: hasFeature(features, 'forward') ? { mode: 'forward' } : { mode: 'token', token: BENCH_TOKEN },
    },
    graphiql: false,
    callReport: 'never',
  };
  if (hasFeature(features, 'log')) options.logger = accessLogToNowhere();
  if (hasFeature(features, 'metrics')) options.metrics = {};
  const ratio = features
    .split('+')
    .find((part) => part.startsWith('tracing:'))
    ?.slice('tracing:'.length);
  if (ratio !== undefined) {
    options.tracing = { endpoint: `${otlpUrl}/v1/traces`, sampleRatio: Number(ratio), serviceName: 'bench' };
  }
  return options;
}

/** Whether `features` (as gatewayOptionsFor reads them) include `name`. */
export function hasFeature(features: string, name: string): boolean {
  return features.split('+').includes(name);
}

/**
 * Sends `count` POSTs of `body` through the gateway's `yoga.fetch`, with the Content-Length that browsers,
 * Apollo Client and urql send; each answer must have data and no errors.
 */
export async function sendThrough(
  yoga: { fetch(url: string, init: RequestInit): Response | Promise<Response> },
  body: string,
  count: number,
): Promise<void> {
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
  for (let i = 0; i < count; i++) {
    const response = await yoga.fetch('http://bench/graphql', { method: 'POST', headers, body });
    const text = await response.text();
    if (!text.includes('"data"') || text.includes('"errors"')) throw new Error(text.slice(0, 500));
  }
}

/** The access log `npm start` writes (a line per request at LOG_LEVEL=info), written to /dev/null. */
export function accessLogToNowhere() {
  return pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true }));
}

/** What bench/instructions-child.ts runs: the gateway built in `dist`, and which operations it sends. */
export interface GatewayChildRun {
  dist: string;
  upstreamUrl: string;
  otlpUrl?: string;
  operation: 'dashboard' | 'single';
  /** The dashboard's file, or the single-resource document itself. */
  document: string;
  features: string;
  warmup: number;
  measure: number;
}

/**
 * Runs bench/instructions-child.ts behind `launcher` (valgrind, taskset, or nothing) with `env` added, and
 * resolves with what it printed: its measured operations and their CPU time.
 */
export async function runGatewayChild(
  launcher: string[],
  run: GatewayChildRun,
  env: Record<string, string> = {},
): Promise<{ operations: number; cpuUs: number }> {
  const node = [
    process.execPath,
    '--import',
    'tsx',
    fileURLToPath(new URL('./instructions-child.ts', import.meta.url)),
  ];
  const [command = '', ...args] = [...launcher, ...node];
  const child = spawn(command, args, {
    env: {
      ...process.env,
      ...env,
      DIST: run.dist,
      UPSTREAM_URL: run.upstreamUrl,
      OTLP_URL: run.otlpUrl ?? '',
      OPERATION: run.operation,
      DOCUMENT: run.document,
      FEATURES: run.features,
      WARMUP: String(run.warmup),
      MEASURE: String(run.measure),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const line = stdout.split('\n').find((l) => l.startsWith('{'));
  if (code !== 0 || !line) throw new Error(`gateway of ${run.dist}: exit ${code}\n${stderr.slice(-2000)}`);
  return JSON.parse(line) as { operations: number; cpuUs: number };
}
