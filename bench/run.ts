/**
 * `npm run bench`: what the gateway costs, against the simulator on loopback.
 *  a. Atlas calls of representative frontend queries, beside the minimum the data allows;
 *  b. dashboard latency with 20 ms upstream latency, beside the critical-path floor;
 *  c. throughput and memory of a single-resource query (autocannon, c=20) against an instant upstream,
 *     beside a minimal hand-written graphql-yoga + undici server, in the same run;
 *  d. latency and memory as a cluster's restore-job list grows (30, 300, 3,000 jobs).
 * Figures are printed as a Markdown report (bench/README.md keeps the last recorded run).
 */
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import autocannon from 'autocannon';
import { createGateway, exampleQuery } from '../src/server/gateway.js';
import { toGlobalId } from '../src/graph/ids.js';
import { DEMO } from '../src/simulator/index.js';
import { ask, rssMiB, startChild, stopChildren } from './children.js';
import { atlasGet, startStack, type TestStack } from '../test/helpers/gateway.js';
import { cheapest, dashboardMinimum, V2023, type Page } from '../test/helpers/minimum.js';

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
  const clusters = await atlasGet<Page<{ name: string }>>(
    sim,
    `/groups/${payments}/clusters`,
    'application/vnd.atlas.2024-08-05+json',
  );
  const buckets = new Set<string>();
  for (const c of clusters.results) {
    const base = `/groups/${payments}/clusters/${c.name}/backup`;
    const exportJobs = await atlasGet<Page<{ exportBucketId: string; snapshotId?: string }>>(
      sim,
      `${base}/exports?itemsPerPage=50`,
      V2023,
    );
    const snaps = await atlasGet<Page<unknown>>(sim, `${base}/snapshots?itemsPerPage=1`, V2023);
    boardMin +=
      1 + cheapest(new Set(exportJobs.results.map((e) => e.snapshotId).filter(Boolean)).size, snaps.totalCount);
    for (const e of exportJobs.results) buckets.add(e.exportBucketId);
  }
  const bucketList = await atlasGet<Page<unknown>>(
    sim,
    `/groups/${payments}/backup/exportBuckets?itemsPerPage=1`,
    'application/vnd.atlas.2024-05-30+json',
  );
  boardMin += cheapest(buckets.size, bucketList.totalCount);
  rows.push(['export status board (one project, exports + bucket + snapshot)', await callsOf(stack, board), boardMin]);

  // Legacy restore batch view: one job, its batch, each member's checkpoint.
  const job = DEMO.legacy.restoreJob;
  const batchView = `{ node(id: "${toGlobalId('LegacyBackupRestoreJob', job.groupId, job.clusterName, job.id)}") { ... on LegacyBackupRestoreJob { batch { statusName delivery { statusName } checkpoint { timestamp restorable } } } } }`;
  const base = `/groups/${job.groupId}/clusters/${job.clusterName}`;
  const batch = await atlasGet<Page<{ checkpointId?: string }>>(
    sim,
    `${base}/restoreJobs?batchId=${DEMO.legacy.restoreBatchId}`,
    V2023,
  );
  const checkpoints = await atlasGet<Page<unknown>>(sim, `${base}/backupCheckpoints?itemsPerPage=1`, V2023);
  const batchMin =
    2 + cheapest(new Set(batch.results.map((j) => j.checkpointId).filter(Boolean)).size, checkpoints.totalCount);
  rows.push(['legacy restore batch view (job -> batch -> checkpoints)', await callsOf(stack, batchView), batchMin]);

  // nodes refetch of 50 ids: snapshots of several clusters.
  const ids: string[] = [];
  const refetchParents: number[] = [];
  for (const cluster of [
    DEMO.clusters.paymentsProd,
    DEMO.clusters.analyticsWarehouse,
    DEMO.clusters.paymentsLedger,
    DEMO.clusters.inventoryApi,
  ]) {
    const snaps = await atlasGet<Page<{ id: string }>>(
      sim,
      `/groups/${cluster.groupId}/clusters/${cluster.name}/backup/snapshots?itemsPerPage=500`,
      V2023,
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
  const gateway = createGateway({
    atlas: { baseUrl: upstream.url, auth: { mode: 'token', token: 'bench-token' } },
    graphiql: false,
  });
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

// c. Single-resource throughput and memory ------------------------------------------------------
async function partC() {
  execSync('npm run --silent build', { stdio: 'inherit' });
  const upstream = await startChild('./upstream.ts', { LATENCY_MS: '0' });
  const gateway = await startChild('./servers.ts', { MODE: 'gateway', UPSTREAM_URL: upstream.url });
  const handwritten = await startChild('./servers.ts', { MODE: 'handwritten', UPSTREAM_URL: upstream.url });
  const j = DEMO.restoreJobs.automated;
  const gatewayBody = JSON.stringify({
    query: `{ node(id: "${toGlobalId('CloudBackupRestoreJob', j.groupId, j.clusterName, j.id)}") { ... on CloudBackupRestoreJob { id deliveryType finishedAt } } }`,
  });
  const handwrittenBody = JSON.stringify({
    query: `{ restoreJob(groupId: "${j.groupId}", clusterName: "${j.clusterName}", id: "${j.id}") { id deliveryType finishedAt } }`,
  });
  await load(gateway.url, gatewayBody, 3); // warm-up (JIT, connection pools)
  await load(handwritten.url, handwrittenBody, 3);
  const gw: { rps: number; p99: number; errors: number }[] = [];
  const hw: typeof gw = [];
  for (let round = 0; round < 2; round++) {
    gw.push(await load(gateway.url, gatewayBody, 10));
    hw.push(await load(handwritten.url, handwrittenBody, 10));
  }
  const avg = (xs: typeof gw, k: 'rps' | 'p99' | 'errors') => xs.reduce((s, x) => s + x[k], 0) / xs.length;
  const gRss = rssMiB(gateway.child.pid);
  const hRss = rssMiB(handwritten.child.pid);
  say('\n## c. Single-resource query, autocannon c=20, 2 x 10 s each, instant upstream\n');
  say('| server | req/s | p99 | errors | RSS after |');
  say('|---|---:|---:|---:|---:|');
  say(
    `| this gateway (all production features) | ${avg(gw, 'rps').toFixed(0)} | ${avg(gw, 'p99').toFixed(0)} ms | ${avg(gw, 'errors')} | ${gRss.toFixed(0)} MiB |`,
  );
  say(
    `| hand-written yoga + undici | ${avg(hw, 'rps').toFixed(0)} | ${avg(hw, 'p99').toFixed(0)} ms | ${avg(hw, 'errors')} | ${hRss.toFixed(0)} MiB |`,
  );
  say(
    `\nThroughput ratio gateway / hand-written: **${(avg(gw, 'rps') / avg(hw, 'rps')).toFixed(2)}x**; memory ratio ${(gRss / hRss).toFixed(2)}x.`,
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
    const gateway = createGateway({
      atlas: { baseUrl: upstream.url, auth: { mode: 'token', token: 'bench-token' } },
      graphiql: false,
    });
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

// BENCH_PARTS=ac runs only parts a and c.
const parts = process.env['BENCH_PARTS'] ?? 'abcd';
try {
  if (parts.includes('a')) await partA();
  if (parts.includes('b')) await partB();
  if (parts.includes('c')) await partC();
  if (parts.includes('d')) await partD();
} finally {
  stopChildren();
}
process.exit(0);
