/**
 * `npm run bench`: what the gateway costs, against the simulator on loopback.
 *  a. Atlas calls of representative frontend queries, beside the minimum the data allows;
 *  b. dashboard latency with 20 ms upstream latency, beside the critical-path floor;
 *  c. throughput and memory (RSS sampled under load) of a single-resource query (autocannon, c=20) against
 *     an instant upstream, beside a minimal hand-written graphql-yoga + undici server, in the same run;
 *  d. latency and memory as a cluster's restore-job list grows (30, 300, 3,000 jobs);
 *  e. the gateway's process CPU time per example dashboard and per single-resource query against an
 *     instant upstream, beside the hand-written server's per single-resource query (median of 3 rounds);
 *  f. what metrics and tracing cost on the single-resource query (bench/overhead.ts).
 * Figures are printed as a Markdown report (bench/README.md keeps the last recorded run).
 */
import { execSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import autocannon from 'autocannon';
import { createGateway, deploymentsQuery, exampleQuery } from '../src/server/gateway.js';
import { toGlobalId } from '../src/graph/ids.js';
import { DEMO } from '../src/simulator/index.js';
import { ask, peakRssMiB, rssMiB, sampleRss, startChild, stopChildren } from './children.js';
import { recordAnswers } from './recorded.js';
import { gatewayOptionsFor } from './in-process.js';
import { clientsWithOwnTokens, drive, measureCpu, type CpuMeasure, type BenchRequest, type Server } from './cpu.js';
import { atlas, startStack, type TestStack } from '../support/stack.js';
import { partF } from './overhead.js';
import { cheapest, dashboardMinimum, deploymentsMinimum, type Page } from '../support/minimum.js';

const dashboard = exampleQuery;
const out: string[] = [];
const say = (line = '') => {
  out.push(line);
  console.log(line);
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)] ?? 0;

