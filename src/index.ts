/**
 * Entry point: read the configuration, start the embedded Atlas simulator when no Atlas credential is
 * configured (demo mode), and serve the gateway. Stops cleanly on SIGTERM/SIGINT.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createGateway, gatewayOptions } from './server/gateway.js';
import { loadOptionalParts } from './server/optional-parts.js';
import { attachGraphQLWebSocketOnDemand } from './server/websocket-on-demand.js';
import { drainServer } from './server/drain.js';
import type { AtlasSimulator } from './simulator/index.js';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

const config = configOrExit();
// Credentials never reach a log call; the redaction is a second line of defence for request headers.
const log = pino({
  level: config.logLevel,
  redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'], censor: '[redacted]' },
});

let simulator: AtlasSimulator | undefined;
let atlas = config.atlas;
if (!atlas) {
  const token = randomBytes(24).toString('base64url');
  // Loaded only here: a gateway configured for Atlas never loads the simulator (its seed, routes and spec).
  const { ATLAS_RATE_LIMITS, startSimulator } = await import('./simulator/index.js');
  simulator = await startSimulator({
    bearerTokens: [token],
    serverlessBackup: config.demoServerlessBackup,
    // Atlas's own buckets (1,200 backup calls a project, 10,000 for clusters): the call report and metrics
    // show the RateLimit figures a real project would (and a rate budget, if ATLAS_RATE_CAPACITY sets one,
    // has Atlas's RateLimit-Remaining to follow).
    rateLimit: ATLAS_RATE_LIMITS,
    // The demo shows progress: the seeded running restore, exports and Flex jobs finish over a minute or so.
    seededJobsMove: true,
  });
  atlas = { baseUrl: simulator.url, auth: { mode: 'token', token } };
  log.info('No Atlas credential configured: serving DEMO data from the embedded Atlas simulator');
}

const options = { ...gatewayOptions(config, atlas), logger: log };
// Redis, metrics, tracing and trusted documents are loaded only when configured.
await loadOptionalParts(options);
const gateway = createGateway(options);

/** A listener that cannot start (port taken, an address not on this host) stops start-up with one line. */
function exitIfCannotListen(listener: Server, what: string, port: number): Server {
  listener.once('error', (error: NodeJS.ErrnoException) => {
    log.fatal(`Cannot listen for ${what} on ${config.host}:${port} (${error.code ?? error.message})`);
    process.exit(1);
  });
  return listener;
}

const server = exitIfCannotListen(createServer(gateway.yoga), 'GraphQL', config.port);
// Subscriptions over WebSocket (graphql-ws) on the same server and path; SSE is yoga's own.
const websocket = attachGraphQLWebSocketOnDemand(server, gateway, {
  corsOrigins: config.corsOrigins,
  allowedHosts: config.allowedHosts,
  maxPayloadBytes: config.limits.maxRequestBodyBytes,
});
// METRICS_PORT: /metrics on a listener of its own, which the public port's load balancer never exposes.
const metrics = gateway.metrics;
const metricsPort = config.operations.metrics?.port;
const metricsServer =
  metrics && metricsPort
    ? exitIfCannotListen(
        createServer((req, res) => metrics.serve(req, res)),
        'metrics',
        metricsPort,
      ).listen(metricsPort, config.host)
    : undefined;
server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  log.info(
    `Atlas backup GraphQL gateway on http://${shown}:${port}/graphql${config.graphiql ? ' (GraphiQL)' : ''}, ` +
      `Atlas: ${simulator ? 'embedded simulator (demo data)' : `${atlas.baseUrl} (${atlas.auth.mode})`}`,
  );
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info(`${signal}: draining (/ready answers 503), then shutting down`);
  // Requests in flight finish (up to SHUTDOWN_TIMEOUT_MS) before anything they use is closed.
  const draining = drainServer(server, gateway.readiness, config.operations.shutdown);
  // Subscription streams never finish on their own: once the load balancer has stopped sending new ones
  // (SHUTDOWN_DELAY_MS), each gets its last event (SHUTTING_DOWN) and completes, and clients reconnect elsewhere.
  await sleep(config.operations.shutdown.delayMs);
  await gateway.live.close();
  // WebSockets would hold the drain open: close them (1001, going away) once their streams have completed.
  await websocket.close();
  const { forced } = await draining;
  if (forced) log.warn('Shutdown: connections still open after SHUTDOWN_TIMEOUT_MS were closed');
  metricsServer?.close();
  // Pollers stopped above, with no poll in flight: the token is revoked now.
  await gateway.close();
  await simulator?.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
