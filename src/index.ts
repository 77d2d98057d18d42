/**
 * Entry point: read the configuration, start the embedded Atlas simulator when no Atlas credential is
 * configured (demo mode), and serve the gateway. Stops cleanly on SIGTERM/SIGINT.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { pino } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createGateway, gatewayOptions } from './server/gateway.js';
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
  const { startSimulator } = await import('./simulator/index.js');
  simulator = await startSimulator({ bearerTokens: [token], serverlessBackup: config.demoServerlessBackup });
  atlas = { baseUrl: simulator.url, auth: { mode: 'token', token } };
  log.info('No Atlas credential configured: serving DEMO data from the embedded Atlas simulator');
}

const gateway = createGateway({ ...gatewayOptions(config, atlas), logger: log });

const server = createServer(gateway.yoga);
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
  log.info(`${signal}: shutting down`);
  const force = setTimeout(() => server.closeAllConnections(), 10_000);
  force.unref();
  server.close();
  server.closeIdleConnections();
  await gateway.close();
  await simulator?.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
