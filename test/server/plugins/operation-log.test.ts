/**
 * Logs an operator can trust: a pino logger writes into memory while a session of caller mistakes, Atlas
 * faults and a gateway bug go through the gateway. Mistakes are one info line each (the access line) with
 * their code and no stack; Atlas faults one warn line naming the Atlas operation; only the bug is an
 * error, with its stack; no line holds a variable's value.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { MockAgent } from 'undici';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { atlasOperations } from '../../../src/generated/atlas-operations.js';
import { toGlobalId } from '../../../src/graph/ids.js';
import { yogaLogger } from '../../../src/server/plugins/operation-log.js';
import { DEMO, type ResponseTransform } from '../../../src/simulator/index.js';
import { startStack, TEST_TOKEN, type TestStack } from '../../../support/stack.js';
import { sampleValue } from '../../helpers/prometheus.js';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

const INFO = 30;
const WARN = 40;
const ERROR = 50;
const CANARY = 'CANARY-variable-value-4b1d';

function memoryLogger() {
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(chunk.toString());
      done();
    },
  });
  const lines = () => raw.map((line) => JSON.parse(line) as LogLine);
  // Trace: whatever yoga or the gateway logs at any level is seen.
  return { logger: pino({ level: 'trace' }, sink), raw, lines };
}

const payments = DEMO.projects.payments;
const paymentsProd = DEMO.clusters.paymentsProd;
const log = memoryLogger();
let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({
    // No call here is meant to time out: 5 s, not 400 ms (within a loaded machine's stalls).
    timeoutMs: 5_000,
    atlas: { retry: { baseDelayMs: 5, budgetReserve: 1_000 } },
    gateway: { logger: log.logger },
  });
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.simulator.faults.clear();
  log.raw.length = 0;
});

/** Lines at info and above (yoga's own debug lines aside). */
const visible = () => log.lines().filter((line) => line.level >= INFO);
const accessLines = () => visible().filter((line) => 'durationMs' in line);

interface Answer {
  errors?: { extensions?: { code?: string } }[];
  extensions?: { atlasCalls?: { calls: number; coalesced: number; retries: number } };
}

async function send(init: RequestInit & { url?: string }) {
  const response = await fetch(init.url ?? stack.url, init);
  const text = await response.text();
  let body: Answer = {};
  try {
    body = JSON.parse(text) as Answer;
  } catch {
    // Not JSON (a stream): no codes to compare.
  }
  const codes: Record<string, number> = {};
  for (const error of body.errors ?? []) {
    const code = error.extensions?.code ?? 'UNCODED';
    codes[code] = (codes[code] ?? 0) + 1;
  }
  const report = body.extensions?.atlasCalls;
  const atlasCalls = report && { calls: report.calls, coalesced: report.coalesced, retries: report.retries };
  return { status: response.status, codes, text, atlasCalls };
}

const postJson = (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) =>
  send({
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });

let deep = 'name';
for (let i = 0; i < 7; i++) deep = `clusters { nodes { project { ${deep} } } }`;

/** What each mistake is answered with: its code, or for a refusal, its HTTP status. */
type Expected = { code: string } | { status: number } | undefined;

