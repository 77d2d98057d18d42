/**
 * Every error class, through HTTP: the gateway in front of a stub Atlas that answers what each test
 * scripts (status, headers, body, or nothing at all), plus the real simulator for auth.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockAgent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atlasOperations } from '../../../src/generated/atlas-operations.js';
import { createGateway, type Gateway } from '../../../src/server/gateway.js';
import { DEMO, type ResponseTransform } from '../../../src/simulator/index.js';
import { startStack, type GraphQLResponse, type TestStack } from '../../../support/stack.js';
import { toGlobalId } from '../../../src/graph/ids.js';

const groupId = '6731a0c0e8f1d2a3b4c5d6e7';
type Route = (req: IncomingMessage, res: ServerResponse) => void;

let route: Route = (_, res) => res.end();
let hits = 0;
let atlas: Server;
let gateway: Gateway;

const apiError =
  (status: number, errorCode: string, detail: string, headers: Record<string, string> = {}): Route =>
  (_, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ error: status, errorCode, detail, reason: 'Reason', parameters: [] }));
  };
// Answers in the version the request asked for, as Atlas does.
const json =
  (body: unknown): Route =>
  (req, res) => {
    res.writeHead(200, { 'content-type': `${req.headers.accept ?? ''};charset=utf-8` });
    res.end(JSON.stringify(body));
  };

beforeAll(async () => {
  atlas = createServer((req, res) => {
    hits++;
    route(req, res);
  });
  await new Promise<void>((resolve) => atlas.listen(0, '127.0.0.1', resolve));
  // Calls meant to be answered get 5 s (300 ms was within a loaded machine's stalls); the hanging Atlas's
  // test has a gateway of its own with a short timeout.
  gateway = stubGateway(5_000);
});

const stubGateway = (timeoutMs: number) =>
  createGateway({
    atlas: {
      baseUrl: `http://127.0.0.1:${(atlas.address() as AddressInfo).port}`,
      auth: { mode: 'token', token: 'stub-token' },
      timeoutMs,
    },
  });
afterAll(async () => {
  await gateway.close();
  atlas.closeAllConnections();
  await new Promise((resolve) => atlas.close(resolve));
});

async function query(document: string, through: Gateway = gateway): Promise<GraphQLResponse> {
  const response = await through.yoga.fetch('http://gateway/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: document }),
  });
  return (await response.json()) as GraphQLResponse;
}

const projectQuery = `{ project(id: "${groupId}") { name } }`;

describe('Atlas failures become coded GraphQL errors', () => {
  it.each([
    [apiError(400, 'VALIDATION_ERROR', 'Bad thing.'), 'BAD_USER_INPUT', 400],
    [apiError(401, 'UNAUTHORIZED', 'You are not authorized for this resource.'), 'UNAUTHENTICATED', 401],
    [apiError(403, 'IP_ADDRESS_NOT_ON_ACCESS_LIST', 'IP address 10.0.0.1 is not allowed.'), 'FORBIDDEN', 403],
    [apiError(500, 'UNEXPECTED_ERROR', 'Unexpected error.'), 'UPSTREAM_ERROR', 500],
    [apiError(503, 'SERVICE_UNAVAILABLE', 'Down for maintenance.'), 'UPSTREAM_UNAVAILABLE', 503],
    [apiError(406, 'INVALID_VERSION_DATE', 'Invalid accept header or version date.'), 'UPSTREAM_ERROR', 406],
  ])('%#: Atlas %s -> %s', async (handler, code, status) => {
    route = handler;
    const { data, errors } = await query(projectQuery);
    expect(data).toEqual({ project: null });
    expect(errors).toHaveLength(1);
    expect(errors![0]!.path).toEqual(['project']);
    expect(errors![0]!.extensions).toMatchObject({ code, atlas: { status, operation: 'getGroup' } });
  });

  it('gives retryAfter seconds on a rate limit', async () => {
    route = apiError(429, 'RATE_LIMITED_TOKEN_BUCKET', 'Rate limit exceeded. Please retry after 55 seconds.', {
      'retry-after': '55',
    });
    const { errors } = await query(projectQuery);
    expect(errors![0]!.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfter: 55,
      atlas: { status: 429, errorCode: 'RATE_LIMITED_TOKEN_BUCKET', detail: expect.stringContaining('55 seconds') },
    });
  });

  it('times out a hanging Atlas with UPSTREAM_TIMEOUT', async () => {
    route = () => undefined; // never answers
    const impatient = stubGateway(300);
    try {
      const { errors } = await query(projectQuery, impatient);
      expect(errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    } finally {
      await impatient.close();
    }
  });

  it('turns a malformed success body into UPSTREAM_BAD_RESPONSE without echoing it', async () => {
    route = (_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html>secret-looking upstream page');
    };
    const { errors } = await query(projectQuery);
    expect(errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' });
    expect(JSON.stringify(errors)).not.toContain('secret-looking');
  });

  it('reports an unreachable Atlas as UPSTREAM_UNAVAILABLE', async () => {
    const unreachable = createGateway({
      atlas: { baseUrl: 'http://127.0.0.1:9', auth: { mode: 'token', token: 'x' }, timeoutMs: 300 },
    });
    const response = await unreachable.yoga.fetch('http://gateway/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: projectQuery }),
    });
    const { errors } = (await response.json()) as GraphQLResponse;
    await unreachable.close();
    expect(errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });

  it('fails only the failing branch; its siblings still answer', async () => {
    route = (req, res) => {
      const path = req.url ?? '';
      if (path.includes('/clusters')) return apiError(500, 'UNEXPECTED_ERROR', 'boom')(req, res);
      if (path.includes('/backup/exportBuckets')) {
        return json({
          results: [{ _id: '6731a0c0e8f1d2a3b4c5d6f1', bucketName: 'b', cloudProvider: 'AWS' }],
          totalCount: 1,
        })(req, res);
      }
      return json({ id: groupId, name: 'p', orgId: groupId, clusterCount: 1, created: '2026-01-01T00:00:00Z' })(
        req,
        res,
      );
    };
    const { data, errors } = await query(
      `{ project(id: "${groupId}") { name clusters { nodes { name } } exportBuckets { nodes { bucketName } } } }`,
    );
    expect(data).toEqual({ project: { name: 'p', clusters: null, exportBuckets: { nodes: [{ bucketName: 'b' }] } } });
    expect(errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['project', 'clusters'], 'UPSTREAM_ERROR']]);
  });

  it('answers a dangling reference with NOT_FOUND on that field only', async () => {
    route = (req, res) => {
      const path = req.url ?? '';
      if (path.includes('/backup/restoreJobs/')) {
        return json({
          id: '6731a0c0e8f1d2a3b4c5d6f2',
          deliveryType: 'automated',
          snapshotId: '6731a0c0e8f1d2a3b4c5d6f3',
        })(req, res);
      }
      return apiError(404, 'RESOURCE_NOT_FOUND', 'Cannot find resource.')(req, res);
    };
    const { data, errors } = await query(
      `{ node(id: "${Buffer.from(`v1:CloudBackupRestoreJob:${groupId}:c1:6731a0c0e8f1d2a3b4c5d6f2`).toString('base64url')}") {
          ... on CloudBackupRestoreJob { deliveryType snapshot { id } } } }`,
    );
    expect(data).toEqual({ node: { deliveryType: 'AUTOMATED', snapshot: null } });
    expect(errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['node', 'snapshot'], 'NOT_FOUND']]);
  });

  it('masks unexpected failures', async () => {
    // Atlas answering `null` for an object: the loader's stamping fails with a TypeError, as any bug would.
    // (An object without its id is Atlas's fault and has its own code: see "omits an object id" below.)
    route = json(null);
    const { data, errors } = await query(
      `{ node(id: "${Buffer.from(`v1:CloudBackupRestoreJob:${groupId}:c1:6731a0c0e8f1d2a3b4c5d6f2`).toString('base64url')}") {
          ... on CloudBackupRestoreJob { deliveryType atlasId } } }`,
    );
    expect(data).toEqual({ node: null });
    expect(errors![0]!.message).toBe('Unexpected error.');
    expect(errors![0]!.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });
});

describe('masking in deferred parts', () => {
  it('masks an unexpected exception delivered in an @defer part, as at the top level', async () => {
    // A cluster list holding null makes a resolver throw a TypeError: what any bug looks like. A mock
    // dispatcher answers that list; everything else goes to the simulator.
    const agent = new MockAgent();
    agent.enableNetConnect();
    const stack = await startStack({ atlas: { dispatcher: agent } });
    try {
      agent
        .get(stack.simulator.url)
        .intercept({ path: (path) => path.includes('/clusters'), method: 'GET' })
        .reply(200, '{"results":[null],"totalCount":1}', {
          headers: { 'content-type': atlasOperations.listClusters.mediaType },
        })
        .persist();
      const response = await fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
        body: JSON.stringify({
          query: `{ project(id: "${DEMO.projects.payments.id}") { name ... @defer { clusters { nodes { name } } } } }`,
        }),
      });
      const text = await response.text();
      expect(response.headers.get('content-type')).toMatch(/^multipart\/mixed/);
      expect(text).toContain('"incremental"');
      expect(text).toContain('"message":"Unexpected error."');
      expect(text).toContain('"code":"INTERNAL_SERVER_ERROR"');
      expect(text).not.toMatch(/Cannot read|TypeError|null \(reading/);
    } finally {
      await stack.close();
      await agent.close();
    }
  });
});

describe('Atlas values that do not fit their scalar', () => {
  const payments = DEMO.clusters.paymentsProd;
  const legacy = DEMO.legacy.restoreJob;
  // Every bad value carries the canary: none may reach the client, whatever Atlas sent.
  const canary = 'CANARY';
  const huge = 2 ** 60; // a Long beyond 2^53
  const rfc1123 = 'Tue, 05 Mar 2024 10:00:00 GMT'; // Date.parse reads it, but it is no ISO 8601 instant
  /** Changes the payments project wherever Atlas sends it: alone, or in the list that answers two lookups. */
  const patchPayments =
    (patch: Record<string, unknown>): ResponseTransform =>
    (body, { operationId }) => {
      const patched = (group: Record<string, unknown>) =>
        group['id'] === payments.groupId ? { ...group, ...patch } : group;
      if (operationId === 'getGroup') return patched(body);
      if (operationId === 'listGroups' && Array.isArray(body['results'])) {
        return { ...body, results: (body['results'] as Record<string, unknown>[]).map(patched) };
      }
      return body;
    };
  const corrupt: ResponseTransform = (body, call) => {
    const { operationId, path } = call;
    if (operationId === 'getGroup' || operationId === 'listGroups') {
      return patchPayments({ created: rfc1123, clusterCount: huge })(body, call);
    }
    if (operationId === 'getCluster' && path.endsWith(payments.name)) {
      return { ...body, id: `${canary}-not-an-object-id` };
    }
    if (operationId === 'listBackupSnapshots' && Array.isArray(body['results'])) {
      const [first, ...rest] = body['results'] as Record<string, unknown>[];
      return { ...body, results: [{ ...first, storageSizeBytes: `${canary} twelve bytes` }, ...rest] };
    }
    if (operationId === 'getClusterRestoreJob') return { ...body, oplogTs: `${canary}:ts` };
    // graphql's own Int: a cloud restore job's oplog timestamp that is not a number.
    if (operationId === 'getBackupRestoreJob') return { ...body, oplogTs: `${canary}-seconds`, oplogInc: 2 ** 40 };
    return body;
  };

  it('answers UPSTREAM_BAD_RESPONSE naming the field when Atlas omits an object id (not a masked internal error)', async () => {
    const omitJobId: ResponseTransform = (body, { operationId }) =>
      operationId === 'getBackupRestoreJob' ? { ...body, id: undefined } : body;
    const stack = await startStack({ simulator: { transformResponse: omitJobId } });
    try {
      const job = DEMO.restoreJobs.automated;
      const { data, errors } = await stack.query<{ project: { name: string; cluster: { restoreJob: unknown } } }>(
        `{ project(id: "${job.groupId}") { name cluster(name: "${job.clusterName}") { restoreJob(id: "${job.id}") { id deliveryType } } } }`,
      );
      expect(data!.project.name).toBe(DEMO.projects.payments.name);
      expect(data!.project.cluster.restoreJob).toBeNull();
      expect(errors).toHaveLength(1);
      expect(errors![0]).toMatchObject({
        message: 'Atlas omitted the restore job id for project.cluster.restoreJob.id',
        path: ['project', 'cluster', 'restoreJob', 'id'],
        extensions: { code: 'UPSTREAM_BAD_RESPONSE' },
      });
    } finally {
      await stack.close();
    }
  });

  // The cluster's name is what its restore jobs' path needs: without it, the caller was told its input was bad.
  it('answers UPSTREAM_BAD_RESPONSE, not BAD_USER_INPUT, when Atlas omits a value a later call needs', async () => {
    const omitSecondName: ResponseTransform = (body, { operationId }) =>
      operationId === 'listClusters'
        ? { ...body, results: (body.results as object[]).map((c, i) => (i === 1 ? { ...c, name: undefined } : c)) }
        : body;
    const stack = await startStack({ simulator: { transformResponse: omitSecondName } });
    try {
      const { data, errors } = await stack.query<{ project: { clusters: { nodes: unknown[] } } }>(
        `{ project(id: "${DEMO.projects.payments.id}") { clusters(first: 3) { nodes { restoreJobs(first: 2) { totalCount } } } } }`,
      );
      expect(data!.project.clusters.nodes[1]).toEqual({ restoreJobs: null });
      expect(errors?.map((e) => [e.message, e.path, e.extensions?.code])).toEqual([
        [
          'Atlas omitted the clusterName the next call needs for project.clusters.nodes.1.restoreJobs',
          ['project', 'clusters', 'nodes', 1, 'restoreJobs'],
          'UPSTREAM_BAD_RESPONSE',
        ],
      ]);
    } finally {
      await stack.close();
    }
  });

  it('answers UPSTREAM_BAD_RESPONSE on that field only, naming scalar and path, never the value', async () => {
    const stack = await startStack({ simulator: { transformResponse: corrupt } });
    try {
      const answer = await stack.query<{
        project: {
          name: string;
          created: null;
          clusterCount: null;
          cluster: {
            name: string;
            atlasId: null;
            snapshots: { nodes: Record<string, unknown>[] };
            restoreJob: Record<string, unknown>;
          };
        };
        legacy: { cluster: { legacyRestoreJob: Record<string, unknown> } };
      }>(`{
        project(id: "${payments.groupId}") {
          name created clusterCount
          cluster(name: "${payments.name}") {
            name atlasId
            snapshots(first: 2) { nodes { atlasId storageSizeBytes createdAt } }
            restoreJob(id: "${DEMO.restoreJobs.pointInTime.id}") { atlasId oplogTs oplogInc }
          }
        }
        legacy: project(id: "${legacy.groupId}") { cluster(name: "${legacy.clusterName}") {
          legacyRestoreJob(id: "${legacy.id}") { atlasId oplogTs }
        } }
      }`);
      const errors = (answer.errors ?? []).map((e) => ({
        path: e.path,
        code: e.extensions?.['code'],
        message: e.message,
      }));
      expect(errors).toEqual(
        expect.arrayContaining([
          {
            path: ['project', 'created'],
            code: 'UPSTREAM_BAD_RESPONSE',
            message: 'Atlas sent a value that is not a valid DateTime for project.created',
          },
          {
            path: ['project', 'clusterCount'],
            code: 'UPSTREAM_BAD_RESPONSE',
            message: 'Atlas sent a value that is not a valid Long for project.clusterCount',
          },
          {
            path: ['project', 'cluster', 'atlasId'],
            code: 'UPSTREAM_BAD_RESPONSE',
            message: 'Atlas sent a value that is not a valid ObjectId for project.cluster.atlasId',
          },
          {
            path: ['project', 'cluster', 'snapshots', 'nodes', 0, 'storageSizeBytes'],
            code: 'UPSTREAM_BAD_RESPONSE',
            message:
              'Atlas sent a value that is not a valid Long for project.cluster.snapshots.nodes.0.storageSizeBytes',
          },
          {
            path: ['project', 'cluster', 'restoreJob', 'oplogTs'],
            code: 'UPSTREAM_BAD_RESPONSE',
            message: 'Atlas sent a value that is not a valid Int for project.cluster.restoreJob.oplogTs',
          },
          {
            path: ['project', 'cluster', 'restoreJob', 'oplogInc'],
            code: 'UPSTREAM_BAD_RESPONSE',
            message: 'Atlas sent a value that is not a valid Int for project.cluster.restoreJob.oplogInc',
          },
          {
            path: ['legacy', 'cluster', 'legacyRestoreJob', 'oplogTs'],
            code: 'UPSTREAM_BAD_RESPONSE',
            message: 'Atlas sent a value that is not a valid DateTime for legacy.cluster.legacyRestoreJob.oplogTs',
          },
        ]),
      );
      expect(errors).toHaveLength(7);
      // The bad fields are null; everything beside them still answers.
      const project = answer.data!.project;
      expect(project).toMatchObject({ name: DEMO.projects.payments.name, created: null, clusterCount: null });
      expect(project.cluster).toMatchObject({ name: payments.name, atlasId: null });
      const [bad, good] = project.cluster.snapshots.nodes;
      expect(bad).toMatchObject({ atlasId: expect.any(String), storageSizeBytes: null, createdAt: expect.any(String) });
      expect(good).toMatchObject({ storageSizeBytes: expect.any(Number) });
      expect(project.cluster.restoreJob).toEqual({
        atlasId: DEMO.restoreJobs.pointInTime.id,
        oplogTs: null,
        oplogInc: null,
      });
      expect(answer.data!.legacy.cluster.legacyRestoreJob).toEqual({ atlasId: legacy.id, oplogTs: null });
      const text = JSON.stringify(answer);
      expect(text).not.toContain(canary);
      expect(text).not.toContain(String(huge));
      expect(text).not.toContain(String(2 ** 40));
      expect(text).not.toContain(rfc1123);
    } finally {
      await stack.close();
    }
  });

  it('nulls the nearest nullable parent when the field is non-null', async () => {
    const stack = await startStack({
      simulator: {
        transformResponse: patchPayments({ orgId: `${canary}-org` }),
      },
    });
    try {
      const other = DEMO.projects.analytics;
      const answer = await stack.query(
        `{ project(id: "${payments.groupId}") { name orgId } other: project(id: "${other.id}") { name } }`,
      );
      // Project.orgId is ObjectId!: the project itself becomes null, as GraphQL requires; the sibling answers.
      expect(answer.data).toEqual({ project: null, other: { name: other.name } });
      expect(answer.errors?.map((e) => [e.path, e.extensions?.['code']])).toEqual([
        [['project', 'orgId'], 'UPSTREAM_BAD_RESPONSE'],
      ]);
      expect(JSON.stringify(answer)).not.toContain(canary);
    } finally {
      await stack.close();
    }
  });
});

