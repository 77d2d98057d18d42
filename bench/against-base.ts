/**
 * `BASE_DIST=<another build's dist> npm run bench:against-base`: process CPU per example dashboard of this
 * tree's compiled gateway against another build's, in one run. Each round starts one process per build, in
 * turn (the order alternating between rounds), pinned to CPU 0 where `taskset` exists; each process sends
 * WARMUP dashboards through `yoga.fetch`, then MEASURE more, and reports its own `process.cpuUsage()` over
 * the measured ones (user + system, all threads: bench/instructions-child.ts). Atlas is the simulator in
 * another process (CPU 1), over loopback. The figure is the median over ROUNDS of this build's CPU divided
 * by the base's in the same round: the ratio part e cannot give, since its baseline is another day's run.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { canPin, startChild, stopChildren } from './children.js';
import { runGatewayChild } from './in-process.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const baseDist = process.env['BASE_DIST'];
if (!baseDist) throw new Error('BASE_DIST=<dist of the build to compare with> is required');
const rounds = Number(process.env['ROUNDS'] ?? '6');
const warmup = process.env['WARMUP'] ?? '400';
const measure = process.env['MEASURE'] ?? '1000';

execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
const upstream = await startChild('./upstream.ts', { LATENCY_MS: '0' }, [], 1);

/** CPU µs per dashboard of the gateway built in `dist`, in a process of its own. */
async function cpuPerDashboard(dist: string): Promise<number> {
  const { operations, cpuUs } = await runGatewayChild(canPin ? ['/usr/bin/taskset', '-c', '0'] : [], {
    dist,
    upstreamUrl: upstream.url,
    operation: 'dashboard',
    document: `${root}examples/backup-dashboard.graphql`,
    features: 'plain',
    warmup: Number(warmup),
    measure: Number(measure),
  });
  return cpuUs / operations;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const rows: { base: number; now: number }[] = [];
try {
  for (let round = 0; round < rounds; round++) {
    // Alternate which build runs first, so neither always meets the machine warmer.
    const row = { base: 0, now: 0 };
    if (round % 2 === 0) {
      row.base = await cpuPerDashboard(baseDist);
      row.now = await cpuPerDashboard(`${root}dist`);
    } else {
      row.now = await cpuPerDashboard(`${root}dist`);
      row.base = await cpuPerDashboard(baseDist);
    }
    rows.push(row);
  }
} finally {
  stopChildren();
}

console.log(`\n## Process CPU per dashboard against BASE_DIST, ${new Date().toISOString()}\n`);
console.log(`BASE_DIST=${baseDist}; ${rounds} rounds of ${warmup} + ${measure} dashboards per build and round.\n`);
console.log('| round | base µs/dashboard | this build µs/dashboard | this / base |');
console.log('|---:|---:|---:|---:|');
rows.forEach((r, i) =>
  console.log(`| ${i + 1} | ${r.base.toFixed(0)} | ${r.now.toFixed(0)} | ${(r.now / r.base).toFixed(3)} |`),
);
console.log(
  `\nMedian: base ${median(rows.map((r) => r.base)).toFixed(0)} µs, this build ${median(rows.map((r) => r.now)).toFixed(0)} µs; ` +
    `median ratio within rounds **${median(rows.map((r) => r.now / r.base)).toFixed(2)}x**.`,
);
process.exit(0);
