/**
 * `npm run bench:soak`: the gateway under steady load from a faulty Atlas. 200 requests/s for 60 s
 * (SOAK_SECONDS, SOAK_RATE override) against the simulator injecting 5% HTTP 500, 2% HTTP 429
 * (Retry-After: 1) and 1% connection resets. Checks: the gateway never exits, every answer is
 * well-formed GraphQL, at least 99% of reads succeed, and the heap after a full GC stays flat.
 * Prints a Markdown report (bench/README.md keeps the last recorded run).
 */
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import autocannon from 'autocannon';
import { toGlobalId } from '../src/graph/ids.js';
import { DEMO, type FaultKind, type FaultPlan } from '../src/simulator/index.js';
import { ask, startChild, stopChildren } from './children.js';

const seconds = Number(process.env['SOAK_SECONDS'] ?? '60');
const rate = Number(process.env['SOAK_RATE'] ?? '200');
const plan: FaultPlan = process.env['SOAK_NO_FAULTS']
  ? {}
  : { rates: { status500: 0.05, status429: 0.02, reset: 0.01 }, retryAfterSeconds: 1, seed: 42 };

/**
 * What frontends poll: a restore job by id (1 Atlas call), or a cluster's latest k restore jobs with their
 * snapshots (2 calls). Picked at random per request across every demo job, cluster and k = 1..10, so that
 * concurrent requests rarely coalesce and the faults reach real calls.
 */
const documents = [
  ...Object.values(DEMO.restoreJobs).map(
    (j) =>
      `{ node(id: "${toGlobalId('CloudBackupRestoreJob', j.groupId, j.clusterName, j.id)}") { ... on CloudBackupRestoreJob { id deliveryType finishedAt } } }`,
  ),
  ...Object.values(DEMO.clusters).flatMap((c) =>
    Array.from(
      { length: 10 },
      (_, k) =>
        `{ node(id: "${toGlobalId('Cluster', c.groupId, c.name)}") { ... on Cluster { name restoreJobs(first: ${k + 1}) { nodes { atlasId snapshot { atlasId status } } } } } }`,
    ),
  ),
];
const randomBody = () => JSON.stringify({ query: documents[Math.floor(Math.random() * documents.length)] });

const tally = { answers: 0, ok: 0, fieldErrors: 0, malformed: 0, non200: 0, codes: new Map<string, number>() };
function check(status: number, body: string) {
  tally.answers++;
  if (status !== 200) tally.non200++;
  try {
    const parsed = JSON.parse(body) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    if (!('data' in parsed) && !parsed.errors) throw new Error('neither data nor errors');
    if (parsed.errors?.length) {
      tally.fieldErrors++;
      for (const e of parsed.errors) {
        const code = e.extensions?.code ?? 'none';
        tally.codes.set(code, (tally.codes.get(code) ?? 0) + 1);
      }
    } else tally.ok++;
  } catch {
    tally.malformed++;
  }
}

execSync('npm run --silent build', { stdio: 'inherit' });
const upstream = await startChild('./upstream.ts', { LATENCY_MS: '5', FAULTS: JSON.stringify(plan) });
const gateway = await startChild('./servers.ts', { MODE: 'gateway', UPSTREAM_URL: upstream.url });
let exited: number | null = null;
gateway.child.once('exit', (code) => (exited = code ?? -1));

const memory: { at: number; heapMiB: number; rssMiB: number }[] = [];
const sample = async (at: number) => {
  const m = await ask<{ rss: number; heapUsed: number }>(gateway.child, 'memory');
  memory.push({ at, heapMiB: m.heapUsed / 2 ** 20, rssMiB: m.rss / 2 ** 20 });
};

try {
  await sample(0);
  const started = Date.now();
  const sampler = setInterval(() => void sample(Math.round((Date.now() - started) / 1000)), 10_000);
  const result = await autocannon({
    url: gateway.url,
    connections: 100,
    overallRate: rate,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        method: 'POST' as const,
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: randomBody() }),
        onResponse: (status: number, body: string) => check(status, body),
      },
    ],
  });
  clearInterval(sampler);
  await sample(seconds);
  const injected = await ask<Record<FaultKind, number>>(upstream.child, 'faults');
  const { calls } = await ask<{ calls: number }>(upstream.child, 'calls');

  const success = tally.ok / tally.answers;
  const heaps = memory.map((m) => m.heapMiB);
  const settled = heaps.slice(1); // the first sample is before any load
  const growth = (settled.at(-1) ?? 0) - (settled[0] ?? 0);
  const lines = [
    `# Soak run ${new Date().toISOString()}`,
    `Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    `Load: ${rate} req/s for ${seconds} s, 100 connections, autocannon; ${documents.length} documents picked at random (a restore job by id: 1 Atlas call; a cluster's latest 1-10 restore jobs with their snapshots: 2 calls). Simulator latency 5 ms.`,
    `Faults injected by the simulator (of ${calls} Atlas requests): ${Object.entries(injected)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}.`,
    '',
    '| figure | value | target |',
    '|---|---:|---|',
    `| gateway exits | ${exited === null ? 0 : 1} | 0 |`,
    `| answers | ${tally.answers} (${(tally.answers / seconds).toFixed(0)}/s) | ${rate}/s |`,
    `| Atlas requests per answer | ${(calls / tally.answers).toFixed(2)} | - |`,
    `| not well-formed GraphQL | ${tally.malformed} | 0 |`,
    `| non-200 answers | ${tally.non200} | - |`,
    `| answers without errors | ${tally.ok} (**${(success * 100).toFixed(2)}%**) | >= 99% |`,
    `| answers with field errors | ${tally.fieldErrors} (${[...tally.codes].map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}) | - |`,
    `| latency p50 / p99 / max | ${result.latency.p50} / ${result.latency.p99} / ${result.latency.max} ms | - |`,
    `| socket errors / timeouts | ${result.errors} / ${result.timeouts} | 0 |`,
    `| heap after GC, every 10 s (MiB) | ${heaps.map((h) => h.toFixed(1)).join(', ')} | flat |`,
    `| heap growth from first loaded sample to last | ${growth.toFixed(1)} MiB | <= 10 MiB |`,
    `| RSS at end | ${memory.at(-1)?.rssMiB.toFixed(0)} MiB | - |`,
  ];
  console.log(lines.join('\n'));
  const pass = exited === null && tally.malformed === 0 && success >= 0.99 && growth <= 10 && result.errors === 0;
  console.log(`\nSoak ${pass ? 'PASSED' : 'FAILED'}`);
  process.exitCode = pass ? 0 : 1;
} finally {
  stopChildren();
}