say(`# Benchmark run ${new Date().toISOString()}`);
say(
  `Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);

// a. Calls beside the minimum -------------------------------------------------------------------
async function callsOf(stack: TestStack, document: string, variables?: Record<string, unknown>) {
  stack.simulator.resetCalls();
  const { errors } = await stack.query(document, variables);
  if (errors) throw new Error(`query failed: ${JSON.stringify(errors[0])}`);
  return stack.simulator.callCount();
}

async function partA() {
  const stack = await startStack();
  const rows: [string, number, number][] = [];
  const sim = stack.simulator;

  rows.push([
    'backup dashboard (3 projects, clusters, restore jobs + snapshots, exports + buckets)',
    await callsOf(stack, dashboard),
    await dashboardMinimum(sim),
  ]);

  // Export status board: one project's clusters, exports with bucket and snapshot.
  const payments = DEMO.projects.payments.id;
  const board = `{ project(id: "${payments}") { clusters { nodes { name exports(first: 50) { nodes { state exportStatus { exportedCollections totalCollections } exportBucket { bucketName } snapshot { createdAt } } } } } } }`;
  let boardMin = 2;
  const clusters = await atlas<Page<{ name: string }>>(sim, 'listClusters', { groupId: payments });
  const buckets = new Set<string>();
  for (const c of clusters.results) {
    const cluster = { groupId: payments, clusterName: c.name };
    const exportJobs = await atlas<Page<{ exportBucketId: string; snapshotId?: string }>>(
      sim,
      'listBackupExports',
      cluster,
      { itemsPerPage: 50 },
    );
    const snaps = await atlas<Page<unknown>>(sim, 'listBackupSnapshots', cluster, { itemsPerPage: 1 });
    boardMin +=
      1 + cheapest(new Set(exportJobs.results.map((e) => e.snapshotId).filter(Boolean)).size, snaps.totalCount);
    for (const e of exportJobs.results) buckets.add(e.exportBucketId);
  }
  const bucketList = await atlas<Page<unknown>>(sim, 'listExportBuckets', { groupId: payments }, { itemsPerPage: 1 });
  boardMin += cheapest(buckets.size, bucketList.totalCount);
  rows.push(['export status board (one project, exports + bucket + snapshot)', await callsOf(stack, board), boardMin]);

  // Legacy restore batch view: one job and its batch.
  const job = DEMO.legacy.restoreJob;
  // Atlas does not return a legacy job's checkpointId (write-only in its spec), so a batch leads to no checkpoint.
  const batchView = `{ node(id: "${toGlobalId('LegacyBackupRestoreJob', job.groupId, job.clusterName, job.id)}") { ... on LegacyBackupRestoreJob { batch { statusName delivery { statusName } } } } }`;
  // The job, then its batch's list.
  const batchMin = 2;
  rows.push(['legacy restore batch view (job -> batch)', await callsOf(stack, batchView), batchMin]);

  // nodes refetch of 50 ids: snapshots of several clusters.
  const ids: string[] = [];
  const refetchParents: number[] = [];
  for (const cluster of [
    DEMO.clusters.paymentsProd,
    DEMO.clusters.analyticsWarehouse,
    DEMO.clusters.paymentsLedger,
    DEMO.clusters.inventoryApi,
  ]) {
    const snaps = await atlas<Page<{ id: string }>>(
      sim,
      'listBackupSnapshots',
      { groupId: cluster.groupId, clusterName: cluster.name },
      { itemsPerPage: 500 },
    );
    const take = snaps.results.slice(0, 50 - ids.length);
    ids.push(...take.map((s) => toGlobalId('Snapshot', cluster.groupId, cluster.name, s.id)));
    refetchParents.push(cheapest(take.length, snaps.totalCount));
    if (ids.length >= 50) break;
  }
  rows.push([
    `nodes(ids:) refetch of ${ids.length} snapshots`,
    await callsOf(stack, `query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids }),
    refetchParents.reduce((a, b) => a + b, 0),
  ]);

  // Every Flex cluster of a project, with its snapshots and its restore jobs' snapshots: one list per level.
  const analytics = DEMO.projects.analytics.id;
  const flexBoard = `{ project(id: "${analytics}") { flexClusters { nodes { name snapshots(first: 20) { nodes { status } } restoreJobs(first: 20) { nodes { status snapshot { createdAt } } } } } } }`;
  let flexMin = 2;
  const flexClusters = await atlas<Page<{ name: string }>>(sim, 'listFlexClusters', { groupId: analytics });
  for (const c of flexClusters.results) {
    const flex = { groupId: analytics, name: c.name };
    const snaps = await atlas<Page<{ id: string }>>(sim, 'listFlexBackupSnapshots', flex, { itemsPerPage: 20 });
    const jobs = await atlas<Page<{ snapshotId?: string }>>(sim, 'listFlexRestoreJobs', flex, { itemsPerPage: 20 });
    const held = new Set(snaps.results.map((snap) => snap.id));
    const outside = new Set(jobs.results.map((j) => j.snapshotId).filter((id) => id && !held.has(id)));
    flexMin += 2 + cheapest(outside.size, snaps.totalCount);
  }
  rows.push([
    'Flex board (one project: Flex clusters, snapshots, restore jobs + their snapshots)',
    await callsOf(stack, flexBoard),
    flexMin,
  ]);

  // Every deployment of every family, post-sunset (examples/deployments.graphql, GraphiQL's second tab).
  sim.setServerlessBackup('sunset');
  rows.push([
    'deployments view (3 projects, every family, latest snapshot, restore jobs, schedule)',
    await callsOf(stack, deploymentsQuery),
    await deploymentsMinimum(sim),
  ]);
  sim.setServerlessBackup('available');

  const jobId = toGlobalId(
    'CloudBackupRestoreJob',
    DEMO.restoreJobs.automated.groupId,
    DEMO.restoreJobs.automated.clusterName,
    DEMO.restoreJobs.automated.id,
  );
  const aliases = `{ ${[1, 2, 3, 4, 5].map((i) => `a${i}: node(id: "${jobId}") { ... on CloudBackupRestoreJob { state } }`).join(' ')} }`;
  rows.push(['5 aliases of the same restore job', await callsOf(stack, aliases), 1]);
  await stack.close();

  say('\n## a. Atlas calls per query (lower is better; minimum = fewest calls the data allows)\n');
  say('| query | calls | minimum |');
  say('|---|---:|---:|');
  for (const [name, calls, min] of rows) say(`| ${name} | ${calls} | ${min} |`);
}

