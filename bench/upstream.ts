/**
 * Benchmark upstream: the Atlas simulator in its own process. LATENCY_MS adds latency to every answer;
 * RESTORE_JOBS adds that many restore jobs to payments-prod; FAULTS is a fault plan (JSON) for the
 * simulator's fault switch; BEARER_TOKENS (comma-separated, default BENCH_TOKEN) are the tokens it accepts.
 * Prints one JSON line: { url }.
 */
import { addRestoreJobs, createSeedData, DEMO, startSimulator, type FaultPlan } from '../src/simulator/index.js';
import { BENCH_TOKEN } from './credential.js';

const data = createSeedData();
const extra = Number(process.env['RESTORE_JOBS'] ?? '0');
if (extra > 0) addRestoreJobs(data, DEMO.clusters.paymentsProd.groupId, DEMO.clusters.paymentsProd.name, extra);
const sim = await startSimulator({
  data,
  latencyMs: Number(process.env['LATENCY_MS'] ?? '0'),
  bearerTokens: (process.env['BEARER_TOKENS'] ?? BENCH_TOKEN).split(','),
  faults: process.env['FAULTS'] ? (JSON.parse(process.env['FAULTS']) as FaultPlan) : undefined,
});
process.stdout.write(`${JSON.stringify({ url: sim.url })}\n`);
process.on('message', (message) => {
  if (message === 'calls') process.send?.({ calls: sim.calls.length });
  if (message === 'reset') sim.resetCalls();
  if (message === 'faults') process.send?.(sim.faults.injected());
  // The simulator's own CPU time (bench part e reports what an instant upstream costs beside the gateway).
  if (message === 'cpu') process.send?.(process.cpuUsage());
});
process.once('SIGTERM', () => void sim.close().then(() => process.exit(0)));
