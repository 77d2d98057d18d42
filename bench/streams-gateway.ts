/**
 * The gateway process of `npm run bench:streams`: the compiled gateway (dist/, as production runs it) with
 * its WebSocket endpoint, over the Atlas at UPSTREAM_URL, at its default subscription settings. Prints one
 * JSON line: { url }. Answers over IPC: `memory` (RSS and heap, before and after a full GC) and `live`
 * (open subscriptions and pollers).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gatewayOptionsFor } from './in-process.js';

// As bench/servers.ts: the compiled gateway, without source maps.
process.setSourceMapsEnabled(false);
const dist = (file: string) => new URL(`../dist/${file}`, import.meta.url).href;
type GatewayModule = typeof import('../src/server/gateway.js');
type WebSocketModule = typeof import('../src/server/websocket.js');
const { createGateway } = (await import(dist('server/gateway.js'))) as GatewayModule;
const { attachGraphQLWebSocket } = (await import(dist('server/websocket.js'))) as WebSocketModule;

const gateway = createGateway(gatewayOptionsFor('plain', process.env['UPSTREAM_URL'] ?? ''));
const server = createServer(gateway.yoga);
const websocket = attachGraphQLWebSocket(server, gateway);
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}/graphql` })}\n`);
});

process.on('message', (message: unknown) => {
  if (message === 'memory') {
    const before = process.memoryUsage();
    global.gc?.();
    const after = process.memoryUsage();
    process.send?.({ rss: before.rss, heapUsed: before.heapUsed, rssAfterGc: after.rss, heapAfterGc: after.heapUsed });
  }
  if (message === 'live') process.send?.(gateway.live.figures());
});
process.once('SIGTERM', () => {
  void gateway.close().then(async () => {
    await websocket.close();
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
});
