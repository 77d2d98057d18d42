/**
 * `npm run bench:profile` (`node --expose-gc --import tsx bench/profile.ts`, about 2 minutes): where the
 * compiled gateway spends CPU and memory, against the simulator as an instant upstream, each server in its
 * own process on 127.0.0.1, as in `npm run bench` parts c and e.
 *
 *  1. memory of the gateway and of the hand-written yoga + undici server under autocannon (c=20) on the
 *     single-resource query (RSS, heap spaces, code, GC pauses), and of the gateway with GraphiQL's bundle
 *     stubbed out (bench/no-graphiql.ts), to show what holding it costs;
 *  2. a CPU profile of the gateway serving the example dashboard, sequentially, after a warm-up; and one of
 *     the same gateway with Atlas's answers served from memory (bench/recorded.ts): its own work alone;
 *  3. CPU profiles of both servers under autocannon on the single-resource query;
 *  4. allocation profiles (V8's sampling heap profiler, freed objects kept: what was allocated, not what
 *     survived) of the gateway serving dashboards, and of both servers under autocannon;
 *  5. a heap snapshot of each server, last (after one, V8 tracks object moves for good and GC slows down).
 *
 * Prints a Markdown summary (self time grouped by package and by our source file, top functions by self and
 * inclusive time, allocations by package and function, heap contents by kind) and writes the raw profiles,
 * which Chrome DevTools opens, to PROFILE_DIR (default .scratch/bench-profile-<time>/, ignored by git).
 * PROFILE_LOAD_SECONDS (default 10) and PROFILE_DASHBOARDS (default 300) size the runs.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { exampleQuery } from '../src/server/gateway.js';
import { toGlobalId } from '../src/graph/ids.js';
import { DEMO } from '../src/simulator/index.js';
import { ask, peakRssMiB, rssMiB, sampleRss, startChild, stopChildren } from './children.js';
import { drive, mainThreadMicros, type Server } from './cpu.js';
import type { GcPauses, MemoryNow, ProfileCommand } from './inspect.js';
import { recordAnswers } from './recorded.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist') + '/';
const dir = resolve(process.env['PROFILE_DIR'] ?? join(root, '.scratch', `bench-profile-${Date.now()}`));
const loadSeconds = Number(process.env['PROFILE_LOAD_SECONDS'] ?? '10');
const dashboards = Number(process.env['PROFILE_DASHBOARDS'] ?? '300');

const out: string[] = [];
const say = (line = '') => {
  out.push(line);
  console.log(line);
};
const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '-');
const ms = (us: number) => (us / 1000).toFixed(1);
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const kib = (bytes: number) => (bytes / 1024).toFixed(1);

// Where code lives: package, family, file -------------------------------------------------------
interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface Where {
  /** npm package, our source file (src/...), `node core`, or a V8 pseudo-frame. */
  pkg: string;
  family: string;
  /** File within the package (or ours), for naming functions. */
  file: string;
  /** For our code: the line in src/ (1-based), through dist/'s source map. */
  line?: number | undefined;
}

// dist/ is compiled with source maps: our frames are named by their line in src/.
const sourceMaps = new Map<string, SourceMap | null>();
function original(path: string, line: number, column: number): number | undefined {
  let map = sourceMaps.get(path);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')) as SourceMapPayload);
    } catch {
      map = null;
    }
    sourceMaps.set(path, map);
  }
  const entry = map?.findEntry(line, Math.max(column, 0));
  return entry && 'originalLine' in entry ? entry.originalLine + 1 : undefined;
}

function familyOf(pkg: string): string {
  if (pkg === 'graphql') return 'graphql';
  if (/^(graphql-yoga|@graphql-yoga\/|@envelop\/|@whatwg-node\/|@graphql-tools\/)/.test(pkg)) return 'yoga/envelop';
  if (pkg === 'dataloader') return 'dataloader';
  if (pkg === 'undici') return 'undici';
  if (/^(@escape\.tech\/|graphql-query-complexity)/.test(pkg)) return 'limits (armor, complexity)';
  if (pkg.startsWith('@apollo/')) return 'apollo subgraph';
  return 'other packages';
}

