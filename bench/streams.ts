/**
 * `npm run bench:streams`: 1,000 open streams on one restore job, held for 10 minutes, while the gateway's
 * memory is sampled. The gateway runs compiled in its own process at its default subscription settings
 * (a poll every 5 s); the simulator runs here, so the bench can change the job: every 30 s a harmless field
 * of it changes (its `components`), and every stream gets an event. Half the streams are SSE (one HTTP
 * connection each), half graphql-ws (100 per WebSocket). Prints a Markdown table: RSS and heap (after a
 * full GC) every 30 s, streams open, events delivered, Atlas calls.
 *
 * STREAMS (1000), STREAMS_SECONDS (600), STREAMS_TRANSPORT (mixed | sse | ws), STREAMS_CHANGE_EVERY (30 s),
 * STREAMS_SAMPLE_EVERY (30 s) override.
 */
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { createClient, type Client } from 'graphql-ws';
import { Agent, fetch } from 'undici';
import WebSocket from 'ws';
import { toGlobalId } from '../src/graph/ids.js';
import { DEMO, startSimulator } from '../src/simulator/index.js';
import { ask, startChild, stopChildren } from './children.js';
import { BENCH_TOKEN } from './credential.js';

const count = Number(process.env['STREAMS'] ?? '1000');
const seconds = Number(process.env['STREAMS_SECONDS'] ?? '600');
const transport = process.env['STREAMS_TRANSPORT'] ?? 'mixed';
const changeEvery = Number(process.env['STREAMS_CHANGE_EVERY'] ?? '30');
const sampleEvery = Number(process.env['STREAMS_SAMPLE_EVERY'] ?? '30');
/** Subscriptions per WebSocket: the gateway's default per-connection limit. */
const PER_SOCKET = 100;

const job = DEMO.restoreJobs.inProgress;
const query = /* GraphQL */ `
  subscription Watch($id: ID!) {
    cloudBackupRestoreJob(id: $id) {
      final
      error {
        code
      }
      restoreJob {
        id
        state
        finishedAt
        components {
          replicaSetName
        }
        snapshot {
          id
          createdAt
          storageSizeBytes
        }
      }
    }
  }
`;
const variables = { id: toGlobalId('CloudBackupRestoreJob', job.groupId, job.clusterName, job.id) };

execSync('npm run --silent build', { stdio: 'inherit' });
const simulator = await startSimulator({ bearerTokens: [BENCH_TOKEN] });
const entry = simulator.data.restoreJobs.find((j) => j.value.id === job.id);
if (!entry) throw new Error('the demo seed has no running restore job');
const gateway = await startChild('./streams-gateway.ts', { UPSTREAM_URL: simulator.url });
let exited: number | null = null;
gateway.child.once('exit', (code) => (exited = code ?? -1));

interface Memory {
  rss: number;
  heapUsed: number;
  rssAfterGc: number;
  heapAfterGc: number;
}
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/** Events each stream received, and streams that ended or failed (none should). */
const received: number[] = [];
let ended = 0;
let failed = 0;

// SSE streams: one request (and connection) each, read by hand: counting `next` events is all that is needed.
const sseAgent = new Agent({ connections: null, pipelining: 0, keepAliveTimeout: 600_000, bodyTimeout: 0 });
const aborts: AbortController[] = [];
async function openSse(index: number): Promise<void> {
  const abort = new AbortController();
  aborts.push(abort);
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
    // Hundreds of long-lived connections, on an agent of their own.
    dispatcher: sseAgent,
  });
  const reader = response.body?.getReader();
  if (!reader) throw new Error('no SSE body');
  const decoder = new TextDecoder();
  let carry = '';
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const text = carry + decoder.decode(value, { stream: true });
        const parts = text.split('event: next');
        received[index] = (received[index] ?? 0) + parts.length - 1;
        carry = parts.at(-1)?.slice(-16) ?? '';
      }
      ended++;
    } catch {
      if (!abort.signal.aborted) failed++;
    }
  })();
}

// WebSocket streams: graphql-ws clients, 100 subscriptions on each socket.
const sockets: Client[] = [];
const unsubscribes: (() => void)[] = [];
function openWs(index: number, ordinal: number): void {
  const socketIndex = Math.floor(ordinal / PER_SOCKET);
  let client = sockets[socketIndex];
  if (!client) {
    client = createClient({
      url: gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
    });
    sockets[socketIndex] = client;
  }
  unsubscribes.push(
    client.subscribe(
      { query, variables },
      {
        next: () => (received[index] = (received[index] ?? 0) + 1),
        error: () => failed++,
        complete: () => ended++,
      },
    ),
  );
}

