/**
 * Every error class, through HTTP: the gateway in front of a stub Atlas that answers what each test
 * scripts (status, headers, body, or nothing at all), plus the real simulator for auth.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { startStack, type GraphQLResponse } from '../helpers/gateway.js';

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
const json =
  (body: unknown): Route =>
  (_, res) => {
    res.writeHead(200, { 'content-type': 'application/vnd.atlas.2023-01-01+json;charset=utf-8' });
    res.end(JSON.stringify(body));
  };

beforeAll(async () => {
  atlas = createServer((req, res) => {
    hits++;
    route(req, res);
  });
  await new Promise<void>((resolve) => atlas.listen(0, '127.0.0.1', resolve));
  gateway = createGateway({
    atlas: {
      baseUrl: `http://127.0.0.1:${(atlas.address() as AddressInfo).port}`,
      auth: { mode: 'token', token: 'stub-token' },
      timeoutMs: 300,
    },
  });
});
afterAll(async () => {
  await gateway.close();
  atlas.closeAllConnections();
  await new Promise((resolve) => atlas.close(resolve));
});

async function query(document: string): Promise<GraphQLResponse> {
  const response = await gateway.yoga.fetch('http://gateway/graphql', {
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
    const { errors } = await query(projectQuery);
    expect(errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
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
    route = json({
      id: 'not-an-object-id',
      name: 'p',
      orgId: groupId,
      clusterCount: 1,
      created: '2026-01-01T00:00:00Z',
    });
    const { errors } = await query(`{ project(id: "${groupId}") { atlasId } }`);
    expect(errors![0]!.message).toBe('Unexpected error.');
    expect(errors![0]!.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
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