// b. Dashboard latency at 20 ms upstream latency ------------------------------------------------
async function partB() {
  // Upstream in its own process, so its timers and JSON work do not share this event loop.
  const upstream = await startChild('./upstream.ts', { LATENCY_MS: '20' });
  const gateway = createGateway(gatewayOptionsFor('plain', upstream.url));
  const run = async () => {
    const response = await gateway.yoga.fetch('http://bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: dashboard }),
    });
    if (!response.ok) throw new Error(`dashboard failed: ${response.status}`);
    await response.json();
  };
  const times: number[] = [];
  for (let i = 0; i < 3; i++) await run(); // warm-up
  for (let i = 0; i < 15; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  await gateway.close();
  upstream.child.kill('SIGTERM');
  // Critical path of any plan: projects -> clusters -> restore-job/export lists -> snapshots/buckets.
  const depth = 4;
  say('\n## b. Dashboard latency, upstream latency 20 ms (upstream in its own process)\n');
  say('| median | p90 | floor (round-trip depth x 20 ms) |');
  say('|---:|---:|---:|');
  say(`| ${median(times).toFixed(1)} ms | ${p90(times).toFixed(1)} ms | ${depth * 20} ms (depth ${depth}) |`);
}

async function load(url: string, body: string, seconds: number) {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: 20,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

/** Parts c and e run the gateway compiled, as production does: dist/ is built once per run. */
let built = false;
function buildOnce() {
  if (built) return;
  execSync('npm run --silent build', { stdio: 'inherit' });
  built = true;
}

/** The single-resource question: one restore job by id, one Atlas GET, asked of each server its own way. */
function singleResourceBodies(j: { groupId: string; clusterName: string; id: string } = DEMO.restoreJobs.automated) {
  return {
    gatewayBody: JSON.stringify({
      query: `{ node(id: "${toGlobalId('CloudBackupRestoreJob', j.groupId, j.clusterName, j.id)}") { ... on CloudBackupRestoreJob { id deliveryType finishedAt } } }`,
    }),
    handwrittenBody: JSON.stringify({
      query: `{ restoreJob(groupId: "${j.groupId}", clusterName: "${j.clusterName}", id: "${j.id}") { id deliveryType finishedAt } }`,
    }),
  };
}

// c. Single-resource throughput and memory ------------------------------------------------------
async function partC() {
  buildOnce();
  const upstream = await startChild('./upstream.ts', { LATENCY_MS: '0' });
  const gateway = await startChild('./servers.ts', { MODE: 'gateway', UPSTREAM_URL: upstream.url });
  const handwritten = await startChild('./servers.ts', { MODE: 'handwritten', UPSTREAM_URL: upstream.url });
  const { gatewayBody, handwrittenBody } = singleResourceBodies();
  await load(gateway.url, gatewayBody, 3); // warm-up (JIT, connection pools)
  await load(handwritten.url, handwrittenBody, 3);
  const gw: { rps: number; p99: number; errors: number }[] = [];
  const hw: typeof gw = [];
  // RSS is sampled every 500 ms while each server is under load: one reading after the runs depends on
  // where the last GC fell (it moved the ratio between 1.13x and 1.47x across runs).
  const gSamples: number[] = [];
  const hSamples: number[] = [];
  const loaded = async (server: { child: ChildProcess; url: string }, body: string, samples: number[]) => {
    const sampler = sampleRss(server.child.pid);
    try {
      return await load(server.url, body, 10);
    } finally {
      samples.push(...sampler.stop());
    }
  };
  for (let round = 0; round < 2; round++) {
    gw.push(await loaded(gateway, gatewayBody, gSamples));
    hw.push(await loaded(handwritten, handwrittenBody, hSamples));
  }
  const avg = (xs: typeof gw, k: 'rps' | 'p99' | 'errors') => xs.reduce((s, x) => s + x[k], 0) / xs.length;
  const gRss = rssMiB(gateway.child.pid);
  const hRss = rssMiB(handwritten.child.pid);
  const gPeak = peakRssMiB(gateway.child.pid);
  const hPeak = peakRssMiB(handwritten.child.pid);
  say('\n## c. Single-resource query, autocannon c=20, 2 x 10 s each, instant upstream\n');
  say('| server | req/s | p99 | errors | RSS under load (median of 0.5 s samples) | peak RSS | RSS after |');
  say('|---|---:|---:|---:|---:|---:|---:|');
  say(
    `| this gateway (all production features) | ${avg(gw, 'rps').toFixed(0)} | ${avg(gw, 'p99').toFixed(0)} ms | ${avg(gw, 'errors')} | ` +
      `${median(gSamples).toFixed(0)} MiB | ${gPeak.toFixed(0)} MiB | ${gRss.toFixed(0)} MiB |`,
  );
  say(
    `| hand-written yoga + undici | ${avg(hw, 'rps').toFixed(0)} | ${avg(hw, 'p99').toFixed(0)} ms | ${avg(hw, 'errors')} | ` +
      `${median(hSamples).toFixed(0)} MiB | ${hPeak.toFixed(0)} MiB | ${hRss.toFixed(0)} MiB |`,
  );
  say(
    `\nThroughput ratio gateway / hand-written: **${(avg(gw, 'rps') / avg(hw, 'rps')).toFixed(2)}x**; RSS ratio under load ` +
      `**${(median(gSamples) / median(hSamples)).toFixed(2)}x** (peak ${(gPeak / hPeak).toFixed(2)}x, after the runs ${(gRss / hRss).toFixed(2)}x).`,
  );
  for (const c of [gateway, handwritten, upstream]) c.child.kill('SIGTERM');
}

// d. Growth with list size ----------------------------------------------------------------------
async function partD() {
  say("\n## d. One cluster's whole restore-job list, paged with first: 500\n");
  say('| restore jobs | Atlas calls | latency | heap growth |');
  say('|---:|---:|---:|---:|');
  const { groupId, name } = DEMO.clusters.paymentsProd;
  const document = `query ($after: String) { project(id: "${groupId}") { cluster(name: "${name}") { restoreJobs(first: 500, after: $after) { pageInfo { hasNextPage endCursor } nodes { id state deliveryType finishedAt } } } } }`;
  for (const size of [30, 300, 3000]) {
    const upstream = await startChild('./upstream.ts', { RESTORE_JOBS: String(size - 8) });
    const gateway = createGateway(gatewayOptionsFor('plain', upstream.url));
    const run = async () => {
      let after: string | null = null;
      let count = 0;
      for (;;) {
        const response = await gateway.yoga.fetch('http://bench/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: document, variables: { after } }),
        });
        const body = (await response.json()) as {
          data: {
            project: {
              cluster: { restoreJobs: { nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
            };
          };
        };
        const page = body.data.project.cluster.restoreJobs;
        count += page.nodes.length;
        if (!page.pageInfo.hasNextPage) return count;
        after = page.pageInfo.endCursor;
      }
    };
    await run(); // warm-up
    upstream.child.send('reset');
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const start = performance.now();
    const count = await run();
    const elapsed = performance.now() - start;
    const heapAfter = process.memoryUsage().heapUsed;
    const { calls } = await ask<{ calls: number }>(upstream.child, 'calls');
    say(`| ${count} | ${calls} | ${elapsed.toFixed(0)} ms | ${((heapAfter - heapBefore) / 2 ** 20).toFixed(1)} MiB |`);
    await gateway.close();
    upstream.child.kill('SIGTERM');
  }
}

// e. Process CPU per operation -------------------------------------------------------------------
async function partE() {
  buildOnce();
  const loadBefore = loadavg();
  // As in part c: simulator, compiled gateway, hand-written server, each in its own process. Concurrent
  // clients ask different things, so that concurrent identical GETs (which the gateway coalesces) do not
  // make the concurrent figures cheaper than the work they stand for: each client its own restore job for
  // the single-resource query, and for the dashboard its own Atlas token, through a second gateway process
  // in forward mode (the same code path plus one HMAC per request).
  const dashboardBody = JSON.stringify({ query: dashboard });
  const ownTokens = clientsWithOwnTokens(dashboardBody, 4);
  const upstream = await startChild('./upstream.ts', { LATENCY_MS: '0', BEARER_TOKENS: ownTokens.bearerTokens });
  const gateway = await startChild('./servers.ts', { MODE: 'gateway', UPSTREAM_URL: upstream.url });
  const forward = await startChild('./servers.ts', {
    MODE: 'gateway',
    FEATURES: 'forward',
    UPSTREAM_URL: upstream.url,
  });
  const handwritten = await startChild('./servers.ts', { MODE: 'handwritten', UPSTREAM_URL: upstream.url });
  // The same gateway with Atlas's answers to the dashboard served from memory: no Atlas socket, all its own work.
  const answers = join(mkdtempSync(join(tmpdir(), 'atlas-bench-')), 'dashboard-answers.json');
  await recordAnswers(dashboard, answers);
  const offline = await startChild('./servers.ts', {
    MODE: 'gateway',
    UPSTREAM_URL: upstream.url,
    RECORDED_ANSWERS: answers,
  });
  const jobs = [
    DEMO.restoreJobs.automated,
    DEMO.restoreJobs.download,
    DEMO.restoreJobs.pointInTime,
    DEMO.restoreJobs.inProgress,
  ];
  const singles = jobs.map(singleResourceBodies);
  const cases: {
    operation: string;
    name: string;
    server: Server;
    requests: string | BenchRequest[];
    count: number;
    concurrency: number;
    /** Whose Atlas calls the simulator counts (none when the answers come from memory). */
    upstream?: ChildProcess;
  }[] = [
    {
      operation: 'example dashboard',
      name: 'this gateway',
      server: gateway,
      requests: dashboardBody,
      count: 300,
      concurrency: 1,
      upstream: upstream.child,
    },
    {
      operation: 'example dashboard',
      name: 'this gateway, Atlas answers from memory (no Atlas sockets)',
      server: offline,
      requests: dashboardBody,
      count: 300,
      concurrency: 1,
    },
    {
      operation: 'example dashboard',
      name: 'this gateway (forward mode, a token per client)',
      server: forward,
      requests: ownTokens.requests,
      count: 300,
      concurrency: 4,
      upstream: upstream.child,
    },
  ];
  for (const concurrency of [1, 4]) {
    const per = concurrency === 1 ? singles.slice(0, 1) : singles;
    cases.push({
      operation: 'single resource',
      name: 'this gateway',
      server: gateway,
      requests: per.map((b) => ({ body: b.gatewayBody })),
      count: 2000,
      concurrency,
      upstream: upstream.child,
    });
    cases.push({
      operation: 'single resource',
      name: 'hand-written yoga + undici',
      server: handwritten,
      requests: per.map((b) => ({ body: b.handwrittenBody })),
      count: 2000,
      concurrency,
      upstream: upstream.child,
    });
  }
  // Warm-up: JIT, connection pools, yoga's document caches.
  for (const c of cases) await drive(c.server.url, c.requests, c.count, c.concurrency);
  const rounds = 3;
  const measured: CpuMeasure[][] = cases.map(() => []);
  // Rounds interleave the cases, so a slow spell of the machine spreads over all of them.
  for (let round = 0; round < rounds; round++) {
    for (const [i, c] of cases.entries()) {
      measured[i]?.push(await measureCpu(c.server, c.requests, c.count, c.concurrency, c.upstream));
    }
  }
  for (const c of [gateway, offline, forward, handwritten, upstream]) c.child.kill('SIGTERM');
  rmSync(dirname(answers), { recursive: true, force: true });

  const middle = (xs: CpuMeasure[]) => [...xs].sort((a, b) => a.cpuUs - b.cpuUs)[Math.floor(xs.length / 2)];
  const cpuOf = (operation: string, name: string, concurrency: number) => {
    const i = cases.findIndex((c) => c.operation === operation && c.name === name && c.concurrency === concurrency);
    return middle(measured[i] ?? [])?.cpuUs ?? NaN;
  };
  say('\n## e. Server process CPU per operation, instant upstream (median of 3 rounds)\n');
  say(
    "CPU is the server process's own `process.cpuUsage()` (user + system) over a batch, divided by the batch; " +
      'the client and the simulator run in other processes. Each measured batch follows an unmeasured tenth of it. ' +
      "Main thread: JavaScript, the event loop and GC pauses; helper threads: V8's concurrent GC and compilers, libuv. " +
      'At concurrency 4 each client asks for its own restore job, or sends the dashboard with its own token (forward mode), ' +
      'so no Atlas call is shared between operations (the calls column shows it). ' +
      `Load average before / after: ${loadBefore.map((x) => x.toFixed(2)).join(', ')} / ${loadavg()
        .map((x) => x.toFixed(2))
        .join(', ')} ` +
      '(other work on the 2 cores inflates CPU time too).\n',
  );
  say(
    '| operation | server | concurrency | ops / round | CPU µs/op | main thread | V8 helper threads | system | rounds (µs/op) | wall ms/op | Atlas calls/op | simulator CPU µs/op |',
  );
  say('|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|');
  for (const [i, c] of cases.entries()) {
    const all = measured[i] ?? [];
    const m = middle(all);
    if (!m) continue;
    say(
      `| ${c.operation} | ${c.name} | ${c.concurrency} | ${c.count} | **${m.cpuUs.toFixed(0)}** | ${m.mainUs?.toFixed(0) ?? '-'} | ` +
        `${m.mainUs === undefined ? '-' : (m.cpuUs - m.mainUs).toFixed(0)} | ${m.systemUs.toFixed(0)} | ` +
        `${all.map((x) => x.cpuUs.toFixed(0)).join(', ')} | ${m.wallMs.toFixed(2)} | ${m.calls?.toFixed(1) ?? '-'} | ` +
        `${m.upstreamCpuUs?.toFixed(0) ?? '-'} |`,
    );
  }
  const dash = cpuOf('example dashboard', 'this gateway', 1);
  const own = cpuOf('example dashboard', 'this gateway, Atlas answers from memory (no Atlas sockets)', 1);
  const single = cpuOf('single resource', 'this gateway', 1);
  const hand = cpuOf('single resource', 'hand-written yoga + undici', 1);
  // The machine's speed drifts between runs (other tenants on the host): a figure in units of the
  // hand-written server's single-resource request, measured in the same round, drifts much less.
  const perRound = (operation: string, name: string, concurrency: number, unitConcurrency: number) => {
    const at = (o: string, n: string, c: number) =>
      measured[cases.findIndex((x) => x.operation === o && x.name === n && x.concurrency === c)] ?? [];
    const unit = at('single resource', 'hand-written yoga + undici', unitConcurrency);
    return median(at(operation, name, concurrency).map((m, round) => m.cpuUs / (unit[round]?.cpuUs ?? NaN)));
  };
  say(
    `\nSequential: the dashboard costs **${dash.toFixed(0)} µs** of gateway CPU (${(dash / single).toFixed(1)}x a single-resource query, ` +
      `${single.toFixed(0)} µs); single-resource CPU gateway / hand-written: **${(single / hand).toFixed(2)}x** (${hand.toFixed(0)} µs hand-written). ` +
      `Of the dashboard's CPU, ${own.toFixed(0)} µs (${((100 * own) / dash).toFixed(0)}%) is the gateway's own work with Atlas answering from memory; ` +
      `the other ${(dash - own).toFixed(0)} µs go to its Atlas HTTP exchanges over loopback (sockets, HTTP, event-loop turns).`,
  );
  say(
    `\nIn units of the hand-written server's single-resource request (median over rounds of the ratio within each round): ` +
      `the dashboard **${perRound('example dashboard', 'this gateway', 1, 1).toFixed(2)}**; ` +
      `the gateway's single-resource request ${perRound('single resource', 'this gateway', 1, 1).toFixed(2)} ` +
      `(${perRound('single resource', 'this gateway', 4, 4).toFixed(2)} at concurrency 4).`,
  );
}

// BENCH_PARTS=ac runs only parts a and c.
const parts = process.env['BENCH_PARTS'] ?? 'abcdef';
try {
  if (parts.includes('a')) await partA();
  if (parts.includes('b')) await partB();
  if (parts.includes('c')) await partC();
  if (parts.includes('d')) await partD();
  if (parts.includes('e')) await partE();
  if (parts.includes('f')) {
    buildOnce();
    await partF(say, singleResourceBodies().gatewayBody);
  }
} finally {
  stopChildren();
}
process.exit(0);
