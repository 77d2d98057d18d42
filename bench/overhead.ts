/**
 * Bench part f: what metrics and tracing cost on the single-resource query (one restore job by id, one
 * Atlas GET), against an instant upstream. Five configurations of the same compiled gateway, each in its
 * own process: as it ships (its access log on), the baseline; with metrics too (scraped every second, more
 * often than Prometheus would); with metrics and tracing, every operation sampled (its spans batched and
 * exported over OTLP/HTTP protobuf to a receiver in another process), or 10% of new traces
 * (OTEL_TRACES_SAMPLER_ARG=0.1); and without the access log. Throughput under autocannon (c=20) and the
 * server's CPU per operation, rounds interleaved so a slow spell of the machine spreads over all of them.
 */
import autocannon from 'autocannon';
import { ask, canPin, pinSelf, startChild } from './children.js';
import { measureCpu, type Server } from './cpu.js';
import { hasFeature } from './in-process.js';

interface Variant {
  name: string;
  /** bench/in-process.ts's features of the gateway process. */
  features: string;
  server?: Server;
  rps: number[];
  p99: number[];
  cpuUs: number[];
}

const THROUGHPUT_ROUNDS = 8;
const CPU_ROUNDS = 30;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function partF(say: (line?: string) => void, body: string): Promise<void> {
  // The gateways get CPU 0; the load generator (this process), the upstream and the trace receiver CPU 1.
  // Unpinned, the receiver's work (about 4 MB/s of spans to parse) was taken from the traced gateway's
  // share of the 2 cores, which a collector on its own machine would not.
  pinSelf(1);
  const upstream = await startChild('./upstream.ts', { LATENCY_MS: '0' }, [], 1);
  const sink = await startChild('./otlp-sink.ts', {}, [], 1);
  // Measured against the gateway as it ships: `npm start` writes an access line per request (LOG_LEVEL=info).
  // The same gateway without it is shown too, for what the access log itself costs.
  const variants: Variant[] = (
    [
      ['as shipped (access log)', 'log'],
      ['+ metrics', 'log+metrics'],
      ['+ metrics + tracing (every operation)', 'log+metrics+tracing:1'],
      ['+ metrics + tracing (10% of new traces)', 'log+metrics+tracing:0.1'],
      ['without the access log', 'plain'],
    ] as const
  ).map(([name, features]) => ({ name, features, rps: [], p99: [], cpuUs: [] }));
  for (const variant of variants) {
    variant.server = await startChild(
      './servers.ts',
      { MODE: 'gateway', UPSTREAM_URL: upstream.url, FEATURES: variant.features, OTLP_URL: sink.url },
      [],
      0,
    );
  }
  const scrapeWhile = (variant: Variant) => {
    if (!hasFeature(variant.features, 'metrics')) return () => {};
    const url = (variant.server?.url ?? '').replace(/\/graphql$/, '/metrics');
    const timer = setInterval(() => void fetch(url).then((r) => r.text()), 1_000);
    return () => clearInterval(timer);
  };
  const load = async (variant: Variant, seconds: number) => {
    const stop = scrapeWhile(variant);
    try {
      const result = await autocannon({
        url: variant.server?.url ?? '',
        method: 'POST',
        connections: 20,
        duration: seconds,
        headers: { 'content-type': 'application/json' },
        body,
      });
      if (result.errors + result.non2xx > 0)
        throw new Error(`${variant.name}: ${result.errors + result.non2xx} errors`);
      return result;
    } finally {
      stop();
    }
  };
  for (const variant of variants) await load(variant, 3); // warm-up
  // Throughput rounds are long (seconds each), so a slow spell of the machine can fall on one variant;
  // CPU slices are short (500 operations) and many, so each variant's slice and the baseline's see the same machine.
  // Each round starts with a different variant: whichever runs first in a round (after the others'
  // garbage, or on a machine that just woke) would otherwise always be the same one.
  const inOrder = (round: number) => variants.map((_, i) => variants[(i + round) % variants.length]!);
  for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
    for (const variant of inOrder(round)) {
      const result = await load(variant, 5);
      variant.rps.push(result.requests.average);
      variant.p99.push(result.latency.p99);
    }
  }
  for (let round = 0; round < CPU_ROUNDS; round++) {
    for (const variant of inOrder(round)) {
      if (!variant.server) continue;
      const stop = scrapeWhile(variant);
      try {
        variant.cpuUs.push((await measureCpu(variant.server, body, 500, 4)).cpuUs);
      } finally {
        stop();
      }
    }
  }
  const exported = await ask<{ requests: number; bytes: number }>(sink.child, 'stats');
  for (const child of [...variants.map((v) => v.server?.child), upstream.child, sink.child]) child?.kill('SIGTERM');

  const [shipped] = variants;
  // Against the shipped gateway in the same round: the machine's speed drifts between rounds (other tenants), and a
  // ratio within a round drifts much less than the figures themselves.
  const perRound = (variant: Variant, key: 'rps' | 'cpuUs') =>
    median(
      variant[key].map((x, round) => (100 * (x - (shipped?.[key][round] ?? NaN))) / (shipped?.[key][round] ?? NaN)),
    );
  say('\n## f. Metrics and tracing overhead, single-resource query, instant upstream\n');
  say(
    `Each variant is the compiled gateway in its own process${canPin ? ', pinned to CPU 0 (the load generator, upstream and trace receiver to CPU 1)' : ''}. Throughput: autocannon c=20, 5 s per round, ` +
      `${THROUGHPUT_ROUNDS} interleaved rounds; CPU: the server process’s own CPU per operation over 500 operations at concurrency 4, ` +
      `${CPU_ROUNDS} interleaved rounds; each round starts with the next variant. Figures are medians over rounds; the differences are medians of the differences to ` +
      'the shipped gateway (access log on, as `npm start` runs) within each round. The gateway is CPU-bound here (instant upstream), so its CPU per operation is ' +
      'what bounds its throughput; the CPU difference is the steadier figure on a shared machine. Metrics are scraped every second while measured; a traced operation makes a server ' +
      `span and a client span, exported over OTLP/HTTP protobuf (the receiver got ${exported.requests} ` +
      `exports, ${(exported.bytes / 2 ** 20).toFixed(1)} MiB).\n`,
  );
  say('| gateway | req/s | throughput vs shipped | p99 | CPU µs/op | CPU vs shipped | throughput rounds (req/s) |');
  say('|---|---:|---:|---:|---:|---:|---|');
  for (const variant of variants) {
    const pct = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`;
    say(
      `| ${variant.name} | ${median(variant.rps).toFixed(0)} | ${pct(perRound(variant, 'rps'))} | ${median(variant.p99).toFixed(0)} ms | ` +
        `${median(variant.cpuUs).toFixed(0)} | ${pct(perRound(variant, 'cpuUs'))} | ${variant.rps.map((x) => x.toFixed(0)).join(', ')} |`,
    );
  }
}