function where(frame: CallFrame): Where {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return { pkg: functionName, family: 'GC', file: '' };
    if (functionName.startsWith('(')) return { pkg: functionName, family: 'V8/native', file: '' };
    return { pkg: '(V8 builtins)', family: 'V8/native', file: '' };
  }
  if (url.startsWith('node:')) return { pkg: 'node core', family: 'node core', file: url };
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const at = path.lastIndexOf('/node_modules/');
  if (at >= 0) {
    const rest = path.slice(at + '/node_modules/'.length).split('/');
    const scoped = rest[0]?.startsWith('@') ?? false;
    const pkg = scoped ? `${rest[0]}/${rest[1]}` : (rest[0] ?? '?');
    return { pkg, family: familyOf(pkg), file: `${pkg}/${rest.slice(scoped ? 2 : 1).join('/')}` };
  }
  if (path.startsWith(dist)) {
    const file = `src/${path.slice(dist.length).replace(/\.js$/, '.ts')}`;
    return { pkg: file, family: 'ours (src/)', file, line: original(path, frame.lineNumber, frame.columnNumber) };
  }
  if (path.startsWith(root)) return { pkg: relative(root, path), family: 'bench harness', file: relative(root, path) };
  return { pkg: path, family: 'other', file: path };
}

/** A function's name and place: `name (file:line)`. */
function label(frame: CallFrame, w: Where): string {
  const name = frame.functionName || '(anonymous)';
  return w.file ? `${name} (${w.file}:${w.line ?? frame.lineNumber + 1})` : name;
}

function table(headers: string[], rows: (string | number)[][], align: ('l' | 'r')[]) {
  say(`| ${headers.join(' | ')} |`);
  say(`|${align.map((a) => (a === 'r' ? '---:' : '---')).join('|')}|`);
  for (const row of rows) say(`| ${row.join(' | ')} |`);
}

function top<T>(map: Map<string, T>, by: (value: T) => number, n: number): [string, T][] {
  return [...map].sort((a, b) => by(b[1]) - by(a[1])).slice(0, n);
}

function add<K>(map: Map<K, number>, key: K, value: number) {
  map.set(key, (map.get(key) ?? 0) + value);
}

