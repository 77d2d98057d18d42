/**
 * CPU time a server process spends per GraphQL operation: the server's own `process.cpuUsage()` (user +
 * system), read over IPC before and after a batch of operations sent from this process, divided by the
 * batch size. What the client (this process) and the upstream (another process) spend is not in it.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent } from 'undici';
import { ask } from './children.js';
import { BENCH_TOKEN } from './credential.js';

export interface Server {
  child: ChildProcess;
  url: string;
}

interface Answer {
  data?: unknown;
  errors?: { message: string }[];
}

/** One request a worker sends again and again: a body, and headers beyond the JSON content type. */
export interface BenchRequest {
  body: string;
  headers?: Record<string, string>;
}

/**
 * `count` clients that each send `body` with an Atlas token of their own, and the bearer tokens the simulator
 * must accept for them (BENCH_TOKEN first). Through a gateway in forward mode, identical
 * operations in flight together then share no Atlas call, so a concurrent figure stands for the whole work.
 */
export function clientsWithOwnTokens(body: string, count: number): { bearerTokens: string; requests: BenchRequest[] } {
  const tokens = Array.from({ length: count }, (_, i) => `${BENCH_TOKEN}-${i}`);
  return {
    bearerTokens: [BENCH_TOKEN, ...tokens].join(','),
    requests: tokens.map((token) => ({ body, headers: { authorization: `Bearer ${token}` } })),
  };
}

/**
 * Sends `count` POSTs, `concurrency` at a time, over keep-alive connections; each answer must be error-free.
 * Worker w sends `requests[w % requests.length]` (one string: every worker sends it).
 */
export async function drive(
  url: string,
  requests: string | readonly BenchRequest[],
  count: number,
  concurrency: number,
): Promise<void> {
  const { origin, pathname } = new URL(url);
  const asks = typeof requests === 'string' ? [{ body: requests }] : requests;
  const agent = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
  let sent = 0;
  const worker = async (w: number) => {
    const mine = asks[w % asks.length];
    if (!mine) throw new Error('no request to send');
    const headers = { 'content-type': 'application/json', ...mine.headers };
    while (sent < count) {
      sent++;
      const response = await agent.request({ origin, path: pathname, method: 'POST', headers, body: mine.body });
      const answer = (await response.body.json()) as Answer;
      if (response.statusCode !== 200 || answer.errors?.length || answer.data == null) {
        throw new Error(`${url} answered ${response.statusCode}: ${JSON.stringify(answer).slice(0, 300)}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  } finally {
    await agent.close();
  }
}

const cpuMicros = (usage: NodeJS.CpuUsage) => usage.user + usage.system;

/** CPU time of a process's main thread (the event loop), microseconds; undefined where /proc has no schedstat. */
export function mainThreadMicros(pid: number | undefined): number | undefined {
  try {
    const ns = Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]);
    return Number.isFinite(ns) ? ns / 1000 : undefined;
  } catch {
    return undefined;
  }
}

export interface CpuMeasure {
  /** Server CPU (user + system, all threads) per operation, microseconds. */
  cpuUs: number;
  /** Of which system time. */
  systemUs: number;
  /** Of which the main thread's (JavaScript, the event loop, GC pauses); the rest is V8's helper threads (GC, compilers). */
  mainUs?: number;
  /** Wall time per operation, milliseconds (at concurrency > 1: batch time / count). */
  wallMs: number;
  /** Upstream requests per operation (when an upstream was given). */
  calls?: number;
  /** Upstream CPU per operation, microseconds (when an upstream was given). */
  upstreamCpuUs?: number;
}

/**
 * One measured batch: first an unmeasured tenth of it, so the server is in this workload's steady state
 * (its JIT and heap sizing adapt to what it serves; a forced full GC before a batch instead inflated the
 * next batch's CPU by about 30%), then the server's CPU clock before and after the batch.
 */
export async function measureCpu(
  server: Server,
  body: string | readonly BenchRequest[],
  count: number,
  concurrency: number,
  upstream?: ChildProcess,
): Promise<CpuMeasure> {
  await drive(server.url, body, Math.max(20, Math.round(count / 10)), concurrency);
  if (upstream) upstream.send('reset');
  const upBefore = upstream ? await ask<NodeJS.CpuUsage>(upstream, 'cpu') : undefined;
  const before = await ask<NodeJS.CpuUsage>(server.child, 'cpu');
  const mainBefore = mainThreadMicros(server.child.pid);
  const start = performance.now();
  await drive(server.url, body, count, concurrency);
  const wallMs = (performance.now() - start) / count;
  const mainAfter = mainThreadMicros(server.child.pid);
  const after = await ask<NodeJS.CpuUsage>(server.child, 'cpu');
  const measure: CpuMeasure = {
    cpuUs: (cpuMicros(after) - cpuMicros(before)) / count,
    systemUs: (after.system - before.system) / count,
    wallMs,
  };
  if (mainBefore !== undefined && mainAfter !== undefined) measure.mainUs = (mainAfter - mainBefore) / count;
  if (upstream && upBefore) {
    const upAfter = await ask<NodeJS.CpuUsage>(upstream, 'cpu');
    const { calls } = await ask<{ calls: number }>(upstream, 'calls');
    measure.calls = calls / count;
    measure.upstreamCpuUs = (cpuMicros(upAfter) - cpuMicros(upBefore)) / count;
  }
  return measure;
}
