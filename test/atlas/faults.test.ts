/**
 * Atlas faults through the whole gateway: the simulator's fault switch injects them, the tests count
 * what reached the simulator and check the GraphQL answer. Reads are retried on 429/5xx/resets within
 * the deadline; nothing else is; unreadable bodies become codes and are never echoed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { staticBearer } from '../../src/atlas/auth/credential.js';
import { createTransport } from '../../src/atlas/transport.js';
import { toGlobalId } from '../../src/graph/ids.js';
import { DEMO, FAULT_CANARY } from '../../src/simulator/index.js';
import { atlasRequest, startStack, TEST_TOKEN, type TestStack } from '../../support/stack.js';
import { startAtlasProxy } from '../helpers/atlas-proxy.js';

const payments = DEMO.projects.payments;
const warehouse = DEMO.clusters.analyticsWarehouse;
// Two independent Atlas calls (getGroup and getCluster), so a fault on one leaves the other answered.
const both = `{ p: project(id: "${payments.id}") { name }
  a: node(id: "${toGlobalId('Cluster', warehouse.groupId, warehouse.name)}") { ... on Cluster { name } } }`;
const onlyPayments = { operationId: 'getGroup', pathPrefix: `/api/atlas/v2/groups/${payments.id}` };
const report = { 'x-atlas-call-report': '1' };

let stack: TestStack;
beforeAll(async () => {
  // Short backoff so the suite stays quick; the policy's own tests cover the timings. Calls meant to be
  // answered get 5 s (400 ms was within a loaded machine's stalls); the hung call's test has its own stack.
  stack = await startStack({ timeoutMs: 5_000, atlas: { retry: { baseDelayMs: 10, budgetReserve: 1_000 } } });
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.simulator.faults.clear();
  stack.simulator.resetCalls();
});
const hits = () => stack.simulator.callCount({ operationId: 'getGroup', pathPrefix: onlyPayments.pathPrefix });

describe('retryable faults on reads', () => {
  it.each([
    ['500', 'status500'],
    ['503', 'status503'],
    ['a reset connection', 'reset'],
    // The status came, then the connection failed mid-body: as a reset.
    ['a body cut short', 'truncated'],
  ] as const)('retries %s and answers with the data', async (_, fault) => {
    stack.simulator.faults.set({ script: [fault, fault, 'ok'], match: onlyPayments });
    const answer = await stack.query(both, {}, report);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ p: { name: payments.name }, a: { name: warehouse.name } });
    expect(hits()).toBe(3);
    expect(answer.extensions?.['atlasCalls']).toMatchObject({ retries: 2 });
  });

  it('gives up after two retries; the sibling field keeps its data', async () => {
    stack.simulator.faults.set({ script: ['status500', 'status500', 'status500', 'ok'], match: onlyPayments });
    const answer = await stack.query(both);
    expect(answer.data).toEqual({ p: null, a: { name: warehouse.name } });
    expect(answer.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['p'], 'UPSTREAM_ERROR']]);
    expect(hits()).toBe(3);
  });

  it('waits out a short Retry-After on 429 and succeeds', async () => {
    stack.simulator.faults.set({ script: ['status429', 'ok'], retryAfterSeconds: 1, match: onlyPayments });
    const started = Date.now();
    const answer = await stack.query(both);
    expect(answer.data).toEqual({ p: { name: payments.name }, a: { name: warehouse.name } });
    expect(hits()).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000); // Atlas asked for a second; it got one
  });

  it('fails fast with RATE_LIMITED and retryAfter when the wait would pass the deadline', async () => {
    stack.simulator.faults.set({ script: ['status429', 'ok'], retryAfterSeconds: 55, match: onlyPayments });
    const answer = await stack.query(both);
    expect(answer.data).toEqual({ p: null, a: { name: warehouse.name } });
    expect(answer.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfter: 55,
      atlas: { status: 429, errorCode: 'RATE_LIMITED_TOKEN_BUCKET' },
    });
    expect(hits()).toBe(1);
  });

  it('waits what a 429 body says when Atlas sends no Retry-After (notes §3.1: it may not), and tells the client', async () => {
    // Atlas's token-bucket answer without its header: parameters[1] and the detail give the 55 s.
    const proxy = await startAtlasProxy((req) =>
      req.url?.startsWith(onlyPayments.pathPrefix)
        ? {
            status: 429,
            errorCode: 'RATE_LIMITED_TOKEN_BUCKET',
            detail: 'Rate limit exceeded for api/atlas/v2/groups. Please retry after 55 seconds.',
            parameters: ['api/atlas/v2/groups', 55, 10, 5, 60],
          }
        : undefined,
    );
    const limited = await startStack({ atlas: { baseUrl: proxy.url } });
    proxy.forwardTo(limited.simulator.url);
    try {
      const answer = await limited.query(both);
      expect(answer.data).toEqual({ p: null, a: { name: warehouse.name } });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 55 });
      // 55 s is past the operation's deadline: not sent again at once, as a header-less 429 was.
      expect(proxy.seen.filter((r) => r.url.startsWith(onlyPayments.pathPrefix))).toHaveLength(1);
    } finally {
      await limited.close();
      await proxy.close();
    }
  });
});

describe('faults that are not retried', () => {
  it('times out a hung call once, without retrying it', async () => {
    // 1.5 s: long enough for the sibling field's call to be answered on a loaded machine.
    const impatient = await startStack({
      timeoutMs: 1_500,
      atlas: { retry: { baseDelayMs: 10, budgetReserve: 1_000 } },
      simulator: { faults: { script: ['hang'], match: onlyPayments } },
    });
    try {
      const answer = await impatient.query(both);
      expect(answer.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['p'], 'UPSTREAM_TIMEOUT']]);
      expect(answer.data).toEqual({ p: null, a: { name: warehouse.name } });
      expect(impatient.simulator.callCount({ operationId: 'getGroup', pathPrefix: onlyPayments.pathPrefix })).toBe(1);
    } finally {
      await impatient.close();
    }
  });

  it.each(['malformed', 'truncated'] as const)('turns a %s body into a code and never echoes it', async (fault) => {
    stack.simulator.faults.set({ script: [fault, fault, fault], match: onlyPayments });
    const answer = await stack.query(both);
    expect(answer.data).toEqual({ p: null, a: { name: warehouse.name } });
    // Atlas answered 200 every time; a body cut short is not "Atlas could not be reached".
    expect(answer.errors?.[0]?.extensions?.code).toBe('UPSTREAM_BAD_RESPONSE');
    // Malformed JSON would be the same again; a body cut short was sent again, twice (ATLAS_MAX_RETRIES).
    expect(hits()).toBe(fault === 'malformed' ? 1 : 3);
    expect(JSON.stringify(answer)).not.toContain(FAULT_CANARY);
    expect(JSON.stringify(answer)).not.toContain('html');
  });

  it('ends a call at the operation deadline, and uses no answer that comes after it', async () => {
    // Every answer takes 1 s; the deadline is 1.6 s. The project comes at 1 s (0.6 s to spare on a loaded
    // machine); its clusters' page, asked with at most 0.6 s left, would come at 2 s, 0.4 s past the deadline:
    // undici's coarse timers let it through, late, as if on time.
    const slow = await startStack({
      timeoutMs: 10_000,
      atlas: { deadlineMs: 1_600 },
      simulator: { latencyMs: 1_000 },
    });
    try {
      const answer = await slow.query<{ project: { name: string; clusters: unknown } }>(
        `{ project(id: "${payments.id}") { name clusters(first: 1) { nodes { name } } } }`,
      );
      expect(answer.data?.project).toEqual({ name: payments.name, clusters: null });
      expect(answer.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
        [['project', 'clusters'], 'UPSTREAM_TIMEOUT'],
      ]);
    } finally {
      await slow.close();
    }
  });

  it('lets an operation that joined a call ended by another operation deadline make its own, on its own deadline', async () => {
    const tight = await startStack({ timeoutMs: 10_000, atlas: { deadlineMs: 1_600 } });
    try {
      // The first operation's call hangs; the second joins it 800 ms later, with 800 ms more to go (for its
      // own call, once the first's ends at 1.6 s).
      tight.simulator.faults.set({ script: ['hang'], match: onlyPayments });
      const query = `{ project(id: "${payments.id}") { name } }`;
      const started = Date.now();
      const first = tight.query<{ project: { name: string } | null }>(query);
      // The hung call is in flight (the simulator took it) before the second operation comes to join it.
      await vi.waitFor(() => expect(tight.simulator.faults.injected().hang).toBe(1), { timeout: 1_000, interval: 5 });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + 800 - Date.now())));
      const second = tight.query<{ project: { name: string } | null }>(query);
      const [leader, joiner] = await Promise.all([first, second]);
      expect(leader.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_TIMEOUT']);
      // It used to fail at the first operation's deadline with it.
      expect(joiner.errors, JSON.stringify(joiner.errors)).toBeUndefined();
      expect(joiner.data?.project).toEqual({ name: payments.name });
      expect(tight.simulator.callCount({ operationId: 'getGroup', pathPrefix: onlyPayments.pathPrefix })).toBe(2);
    } finally {
      await tight.close();
    }
  });

  it('holds the operation deadline across retries', async () => {
    const tight = await startStack({
      timeoutMs: 5_000,
      atlas: { deadlineMs: 300, retry: { baseDelayMs: 10 } },
      simulator: { faults: { script: ['hang'], match: onlyPayments } },
    });
    try {
      const started = Date.now();
      const answer = await tight.query(both);
      expect(answer.errors?.[0]?.extensions?.code).toBe('UPSTREAM_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(4_000); // the 5 s call timeout did not apply: the deadline did
    } finally {
      await tight.close();
    }
  });
});

describe('writes', () => {
  it.each(['status500', 'status503', 'reset', 'status429'] as const)('never retries a POST after %s', async (fault) => {
    const transport = createTransport({
      baseUrl: stack.simulator.url,
      timeoutMs: 1_000,
      connections: 2,
      userAgent: 't',
    });
    stack.simulator.faults.set({ script: [fault, 'ok'], match: { method: 'POST' } });
    await expect(
      transport.request({
        ...atlasRequest('createBackupRestoreJob', {
          groupId: payments.id,
          clusterName: DEMO.clusters.paymentsProd.name,
        }),
        body: { deliveryType: 'download', snapshotId: DEMO.snapshots.completed.id },
        credential: staticBearer(TEST_TOKEN),
      }),
    ).rejects.toThrow();
    expect(stack.simulator.callCount({ method: 'POST' })).toBe(1);
    await transport.close();
  });
});