describe('credentials', () => {
  it('maps a credential Atlas refuses to UNAUTHENTICATED, against the simulator', async () => {
    const stack = await startStack({ token: 'wrong-token' });
    try {
      const { data, errors } = await stack.query(`{ projects { totalCount } }`);
      expect(data).toEqual({ projects: null });
      expect(errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED', atlas: { status: 401 } });
      expect(JSON.stringify(errors)).not.toContain('wrong-token');
    } finally {
      await stack.close();
    }
  });
});

it('counts stub hits (sanity)', () => {
  expect(hits).toBeGreaterThan(10);
});

type Json = Record<string, unknown>;

// Atlas may leave out (or send as null or '') values its spec calls optional, and even some it requires:
// each may cost its own field, never a list, a parent or a masked internal error.
describe('Atlas answers that leave values out', () => {
  const download = DEMO.flex.restoreJobs.download;
  const exportJob = DEMO.exports.inProgress;
  const legacy = DEMO.legacy.restoreJob;
  const flex = DEMO.flex.clusters.analytics;
  const serverless = DEMO.serverless;
  const sparse: ResponseTransform = (body, { operationId }) => {
    switch (operationId) {
      case 'getFlexRestoreJob':
        return { ...body, deliveryType: undefined };
      case 'listFlexRestoreJobs':
        return {
          ...body,
          results: (body['results'] as Json[]).map((job, i) => (i === 0 ? { ...job, instanceName: '' } : job)),
        };
      case 'getServerlessBackupSnapshot':
        return { ...body, serverlessInstanceName: '' };
      case 'getBackupExport':
        return { ...body, exportBucketId: null };
      case 'listBackupExports':
        return {
          ...body,
          results: (body['results'] as Json[]).map((job, i) =>
            i === 0 ? { ...job, customData: [{ value: 'no key' }, { key: 'team', value: 'payments' }] } : job,
          ),
        };
      case 'getClusterRestoreJob':
        return { ...body, delivery: undefined };
      case 'getBackupRestoreJob':
        return { ...body, snapshotId: 'not-a-snapshot-id', targetGroupId: 'not-a-project-id' };
      case 'getFlexCluster':
      case 'getServerlessInstance':
        return { ...body, providerSettings: null };
      case 'getGroup':
        return { ...body, created: '2024-01-01T14:00:00.250+02:00' };
      default:
        return body;
    }
  };
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ simulator: { transformResponse: sparse } });
  });
  afterAll(() => stack.close());

  it('a Flex job without its delivery type names no target: Atlas puts a download’s source there', async () => {
    const { data, errors } = await stack.query<{ node: Json }>(
      `{ node(id: "${toGlobalId('FlexRestoreJob', download.groupId, download.clusterName, download.id)}") {
          ... on FlexRestoreJob { deliveryType targetDeploymentName targetDeployment { name } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data!.node).toEqual({
      deliveryType: 'OTHER',
      targetDeploymentName: download.clusterName,
      targetDeployment: null,
    });
  });

  it('an empty name in one listed Flex job or serverless snapshot is the path’s name, and the list stands', async () => {
    const { data, errors } = await stack.query<{ project: { flexCluster: Json; serverlessInstance: Json } }>(
      `{ project(id: "${flex.groupId}") {
          flexCluster(name: "${flex.name}") { restoreJobs(first: 5) { nodes { flexClusterName } } }
          serverlessInstance(name: "${serverless.instanceName}") { snapshot(id: "${serverless.snapshotId}") { serverlessInstanceName } } } }`,
    );
    expect(errors).toBeUndefined();
    const names = (data!.project.flexCluster['restoreJobs'] as { nodes: Json[] }).nodes.map(
      (n) => n['flexClusterName'],
    );
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names)).toEqual(new Set([flex.name]));
    expect(data!.project.serverlessInstance).toEqual({ snapshot: { serverlessInstanceName: serverless.instanceName } });
  });

  it('a null export bucket id is Atlas’s omission (UPSTREAM_BAD_RESPONSE), not the caller’s input', async () => {
    const { data, errors } = await stack.query<{ project: { cluster: { export: Json } } }>(
      `{ project(id: "${exportJob.groupId}") { cluster(name: "${exportJob.clusterName}") {
          export(id: "${exportJob.id}") { atlasId exportBucket { bucketName } } } } }`,
    );
    expect(data!.project.cluster.export).toEqual({ atlasId: exportJob.id, exportBucket: null });
    expect(errors?.map((e) => [e.extensions?.code, e.path])).toEqual([
      ['UPSTREAM_BAD_RESPONSE', ['project', 'cluster', 'export', 'exportBucket']],
    ]);
  });

  it('an export label without its key (optional in the spec) keeps its value, and the list stands', async () => {
    const { data, errors } = await stack.query<{ project: { cluster: { exports: { nodes: Json[] } } } }>(
      `{ project(id: "${exportJob.groupId}") { cluster(name: "${exportJob.clusterName}") {
          exports(first: 3) { nodes { customData { key value } } } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data!.project.cluster.exports.nodes[0]).toEqual({
      customData: [
        { key: '', value: 'no key' },
        { key: 'team', value: 'payments' },
      ],
    });
    expect(data!.project.cluster.exports.nodes).toHaveLength(3);
  });

  it('a job that refers to its snapshot and target by values that are no Atlas ids: Atlas’s fault, per field', async () => {
    const job = DEMO.restoreJobs.automated;
    const { data, errors } = await stack.query<{ project: { cluster: { restoreJob: Json } } }>(
      `{ project(id: "${job.groupId}") { cluster(name: "${job.clusterName}") {
          restoreJob(id: "${job.id}") { atlasId snapshot { atlasId } targetCluster { name } } } } }`,
    );
    expect(data!.project.cluster.restoreJob).toEqual({ atlasId: job.id, snapshot: null, targetCluster: null });
    expect(errors?.map((e) => [e.extensions?.code, e.path?.at(-1), e.message.includes('not-a-')])).toEqual([
      ['UPSTREAM_BAD_RESPONSE', 'snapshot', false],
      ['UPSTREAM_BAD_RESPONSE', 'targetCluster', false],
    ]);
  });

  it('a legacy job without delivery, a Flex cluster or serverless instance without provider settings: null fields', async () => {
    const { data, errors } = await stack.query<{ project: Json; legacy: Json; serverless: Json }>(
      `{ project(id: "${flex.groupId}") { flexCluster(name: "${flex.name}") { name backingProviderName regionName diskSizeGB } }
         legacy: project(id: "${legacy.groupId}") { cluster(name: "${legacy.clusterName}") {
           legacyRestoreJob(id: "${legacy.id}") { atlasId targetCluster { name } } } }
         serverless: project(id: "${serverless.groupId}") {
           serverlessInstance(name: "${serverless.instanceName}") { name backingProviderName regionName } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data!.project).toEqual({
      flexCluster: { name: flex.name, backingProviderName: null, regionName: null, diskSizeGB: null },
    });
    expect(data!.legacy).toEqual({ cluster: { legacyRestoreJob: { atlasId: legacy.id, targetCluster: null } } });
    expect(data!.serverless).toEqual({
      serverlessInstance: { name: serverless.instanceName, backingProviderName: null, regionName: null },
    });
  });

  it('tells a time Atlas sent with another offset in UTC, as DateTime promises', async () => {
    const { data, errors } = await stack.query<{ project: { created: string } }>(
      `{ project(id: "${flex.groupId}") { created } }`,
    );
    expect(errors).toBeUndefined();
    expect(data!.project.created).toBe('2024-01-01T12:00:00.250Z');
  });
});