const mistakes: [string, () => ReturnType<typeof send>, Expected][] = [
  ['a syntax error', () => postJson('query Broken { project('), { code: 'GRAPHQL_PARSE_FAILED' }],
  [
    'an unknown field',
    () => postJson(`query Typo { project(id: "${payments.id}") { nam } }`),
    { code: 'GRAPHQL_VALIDATION_FAILED' },
  ],
  [
    'a bad ObjectId literal',
    () => postJson('query BadLiteral { project(id: "../orgs") { name } }'),
    { code: 'BAD_USER_INPUT' },
  ],
  [
    'a bad ObjectId variable',
    () => postJson('query BadVariable($id: ObjectId!) { project(id: $id) { name } }', { id: CANARY }),
    { code: 'BAD_USER_INPUT' },
  ],
  [
    'an Int variable that is not one',
    () => postJson('query BadInt($n: Int) { projects(first: $n) { totalCount } }', { n: 1.5 }),
    { code: 'BAD_USER_INPUT' },
  ],
  [
    'a required variable left out',
    () => postJson('query NoVariable($n: Int!) { projects(first: $n) { totalCount } }'),
    { code: 'BAD_USER_INPUT' },
  ],
  [
    'a query over the depth limit',
    () => postJson(`query Deep { project(id: "${payments.id}") { ${deep} } }`),
    { code: 'MAX_DEPTH_EXCEEDED' },
  ],
  [
    'an unknown node id',
    () => postJson('query Node { node(id: "bm90LWEtcmVhbC1pZA") { id } }'),
    { code: 'BAD_USER_INPUT' },
  ],
  [
    'a mutation over GET',
    () =>
      send({
        url: `${stack.url}?query=${encodeURIComponent('mutation Change { x }')}`,
        headers: { accept: 'application/json', 'x-graphql-csrf': '1' },
      }),
    { status: 405 },
  ],
  [
    'a form POST without a CSRF header',
    () => send({ method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ __typename }"}' }),
    { status: 403 },
  ],
  ['a body over the size limit', () => postJson(`query Big { __typename } # ${'x'.repeat(120_000)}`), { status: 413 }],
  [
    'a lookup Atlas answers 404',
    () => postJson('query Missing { project(id: "000000000000000000000000") { name } }'),
    undefined,
  ],
  [
    'a node id whose cluster is gone',
    () => postJson(`query Gone { node(id: "${toGlobalId('Cluster', payments.id, 'no-such-cluster')}") { id } }`),
    undefined,
  ],
];

describe('a session of caller mistakes', () => {
  it.each(mistakes)('%s: one info line with its code, no stack', async (_, run, expected) => {
    const { status, codes } = await run();
    if (expected && 'code' in expected) expect(codes).toMatchObject({ [expected.code]: 1 });
    if (expected && 'status' in expected) expect(status).toBe(expected.status);
    const lines = visible();
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({ level: INFO, status });
    if (Object.keys(codes).length) expect(line?.['errors']).toEqual(codes);
    else expect(line).not.toHaveProperty('errors');
    expect(JSON.stringify(log.raw)).not.toContain('stack');
    expect(JSON.stringify(log.raw)).not.toContain(CANARY);
  });

  it('variables that do not fit: 400 and BAD_USER_INPUT on every run, the compiled ones too', async () => {
    // From its second run the document executes compiled (graphql-jit), which refuses variables its own way.
    const runs = [];
    for (let run = 0; run < 3; run++)
      runs.push(await postJson('query Rerun($n: Int!) { projects(first: $n) { totalCount } }', { n: 'x' }));
    expect(runs.map(({ status, codes }) => [status, codes])).toEqual(Array(3).fill([400, { BAD_USER_INPUT: 1 }]));
    expect(new Set(runs.map(({ text }) => text)).size).toBe(1);
    expect(visible().map((line) => [line.level, line['status'], line['errors']])).toEqual(
      Array(3).fill([INFO, 400, { BAD_USER_INPUT: 1 }]),
    );
  });

  it('logs no line above info for the whole session, and each mistake once', async () => {
    for (const [, run] of mistakes) await run();
    const lines = log.lines();
    expect(lines.filter((line) => line.level >= WARN)).toEqual([]);
    expect(accessLines()).toHaveLength(mistakes.length);
    expect(log.raw.join('')).not.toContain(CANARY);
  });
});

describe('the access line', () => {
  it('names the operation and says what it cost, never what the variables held', async () => {
    const query = `query ClusterPage($id: ObjectId!, $after: String) {
      project(id: $id) { name clusters(after: $after) { nodes { name } } } }`;
    const answer = await postJson(
      query,
      { id: payments.id, after: CANARY },
      { 'x-request-id': 'req-42', 'x-atlas-call-report': '1' },
    );
    expect(answer.codes).toEqual({ BAD_USER_INPUT: 1 }); // the cursor is refused; the project still answers
    expect(answer.atlasCalls?.calls).toBeGreaterThan(0);
    expect(accessLines()).toEqual([
      expect.objectContaining({
        level: INFO,
        reqId: 'req-42',
        operation: 'ClusterPage',
        operationType: 'query',
        status: 200,
        durationMs: expect.any(Number),
        atlas: answer.atlasCalls,
        errors: { BAD_USER_INPUT: 1 },
      }),
    ]);
    // Whatever level: not in yoga's debug lines either.
    expect(log.raw.join('')).not.toContain(CANARY);
    expect(log.raw.join('')).not.toContain('clusters(after');
  });

  it('cuts an operation name past 100 characters, with a marker; keeps one of 100 whole', async () => {
    const long = `L${'x'.repeat(20_000)}`;
    await postJson(`query ${long} { __typename }`);
    await postJson(`query ${'N'.repeat(100)} { __typename }`);
    expect(accessLines().map((line) => [line['operation'], line.msg])).toEqual([
      [`${long.slice(0, 100)}…`, `query ${long.slice(0, 100)}… 200 ${String(accessLines()[0]?.['durationMs'])} ms`],
      ['N'.repeat(100), `query ${'N'.repeat(100)} 200 ${String(accessLines()[1]?.['durationMs'])} ms`],
    ]);
    expect(log.raw.join('')).not.toContain('x'.repeat(101));
  });

  it("carries the request's reqId on every line of the operation, yoga's own debug lines included", async () => {
    await postJson(`query Named { project(id: "${payments.id}") { name } }`, {}, { 'x-request-id': 'req-debug-7' });
    await postJson(`query Other { __typename }`);
    const lines = log.lines();
    const debug = lines.filter((line) => line.level < INFO);
    expect(debug.map((line) => line.msg)).toContain('Parsing request to extract GraphQL parameters');
    for (const line of lines) expect(line['reqId'], line.msg).toEqual(expect.any(String));
    const [named, other] = accessLines();
    expect(named?.['reqId']).toBe('req-debug-7');
    // A request without an id gets one, the same on each of its lines.
    expect(lines.filter((line) => line['reqId'] === 'req-debug-7').length).toBeGreaterThan(2);
    expect(lines.filter((line) => line['reqId'] === other?.['reqId']).length).toBeGreaterThan(2);
    expect(
      lines.filter((line) => line['reqId'] === 'req-debug-7').length +
        lines.filter((line) => line['reqId'] === other?.['reqId']).length,
    ).toBe(lines.length);
  });

  it('names an anonymous operation and counts its retries as the call report does', async () => {
    stack.simulator.faults.set({
      script: ['status503', 'ok'],
      retryAfterSeconds: 0,
      match: { operationId: 'getGroup' },
    });
    const answer = await postJson(`{ project(id: "${payments.id}") { name } }`, {}, { 'x-atlas-call-report': '1' });
    expect(answer.atlasCalls?.retries).toBe(1);
    expect(accessLines()).toEqual([expect.objectContaining({ operation: 'anonymous', atlas: answer.atlasCalls })]);
    expect(visible().filter((line) => line.level >= WARN)).toEqual([]); // a fault retried away is no incident
  });

  it('is written once a streamed (@defer) answer ends', async () => {
    const { status, text } = await send({
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
      body: JSON.stringify({
        query: `query Deferred { project(id: "${payments.id}") { name ... @defer { clusters { nodes { name } } } } }`,
      }),
    });
    expect(status).toBe(200);
    expect(text).toContain(paymentsProd.name);
    expect(accessLines()).toEqual([
      expect.objectContaining({
        operation: 'Deferred',
        status: 200,
        atlas: expect.objectContaining({ calls: expect.any(Number) }),
      }),
    ]);
  });

  it('is written once a subscription ends, as an executed subscription (not a refusal)', async () => {
    const done = DEMO.snapshots.completed;
    const { status, text } = await send({
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        query: `subscription Finished { snapshot(projectId: "${done.groupId}", clusterName: "${done.clusterName}", atlasId: "${done.id}") { final } }`,
      }),
    });
    expect(status).toBe(200);
    expect(text).toContain('"final":true');
    const lines = accessLines();
    expect(lines).toEqual([
      expect.objectContaining({ operation: 'Finished', operationType: 'subscription', status: 200 }),
    ]);
    expect(lines[0]).not.toHaveProperty('refused');
  });

  it('is not written for GraphiQL or the health check', async () => {
    await send({ headers: { accept: 'text/html' } });
    await send({ url: stack.url.replace('/graphql', '/health') });
    expect(visible()).toEqual([]);
  });
});

