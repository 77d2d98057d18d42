/**
 * Canary sweep: plant recognisable secrets in every auth mode, drive successes, Atlas faults, auth
 * failures and bad input through the gateway, and search every response body, response header, log
 * line, the Prometheus metrics and every exported span (name, attributes, events, status) for the
 * secrets, the Authorization values actually sent to Atlas, and their base64 forms.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Agent, type Dispatcher } from 'undici';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import type { AtlasAuth } from '../src/server/gateway.js';
import { toGlobalId } from '../src/graph/ids.js';
import { DEMO, type FaultKind } from '../src/simulator/index.js';
import { startStack, type TestStack } from '../support/stack.js';

const canary = {
  clientId: 'mdb_sa_id_canary0000000000000001',
  clientSecret: 'mdb_sa_sk_CANARY-client-secret-93f1',
  publicKey: 'canarypk',
  privateKey: 'CANARY-private-key-5e2c',
  token: 'CANARY-static-token-77a0',
  forwarded: 'CANARY-forwarded-token-1b9d',
};

/** Records every Authorization header the gateway sends to Atlas, so the sweep can look for them too. */
function recordingDispatcher(sent: Set<string>): Dispatcher {
  return new Agent().compose((dispatch) => (options, handler) => {
    const headers = options.headers as Record<string, string> | undefined;
    if (headers?.['authorization']) sent.add(headers['authorization']);
    return dispatch(options, handler);
  });
}

const cluster = DEMO.clusters.paymentsProd;
const queries = {
  dashboard: `{ projects(first: 5) { nodes { name clusters { nodes { name restoreJobs(first: 3) { nodes { atlasId snapshot { atlasId } } } } } } } }`,
  lookup: `{ project(id: "${DEMO.projects.payments.id}") { name } }`,
  node: `{ node(id: "${toGlobalId('Cluster', cluster.groupId, cluster.name)}") { id } }`,
  badId: `{ project(id: "../orgs") { name } }`,
  badDocument: `{ project(id: "${DEMO.projects.payments.id}") { nam } }`,
  syntax: `{ project(`,
};
const faults: (FaultKind | 'none')[] = [
  'none',
  'status500',
  'status503',
  'status429',
  'reset',
  'malformed',
  'truncated',
  'hang',
];

const modes: [string, AtlasAuth, Record<string, unknown>, Record<string, string>][] = [
  ['token', { mode: 'token', token: canary.token }, { bearerTokens: [canary.token] }, {}],
  [
    'service account',
    { mode: 'service-account', clientId: canary.clientId, clientSecret: canary.clientSecret },
    { bearerTokens: [], auth: { serviceAccounts: [{ clientId: canary.clientId, clientSecret: canary.clientSecret }] } },
    {},
  ],
  [
    'API key',
    { mode: 'api-key', publicKey: canary.publicKey, privateKey: canary.privateKey },
    { bearerTokens: [], auth: { apiKeys: [{ publicKey: canary.publicKey, privateKey: canary.privateKey }] } },
    {},
  ],
  [
    'forward',
    { mode: 'forward' },
    { bearerTokens: [canary.forwarded] },
    { authorization: `Bearer ${canary.forwarded}` },
  ],
  [
    'service account with a wrong secret',
    { mode: 'service-account', clientId: canary.clientId, clientSecret: `${canary.clientSecret}-wrong` },
    { bearerTokens: [], auth: { serviceAccounts: [{ clientId: canary.clientId, clientSecret: canary.clientSecret }] } },
    {},
  ],
  [
    'API key with a wrong key',
    { mode: 'api-key', publicKey: canary.publicKey, privateKey: `${canary.privateKey}-wrong` },
    { bearerTokens: [], auth: { apiKeys: [{ publicKey: canary.publicKey, privateKey: canary.privateKey }] } },
    {},
  ],
];

const previousEnv = process.env['NODE_ENV'];
afterAll(() => {
  process.env['NODE_ENV'] = previousEnv;
});

describe('no credential in any output', () => {
  it.each(modes)('%s mode, under every fault', async (_, auth, simulator, headers) => {
    // Development mode is where frameworks add stacks and original messages; the gateway must not.
    process.env['NODE_ENV'] = 'development';
    const logLines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    const sent = new Set<string>();
    const dispatcher = recordingDispatcher(sent);
    const spans = new InMemorySpanExporter();
    const exported: ReadableSpan[] = [];
    let stack: TestStack | undefined;
    const outputs: string[] = [];
    try {
      stack = await startStack({
        auth,
        simulator,
        timeoutMs: 300,
        atlas: { dispatcher, retry: { baseDelayMs: 5 } },
        gateway: { logger: pino({ level: 'trace' }, sink), metrics: {}, tracing: { exporter: spans } },
      });
      for (const fault of faults) {
        stack.simulator.faults.clear();
        if (fault !== 'none') stack.simulator.faults.set({ rates: { [fault]: 0.5 }, retryAfterSeconds: 1, seed: 7 });
        for (const document of Object.values(queries)) {
          const response = await fetch(stack.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-atlas-call-report': '1', ...headers },
            body: JSON.stringify({ query: document }),
          });
          outputs.push(JSON.stringify([...response.headers]), await response.text());
        }
      }
      outputs.push((await stack.gateway.metrics?.registry.metrics()) ?? '');
      // Read before closing: shutting the exporter down empties it.
      exported.push(...spans.getFinishedSpans());
    } finally {
      await stack?.close();
      await dispatcher.close();
    }
    expect(exported.length).toBeGreaterThan(0);
    for (const span of exported) {
      outputs.push(
        JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events, status: span.status }),
      );
    }
    expect(sent.size).toBeGreaterThan(0);
    const forbidden = new Set<string>(Object.values(canary));
    for (const value of sent) {
      forbidden.add(value);
      const credential = value.replace(/^(Bearer|Basic) /, '');
      forbidden.add(credential);
      forbidden.add(Buffer.from(credential).toString('base64'));
      const digestResponse = /response="([0-9a-f]+)"/.exec(value)?.[1];
      if (digestResponse) forbidden.add(digestResponse);
    }
    for (const id of [canary.clientId, encodeURIComponent(canary.clientId)]) {
      for (const secret of [canary.clientSecret, encodeURIComponent(canary.clientSecret)]) {
        forbidden.add(Buffer.from(`${id}:${secret}`).toString('base64'));
      }
    }
    forbidden.add(Buffer.from(canary.privateKey).toString('base64'));
    const everything = [...outputs, ...logLines].join('\n');
    expect(outputs.length).toBe(faults.length * Object.keys(queries).length * 2 + 1 + exported.length);
    for (const secret of forbidden) expect(everything, `found ${secret.slice(0, 12)}…`).not.toContain(secret);
    expect(everything).not.toMatch(/Bearer [A-Za-z0-9]|Digest username|Basic [A-Za-z0-9]/);
    expect(everything).not.toMatch(/CANARY/i);
  });
});