// CPU profiles -------------------------------------------------------------------------------------
interface CpuNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: CpuNode[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Starts a server's CPU clocks; the function returned reads them (microseconds: all threads, main thread). */
async function clock(server: Server): Promise<() => Promise<Clock>> {
  const before = await ask<NodeJS.CpuUsage>(server.child, 'cpu');
  const mainBefore = mainThreadMicros(server.child.pid);
  return async () => {
    const mainAfter = mainThreadMicros(server.child.pid);
    const after = await ask<NodeJS.CpuUsage>(server.child, 'cpu');
    return {
      totalUs: after.user + after.system - before.user - before.system,
      systemUs: after.system - before.system,
      mainUs: mainAfter !== undefined && mainBefore !== undefined ? mainAfter - mainBefore : undefined,
    };
  };
}

interface Clock {
  totalUs: number;
  systemUs: number;
  mainUs: number | undefined;
}

function summarizeCpu(file: string, title: string, operations: number, unit: string, cpu: Clock) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const whereOf = new Map(profile.nodes.map((n) => [n.id, where(n.callFrame)]));
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];

  let total = 0;
  let idle = 0;
  let gc = 0;
  const selfByPkg = new Map<string, number>();
  const selfByFamily = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const inclByFamily = new Map<string, number>();
  const inclByPkg = new Map<string, number>();
  const inclByFunction = new Map<string, number>();
  const ownByPkg = new Map<string, number>();
  const ownByFamily = new Map<string, number>();
  const ownByFunction = new Map<string, number>();
  samples.forEach((id, i) => {
    // A sample lasts until the next one (DevTools' convention).
    const us = Math.max(deltas[i + 1] ?? 0, 0);
    const node = nodes.get(id);
    const w = whereOf.get(id);
    if (!node || !w) return;
    total += us;
    if (node.callFrame.functionName === '(idle)') {
      idle += us;
      return;
    }
    if (w.family === 'GC') gc += us;
    add(selfByPkg, w.pkg, us);
    add(selfByFamily, w.family, us);
    add(selfByFunction, label(node.callFrame, w), us);
    const owner = ownerOf(id, nodes, parent, whereOf);
    add(ownByPkg, owner.where.pkg, us);
    add(ownByFamily, owner.where.family, us);
    add(ownByFunction, owner.label, us);
    // Inclusive: every package and function on the (synchronous) stack, counted once per sample.
    const families = new Set<string>();
    const pkgs = new Set<string>();
    const functions = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = nodes.get(at);
      const nw = whereOf.get(at);
      if (!n || !nw || n.callFrame.functionName === '(root)') continue;
      families.add(nw.family);
      pkgs.add(nw.pkg);
      functions.add(label(n.callFrame, nw));
    }
    for (const f of families) add(inclByFamily, f, us);
    for (const p of pkgs) add(inclByPkg, p, us);
    for (const f of functions) add(inclByFunction, f, us);
  });
  const busy = total - idle;
  const familyOfPkg = new Map<string, string>();
  for (const w of whereOf.values()) familyOfPkg.set(w.pkg, w.family);

  say(`\n### CPU: ${title}\n`);
  say(
    `Sampled ${ms(total)} ms, of which busy (not idle) ${ms(busy)} ms: **${(busy / operations).toFixed(0)} µs per ${unit}** ` +
      `(${operations} ${unit}s; the profiler adds some). Percentages are of busy time. Inclusive = on the synchronous ` +
      `stack (callers included, so inclusive figures overlap); async continuations start a fresh stack. Profile: \`${relative(root, file)}\`.`,
  );
  const writes = (selfByFunction.get('writeLatin1String') ?? 0) + (selfByFunction.get('writev') ?? 0);
  say(
    `\nMeasured over the same window: the process used ${(cpu.totalUs / operations).toFixed(0)} µs of CPU per ${unit} ` +
      `(main thread ${cpu.mainUs === undefined ? '?' : (cpu.mainUs / operations).toFixed(0)} µs, system ${(cpu.systemUs / operations).toFixed(0)} µs; ` +
      `the rest is V8's helper threads: concurrent GC, compilers). The profiler samples the main thread by the wall clock: ` +
      `busy samples beyond the main thread's CPU are time it sat descheduled, mostly inside socket writes ` +
      `(\`writeLatin1String\`, \`writev\`: ${pct(writes, busy)} of busy samples here) while the process it woke (simulator, client) ran ` +
      `on the same cores. GC: ${pct(gc, busy)} of busy samples (${(gc / operations).toFixed(0)} µs per ${unit}); ` +
      `compare the pauses measured without the profiler, where given.\n`,
  );
  say(
    'Self: in the function itself. Attributed: self plus the V8 builtins and node core it called (JSON.parse, ' +
      'Map.set, socket writes...), credited to the nearest frame in a package or in our code.\n',
  );
  table(
    ['family', 'self', 'attributed', 'inclusive', `attributed µs/${unit}`],
    top(ownByFamily, (v) => v, 20).map(([f, us]) => [
      f,
      pct(selfByFamily.get(f) ?? 0, busy),
      `**${pct(us, busy)}**`,
      pct(inclByFamily.get(f) ?? us, busy),
      (us / operations).toFixed(0),
    ]),
    ['l', 'r', 'r', 'r', 'r'],
  );
  say('');
  table(
    ['package / our file', 'family', 'self', 'attributed', 'inclusive'],
    top(ownByPkg, (v) => v, 25).map(([p, us]) => [
      `\`${p}\``,
      familyOfPkg.get(p) ?? '',
      pct(selfByPkg.get(p) ?? 0, busy),
      `**${pct(us, busy)}**`,
      pct(inclByPkg.get(p) ?? us, busy),
    ]),
    ['l', 'l', 'r', 'r', 'r'],
  );
  say('\nTop functions by attributed time:\n');
  table(
    ['function', 'attributed', 'self', 'inclusive'],
    top(ownByFunction, (v) => v, 25).map(([f, us]) => [
      `\`${f}\``,
      pct(us, busy),
      pct(selfByFunction.get(f) ?? 0, busy),
      pct(inclByFunction.get(f) ?? us, busy),
    ]),
    ['l', 'r', 'r', 'r'],
  );
  say('\nTop functions by inclusive time (below 90%; synchronous stacks only):\n');
  table(
    ['function', 'inclusive', 'self'],
    [...inclByFunction]
      .filter(([, us]) => us < 0.9 * busy)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)
      .map(([f, us]) => [`\`${f}\``, pct(us, busy), pct(selfByFunction.get(f) ?? 0, busy)]),
    ['l', 'r', 'r'],
  );
}

