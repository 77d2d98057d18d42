/**
 * `npm run bench:instructions` (about 15 minutes): machine instructions per operation of the compiled
 * gateway, counted by valgrind's callgrind. Counts, unlike CPU time, do not move with what else the machine
 * is doing: on this 2-core VM two quiet runs of bench part e, twelve minutes apart and with the same code,
 * put the dashboard at 6.83 and 9.63 units, so a 30% change could not be told from drift.
 *
 * Each case runs bench/instructions-child.ts under callgrind in its own process, with counting switched on
 * only around the measured operations (after start-up and warm-up); Atlas is the simulator in a process of
 * its own, not counted. Reported: instructions per operation, and the same without V8's optimizing
 * compilers (TurboFan, Maglev), whose work still falls into the window after a few hundred warm-up
 * operations and varies between runs (±20% of the dashboard's count), while the rest repeats to about ±5%.
 *
 * BASE_DIST=<dir> also counts the dashboard with another build (a baseline), e.g.
 *   git worktree add /tmp/base <commit> && ln -s "$PWD/node_modules" /tmp/base/node_modules \
 *     && (cd /tmp/base && npx tsc -p tsconfig.build.json) && BASE_DIST=/tmp/base/dist npm run bench:instructions
 * INSTRUCTION_CASES=dashboard,single,... picks cases (dashboard, single, shipped, metrics, tracing,
 * tracing-tenth). The metrics and tracing cases are compared with `shipped`, the single-resource query on the
 * gateway as `npm start` runs it (access log on); `single` is the same without the access log.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toGlobalId } from '../src/graph/ids.js';
import { DEMO } from '../src/simulator/index.js';
import { startChild, stopChildren } from './children.js';
import { runGatewayChild } from './in-process.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const job = DEMO.restoreJobs.automated;
const single = `{ node(id: "${toGlobalId('CloudBackupRestoreJob', job.groupId, job.clusterName, job.id)}") { ... on CloudBackupRestoreJob { id deliveryType finishedAt } } }`;

interface Case {
  name: string;
  operation: 'dashboard' | 'single';
  features: string;
  dist: string;
  warmup: number;
  measure: number;
}

interface Counted extends Case {
  instructions: number;
  compiler: number;
  cpuUs: number;
}

const dist = join(root, 'dist');
const dashboard = { operation: 'dashboard' as const, warmup: 300, measure: 100 };
const singleOp = { operation: 'single' as const, warmup: 1500, measure: 1000 };
const allCases: Record<string, Case> = {
  dashboard: { name: 'example dashboard', features: 'plain', dist, ...dashboard },
  single: { name: 'single resource', features: 'plain', dist, ...singleOp },
  // The gateway as `npm start` runs it (its access log on), which metrics and tracing are compared with.
  shipped: { name: 'single resource, as shipped (access log)', features: 'log', dist, ...singleOp },
  metrics: { name: 'single resource, shipped + metrics', features: 'log+metrics', dist, ...singleOp },
  tracing: {
    name: 'single resource, shipped + metrics + tracing (every operation)',
    features: 'log+metrics+tracing:1',
    dist,
    ...singleOp,
  },
  'tracing-tenth': {
    name: 'single resource, shipped + metrics + tracing (10% of new traces)',
    features: 'log+metrics+tracing:0.1',
    dist,
    ...singleOp,
  },
};

// V8's optimizing compilers, by the namespaces and classes their functions carry in callgrind's listing.
const compilerFunction =
  /v8::internal::(compiler|maglev|turboshaft)::|OptimizingCompileDispatcher|TurbofanCompilationJob|PipelineImpl/;

function count(file: string): { instructions: number; compiler: number } {
  const listing = execFileSync('callgrind_annotate', ['--threshold=100', file], {
    encoding: 'utf8',
    maxBuffer: 256 * 2 ** 20,
  });
  let instructions = 0;
  let compiler = 0;
  for (const line of listing.split('\n')) {
    const match = /^\s*([\d,]+) (?:\([^)]*\))?\s+(.*)$/.exec(line);
    if (!match) continue;
    const ir = Number(match[1]!.replaceAll(',', ''));
    if (match[2]!.includes('PROGRAM TOTALS')) instructions = ir;
    else if (compilerFunction.test(match[2]!)) compiler += ir;
  }
  return { instructions, compiler };
}

async function run(testCase: Case, upstream: string, otlp: string, dir: string): Promise<Counted> {
  const out = join(dir, `${testCase.name.replace(/\W+/g, '-')}-${testCase.dist === dist ? 'this' : 'base'}.callgrind`);
  const { cpuUs } = await runGatewayChild(
    ['valgrind', '--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${out}`],
    {
      dist: testCase.dist,
      upstreamUrl: upstream,
      otlpUrl: otlp,
      operation: testCase.operation,
      document: testCase.operation === 'dashboard' ? join(root, 'examples/backup-dashboard.graphql') : single,
      features: testCase.features,
      warmup: testCase.warmup,
      measure: testCase.measure,
    },
    { UNDER_CALLGRIND: '1' },
  ).catch((error: unknown) => {
    throw new Error(`${testCase.name}: ${String(error)}`);
  });
  return { ...testCase, ...count(out), cpuUs };
}

const wanted = (process.env['INSTRUCTION_CASES'] ?? Object.keys(allCases).join(',')).split(',');
const cases = wanted.map((key) => {
  const found = allCases[key];
  if (!found) throw new Error(`unknown case ${key}; known: ${Object.keys(allCases).join(', ')}`);
  return found;
});
const base = process.env['BASE_DIST'];
if (base) cases.unshift({ ...allCases['dashboard']!, name: 'example dashboard (BASE_DIST)', dist: base });

execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
const upstream = await startChild('./upstream.ts', { LATENCY_MS: '0' });
const sink = await startChild('./otlp-sink.ts', {});
const dir = mkdtempSync(join(tmpdir(), 'bench-instructions-'));
const results: Counted[] = [];
try {
  // Two at a time: the machine's two cores (counts do not depend on it, only the wall time).
  const queue = [...cases];
  await Promise.all(
    [0, 1].map(async () => {
      for (let next = queue.shift(); next; next = queue.shift())
        results.push(await run(next, upstream.url, sink.url, dir));
    }),
  );
} finally {
  stopChildren();
}

const per = (r: Counted, x: number) => x / r.measure / 1e6;
const byName = (name: string) => results.find((r) => r.name === name);
console.log(`\n## Instructions per operation (callgrind), ${new Date().toISOString()}\n`);
console.log(
  'Counted in the compiled gateway process only, between warm-up and the end of the measured operations ' +
    '(`yoga.fetch`, Atlas = the simulator over loopback in another process). "Without the JIT" leaves out V8\'s ' +
    `optimizing compilers. Callgrind files: ${dir}.\n`,
);
console.log(
  '| case | warm-up + measured | instructions/op (M) | without the JIT (M) | vs shipped / base (without the JIT) |',
);
console.log('|---|---:|---:|---:|---:|');
const shippedSingle = byName(allCases['shipped']!.name);
const baseDashboard = byName('example dashboard (BASE_DIST)');
for (const r of cases.map((c) => byName(c.name)!)) {
  const rest = per(r, r.instructions - r.compiler);
  const against =
    r.operation === 'single' && r.features.includes('metrics') && shippedSingle
      ? per(shippedSingle, shippedSingle.instructions - shippedSingle.compiler)
      : r.name === allCases['dashboard']!.name && baseDashboard
        ? per(baseDashboard, baseDashboard.instructions - baseDashboard.compiler)
        : undefined;
  const ratio = against ? `${rest / against >= 1 ? '+' : ''}${((100 * (rest - against)) / against).toFixed(1)}%` : '';
  console.log(
    `| ${r.name} | ${r.warmup} + ${r.measure} | ${per(r, r.instructions).toFixed(2)} | ${rest.toFixed(2)} | ${ratio} |`,
  );
}
process.exit(0);
