/**
 * `BASE_DIST=<another build's dist> npm run bench:against-base`: process CPU per example dashboard of this
 * tree's compiled gateway against another build's, in one run. Each build is held in a long-lived process of
 * its own (bench/paired-child.ts), both pinned to CPU 0 where `taskset` exists, serving HTTP on 127.0.0.1
 * as production does (OVER=http, the default; OVER=fetch sends the dashboards through `yoga.fetch` inside
 * the gateway's process instead). They warm up first, WARMUP dashboards each, taking turns in windows of
 * WARMUP_WINDOW; then ROUNDS rounds of BATCH dashboards per build, the order alternating between rounds, each
 * batch's CPU (user + system, all threads) read by the gateway's own process; this process sends the
 * dashboards from CPU 1, one at a time (CONCURRENCY=n: n in flight, each client with its own token). Atlas is
 * the simulator in another process (CPU 1), over loopback. Both builds run on the Node that runs this script:
 * with another Node first on PATH (the Docker image's Node 22, say), the comparison is made on that one.
 *
 * Why turns of a few dashboards: this VM's speed drifts by tens of percent within seconds, so two processes
 * run one after the other (this script's first form: one process per build and round, 1,000 dashboards
 * each) gave round ratios from 0.44 to 0.66 for the same two builds. Batches of 25 dashboards (about 0.1 s)
 * meet nearly the same machine; the figure is the median of the round ratios (this build / base), with its
 * quartiles and the ratio of the summed CPU beside it.
 *
 * Why 15,000 dashboards of warm-up by default: V8 keeps optimizing (TurboFan) the functions of yoga, graphql-jit's
 * code and the gateway for thousands of dashboards. With `--trace-opt`, Node 20 still compiled functions after
 * 3,000 dashboards and Node 22 after 14,000, and each build's CPU per dashboard falls by a third to a half
 * over that time; a replica serving dashboards all day runs in the state after it. The warm-up's windows are
 * printed: they show both builds settle, and their ratio is the figure measured in long turns (the rounds'
 * short turns make each build meet caches the other just filled, which costs the larger build more).
 *
 * ATLAS=memory takes the network to Atlas away: the simulator's answers to the dashboard are recorded once
 * (bench/recorded.ts) and both builds get them from memory (bench/recorded-atlas.ts), so the ratio is the
 * one of the gateways' own work (planning, loaders, transport, parsing, execution, the inbound HTTP), without
 * the 26 Atlas HTTP exchanges, which the two builds make alike. Both builds must answer the dashboard
 * identically (a build asking Atlas for anything else would get 404s): checked before the warm-up.
 *
 * Why HTTP by default: through `yoga.fetch` a request's body is a stream made from a string, and the
 * baseline's body-limit pipeline (src/server/plugins/request-body-limit.ts) cost more there than on a
 * request node's HTTP server hands over: the same two builds came out at 0.49 through `yoga.fetch` and
 * 0.52 to 0.55 over HTTP (bench/history/3-dashboard-cpu.md).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ask, canPin, pinSelf, startChild, stopChildren } from './children.js';
import { clientsWithOwnTokens, drive } from './cpu.js';
import { BENCH_TOKEN } from './credential.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const baseDist = process.env['BASE_DIST'];
if (!baseDist) throw new Error('BASE_DIST=<dist of the build to compare with> is required');
const rounds = Number(process.env['ROUNDS'] ?? '200');
const batch = Number(process.env['BATCH'] ?? '25');
const warmup = Number(process.env['WARMUP'] ?? '15000');
const warmupWindow = Number(process.env['WARMUP_WINDOW'] ?? '1000');
/**
 * Dashboards in flight at once (1: one after the other, the figure recorded so far). Above 1, as in bench part
 * e, each client sends its own Atlas token and both gateways run in forward mode: identical dashboards in
 * flight together would otherwise share their Atlas calls (coalescing), and the figure would stand for less
 * work than a dashboard's. The calls per dashboard are printed at the end.
 */
