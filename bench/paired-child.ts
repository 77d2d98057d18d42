/**
 * One compiled gateway held in a process of its own for bench/against-base.ts: builds the gateway of DIST
 * (Atlas at UPSTREAM_URL, another process), sends WARMUP example dashboards, says `ready`, then answers each
 * `{ dashboards: n }` message by sending n more through `yoga.fetch` and replying with the process CPU
 * (user + system, all threads) they took. `{ dashboards: 0 }` ends it.
 */
import { readFileSync } from 'node:fs';
import { gatewayOptionsFor, sendThrough } from './in-process.js';

type GatewayModule = typeof import('../src/server/gateway.js');

process.setSourceMapsEnabled(false);
const env = (name: string) => process.env[name] ?? '';
const { createGateway } = (await import(`${env('DIST')}/server/gateway.js`)) as GatewayModule;
const gateway = createGateway(gatewayOptionsFor('plain', env('UPSTREAM_URL'), ''));
const body = JSON.stringify({ query: readFileSync(env('DOCUMENT'), 'utf8') });
await sendThrough(gateway.yoga, body, Number(env('WARMUP') || '400'));

process.on('message', (message: { dashboards: number }) => {
  void (async () => {
    if (message.dashboards === 0) {
      await gateway.close?.();
      process.exit(0);
    }
    const before = process.cpuUsage();
    await sendThrough(gateway.yoga, body, message.dashboards);
    const used = process.cpuUsage(before);
    process.send?.({ cpuUs: used.user + used.system });
  })();
});
process.send?.('ready');
