/**
 * Liveness, readiness and graceful shutdown over real HTTP: /ready follows the gateway's own credential
 * without ever calling Atlas per probe, recovers in the background, takes checks from elsewhere (Redis),
 * and fails while draining; draining lets requests in flight finish and closes what is idle.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { drainServer } from '../../../src/server/drain.js';
import { createGateway, type Gateway } from '../../../src/server/gateway.js';
import { DEMO, startSimulator, type AtlasSimulator } from '../../../src/simulator/index.js';
import { startStack, TEST_TOKEN, type TestStack } from '../../../support/stack.js';
import { startAtlasProxy } from '../../helpers/atlas-proxy.js';

const payments = DEMO.projects.payments.id;
const lookup = `{ project(id: "${payments}") { name } }`;
const account = { clientId: 'mdb_sa_id_ready', clientSecret: 'mdb_sa_sk_ready' };

async function ready(stack: TestStack): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(stack.url.replace(/\/graphql$/, '/ready'));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

let stack: TestStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('/health and /ready', () => {
  it('answer 200 when all is well, without calling Atlas', async () => {
    stack = await startStack();
    const health = await fetch(stack.url.replace(/\/graphql$/, '/health'));
    expect(health.status).toBe(200);
    for (let i = 0; i < 5; i++) expect(await ready(stack)).toEqual({ status: 200, body: { status: 'ready' } });
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it('are not ready while the service account cannot get a token, and recover in the background', async () => {
    stack = await startStack({
      auth: { mode: 'service-account', ...account },
      simulator: { bearerTokens: [], auth: { serviceAccounts: [account] } },
      // Back-offs long enough that ten probes on a loaded machine fall before the second re-mint.
      gateway: { readiness: { initialBackoffMs: 500, maxBackoffMs: 500 } },
    });
    const tokenCalls = () => stack?.simulator.callCount({ operationId: 'oauthToken' }) ?? 0;
    stack.simulator.faults.set({ script: ['status503', 'status503'], match: { operationId: 'oauthToken' } });
    const failed = await stack.query(lookup);
    expect(failed.errors?.[0]?.extensions?.['code']).toBe('UPSTREAM_AUTH_FAILED');
    expect(await ready(stack)).toEqual({ status: 503, body: { status: 'not ready', failing: ['atlas-credential'] } });
    // Probes never ask Atlas: only the background re-mint (after 500 ms, failing once more, then 500 ms) does.
    const before = tokenCalls();
    for (let i = 0; i < 10; i++) await ready(stack);
    expect(tokenCalls() - before).toBeLessThanOrEqual(1);
    await expect.poll(async () => (await ready(stack as TestStack)).status, { timeout: 5_000 }).toBe(200);
    expect(tokenCalls()).toBe(3);
    // The token minted in the background serves the next operation.
    expect((await stack.query(lookup)).errors).toBeUndefined();
    expect(tokenCalls()).toBe(3);
  });

  it('are not ready once Atlas refuses the access token, and let traffic try again after a back-off', async () => {
    // A back-off of 2 s (then 4 s): the probe right after the refusal falls within it on a loaded machine too.
    stack = await startStack({ token: 'revoked-token', gateway: { readiness: { initialBackoffMs: 2_000 } } });
    expect((await ready(stack)).status).toBe(200);
    expect((await stack.query(lookup)).errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect((await ready(stack)).status).toBe(503);
    await expect.poll(async () => (await ready(stack as TestStack)).status, { timeout: 10_000 }).toBe(200);
    expect((await stack.query(lookup)).errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect((await ready(stack)).status).toBe(503);
  });

  it("ignore callers' tokens in forward mode", async () => {
    stack = await startStack({ auth: { mode: 'forward' } });
    await stack.query(lookup, undefined, { authorization: 'Bearer not-a-valid-token' });
    expect((await ready(stack)).status).toBe(200);
  });

  it('take checks from other parts of the gateway (Redis): not ready, or degraded but serving', async () => {
    stack = await startStack();
    let state: 'ready' | 'degraded' | 'not-ready' = 'degraded';
    const remove = stack.gateway.readiness.addCheck('redis', () => state);
    expect(await ready(stack)).toEqual({ status: 200, body: { status: 'ready', degraded: ['redis'] } });
    state = 'not-ready';
    expect(await ready(stack)).toEqual({ status: 503, body: { status: 'not ready', failing: ['redis'] } });
    stack.gateway.readiness.addCheck('broken', () => {
      throw new Error('a check that throws fails, and says nothing more');
    });
    expect((await ready(stack)).body).toEqual({ status: 'not ready', failing: ['redis', 'broken'] });
    remove();
  });
});

/** One HTTP/1.1 request on its own keep-alive connection; resolves with status, headers and body. */
function get(port: number, path: string, agentless = true) {
  return new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: agentless ? false : undefined }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('draining', () => {
  let simulator: AtlasSimulator | undefined;
  let gateway: Gateway | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await gateway?.close();
    await simulator?.close();
  });

  it('fails /ready at once, serves during the delay, lets requests in flight finish, then closes', async () => {
    // Atlas's answers wait at a proxy until the listener has closed: both requests are in flight then, however
    // fast or slow this machine is.
    let releaseAnswers!: () => void;
    const answersHeld = new Promise<void>((resolve) => (releaseAnswers = resolve));
    const proxy = await startAtlasProxy(() => ({ holdAnswerUntil: answersHeld }));
    try {
      simulator = await startSimulator({ bearerTokens: [TEST_TOKEN] });
      proxy.forwardTo(simulator.url);
      gateway = createGateway({ atlas: { baseUrl: proxy.url, auth: { mode: 'token', token: TEST_TOKEN } } });
      server = createServer(gateway.yoga);
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const lookupOf = (id: string) => `/graphql?query=${encodeURIComponent(`{ project(id: "${id}") { name } }`)}`;

      const inFlight = get(port, lookupOf(payments));
      // In flight: its Atlas call is out.
      await vi.waitFor(() => expect(proxy.seen).toHaveLength(1), { timeout: 5_000 });
      // 2 s of delay, for the probes and the late request below to come in on a loaded machine.
      const drained = drainServer(server, gateway.readiness, { delayMs: 2_000, timeoutMs: 10_000 });
      // During the delay: not ready, yet still serving, and asking clients to close their connections.
      const probe = await get(port, '/ready');
      expect(probe.status).toBe(503);
      expect(JSON.parse(probe.body)).toEqual({ status: 'not ready', draining: true });
      expect(probe.connection).toBe('close');
      expect((await get(port, '/health')).status).toBe(200);
      // Another project: its call is not shared with the first one's.
      const late = get(port, lookupOf(DEMO.projects.analytics.id));
      await vi.waitFor(() => expect(proxy.seen).toHaveLength(2), { timeout: 5_000 });
      // The listener closes at the end of the delay, both requests still waiting for Atlas; then Atlas answers.
      await vi.waitFor(() => expect(server?.listening).toBe(false), { timeout: 5_000, interval: 10 });
      releaseAnswers();

      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ data: { project: { name: DEMO.projects.payments.name } } });
      const lateAnswer = await late;
      expect(lateAnswer.status).toBe(200);
      expect(JSON.parse(lateAnswer.body)).toEqual({ data: { project: { name: DEMO.projects.analytics.name } } });
      expect(await drained).toEqual({ forced: false });
      // The listener is closed: nothing new connects.
      await expect(get(port, '/health')).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      releaseAnswers();
      await gateway?.close();
      gateway = undefined;
      await proxy.close();
    }
  });

  it('cuts what is still open at the timeout', async () => {
    // Atlas never answers (the gateway's call would time out after 10 s).
    simulator = await startSimulator({
      bearerTokens: [TEST_TOKEN],
      faults: { script: ['hang'], match: { operationId: 'getGroup' } },
    });
    gateway = createGateway({ atlas: { baseUrl: simulator.url, auth: { mode: 'token', token: TEST_TOKEN } } });
    server = createServer(gateway.yoga);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const slow = get(port, `/graphql?query=${encodeURIComponent(lookup)}`).catch((error: Error) => error);
    // In flight: Atlas has its call.
    await vi.waitFor(() => expect(simulator?.faults.injected().hang).toBe(1), { timeout: 5_000 });
    const started = performance.now();
    expect(await drainServer(server, gateway.readiness, { delayMs: 0, timeoutMs: 300 })).toEqual({ forced: true });
    expect(performance.now() - started).toBeLessThan(2_500);
    expect(await slow).toBeInstanceOf(Error);
  });
});