const rows: string[] = [];
const heaps: number[] = [];
const rssAfterGc: number[] = [];
try {
  const idle = await ask<Memory>(gateway.child, 'memory');
  const started = performance.now();
  let overWs = 0;
  for (let i = 0; i < count; i++) {
    const sse = transport === 'sse' || (transport === 'mixed' && i % 2 === 0);
    if (sse) await openSse(i);
    else openWs(i, overWs++);
  }
  // Every stream has its first event (the job as it is) before the clock starts.
  for (;;) {
    const live = await ask<{ subscriptions: number; pollers: number }>(gateway.child, 'live');
    const first = received.filter((n) => n >= 1).length;
    if (live.subscriptions === count && first === count) break;
    if (performance.now() - started > 120_000) throw new Error(`only ${first} of ${count} streams opened`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const openSeconds = (performance.now() - started) / 1000;
  simulator.resetCalls();

  let changes = 0;
  const changer = setInterval(() => {
    changes++;
    entry.value = { ...entry.value, components: [{ replicaSetName: `atlas-rs-${changes}` }] };
  }, changeEvery * 1000);

  const sample = async (at: number) => {
    const memory = await ask<Memory>(gateway.child, 'memory');
    const live = await ask<{ subscriptions: number; pollers: number }>(gateway.child, 'live');
    const events = received.reduce((sum, n) => sum + n, 0);
    heaps.push(memory.heapAfterGc);
    rssAfterGc.push(memory.rssAfterGc);
    rows.push(
      `| ${at} | ${live.subscriptions} | ${live.pollers} | ${events} | ${simulator.callCount({ operationId: 'getBackupRestoreJob' })} | ` +
        `${simulator.callCount()} | ${mib(memory.rss)} | ${mib(memory.heapUsed)} | ${mib(memory.rssAfterGc)} | ${mib(memory.heapAfterGc)} |`,
    );
    console.error(rows.at(-1));
  };
  const clock = performance.now();
  await sample(0);
  for (let at = sampleEvery; at <= seconds; at += sampleEvery) {
    await new Promise((resolve) => setTimeout(resolve, clock + at * 1000 - performance.now()));
    await sample(at);
  }
  clearInterval(changer);
  // The last change reaches every stream within a poll (5 s) before the streams are counted.
  await new Promise((resolve) => setTimeout(resolve, 7_000));

  const perStream = new Set(received);
  const growth = (heaps.at(-1) ?? 0) - (heaps[0] ?? 0);
  const rssGrowth = (rssAfterGc.at(-1) ?? 0) - (rssAfterGc[0] ?? 0);
  const lines = [
    `# Streams run ${new Date().toISOString()}`,
    `Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    `${count} streams on one restore job (${transport === 'mixed' ? `${Math.ceil(count / 2)} SSE, ${Math.floor(count / 2)} graphql-ws on ${sockets.length} sockets` : transport}), opened in ${openSeconds.toFixed(1)} s, ` +
      `held ${seconds} s; the job changed every ${changeEvery} s (${changes} changes); default poll interval (5 s). ` +
      `Gateway idle before the streams: RSS ${mib(idle.rssAfterGc)} MiB, heap ${mib(idle.heapAfterGc)} MiB (after GC).`,
    '',
    '| s | streams open | pollers | events delivered | getBackupRestoreJob calls | all Atlas calls | RSS MiB | heap MiB | RSS after GC | heap after GC |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `Heap after GC: ${mib(heaps[0] ?? 0)} -> ${mib(heaps.at(-1) ?? 0)} MiB (${growth >= 0 ? '+' : ''}${mib(growth)}); ` +
      `RSS after GC: ${mib(rssAfterGc[0] ?? 0)} -> ${mib(rssAfterGc.at(-1) ?? 0)} MiB (${rssGrowth >= 0 ? '+' : ''}${mib(rssGrowth)}). ` +
      `Events per stream: ${[...perStream].join(', ')} (1 + ${changes} changes expected); streams ended ${ended}, failed ${failed}; gateway exits ${exited === null ? 0 : 1}.`,
  ];
  console.log(lines.join('\n'));
  const pass = exited === null && failed === 0 && ended === 0 && perStream.size === 1 && growth <= 5 * 2 ** 20;
  console.log(`\nStreams ${pass ? 'PASSED' : 'FAILED'}`);
  process.exitCode = pass ? 0 : 1;
} finally {
  for (const unsubscribe of unsubscribes) unsubscribe();
  for (const abort of aborts) abort.abort();
  for (const client of sockets) await client.dispose();
  await sseAgent.close().catch(() => undefined);
  stopChildren();
  await simulator.close();
}