const concurrency = Number(process.env['CONCURRENCY'] ?? '1');
const overHttp = process.env['OVER'] !== 'fetch';
const fromMemory = process.env['ATLAS'] === 'memory';
if (fromMemory && !overHttp) throw new Error('ATLAS=memory compares the builds over HTTP only (OVER=http)');
if (concurrency > 1 && !overHttp) throw new Error('CONCURRENCY sends dashboards over HTTP only (OVER=http)');
/**
 * Both builds run without V8's memory reducer (MEMORY_REDUCER=on keeps it). Taking turns, each gateway sits
 * idle for seconds while the other serves, which a loaded replica does not. V8 notices the idle time, and the
 * reducer runs full collections then. With no operation in flight, those collections free objects that the
 * optimized code refers to weakly (hidden classes with no instance left, presumably); that code is thrown
 * away (`--trace-deopt`: "weak objects"), and the next thousand dashboards pay to optimize it again, about a
 * second of CPU each time. Under steady load this build went 50,000 dashboards without a full
 * collection (bench/history/3-dashboard-cpu.md, "The gateway's own work and its Atlas exchanges, apart").
 */
const v8Flags = process.env['MEMORY_REDUCER'] === 'on' ? [] : ['--no-memory-reducer'];
const document = `${root}examples/backup-dashboard.graphql`;
const query = readFileSync(document, 'utf8');
const body = JSON.stringify({ query });
const ownTokens = concurrency > 1 ? clientsWithOwnTokens(body, concurrency) : undefined;

execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
// Atlas: the simulator in another process, or its answers recorded once and served from memory.
const upstream = fromMemory
  ? undefined
  : await startChild(
      './upstream.ts',
      { LATENCY_MS: '0', BEARER_TOKENS: ownTokens?.bearerTokens ?? BENCH_TOKEN },
      [],
      1,
    );
const answersDir = fromMemory ? mkdtempSync(join(tmpdir(), 'against-base-')) : undefined;
const answers = answersDir ? join(answersDir, 'answers.json') : undefined;
if (answers) await (await import('./recorded.js')).recordAnswers(query, answers);

interface Held {
  child: ChildProcess;
  /** Where it serves HTTP (OVER=http). */
  url?: string;
}

/** Starts the gateway of `dist` in its own process (cold: the warm-up below takes turns). */
async function holdGateway(dist: string): Promise<Held> {
  const node = [
    process.execPath,
    ...v8Flags,
    '--import',
    'tsx',
    fileURLToPath(new URL('./paired-child.ts', import.meta.url)),
  ];
  const [command = '', ...args] = canPin ? ['/usr/bin/taskset', '-c', '0', ...node] : node;
  const child = spawn(command, args, {
    env: {
      ...process.env,
      DIST: dist,
      // With answers from memory no socket to Atlas is opened; the URL is never reached.
      UPSTREAM_URL: upstream?.url ?? 'http://127.0.0.1:9',
      ...(answers ? { ANSWERS: answers } : {}),
      DOCUMENT: document,
      OVER: overHttp ? 'http' : 'fetch',
      FEATURES: ownTokens ? 'forward' : 'plain',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const first = await new Promise<{ url?: string }>((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`gateway of ${dist} exited with ${code}`)));
  });
  return { child, url: first.url };
}

/** Atlas calls the simulator answered during the rounds, per build: alike, or the two did different work. */
const callsOf = new Map<Held, number>();

