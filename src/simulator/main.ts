// Standalone runner: `tsx src/simulator/main.ts` serves the simulator on PORT (default 4010) so the
// gateway, curl or GraphiQL can be pointed at a fake Atlas without an Atlas account.
import {
  checkFaultPlan,
  DEMO,
  SERVERLESS_BACKUP_MODES,
  startSimulator,
  type FaultPlan,
  type ServerlessBackupMode,
} from './index.js';

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

/**
 * SIMULATOR_SERVERLESS_BACKUP: `sunset` (default, as `npm start`'s DEMO_SERVERLESS_BACKUP) or `available`.
 * With `sunset` the serverless backup snapshot and restore-job operations answer 410 VERSION_GONE, as
 * Atlas does since 2026-01-22; `available` plays the Atlas of before.
 */
function serverlessBackupFromEnv(): ServerlessBackupMode {
  const text = (process.env['SIMULATOR_SERVERLESS_BACKUP'] ?? '').trim();
  if (text === '') return 'sunset';
  const mode = SERVERLESS_BACKUP_MODES.find((m) => m === text);
  if (mode === undefined) {
    throw new Error(`SIMULATOR_SERVERLESS_BACKUP must be one of ${SERVERLESS_BACKUP_MODES.join(', ')}, got "${text}"`);
  }
  return mode;
}

const faults = faultPlanFromEnv();
const serverlessBackup = serverlessBackupFromEnv();
const sim = await startSimulator({
  host,
  port,
  latencyMs,
  bearerTokens: [DEMO.token],
  serverlessBackup,
  seededJobsMove: true,
  ...(faults ? { faults } : {}),
});
console.log(`Atlas simulator listening on ${sim.url}/api/atlas/v2`);
if (faults !== undefined) console.log(`Fault plan: ${JSON.stringify(faults)}`);
console.log(
  serverlessBackup === 'sunset'
    ? 'Serverless backup operations: sunset (410 VERSION_GONE; SIMULATOR_SERVERLESS_BACKUP=available for before 2026-01-22)'
    : 'Serverless backup operations: available (the Atlas of before 2026-01-22)',
);
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