describe('refusals once execution begins (the cost, the budget estimate, nested variables)', () => {
  it('are refused: true in the access line, as metrics and the span say', async () => {
    const own = memoryLogger();
    const exporter = new InMemorySpanExporter();
    const limited = await startStack({
      atlas: { callBudget: 3 },
      gateway: { logger: own.logger, metrics: {}, tracing: { exporter } },
    });
    const ids = Object.values(DEMO.clusters).map((c) => toGlobalId('Snapshot', c.groupId, c.name, 'a'.repeat(24)));
    const nested = `${'['.repeat(40)}${']'.repeat(40)}`;
    const refusals: [string, string, string][] = [
      ['Costly', '{ projects(first: 500) { nodes { clusters(first: 500) { nodes { name } } } } }', '{}'],
      ['Many', '($ids: [ID!]!) { nodes(ids: $ids) { id } }', JSON.stringify({ ids })],
      ['Nested', '($id: ObjectId!) { project(id: $id) { name } }', `{"id":"${payments.id}","x":${nested}}`],
    ];
    try {
      for (const [name, rest, variables] of refusals) {
        const response = await fetch(limited.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: `{"query":${JSON.stringify(`query ${name} ${rest}`)},"variables":${variables}}`,
        });
        expect(response.status, name).toBe(400);
      }
      const lines = own.lines().filter((line) => 'durationMs' in line);
      expect(lines.map((line) => [line['operation'], line['errors'], line['refused']])).toEqual([
        ['Costly', { COST_LIMIT_EXCEEDED: 1 }, true],
        ['Many', { UPSTREAM_BUDGET_EXCEEDED: 1 }, true],
        ['Nested', { MAX_VARIABLES_DEPTH_EXCEEDED: 1 }, true],
      ]);
      const text = (await limited.gateway.metrics?.registry.metrics()) ?? '';
      expect(sampleValue(text, 'graphql_operations_total', { operation_type: 'query', outcome: 'refused' })).toBe(3);
      expect(sampleValue(text, 'graphql_operations_total')).toBe(3);
      expect(exporter.getFinishedSpans().map((span) => span.attributes['graphql.response.outcome'])).toEqual([
        'refused',
        'refused',
        'refused',
      ]);
    } finally {
      await limited.close();
    }
  });
});