/** Families whose time is credited to their caller: V8 builtins and node core run on behalf of someone. */
const helperFamilies = new Set(['node core', 'V8/native']);

/**
 * The frame a sample's (or an allocation's) cost is credited to: the nearest frame, from the leaf up, in a
 * package or in our code; GC and V8's pseudo-frames stay themselves; a stack of only node core and
 * builtins (the event loop reading sockets, say) stays with its leaf.
 */
function ownerOf<N extends { callFrame: CallFrame }, K>(
  leaf: K,
  nodes: Map<K, N>,
  parent: Map<K, K>,
  whereOf: Map<K, Where>,
): { where: Where; label: string } {
  const first = nodes.get(leaf);
  const firstWhere = whereOf.get(leaf);
  if (!first || !firstWhere) return { where: { pkg: '?', family: '?', file: '' }, label: '?' };
  const own = (n: N, w: Where) => ({ where: w, label: label(n.callFrame, w) });
  if (firstWhere.family === 'GC' || (firstWhere.family === 'V8/native' && firstWhere.pkg !== '(V8 builtins)')) {
    return own(first, firstWhere);
  }
  for (let at: K | undefined = leaf; at !== undefined; at = parent.get(at)) {
    const n = nodes.get(at);
    const w = whereOf.get(at);
    if (n && w && !helperFamilies.has(w.family)) return own(n, w);
  }
  return own(first, firstWhere);
}

// Allocation (sampling heap) profiles -----------------------------------------------------------
interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children: HeapNode[];
}

function summarizeAllocations(file: string, title: string, operations: number, unit: string) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode };
  // Flattened, so allocations can be credited to their nearest package frame as CPU samples are.
  const nodes = new Map<HeapNode, HeapNode>();
  const parent = new Map<HeapNode, HeapNode>();
  const whereOf = new Map<HeapNode, Where>();
  const flatten = (node: HeapNode) => {
    nodes.set(node, node);
    whereOf.set(node, where(node.callFrame));
    for (const child of node.children) {
      parent.set(child, node);
      flatten(child);
    }
  };
  flatten(profile.head);
  let total = 0;
  const byFamily = new Map<string, number>();
  const byPkg = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const familyOfPkg = new Map<string, string>();
  for (const node of nodes.keys()) {
    const w = whereOf.get(node);
    if (!w || node.selfSize <= 0) continue;
    total += node.selfSize;
    add(selfByFunction, label(node.callFrame, w), node.selfSize);
    const owner = ownerOf(node, nodes, parent, whereOf);
    familyOfPkg.set(owner.where.pkg, owner.where.family);
    add(byFamily, owner.where.family, node.selfSize);
    add(byPkg, owner.where.pkg, node.selfSize);
    add(byFunction, owner.label, node.selfSize);
  }
  say(`\n### Allocations: ${title}\n`);
  say(
    `${mib(total)} MiB allocated (V8's estimate from samples, freed objects included): **${kib(total / operations)} KiB per ${unit}** ` +
      `(${operations} ${unit}s). Credited like attributed CPU time: what builtins and node core allocate goes to the nearest ` +
      `package or our code that called them. Profile: \`${relative(root, file)}\`.\n`,
  );
  table(
    ['family', `KiB/${unit}`, 'share'],
    top(byFamily, (v) => v, 15).map(([f, b]) => [f, kib(b / operations), pct(b, total)]),
    ['l', 'r', 'r'],
  );
  say('');
  table(
    ['package / our file', 'family', `KiB/${unit}`, 'share'],
    top(byPkg, (v) => v, 20).map(([p, b]) => [
      `\`${p}\``,
      familyOfPkg.get(p) ?? '',
      kib(b / operations),
      pct(b, total),
    ]),
    ['l', 'l', 'r', 'r'],
  );
  say('\nTop allocating functions:\n');
  table(
    ['function', `KiB/${unit}`, 'share', 'of which in the function itself'],
    top(byFunction, (v) => v, 25).map(([f, b]) => [
      `\`${f}\``,
      kib(b / operations),
      pct(b, total),
      pct(selfByFunction.get(f) ?? 0, total),
    ]),
    ['l', 'r', 'r', 'r'],
  );
}

