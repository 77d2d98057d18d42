/**
 * Atlas with the network taken away: the simulator's answers to one operation, recorded once, then served
 * from memory by an undici Dispatcher that the gateway is given instead of its connection pool. A gateway
 * on it does all its own work (planning, loaders, transport, parsing, execution) but opens no socket to
 * Atlas, so its CPU per operation, beside the same gateway's against the simulator over loopback, splits
 * what the operation costs into the gateway's own work and its Atlas HTTP exchanges. This module records;
 * bench/recorded-atlas.ts serves.
 */
import { writeFileSync } from 'node:fs';
import { atlasOperations, type AtlasOperationId } from '../src/generated/atlas-operations.js';
import { createGateway } from '../src/server/gateway.js';
import { createSeedData, startSimulator } from '../src/simulator/index.js';
import type { Answers } from './recorded-atlas.js';
import { BENCH_TOKEN } from './credential.js';
import { gatewayOptionsFor } from './in-process.js';

function isOperationId(id: string | null): id is AtlasOperationId {
  return id !== null && Object.hasOwn(atlasOperations, id);
}

/** Runs `document` once on the demo data and writes every Atlas answer it needed to `file`; returns the call count. */
export async function recordAnswers(document: string, file: string): Promise<number> {
  const sim = await startSimulator({ data: createSeedData(), bearerTokens: [BENCH_TOKEN] });
  const gateway = createGateway(gatewayOptionsFor('plain', sim.url));
  try {
    const response = await gateway.yoga.fetch('http://bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: document }),
    });
    const answer = (await response.json()) as { errors?: unknown[] };
    if (answer.errors?.length) throw new Error(`recording failed: ${JSON.stringify(answer.errors[0])}`);
    const calls = [...sim.calls];
    const answers: Answers = {};
    for (const call of calls) {
      if (!isOperationId(call.operationId)) continue;
      const query = new URLSearchParams(call.query).toString();
      const uri = query ? `${call.path}?${query}` : call.path;
      const replay = await fetch(sim.url + uri, {
        headers: { authorization: `Bearer ${BENCH_TOKEN}`, accept: atlasOperations[call.operationId].mediaType },
      });
      if (!replay.ok) throw new Error(`recording ${uri}: ${replay.status}`);
      answers[uri] = await replay.text();
    }
    writeFileSync(file, JSON.stringify(answers));
    return calls.length;
  } finally {
    await gateway.close();
    await sim.close();
  }
}
