/**
 * Runs under `valgrind --tool=callgrind --instr-atstart=no` (bench/instructions.ts starts it): builds the
 * compiled gateway of DIST in this process, sends WARMUP operations through `yoga.fetch`, then switches
 * callgrind's counting on for MEASURE operations only, so start-up, module loading and warm-up are not
 * counted. Atlas is the simulator at UPSTREAM_URL (another process, not counted), reached over loopback as
 * in production. Prints one JSON line with the operations' own CPU time.
 *
 * OPERATION: dashboard (the example dashboard) or single (one restore job by id). FEATURES: plain, or any of
 * log (the access log `npm start` writes, to /dev/null), metrics and tracing:<ratio> joined by `+` (spans
 * exported over OTLP/HTTP protobuf to OTLP_URL).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gatewayOptionsFor, sendThrough } from './in-process.js';

process.setSourceMapsEnabled(false);
type GatewayModule = typeof import('../src/server/gateway.js');
type OptionalPartsModule = typeof import('../src/server/optional-parts.js');

const env = (name: string) => process.env[name] ?? '';
const dist = env('DIST');
const upstream = env('UPSTREAM_URL');
const features = env('FEATURES') || 'plain';
const options = gatewayOptionsFor(features, upstream, env('OTLP_URL'));
const { createGateway } = (await import(`${dist}/server/gateway.js`)) as GatewayModule;
if (options.metrics || options.tracing) {
  // Older trees (a baseline) had no optional parts: their gateway loaded everything itself.
  const parts = (await import(`${dist}/server/optional-parts.js`).catch(() => undefined)) as
    OptionalPartsModule | undefined;
  await parts?.loadOptionalParts(options);
}
const gateway = createGateway(options);
const body = JSON.stringify({
  query: env('OPERATION') === 'dashboard' ? readFileSync(env('DOCUMENT'), 'utf8') : env('DOCUMENT'),
});

const send = (n: number) => sendThrough(gateway.yoga, body, n);

const callgrind = (switchTo: 'on' | 'off') => {
  if (process.env['UNDER_CALLGRIND'])
    execFileSync('callgrind_control', ['-i', switchTo, String(process.pid)], { stdio: 'ignore' });
};
await send(Number(env('WARMUP') || '200'));
const measure = Number(env('MEASURE') || '100');
callgrind('on');
const before = process.cpuUsage();
await send(measure);
const cpu = process.cpuUsage(before);
callgrind('off');
await gateway.close?.();
process.stdout.write(`${JSON.stringify({ operations: measure, cpuUs: cpu.user + cpu.system })}\n`);
process.exit(0);