// Heap snapshots --------------------------------------------------------------------------------
interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

const stringTypes = new Set(['string', 'concatenated string', 'sliced string']);

/** Shallow size by kind, named as DevTools' Summary names them: constructor, (closure), (string), (array)... */
function heapKinds(file: string): { total: number; kinds: Map<string, { size: number; count: number }> } {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const kinds = new Map<string, { size: number; count: number }>();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const size = snap.nodes[i + sizeAt] ?? 0;
    if (size === 0) continue;
    const type = types[snap.nodes[i + typeAt] ?? 0] ?? '?';
    const name = snap.strings[snap.nodes[i + nameAt] ?? 0] ?? '?';
    const kind =
      type === 'object'
        ? name.slice(0, 60)
        : type === 'closure'
          ? '(closure)'
          : stringTypes.has(type)
            ? '(string)'
            : type === 'array'
              ? `(array: ${name.slice(0, 40)})`
              : type === 'code'
                ? '(compiled code)'
                : type === 'hidden' || type === 'object shape'
                  ? '(system)'
                  : type === 'native'
                    ? `(native: ${name.slice(0, 40)})`
                    : `(${type})`;
    const entry = kinds.get(kind) ?? { size: 0, count: 0 };
    entry.size += size;
    entry.count++;
    kinds.set(kind, entry);
    total += size;
  }
  return { total, kinds };
}

// Driving load ----------------------------------------------------------------------------------
async function load(server: Server, body: string, seconds: number, duringLoad?: () => Promise<void>) {
  const running = autocannon({
    url: server.url,
    method: 'POST',
    connections: 20,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    body,
  });
  let during: Promise<void> | undefined;
  if (duringLoad) {
    during = new Promise<void>((done) => setTimeout(() => void duringLoad().then(done), seconds * 700));
  }
  const result = await running;
  await during;
  if (result.errors + result.non2xx > 0)
    throw new Error(`${server.url}: ${result.errors + result.non2xx} errors under load`);
  return { requests: result.requests.total, rps: result.requests.average };
}

async function command<T = { file: string }>(server: Server, message: ProfileCommand): Promise<T> {
  const answer = await ask<T | { error: string }>(server.child, message);
  if (typeof answer === 'object' && answer !== null && 'error' in answer) throw new Error(answer.error);
  return answer;
}

// The run ---------------------------------------------------------------------------------------
mkdirSync(dir, { recursive: true });
execSync('npm run --silent build', { stdio: 'inherit' });
const upstream = await startChild('./upstream.ts', { LATENCY_MS: '0' });
const gateway = await startChild('./servers.ts', { MODE: 'gateway', UPSTREAM_URL: upstream.url });
const handwritten = await startChild('./servers.ts', { MODE: 'handwritten', UPSTREAM_URL: upstream.url });
// The gateway with Atlas's answers to the dashboard from memory: its own work alone, no Atlas socket.
const answers = join(dir, 'dashboard-answers.json');
await recordAnswers(exampleQuery, answers);
const offline = await startChild('./servers.ts', {
  MODE: 'gateway',
  UPSTREAM_URL: upstream.url,
  RECORDED_ANSWERS: answers,
});
const job = DEMO.restoreJobs.automated;
const dashboardBody = JSON.stringify({ query: exampleQuery });
const single = {
  gateway: JSON.stringify({
    query: `{ node(id: "${toGlobalId('CloudBackupRestoreJob', job.groupId, job.clusterName, job.id)}") { ... on CloudBackupRestoreJob { id deliveryType finishedAt } } }`,
  }),
  handwritten: JSON.stringify({
    query: `{ restoreJob(groupId: "${job.groupId}", clusterName: "${job.clusterName}", id: "${job.id}") { id deliveryType finishedAt } }`,
  }),
};
const servers = [
  { name: 'this gateway', key: 'gateway', server: gateway, body: single.gateway },
  { name: 'hand-written yoga + undici', key: 'handwritten', server: handwritten, body: single.handwritten },
] as const;
// For the memory figures only: the gateway without GraphiQL's bundle in memory.
const stubbed = {
  name: 'this gateway, GraphiQL bundle stubbed',
  key: 'gateway-no-graphiql',
  server: await startChild('./servers.ts', { MODE: 'gateway', UPSTREAM_URL: upstream.url }, ['./no-graphiql.ts']),
  body: single.gateway,
} as const;