/** CPU µs per dashboard of `n` dashboards the gateway in `held` serves. */
async function cpuPerDashboard(held: Held, n: number): Promise<number> {
  if (!held.url) return (await ask<{ cpuUs: number }>(held.child, { dashboards: n })).cpuUs / n;
  upstream?.child.send('reset');
  await ask(held.child, { mark: true });
  await drive(held.url, ownTokens?.requests ?? body, n, concurrency);
  const { cpuUs } = await ask<{ cpuUs: number }>(held.child, { read: true });
  if (upstream) {
    const { calls } = await ask<{ calls: number }>(upstream.child, 'calls');
    callsOf.set(held, (callsOf.get(held) ?? 0) + calls);
  }
  return cpuUs / n;
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))] ?? NaN;
const sum = (xs: number[]) => xs.reduce((total, x) => total + x, 0);
const base: number[] = [];
const now: number[] = [];
const gateways: Held[] = [];
/** The warm-up's windows: CPU µs per dashboard of each build, after `through` dashboards each. */
const warming: { through: number; base: number; now: number }[] = [];
try {
  // This process is the HTTP client: on the other CPU, with the upstream.
  pinSelf(1);
  gateways.push(await holdGateway(baseDist), await holdGateway(`${root}dist`));
  const [baseGateway, thisGateway] = gateways as [Held, Held];
  if (fromMemory) {
    // Answers recorded for this build's calls: a build that asks Atlas for anything else meets 404s.
    const answerOf = (held: Held) =>
      fetch(held.url!, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.text());
    if ((await answerOf(baseGateway)) !== (await answerOf(thisGateway))) {
      throw new Error(
        'the two builds answer the dashboard differently from the recorded answers: ATLAS=memory cannot compare them',
      );
    }
  }
  // The warm-up, in turns too (the first build alternating), each window measured.
  for (let window = 0; window * warmupWindow < warmup; window++) {
    const size = Math.min(warmupWindow, warmup - window * warmupWindow);
    const baseFirst = window % 2 === 0;
    const first = await cpuPerDashboard(baseFirst ? baseGateway : thisGateway, size);
    const second = await cpuPerDashboard(baseFirst ? thisGateway : baseGateway, size);
    warming.push({
      through: window * warmupWindow + size,
      base: baseFirst ? first : second,
      now: baseFirst ? second : first,
    });
  }
  callsOf.clear();
  for (let round = 0; round < rounds; round++) {
    // Alternate which build goes first, so that neither always meets the machine just after the other.
    if (round % 2 === 0) {
      base.push(await cpuPerDashboard(baseGateway, batch));
      now.push(await cpuPerDashboard(thisGateway, batch));
    } else {
      now.push(await cpuPerDashboard(thisGateway, batch));
      base.push(await cpuPerDashboard(baseGateway, batch));
    }
  }
  for (const { child } of gateways) child.send({ stop: true });
} finally {
  for (const { child } of gateways) if (child.exitCode === null) child.kill('SIGTERM');
  stopChildren();
  if (answersDir) rmSync(answersDir, { recursive: true, force: true });
}

const ratios = now.map((x, i) => x / base[i]!);
if (warming.length > 0) {
  console.log(`\n## Warm-up from a cold start, in turns of ${warmupWindow} dashboards per build\n`);
  console.log('| dashboards per build | base µs/dashboard | this build µs/dashboard | this / base |');
  console.log('|---:|---:|---:|---:|');
  for (const w of warming) {
    console.log(`| ${w.through} | ${w.base.toFixed(0)} | ${w.now.toFixed(0)} | ${(w.now / w.base).toFixed(3)} |`);
  }
  const settled = warming.slice(Math.floor(warming.length / 2)).map((w) => w.now / w.base);
  console.log(
    `\nMedian ratio of the warm-up's second half (long turns): **${quantile(settled, 0.5).toFixed(3)}** ` +
      `(quartiles ${quantile(settled, 0.25).toFixed(3)}, ${quantile(settled, 0.75).toFixed(3)}).`,
  );
}
console.log(`\n## Process CPU per dashboard against BASE_DIST, ${new Date().toISOString()}\n`);
console.log(
  `BASE_DIST=${baseDist}; Node ${process.version}; ${overHttp ? 'over HTTP' : 'through yoga.fetch'}; ` +
    `Atlas ${fromMemory ? 'answering from memory (ATLAS=memory: no Atlas sockets)' : 'the simulator over loopback'}; ` +
    `V8's memory reducer ${v8Flags.length > 0 ? 'off (--no-memory-reducer)' : 'on (MEMORY_REDUCER=on)'}; ` +
    `${warmup} dashboards of warm-up, then ${rounds} rounds of ${batch} per build (short turns); ` +
    `${concurrency} dashboard${concurrency === 1 ? '' : 's'} in flight at once.\n`,
);
console.log('| | base µs/dashboard | this build µs/dashboard | this / base |');
console.log('|---|---:|---:|---:|');
for (const [label, q] of [
  ['first quartile', 0.25],
  ['**median**', 0.5],
  ['third quartile', 0.75],
] as const) {
  const ratio = quantile(ratios, q).toFixed(3);
  console.log(`| ${label} | ${quantile(base, q).toFixed(0)} | ${quantile(now, q).toFixed(0)} | ${ratio} |`);
}
console.log("\nEach column's quartiles are its own (the last is the round ratios', not a ratio of the first two).");
console.log(`\nRatio of the summed CPU: **${(sum(now) / sum(base)).toFixed(3)}**.`);
if (upstream && overHttp) {
  const [baseHeld, thisHeld] = gateways as [Held, Held];
  const perDashboard = (held: Held) => (callsOf.get(held) ?? 0) / (rounds * batch);
  console.log(
    `\nAtlas calls per dashboard in the rounds: base ${perDashboard(baseHeld).toFixed(2)}, ` +
      `this build ${perDashboard(thisHeld).toFixed(2)}.`,
  );
}
process.exit(0);
