/**
 * The WebSocket endpoint (src/server/websocket.ts: graphql-ws on ws), loaded on the first upgrade: a gateway
 * whose clients use HTTP and server-sent events only never holds either library (about 15 MiB of RSS
 * between them). Upgrades that arrive while it loads wait and are then served in order.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Gateway } from './gateway.js';
import type { GraphQLWebSocket, WebSocketOptions } from './websocket.js';

export function attachGraphQLWebSocketOnDemand(
  server: Server,
  gateway: Gateway,
  options: WebSocketOptions = {},
): GraphQLWebSocket {
  let attached: Promise<GraphQLWebSocket> | undefined;
  // Stays the server's upgrade listener until the endpoint is loaded (a server without one would drop the
  // upgrades that arrive meanwhile); then the endpoint's own listener takes over.
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    attached ??= import('./websocket.js').then(({ attachGraphQLWebSocket }) => {
      server.off('upgrade', onUpgrade);
      return attachGraphQLWebSocket(server, gateway, options);
    });
    void attached.then(
      () => server.emit('upgrade', request, socket, head),
      () => socket.destroy(),
    );
  };
  server.on('upgrade', onUpgrade);
  return {
    async close() {
      server.off('upgrade', onUpgrade);
      if (attached) await (await attached).close();
    },
  };
}
