/**
 * `npm run bench:paired`: the single-resource query's CPU per operation on several configurations of the
 * compiled gateway held in one process, measured in alternating batches, so that every configuration meets
 * the same machine, the same JIT state and the same garbage: differences of a few microseconds that part f
 * (one process per configuration) cannot separate from its neighbours' noise show here.
 *
 * VARIANTS (comma-separated; default `log,log+metrics,log+metrics+tracing:1,log+metrics+tracing:0.1`): each
 * is `plain` or any of `log` (the access log `npm start` writes, to /dev/null), `metrics` and
 * `tracing:<ratio>` (spans to an OTLP receiver in another process) joined by `+`. ROUNDS (30) rounds of
 * BATCH (500) operations each, each round starting with the next variant; the figure is the median over
 * rounds of each variant's difference to the first variant's batch in the same round. The upstream and the
 * receiver run in other processes (on CPU 1, this process on CPU 0, where `taskset` exists).
 */
import { execFileSync } from 'node:child_process';
import { toGlobalId } from '../src/graph/ids.js';
import { DEMO } from '../src/simulator/index.js';
import { pinSelf, startChild, stopChildren } from './children.js';
import { gatewayOptionsFor, sendThrough } from './in-process.js';

type GatewayModule = typeof import('../src/server/gateway.js');
type OptionalPartsModule = typeof import('../src/server/optional-parts.js');
type Gateway = ReturnType<GatewayModule['createGateway']>;

process.setSourceMapsEnabled(false);
const dist = (file: string) => new URL(`../dist/${file}`, import.meta.url).href;
const variants = (
  process.env['VARIANTS'] ?? 'log,log+metrics,log+metrics+tracing:1,log+metrics+tracing:0.1'
).split(',');
const rounds = Number(process.env['ROUNDS'] ?? '30');
const batch = Number(process.env['BATCH'] ?? '500');
const job = DEMO.restoreJobs.automated;
const body = JSON.stringify({
  query: `{ node(id: "${toGlobalId('CloudBackupRestoreJob', job.groupId, job.clusterName, job.id)}") { ... on CloudBackupRestoreJob { id deliveryType finishedAt } } }`,
});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

execFileSync('npm', ['run', '--silent', 'build'], { cwd: new URL('..', import.meta.url), stdio: 'inherit' });
const upstream = await startChild('./upstream.ts', { LATENCY_MS: '0' }, [], 1);
const sink = await startChild('./otlp-sink.ts', {}, [], 1);
pinSelf(0);
try {
  const { createGateway } = (await import(dist('server/gateway.js'))) as GatewayModule;
  const { loadOptionalParts } = (await import(dist('server/optional-parts.js'))) as OptionalPartsModule;
  const gateways: Gateway[] = [];
  for (const variant of variants) {
    const options = gatewayOptionsFor(variant, upstream.url, sink.url);
    await loadOptionalParts(options);
    gateways.push(createGateway(options));
  }
  const send = (gateway: Gateway, n: number) => sendThrough(gateway.yoga, body, n);
  for (const gateway of gateways) await send(gateway, 2_000);
  const cpuUs: number[][] = variants.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const i = (k + round) % variants.length;
      const before = process.cpuUsage();
      await send(gateways[i]!, batch);
      const used = process.cpuUsage(before);
      cpuUs[i]!.push((used.user + used.system) / batch);
    }
  }
  console.log(`\n## Paired CPU per single-resource operation, ${new Date().toISOString()}\n`);
  console.log(`One process, ${rounds} rounds of ${batch} operations per variant (\`npm run bench:paired\`).\n`);
  console.log(`| variant | CPU µs/op | vs ${variants[0]} (µs) | vs ${variants[0]} |`);
  console.log('|---|---:|---:|---:|');
  const first = cpuUs[0]!;
  variants.forEach((variant, i) => {
    const diffs = cpuUs[i]!.map((x, round) => x - first[round]!);
    const ratios = cpuUs[i]!.map((x, round) => (100 * (x - first[round]!)) / first[round]!);
    const pct = median(ratios);
    console.log(
      `| ${variant} | ${median(cpuUs[i]!).toFixed(0)} | ${median(diffs).toFixed(1)} | ${pct >= 0 ? '+' : ''}${pct.toFixed(1)}% |`,
    );
  });
  for (const gateway of gateways) await gateway.close?.();
} finally {
  stopChildren();
}
process.exit(0);
