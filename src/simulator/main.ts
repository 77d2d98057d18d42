// Standalone runner: `tsx src/simulator/main.ts` serves the simulator on PORT (default 4010) so the
// gateway, curl or GraphiQL can be pointed at a fake Atlas without an Atlas account.
import { DEMO, startSimulator } from './index.js';

const port = Number(process.env['PORT'] ?? '4010');
const host = process.env['HOST'] ?? '127.0.0.1';
const latencyMs = Number(process.env['LATENCY_MS'] ?? '0');

const sim = await startSimulator({ host, port, latencyMs, bearerTokens: [DEMO.token] });
console.log(`Atlas simulator listening on ${sim.url}/api/atlas/v2`);
console.log(`Bearer token: ${DEMO.token}`);
console.log(
  `Try: curl -H 'Authorization: Bearer ${DEMO.token}' -H 'Accept: application/vnd.atlas.2023-01-01+json' ${sim.url}/api/atlas/v2/groups`,
);

function shutdown(): void {
  sim.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
