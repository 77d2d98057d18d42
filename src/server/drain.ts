/**
 * Graceful shutdown of the HTTP server: no answer in flight is cut unless it outlasts the timeout.
 *
 * 1. Readiness fails at once (/ready answers 503) and every response asks its client to close the
 *    connection, so load balancers and keep-alive clients move to other replicas.
 * 2. For `delayMs` new requests are still served: a load balancer (a Kubernetes Service's endpoints)
 *    takes a few seconds to notice, and requests it sends meanwhile must not be refused.
 * 3. The listener closes (no new connection), idle keep-alive connections are closed, and requests in
 *    flight finish, up to `timeoutMs`; what is still open then (a subscription stream, a hung call) is cut.
 */
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readiness } from './plugins/health.js';

export interface DrainOptions {
  /** Milliseconds to keep serving after readiness fails, before closing the listener (SHUTDOWN_DELAY_MS). */
  delayMs: number;
  /** Milliseconds requests in flight get to finish once the listener is closed (SHUTDOWN_TIMEOUT_MS). */
  timeoutMs: number;
}

/** Resolves once every connection is closed; `forced` when some had to be cut at the timeout. */
export async function drainServer(
  server: Server,
  readiness: Readiness,
  options: DrainOptions,
): Promise<{ forced: boolean }> {
  readiness.drain();
  if (options.delayMs > 0) await sleep(options.delayMs);
  let forced = false;
  await new Promise<void>((resolve) => {
    const closed = new Promise<void>((done) => server.close(() => done()));
    server.closeIdleConnections();
    // A connection whose answer ends becomes idle (its response said `connection: close`, but a client may
    // not have sent its next request yet): close those as they appear.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    const done = () => {
      clearInterval(sweep);
      clearTimeout(cut);
      resolve();
    };
    // Upgraded sockets (WebSockets) are not the HTTP server's to cut: their owner closes them next.
    const cut = setTimeout(() => {
      forced = true;
      server.closeAllConnections();
      done();
    }, options.timeoutMs);
    void closed.then(done);
  });
  return { forced };
}
