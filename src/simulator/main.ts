// Standalone runner: `tsx src/simulator/main.ts` serves the simulator on PORT (default 4010) so the
// gateway, curl or GraphiQL can be pointed at a fake Atlas without an Atlas account.
import { checkFaultPlan, DEMO, startSimulator, type FaultPlan } from './index.js';

const port = Number(process.env['PORT'] ?? '4010');
const host = process.env['HOST'] ?? '127.0.0.1';
const latencyMs = Number(process.env['LATENCY_MS'] ?? '0');

/** SIMULATOR_FAULTS: a FaultPlan as JSON, e.g. {"rates":{"status503":0.1},"retryAfterSeconds":2}. */
function faultPlanFromEnv(): FaultPlan | undefined {
  const text = process.env['SIMULATOR_FAULTS'];
  if (text === undefined || text.trim() === '') return undefined;
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch {
    throw new Error('SIMULATOR_FAULTS is not valid JSON');
  }
  checkFaultPlan(plan);
  return plan;
}

const faults = faultPlanFromEnv();
const sim = await startSimulator({ host, port, latencyMs, bearerTokens: [DEMO.token], ...(faults ? { faults } : {}) });
console.log(`Atlas simulator listening on ${sim.url}/api/atlas/v2`);
if (faults !== undefined) console.log(`Fault plan: ${JSON.stringify(faults)}`);
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