describe('Atlas faults', () => {
  it('a 500 after retries is one warn line naming the Atlas operation, status and code', async () => {
    stack.simulator.faults.set({ script: ['status500', 'status500', 'status500'], match: { operationId: 'getGroup' } });
    const answer = await postJson(`query Project { project(id: "${payments.id}") { name } }`);
    expect(answer.codes).toEqual({ UPSTREAM_ERROR: 1 });
    const warnings = visible().filter((line) => line.level === WARN);
    expect(warnings).toEqual([
      expect.objectContaining({
        operation: 'Project',
        code: 'UPSTREAM_ERROR',
        atlas: { operation: 'getGroup', status: 500, errorCode: expect.any(String) },
        count: 1,
      }),
    ]);
    expect(warnings[0]?.msg).toContain('getGroup');
    expect(JSON.stringify(warnings)).not.toMatch(/stack|err"/);
    expect(visible().filter((line) => line.level >= ERROR)).toEqual([]);
    expect(accessLines()).toEqual([
      expect.objectContaining({ errors: { UPSTREAM_ERROR: 1 }, atlas: expect.objectContaining({ retries: 2 }) }),
    ]);
  });

  it('a 429 that cannot be waited out is one warn line with retryAfter', async () => {
    stack.simulator.faults.set({ script: ['status429'], retryAfterSeconds: 55, match: { operationId: 'getGroup' } });
    await postJson(`query Project { project(id: "${payments.id}") { name } }`);
    expect(visible().filter((line) => line.level >= WARN)).toEqual([
      expect.objectContaining({
        level: WARN,
        code: 'RATE_LIMITED',
        retryAfter: 55,
        atlas: { operation: 'getGroup', status: 429, errorCode: 'RATE_LIMITED_TOKEN_BUCKET' },
      }),
    ]);
  });

  it('the same failure on several fields is one line with a count', async () => {
    // Whether the planner reads the clusters one by one or walks their list, every read fails alike.
    stack.simulator.faults.set({
      rates: { status500: 1 },
      match: { pathPrefix: `/api/atlas/v2/groups/${payments.id}/clusters` },
    });
    const clusters = Object.values(DEMO.clusters).filter((cluster) => cluster.groupId === payments.id);
    expect(clusters.length).toBeGreaterThan(1);
    const answer = await postJson(
      `query Clusters { nodes(ids: ${JSON.stringify(clusters.map((c) => toGlobalId('Cluster', c.groupId, c.name)))}) { id } }`,
    );
    expect(answer.codes).toEqual({ UPSTREAM_ERROR: clusters.length });
    expect(visible().filter((line) => line.level >= WARN)).toEqual([
      expect.objectContaining({
        level: WARN,
        code: 'UPSTREAM_ERROR',
        atlas: expect.objectContaining({ status: 500 }),
        count: clusters.length,
      }),
    ]);
  });
});

describe('a field Atlas retired (serverless backups after the sunset)', () => {
  it('is one warn line naming the retired operation, not an error line: no operator can mend it', async () => {
    const own = memoryLogger();
    const sunset = await startStack({ simulator: { serverlessBackup: 'sunset' }, gateway: { logger: own.logger } });
    try {
      const { groupId, instanceName } = DEMO.serverless;
      const answer = await sunset.query(
        `query Backups { project(id: "${groupId}") { serverlessInstance(name: "${instanceName}") { latestSnapshot { id } snapshots(first: 1) { nodes { id } } } } }`,
      );
      expect(answer.errors?.map((e) => e.extensions?.['code'])).toEqual([
        'SERVERLESS_BACKUP_SUNSET',
        'SERVERLESS_BACKUP_SUNSET',
      ]);
      expect(own.lines().filter((line) => line.level >= WARN)).toEqual([
        expect.objectContaining({
          level: WARN,
          operation: 'Backups',
          code: 'SERVERLESS_BACKUP_SUNSET',
          atlas: { operation: 'listServerlessBackupSnapshots', status: 410, errorCode: 'VERSION_GONE' },
          count: 2,
        }),
      ]);
    } finally {
      await sunset.close();
    }
  });
});

describe('Atlas refusing a credential', () => {
  it("the gateway's own: one error line, an operator must act whoever asked", async () => {
    const own = memoryLogger();
    const refused = await startStack({ token: 'revoked-token-0000', gateway: { logger: own.logger } });
    try {
      const answer = await refused.query(`{ project(id: "${payments.id}") { name } }`);
      expect(answer.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
      const lines = own.lines().filter((line) => line.level >= WARN);
      expect(lines).toEqual([
        expect.objectContaining({
          level: ERROR,
          code: 'UNAUTHENTICATED',
          msg: expect.stringContaining("the gateway's credential or configuration needs attention"),
        }),
      ]);
      expect(own.raw.join('')).not.toContain('revoked-token-0000');
    } finally {
      await refused.close();
    }
  });

  it('a token endpoint that cannot be reached: the error line names oauthToken and the cause', async () => {
    const own = memoryLogger();
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const account = { clientId: 'mdb_sa_id_unreachable', clientSecret: 'mdb_sa_sk_unreachable-canary' };
    const unreachable = await startStack({
      auth: { mode: 'service-account', ...account },
      atlas: { baseUrl: `http://127.0.0.1:${closed}` },
      gateway: { logger: own.logger },
    });
    try {
      const answer = await unreachable.query(`query Project { project(id: "${payments.id}") { name } }`);
      expect(answer.errors?.[0]?.extensions?.['code']).toBe('UPSTREAM_AUTH_FAILED');
      expect(own.lines().filter((line) => line.level >= WARN)).toEqual([
        expect.objectContaining({
          level: ERROR,
          code: 'UPSTREAM_AUTH_FAILED',
          atlas: { operation: 'oauthToken', failure: 'token-endpoint-failed', cause: 'ECONNREFUSED' },
          msg: expect.stringContaining('oauthToken'),
        }),
      ]);
      expect(own.raw.join('')).not.toContain('unreachable-canary');
    } finally {
      await unreachable.close();
    }
  });

  it("a caller's own (forward mode): a warn line, as any Atlas refusal", async () => {
    const own = memoryLogger();
    const forward = await startStack({ auth: { mode: 'forward' }, gateway: { logger: own.logger } });
    try {
      const answer = await forward.query(
        `{ project(id: "${payments.id}") { name } }`,
        {},
        { authorization: 'Bearer not-a-known-token' },
      );
      expect(answer.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
      expect(own.lines().filter((line) => line.level >= WARN)).toEqual([
        expect.objectContaining({ level: WARN, code: 'UNAUTHENTICATED' }),
      ]);
    } finally {
      await forward.close();
    }
  });
});

describe('a write whose outcome is unknown', () => {
  it('is one warn line saying what was lost: the reset and its cause, or Atlas status', async () => {
    const own = memoryLogger();
    const writes = await startStack({ gateway: { mutations: true, logger: own.logger } });
    const ledger = DEMO.clusters.paymentsLedger;
    const snapshot = writes.simulator.data.snapshots.find(
      (s) => s.clusterName === ledger.name && s.value.status === 'completed',
    );
    const download = `mutation Download { startDownloadRestore(input: {
      projectId: "${ledger.groupId}", clusterName: "${ledger.name}", snapshotId: "${snapshot?.value.id}" }) { errors { code } } }`;
    try {
      for (const [fault, atlas] of [
        ['reset', { operation: 'createBackupRestoreJob', failure: 'unavailable', cause: 'ECONNRESET' }],
        ['status500', { operation: 'createBackupRestoreJob', status: 500 }],
      ] as const) {
        own.raw.length = 0;
        writes.simulator.faults.set({ script: [fault], match: { method: 'POST' } });
        const answer = await writes.query(download);
        writes.simulator.faults.clear();
        expect(answer.errors?.[0]?.extensions?.['code'], fault).toBe('OUTCOME_UNKNOWN');
        expect(
          own.lines().filter((line) => line.level >= WARN),
          fault,
        ).toEqual([
          expect.objectContaining({ level: WARN, code: 'OUTCOME_UNKNOWN', atlas: expect.objectContaining(atlas) }),
        ]);
      }
    } finally {
      await writes.close();
    }
  });
});

describe('a write refused, answered as data', () => {
  it('Atlas refusing the role: a warn line naming the Atlas operation; every refusal counted in the access line', async () => {
    const own = memoryLogger();
    const readOnly = await startStack({
      simulator: { readOnlyTokens: [TEST_TOKEN] },
      gateway: { mutations: true, logger: own.logger },
    });
    const prod = DEMO.clusters.paymentsProd;
    const snapshot = `mutation Snap { takeSnapshot(input: { projectId: "${prod.groupId}", clusterName: "${prod.name}" }) { errors { code } } }`;
    const unconfirmed = `mutation Restore { startAutomatedRestore(input: { projectId: "${prod.groupId}", clusterName: "${prod.name}",
      snapshotId: "${DEMO.snapshots.completed.id}", targetClusterName: "${DEMO.clusters.paymentsLedger.name}" }) { errors { code } } }`;
    try {
      const refused = await readOnly.query<{ takeSnapshot: { errors: { code: string }[] } }>(snapshot);
      expect(refused.data?.takeSnapshot.errors).toEqual([{ code: 'FORBIDDEN' }]);
      expect(own.lines().filter((line) => line.level >= WARN)).toEqual([
        expect.objectContaining({
          level: WARN,
          code: 'FORBIDDEN',
          atlas: { operation: 'takeSnapshots', status: 403, errorCode: 'USER_UNAUTHORIZED' },
        }),
      ]);
      expect(own.lines().filter((line) => line['operation'] === 'Snap' && line['status'] === 200)).toEqual([
        expect.objectContaining({ writeErrors: { FORBIDDEN: 1 } }),
      ]);
      // Refused by the gateway before any call (no confirmation): counted, no line of its own.
      own.raw.length = 0;
      await readOnly.query(unconfirmed);
      expect(own.lines().filter((line) => line.level >= WARN)).toEqual([]);
      expect(own.lines().filter((line) => line['operation'] === 'Restore')).toEqual([
        expect.objectContaining({ writeErrors: { CONFIRMATION_REQUIRED: 1 } }),
      ]);
    } finally {
      await readOnly.close();
    }
  });
});

describe('a gateway bug', () => {
  it('an unexpected exception is one error line with its stack; the caller sees INTERNAL_SERVER_ERROR', async () => {
    // Atlas answering a shape the gateway does not expect (an item that is null) makes a resolver throw a
    // plain TypeError: what any bug looks like. A mock dispatcher answers the cluster list; the rest is real.
    const agent = new MockAgent();
    const own = memoryLogger();
    const buggy = await startStack({ atlas: { dispatcher: agent }, gateway: { logger: own.logger } });
    try {
      agent
        .get(buggy.simulator.url)
        .intercept({ path: (path) => path.includes('/clusters'), method: 'GET' })
        .reply(200, '{"results":[null],"totalCount":1}', {
          headers: { 'content-type': atlasOperations.listClusters.mediaType },
        })
        .persist();
      const answer = await buggy.query(
        `query Clusters { project(id: "${payments.id}") { name clusters { nodes { name } } } }`,
      );
      expect(answer.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
        ['Unexpected error.', 'INTERNAL_SERVER_ERROR'],
      ]);
      const lines = own.lines().filter((line) => line.level >= INFO);
      const errors = lines.filter((line) => line.level >= WARN);
      expect(errors).toEqual([
        expect.objectContaining({
          level: ERROR,
          operation: 'Clusters',
          code: 'INTERNAL_SERVER_ERROR',
          path: ['project', 'clusters'],
          err: expect.objectContaining({ type: 'TypeError', stack: expect.stringContaining('TypeError') }),
        }),
      ]);
      expect(lines.filter((line) => 'durationMs' in line)).toEqual([
        expect.objectContaining({ operation: 'Clusters', errors: { INTERNAL_SERVER_ERROR: 1 } }),
      ]);
    } finally {
      await buggy.close();
      await agent.close();
    }
  });

  it('Atlas leaving out a value the schema requires: UPSTREAM_BAD_RESPONSE and the rest of the answer, every run', async () => {
    // Every project in the list without its name: graphql nulls the list (names are non-null) and says why.
    const nameless: ResponseTransform = (body, { operationId }) =>
      operationId === 'listGroups' && Array.isArray(body['results'])
        ? { ...body, results: (body['results'] as object[]).map((group) => ({ ...group, name: undefined })) }
        : body;
    const own = memoryLogger();
    const partial = await startStack({ simulator: { transformResponse: nameless }, gateway: { logger: own.logger } });
    try {
      for (let run = 0; run < 3; run++) {
        const answer = await partial.query<{ projects: unknown; project: unknown }>(
          `query Names { projects(first: 5) { nodes { name } } project(id: "${payments.id}") { id } }`,
        );
        expect(answer.status).toBe(200);
        expect(answer.data).toEqual({ projects: null, project: { id: toGlobalId('Project', payments.id) } });
        // graphql-jit (from the second run) reports every nameless project, graphql's executor the first one.
        expect(answer.errors?.[0]).toEqual({
          message: 'Atlas omitted Project.name for projects.nodes.0.name',
          path: ['projects', 'nodes', 0, 'name'],
          locations: [{ line: 1, column: 44 }],
          extensions: { code: 'UPSTREAM_BAD_RESPONSE' },
        });
        for (const error of answer.errors ?? []) expect(error.extensions?.code).toBe('UPSTREAM_BAD_RESPONSE');
      }
      expect(own.raw.join('')).not.toContain('TypeError');
      const lines = own.lines().filter((line) => line.level >= INFO);
      expect(lines.filter((line) => 'durationMs' in line).map((line) => line['status'])).toEqual([200, 200, 200]);
      // One warn line per run naming the field, as for any value Atlas sent that the schema cannot hold.
      expect(
        lines.filter((line) => line.level >= WARN).map((line) => [line.level, line['code'], line['field']]),
      ).toEqual(Array(3).fill([WARN, 'UPSTREAM_BAD_RESPONSE', 'projects.nodes.name']));
    } finally {
      await partial.close();
    }
  });

  it("yoga's error channel keeps only unexpected exceptions outside execution, once each", () => {
    const own = memoryLogger();
    const channel = yogaLogger(own.logger);
    const crash = new Error('context could not be built');
    channel.error(crash);
    channel.error(crash); // yoga reports an error it masked twice on some paths
    channel.error(new GraphQLError('Query depth limit of 12 exceeded', { extensions: { code: 'MAX_DEPTH_EXCEEDED' } }));
    channel.error(new GraphQLError('Syntax Error: Expected Name'));
    expect(own.lines()).toEqual([
      expect.objectContaining({
        level: ERROR,
        err: expect.objectContaining({ message: 'context could not be built' }),
      }),
    ]);
  });
});
