/**
 * One compiled gateway held in a process of its own for bench/against-base.ts: the gateway of DIST, Atlas at
 * UPSTREAM_URL (another process), or, with ANSWERS (a file bench/recorded.ts wrote), Atlas's answers served
 * from memory (bench/recorded-atlas.ts). OVER=http (the default) serves it on 127.0.0.1 with node's HTTP server, as
 * `node dist/index.js` does, and says `{ url }`: the parent sends the dashboards, and `mark` / `read`
 * messages bracket each batch, answered with this process's CPU since the mark (user + system, all
 * threads). OVER=fetch says `ready` at once (the parent warms both builds up in turns), then answers each
 * `{ dashboards: n }` by sending n more and replying with their CPU. `stop` ends it.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gatewayOptionsFor, sendThrough } from './in-process.js';
import { RecordedAtlas } from './recorded-atlas.js';

type GatewayModule = typeof import('../src/server/gateway.js');
type Message = { mark: true } | { read: true } | { dashboards: number } | { stop: true };

process.setSourceMapsEnabled(false);
const env = (name: string) => process.env[name] ?? '';
const { createGateway } = (await import(`${env('DIST')}/server/gateway.js`)) as GatewayModule;
// FEATURES=forward: each request's own bearer token goes to Atlas (bench/against-base.ts at CONCURRENCY > 1).
const options = gatewayOptionsFor(env('FEATURES') || 'plain', env('UPSTREAM_URL'));
if (env('ANSWERS')) options.atlas.dispatcher = RecordedAtlas.fromFile(env('ANSWERS'));
const gateway = createGateway(options);
const reply = (message: unknown) => process.send?.(message);
let mark = process.cpuUsage();
const cpuSinceMark = () => {
  const used = process.cpuUsage(mark);
  return used.user + used.system;
};

const server = env('OVER') === 'fetch' ? undefined : createServer(gateway.yoga);
const body = JSON.stringify({ query: readFileSync(env('DOCUMENT'), 'utf8') });
process.on('message', (message: Message) => {
  void (async () => {
    if ('stop' in message) {
      server?.close();
      await gateway.close?.();
      process.exit(0);
    } else if ('mark' in message) {
      mark = process.cpuUsage();
      reply({ marked: true });
    } else if ('read' in message) {
      reply({ cpuUs: cpuSinceMark() });
    } else {
      mark = process.cpuUsage();
      await sendThrough(gateway.yoga, body, message.dashboards);
      reply({ cpuUs: cpuSinceMark() });
    }
  })();
});
if (server) {
  server.listen(0, '127.0.0.1', () =>
    reply({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` }),
  );
} else {
  reply({ ready: true });
}
