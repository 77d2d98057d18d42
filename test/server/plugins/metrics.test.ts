/**
 * /metrics over real HTTP: GraphQL operations by name and outcome, Atlas calls by operationId and status,
 * retries, shared answers, budget refusals, token mints, digest challenges and rate-limit headroom, all
 * counted from what the gateway really did against the simulator; bounded operation-name labels; and the
 * metrics on a port of their own.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graph/ids.js';
import { createMetrics, OperationNames } from '../../../src/server/plugins/metrics.js';
import { ATLAS_BACKUP_BUCKET, DEMO } from '../../../src/simulator/index.js';
import { startStack, type TestStack } from '../../../support/stack.js';
import { labelValues, parseSamples, sampleValue } from '../../helpers/prometheus.js';

const payments = DEMO.projects.payments.id;

async function scrape(stack: TestStack): Promise<string> {
  const response = await fetch(stack.url.replace(/\/graphql$/, '/metrics'));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

describe('GraphQL and Atlas metrics', () => {
  let stack: TestStack;
  let text: string;
  const canary = 'variable-canary-3f9a';

  beforeAll(async () => {
    stack = await startStack({
      // A limiter, so that Atlas's answers carry the RateLimit-* headers the metrics report.
      simulator: { rateLimit: { ...ATLAS_BACKUP_BUCKET } },
      atlas: { callBudget: 3, retry: { baseDelayMs: 1 } },
      gateway: { metrics: { maxOperationNames: 5 } },
    });
    expect((await stack.query(`query Dashboard { projects { totalCount } }`)).errors).toBeUndefined();
    // One 500 then an answer: a retry, and success.
    stack.simulator.faults.set({ script: ['status500'], match: { operationId: 'getGroup' } });
    const retried = await stack.query(`query Lookup($id: ObjectId!) { project(id: $id) { name } }`, { id: payments });
    expect(retried.errors).toBeUndefined();
    // The clusters list fails for good (500 after 2 retries); the project's name still answers: partial.
    stack.simulator.faults.set({
      script: ['status500', 'status500', 'status500'],
      match: { operationId: 'listClusters' },
    });
    const partial = await stack.query(`query Partial { project(id: "${payments}") { name clusters { totalCount } } }`);
    expect(partial.errors?.[0]?.extensions?.['code']).toBe('UPSTREAM_ERROR');
    stack.simulator.faults.clear();
    // Refused before execution: a syntax error, a validation error, the budget estimate (4 lists > 3).
    expect((await stack.query(`query Broken {`)).errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_PARSE_FAILED');
    expect((await stack.query(`query Invalid { nope }`)).errors?.[0]?.extensions?.['code']).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
    const ids = Object.values(DEMO.clusters).map((c) => toGlobalId('Snapshot', c.groupId, c.name, 'a'.repeat(24)));
    const estimate = await stack.query(`query Many($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect(estimate.errors?.[0]?.extensions?.['minimumCalls']).toBeGreaterThan(3);
    // Over the budget during execution: the fourth call is not sent.
    const over = await stack.query(`query Over { projects { nodes { clusters { nodes { name } } } } }`);
    expect(over.errors?.some((e) => e.extensions?.['code'] === 'UPSTREAM_BUDGET_EXCEEDED')).toBe(true);
    // A deprecated field, twice; a sixth name (over the cap of 5 names); a variable value that must not show.
    const legacy = DEMO.legacy.cluster;
    for (let i = 0; i < 2; i++) {
      await stack.query(
        `query Legacy { project(id: "${legacy.groupId}") { cluster(name: "${legacy.name}") { checkpoints(first: 1) { totalCount } } } }`,
      );
    }
    await stack.query(
      `query Sixth($name: ClusterName!) { project(id: "${payments}") { cluster(name: $name) { name } } }`,
      {
        name: canary,
      },
    );
    text = await scrape(stack);
  });
  afterAll(() => stack?.close());

  it('counts operations by name, type and outcome, with a latency histogram', () => {
    expect(sampleValue(text, 'graphql_operations_total', { operation_name: 'Dashboard', outcome: 'success' })).toBe(1);
    expect(sampleValue(text, 'graphql_operations_total', { operation_name: 'Lookup', outcome: 'success' })).toBe(1);
    expect(sampleValue(text, 'graphql_operations_total', { operation_name: 'Partial', outcome: 'partial' })).toBe(1);
    expect(sampleValue(text, 'graphql_operations_total', { operation_type: 'unknown', outcome: 'refused' })).toBe(1);
    expect(sampleValue(text, 'graphql_operations_total', { operation_type: 'query', outcome: 'refused' })).toBe(2);
    expect(sampleValue(text, 'graphql_operation_duration_seconds_count', { operation_name: 'Dashboard' })).toBe(1);
    expect(
      sampleValue(text, 'graphql_operation_duration_seconds_bucket', { operation_name: 'Dashboard', le: '+Inf' }),
    ).toBe(1);
    expect(sampleValue(text, 'graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(sampleValue(text, 'graphql_errors_total', { code: 'UPSTREAM_ERROR' })).toBe(1);
  });

  it('labels at most the first names that executed; refused and later names count as other', () => {
    // The syntax error's name is unknown: its document never parsed.
    expect(labelValues(text, 'graphql_operations_total', 'operation_name')).toEqual([
      'Dashboard',
      'Legacy',
      'Lookup',
      'Over',
      'Partial',
      'anonymous',
      'other',
    ]);
    expect(text).not.toContain('Sixth');
    expect(text).not.toContain('Broken');
    expect(text).not.toContain(canary);
  });

  it('counts Atlas requests by operationId and status, retries, and the latency of each', () => {
    expect(sampleValue(text, 'atlas_requests_total', { operation_id: 'getGroup', status: '500' })).toBe(1);
    expect(sampleValue(text, 'atlas_requests_total', { operation_id: 'listClusters', status: '500' })).toBe(3);
    expect(sampleValue(text, 'atlas_requests_total', { operation_id: 'listGroups', status: '200' })).toBeGreaterThan(0);
    expect(sampleValue(text, 'atlas_retries_total', { operation_id: 'getGroup' })).toBe(1);
    expect(sampleValue(text, 'atlas_retries_total', { operation_id: 'listClusters' })).toBe(2);
    const requests = sampleValue(text, 'atlas_requests_total');
    expect(requests).toBe(stack.simulator.calls.length);
    expect(sampleValue(text, 'atlas_request_duration_seconds_count')).toBe(requests);
  });

  it('counts budget refusals before execution (operations) and during it (calls not sent)', () => {
    expect(sampleValue(text, 'atlas_budget_refusals_total', { stage: 'estimate' })).toBe(1);
    expect(sampleValue(text, 'atlas_budget_refusals_total', { stage: 'execution' })).toBeGreaterThan(0);
  });

  it("reports Atlas's RateLimit-Remaining, deprecated fields, readiness and the process", () => {
    expect(sampleValue(text, 'atlas_rate_limit_limit', { operation_id: 'listGroups' })).toBeGreaterThan(0);
    expect(parseSamples(text).some((s) => s.name === 'atlas_rate_limit_remaining')).toBe(true);
    expect(
      sampleValue(text, 'graphql_deprecated_fields_total', {
        operation_name: 'Legacy',
        type_name: 'Cluster',
        field_name: 'checkpoints',
      }),
    ).toBe(2);
    expect(sampleValue(text, 'gateway_ready')).toBe(1);
    expect(sampleValue(text, 'gateway_readiness_check', { check: 'atlas-credential' })).toBe(1);
    expect(sampleValue(text, 'graphql_subscriptions_open')).toBe(0);
    expect(sampleValue(text, 'atlas_pollers_active')).toBe(0);
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });
});

describe('operation names past 100 characters', () => {
  it('count as other, however many: the text stays small, and names up to 100 keep their label', async () => {
    const stack = await startStack({ gateway: { metrics: {} } });
    try {
      const long = (i: number) => `L${i}${'x'.repeat(20_000)}`;
      for (let i = 0; i < 5; i++) expect((await stack.query(`query ${long(i)} { __typename }`)).errors).toBeUndefined();
      const hundred = `N${'x'.repeat(99)}`;
      await stack.query(`query ${hundred} { __typename }`);
      const text = await scrape(stack);
      expect(text).not.toContain('x'.repeat(101));
      expect(text.length).toBeLessThan(100_000);
      expect(sampleValue(text, 'graphql_operations_total', { operation_name: 'other', outcome: 'success' })).toBe(5);
      expect(sampleValue(text, 'graphql_operations_total', { operation_name: hundred, outcome: 'success' })).toBe(1);
    } finally {
      await stack.close();
    }
  });
});

describe('a mutation over GET (405)', () => {
  it('is labelled by its parsed name and type, as the access line names it', async () => {
    const stack = await startStack({ gateway: { metrics: { operationNames: ['GM'] } } });
    try {
      const response = await fetch(`${stack.url}?query=${encodeURIComponent('mutation GM { __typename }')}`, {
        headers: { accept: 'application/json', 'x-graphql-csrf': '1' },
      });
      expect(response.status).toBe(405);
      await response.text();
      const text = await scrape(stack);
      expect(
        sampleValue(text, 'graphql_operations_total', {
          operation_name: 'GM',
          operation_type: 'mutation',
          outcome: 'refused',
        }),
      ).toBe(1);
      expect(sampleValue(text, 'graphql_operations_total')).toBe(1);
    } finally {
      await stack.close();
    }
  });
});

describe('shared answers', () => {
  it('counts answers coalesced with an identical call in flight, and cached ones', async () => {
    // The two identical queries share a call only while it is in flight: Atlas answers in 1.5 s, so that the
    // second reaches it in time on a loaded machine too (at 100 ms it sometimes came after the answer).
    const stack = await startStack({
      simulator: { latencyMs: 1_500 },
      atlas: { cacheTtlMs: 60_000 },
      gateway: { metrics: {} },
    });
    try {
      const query = `{ project(id: "${payments}") { name } }`;
      await Promise.all([stack.query(query), stack.query(query)]);
      await stack.query(query);
      const text = await scrape(stack);
      expect(sampleValue(text, 'atlas_shared_answers_total', { operation_id: 'getGroup', source: 'in-flight' })).toBe(
        1,
      );
      expect(sampleValue(text, 'atlas_shared_answers_total', { operation_id: 'getGroup', source: 'cache' })).toBe(1);
      expect(sampleValue(text, 'atlas_requests_total', { operation_id: 'getGroup' })).toBe(1);
    } finally {
      await stack.close();
    }
  });
});

describe('credentials', () => {
  const account = { clientId: 'mdb_sa_id_metrics', clientSecret: 'mdb_sa_sk_metrics' };
  const key = { publicKey: 'metricspk', privateKey: 'metrics-private' };
  const lookup = `{ project(id: "${payments}") { name } }`;

  it('counts service-account token mints, and a failed one by its failure', async () => {
    const stack = await startStack({
      auth: { mode: 'service-account', ...account },
      simulator: { bearerTokens: [], auth: { serviceAccounts: [account] } },
      gateway: { metrics: {} },
    });
    try {
      expect((await stack.query(lookup)).errors).toBeUndefined();
      stack.simulator.auth.expireAllTokens();
      stack.simulator.faults.set({ script: ['status500'], match: { operationId: 'oauthToken' } });
      await stack.query(lookup);
      const text = await scrape(stack);
      expect(sampleValue(text, 'atlas_token_requests_total', { kind: 'mint', outcome: 'minted' })).toBe(1);
      expect(sampleValue(text, 'atlas_token_requests_total', { kind: 'mint', outcome: 'token-endpoint-failed' })).toBe(
        1,
      );
      expect(sampleValue(text, 'atlas_requests_total', { operation_id: 'getGroup', status: '401' })).toBe(1);
    } finally {
      await stack.close();
    }
  });

  it('counts digest challenges (first and stale nonces), and shows a wrong key by its 401s', async () => {
    const stack = await startStack({
      auth: { mode: 'api-key', ...key },
      simulator: { bearerTokens: [], auth: { apiKeys: [key] } },
      gateway: { metrics: {} },
    });
    const wrong = await startStack({
      auth: { mode: 'api-key', publicKey: key.publicKey, privateKey: 'wrong' },
      simulator: { bearerTokens: [], auth: { apiKeys: [key] } },
      gateway: { metrics: {} },
    });
    try {
      expect((await stack.query(lookup)).errors).toBeUndefined();
      stack.simulator.auth.expireNonces();
      expect((await stack.query(lookup)).errors).toBeUndefined();
      const text = await scrape(stack);
      expect(sampleValue(text, 'atlas_digest_challenges_total', { outcome: 'signed-again', stale: 'false' })).toBe(1);
      expect(sampleValue(text, 'atlas_digest_challenges_total', { outcome: 'signed-again', stale: 'true' })).toBe(1);
      expect((await wrong.query(lookup)).errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
      const refused = await scrape(wrong);
      // The challenge, then the answer signed with it refused: a wrong key, counted without a third request.
      expect(sampleValue(refused, 'atlas_digest_challenges_total', { outcome: 'signed-again' })).toBe(1);
      expect(sampleValue(refused, 'atlas_digest_challenges_total', { outcome: 'refused', stale: 'false' })).toBe(1);
      expect(sampleValue(refused, 'atlas_requests_total', { operation_id: 'getGroup', status: '401' })).toBe(2);
      expect(wrong.simulator.calls).toHaveLength(2);
    } finally {
      await stack.close();
      await wrong.close();
    }
  });
});

describe('where /metrics is served', () => {
  it('is absent unless configured', async () => {
    const stack = await startStack();
    try {
      expect((await fetch(stack.url.replace(/\/graphql$/, '/metrics'))).status).toBe(404);
      expect(stack.gateway.metrics).toBeUndefined();
    } finally {
      await stack.close();
    }
  });

  it('on a port of its own (METRICS_PORT), and not on the public one', async () => {
    const stack = await startStack({ gateway: { metrics: { endpoint: false } } });
    const metrics = stack.gateway.metrics;
    if (!metrics) throw new Error('metrics expected');
    const server = createServer((req, res) => metrics.serve(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await stack.query(`query Dashboard { projects { totalCount } }`);
      expect((await fetch(stack.url.replace(/\/graphql$/, '/metrics'))).status).toBe(404);
      const own = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
      expect(own.status).toBe(200);
      expect(sampleValue(await own.text(), 'graphql_operations_total', { operation_name: 'Dashboard' })).toBe(1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stack.close();
    }
  });

  it('the environment turns it on (METRICS), with its own port and an allow-list of names', async () => {
    const stack = await startStack({
      env: { METRICS: 'true', METRICS_PORT: '9464', METRICS_OPERATION_NAMES: 'Dashboard' },
    });
    try {
      expect(stack.gateway.metrics).toBeDefined();
      // The environment's METRICS_PORT moves it off the public port (index.ts listens there).
      expect((await fetch(stack.url.replace(/\/graphql$/, '/metrics'))).status).toBe(404);
      await stack.query(`query Dashboard { projects { totalCount } }`);
      await stack.query(`query NotListed { projects { totalCount } }`);
      const text = await stack.gateway.metrics?.registry.metrics();
      expect(labelValues(text ?? '', 'graphql_operations_total', 'operation_name')).toEqual(['Dashboard', 'other']);
    } finally {
      await stack.close();
    }
  });
});

describe('live figures and labels', () => {
  it('reads subscriptions and pollers at each scrape', async () => {
    const metrics = createMetrics({ endpoint: false, maxOperationNames: 10, processMetrics: false });
    let figures = { subscriptions: 3, pollers: 1 };
    metrics.observeLive(() => figures);
    let text = await metrics.registry.metrics();
    expect(sampleValue(text, 'graphql_subscriptions_open')).toBe(3);
    expect(sampleValue(text, 'atlas_pollers_active')).toBe(1);
    figures = { subscriptions: 0, pollers: 0 };
    text = await metrics.registry.metrics();
    expect(sampleValue(text, 'graphql_subscriptions_open')).toBe(0);
  });

  it('names: an allow-list admits only its names; a cap admits executed names until full', () => {
    const listed = new OperationNames(['A'], 100);
    expect([listed.label('A', true), listed.label('B', true), listed.label(undefined, true)]).toEqual([
      'A',
      'other',
      'anonymous',
    ]);
    const capped = new OperationNames(undefined, 2);
    expect(['X', 'Y', 'Z', 'X'].map((name) => capped.label(name, true))).toEqual(['X', 'Y', 'other', 'X']);
    expect(new OperationNames(undefined, 2).label('Refused', false)).toBe('other');
    const long = new OperationNames(undefined, 2);
    expect([long.label('y'.repeat(101), true), long.label('y'.repeat(100), true)]).toEqual(['other', 'y'.repeat(100)]);
  });
});