try {
  say(`# Profile run ${new Date().toISOString()}`);
  say(
    `Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. ` +
      `Raw profiles: \`${relative(root, dir)}/\`. Load average at start: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(', ')} ` +
      '(other work on the machine inflates every figure).',
  );
  // Warm-up: JIT, connection pools, yoga's document caches.
  await drive(gateway.url, dashboardBody, 300, 4);
  await drive(offline.url, dashboardBody, 300, 4);
  for (const s of [...servers, stubbed]) await load(s.server, s.body, 3);

  // 1. Memory under load -----------------------------------------------
  say(`\n## Memory under load (autocannon c=20, ${loadSeconds} s, single-resource query; read at 70% of the run)\n`);
  interface MemoryRun {
    now: MemoryNow;
    rssMedian: number;
    rssPeak: number;
    rssAfter: number;
    rps: number;
    /** Main-thread GC pauses per request (µs), scavenges and mark-compacts per 1000 requests. */
    gcUs: number;
    scavenges: number;
    majors: number;
  }
  const memory = new Map<string, MemoryRun>();
  for (const s of [...servers, stubbed]) {
    let now: MemoryNow | undefined;
    const sampler = sampleRss(s.server.child.pid);
    await command(s.server, { profile: 'gc-start' });
    const { rps, requests } = await load(s.server, s.body, loadSeconds, async () => {
      now = await command<MemoryNow>(s.server, { profile: 'memory-now' });
    });
    const gc = await command<GcPauses>(s.server, { profile: 'gc-stop' });
    const samples = sampler.stop();
    if (!now) throw new Error('no memory reading');
    memory.set(s.key, {
      now,
      rssMedian: samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0,
      rssPeak: peakRssMiB(s.server.child.pid),
      rssAfter: rssMiB(s.server.child.pid),
      rps,
      gcUs: (Object.values(gc.ms).reduce((a, b) => a + b, 0) * 1000) / requests,
      scavenges: ((gc.count['minor'] ?? 0) * 1000) / requests,
      majors: ((gc.count['major'] ?? 0) * 1000) / requests,
    });
  }
  const space = (m: MemoryNow, name: string) => m.spaces.find((x) => x.space_name === name);
  const memoryRows: [string, (m: MemoryRun) => number][] = [
    ['req/s (this run)', (m) => m.rps],
    ['GC pauses per request (µs, main thread)', (m) => m.gcUs],
    ['scavenges per 1000 requests', (m) => m.scavenges],
    ['mark-compacts per 1000 requests', (m) => m.majors],
    ['RSS under load, median of 0.5 s samples (MiB)', (m) => m.rssMedian],
    ['peak RSS, VmHWM (MiB)', (m) => m.rssPeak],
    ['RSS after load (MiB)', (m) => m.rssAfter],
    ['RSS at the reading below (MiB)', (m) => m.now.memory.rss / 2 ** 20],
    ['V8 heap committed (MiB)', (m) => m.now.memory.heapTotal / 2 ** 20],
    ['V8 heap used, garbage included (MiB)', (m) => m.now.memory.heapUsed / 2 ** 20],
    ['  new space committed (MiB)', (m) => (space(m.now, 'new_space')?.space_size ?? 0) / 2 ** 20],
    ['  old space committed (MiB)', (m) => (space(m.now, 'old_space')?.space_size ?? 0) / 2 ** 20],
    ['  old space used (MiB)', (m) => (space(m.now, 'old_space')?.space_used_size ?? 0) / 2 ** 20],
    ['  code space committed (MiB)', (m) => (space(m.now, 'code_space')?.space_size ?? 0) / 2 ** 20],
    ['  large objects committed (MiB)', (m) => (space(m.now, 'large_object_space')?.space_size ?? 0) / 2 ** 20],
    ['code and metadata (MiB)', (m) => m.now.code.code_and_metadata_size / 2 ** 20],
    ['bytecode and metadata (MiB)', (m) => m.now.code.bytecode_and_metadata_size / 2 ** 20],
    ['external (MiB)', (m) => m.now.memory.external / 2 ** 20],
    ['RSS outside the V8 heap (MiB)', (m) => (m.now.memory.rss - m.now.memory.heapTotal) / 2 ** 20],
  ];
  const g = memory.get('gateway');
  const h = memory.get('handwritten');
  const n = memory.get(stubbed.key);
  if (!g || !h || !n) throw new Error('missing memory readings');
  const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}x` : '-');
  table(
    ['figure', 'this gateway', 'hand-written', 'ratio', 'gateway, GraphiQL bundle stubbed', 'its ratio'],
    memoryRows.map(([name, f]) => [
      name,
      f(g).toFixed(1),
      f(h).toFixed(1),
      ratio(f(g), f(h)),
      f(n).toFixed(1),
      ratio(f(n), f(h)),
    ]),
    ['l', 'r', 'r', 'r', 'r', 'r'],
  );
  say(
    '\nThe last columns: the same gateway with `@graphql-yoga/render-graphiql/graphiql` (which ' +
      'src/server/plugins/graphiql-delivery.ts imports even with GraphiQL off) replaced by empty strings (bench/no-graphiql.ts).',
  );
  stubbed.server.child.kill('SIGTERM');

  // 2. CPU of the dashboard: measured without the profiler, then profiled ------------------------
  say(`\n## CPU`);
  say(
    `\nThe example dashboard, ${dashboards} sequentially, no profiler: the process's CPU and its main thread's GC pauses ` +
      '(PerformanceObserver), against the simulator over loopback and with Atlas answering from memory ' +
      "(bench/recorded.ts: no Atlas socket, the gateway's own work alone).\n",
  );
  const plainRows: (string | number)[][] = [];
  for (const [name, server] of [
    ['against the simulator (26 Atlas calls)', gateway],
    ['Atlas answers from memory', offline],
  ] as const) {
    await command(server, { profile: 'gc-start' });
    const started = await clock(server);
    await drive(server.url, dashboardBody, dashboards, 1);
    const cpu = await started();
    const gc = await command<GcPauses>(server, { profile: 'gc-stop' });
    const gcUs = (Object.values(gc.ms).reduce((a, b) => a + b, 0) * 1000) / dashboards;
    const per = (us: number | undefined) => (us === undefined ? '?' : (us / dashboards).toFixed(0));
    plainRows.push([
      name,
      `**${per(cpu.totalUs)}**`,
      per(cpu.mainUs),
      per(cpu.mainUs === undefined ? undefined : cpu.totalUs - cpu.mainUs),
      per(cpu.systemUs),
      gcUs.toFixed(0),
      cpu.mainUs ? pct(gcUs * dashboards, cpu.mainUs) : '-',
      ((gc.count['minor'] ?? 0) / dashboards).toFixed(2),
    ]);
  }
  table(
    ['dashboard', 'CPU µs', 'main thread', 'helper threads', 'system', 'GC pauses µs', 'GC / main thread', 'scavenges'],
    plainRows,
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
  await command(gateway, { profile: 'cpu-start', intervalUs: 100 });
  const dashboardClock = await clock(gateway);
  await drive(gateway.url, dashboardBody, dashboards, 1);
  const dashboardCpu = await dashboardClock();
  const dashboardProfile = await command(gateway, { profile: 'cpu-stop', file: join(dir, 'dashboard.cpuprofile') });
  summarizeCpu(
    dashboardProfile.file,
    `the gateway serving the example dashboard (sequential)`,
    dashboards,
    'dashboard',
    dashboardCpu,
  );

  // 2b. The same, Atlas answering from memory ---------------------------------------------------
  await command(offline, { profile: 'cpu-start', intervalUs: 100 });
  const offlineClock = await clock(offline);
  await drive(offline.url, dashboardBody, dashboards, 1);
  const offlineCpu = await offlineClock();
  const offlineProfile = await command(offline, {
    profile: 'cpu-stop',
    file: join(dir, 'dashboard-offline.cpuprofile'),
  });
  summarizeCpu(
    offlineProfile.file,
    `the gateway serving the example dashboard, Atlas answers from memory (sequential)`,
    dashboards,
    'dashboard',
    offlineCpu,
  );

  // 3. CPU profiles under load, single resource ---------------------------------------------------
  for (const s of servers) {
    await command(s.server, { profile: 'cpu-start', intervalUs: 250 });
    const started = await clock(s.server);
    const { requests } = await load(s.server, s.body, loadSeconds);
    const cpu = await started();
    const { file } = await command(s.server, { profile: 'cpu-stop', file: join(dir, `single-${s.key}.cpuprofile`) });
    summarizeCpu(file, `${s.name}, single-resource query under autocannon c=20`, requests, 'request', cpu);
  }

  // 4. Allocations ------------------------------------------------------------------------------
  say(`\n## Allocations`);
  await command(gateway, { profile: 'heap-sampling-start', collected: true });
  await drive(gateway.url, dashboardBody, dashboards, 1);
  const dashboardHeap = await command(gateway, {
    profile: 'heap-sampling-stop',
    file: join(dir, 'dashboard.heapprofile'),
  });
  summarizeAllocations(dashboardHeap.file, 'the gateway serving the example dashboard', dashboards, 'dashboard');
  for (const s of servers) {
    await command(s.server, { profile: 'heap-sampling-start', collected: true });
    const { requests } = await load(s.server, s.body, loadSeconds);
    const { file } = await command(s.server, {
      profile: 'heap-sampling-stop',
      file: join(dir, `single-${s.key}.heapprofile`),
    });
    summarizeAllocations(file, `${s.name}, single-resource query under autocannon c=20`, requests, 'request');
  }
  // 5. Heap snapshots, last ------------------------------------------------------------------------
  const snapshots = new Map<string, ReturnType<typeof heapKinds>>();
  for (const s of servers) {
    const { file } = await command(s.server, { profile: 'heap-snapshot', file: join(dir, `${s.key}.heapsnapshot`) });
    snapshots.set(s.key, heapKinds(file));
  }
  const gs = snapshots.get('gateway');
  const hs = snapshots.get('handwritten');
  if (!gs || !hs) throw new Error('missing heap snapshots');
  say(`\n## Heap snapshots (reachable objects only; shallow sizes by kind)\n`);
  say(
    'Taken last: after a heap snapshot V8 keeps tracking object moves for the life of the process, which ' +
      "doubled the dashboard's CPU in a test run. V8 collects garbage before it writes one.\n",
  );
  say(
    `Live heap: gateway ${mib(gs.total)} MiB, hand-written ${mib(hs.total)} MiB (difference ${mib(gs.total - hs.total)} MiB). ` +
      `Snapshots: \`${relative(root, dir)}/*.heapsnapshot\`.\n`,
  );
  table(
    ['kind (gateway, largest first)', 'gateway', 'share', 'count', 'hand-written'],
    top(gs.kinds, (v) => v.size, 20).map(([k, v]) => [
      `\`${k}\``,
      `${mib(v.size)} MiB`,
      pct(v.size, gs.total),
      v.count,
      `${mib(hs.kinds.get(k)?.size ?? 0)} MiB`,
    ]),
    ['l', 'r', 'r', 'r', 'r'],
  );
  const diff = new Map<string, number>();
  for (const [k, v] of gs.kinds) diff.set(k, v.size - (hs.kinds.get(k)?.size ?? 0));
  say('\nWhat the gateway holds beyond the hand-written server (largest differences):\n');
  table(
    ['kind', 'gateway - hand-written', 'share of the difference'],
    top(diff, (v) => v, 15).map(([k, d]) => [`\`${k}\``, `${mib(d)} MiB`, pct(d, gs.total - hs.total)]),
    ['l', 'r', 'r'],
  );

  say(
    `\nLoad average at the end: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(', ')}.`,
  );
  writeFileSync(join(dir, 'report.md'), `${out.join('\n')}\n`);
  console.log(`\nReport: ${relative(root, join(dir, 'report.md'))}`);
} finally {
  stopChildren();
}
process.exit(0);
