// Error answers: status, errorCode, headers, and an ApiError body that validates against the spec.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startSimulator, type AtlasSimulator } from '../../src/simulator/index.js';
import {
  asObject,
  call,
  callOp,
  createValidator,
  operation,
  rawGet,
  type ApiResponse,
  type SpecValidator,
} from './helpers.js';

const pay = DEMO.clusters.paymentsProd;
const clusterParams = { groupId: pay.groupId, clusterName: pay.name };
const V2 = '/api/atlas/v2';

describe('simulator errors', () => {
  let sim: AtlasSimulator;
  let validator: SpecValidator;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    validator = createValidator({ closed: true });
  });
  afterAll(async () => {
    await sim.close();
  });

  function expectApiError(
    res: { status: number; body: unknown; headers?: Headers },
    status: number,
    errorCode: string,
  ): Record<string, unknown> {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(validator.errors('ApiError', res.body)).toEqual([]);
    const body = asObject(res.body);
    expect(body['error']).toBe(status);
    expect(body['errorCode']).toBe(errorCode);
    expect(typeof body['detail']).toBe('string');
    expect(Array.isArray(body['parameters'])).toBe(true);
    if (res.headers !== undefined) {
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.headers.get('x-error-code')).toBe(errorCode);
      // No limiter here, so no bucket to report (rate-limit.test.ts covers the headers with one).
      expect(res.headers.get('ratelimit-limit')).toBeNull();
    }
    return body;
  }

  it('401 without a token and with an unknown token', async () => {
    const none = await callOp(sim.url, 'listGroups', {}, '', { token: null });
    expect(expectApiError(none, 401, 'UNEXPECTED_ERROR')['reason']).toBe('Unauthorized');
    const wrong = await callOp(sim.url, 'listGroups', {}, '', { token: 'not-a-token' });
    expectApiError(wrong, 401, 'UNEXPECTED_ERROR');
    // Auth is checked before anything else, even for unknown paths and missing Accept.
    expectApiError(await call(sim.url, `${V2}/nowhere`, { token: null }), 401, 'UNEXPECTED_ERROR');
  });

  it('accepts any configured token', async () => {
    const other = await startSimulator({ bearerTokens: ['alpha', 'beta'] });
    try {
      expect((await callOp(other.url, 'listGroups', {}, '', { token: 'beta' })).status).toBe(200);
      expect((await callOp(other.url, 'listGroups', {}, '', { token: DEMO.token })).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('404 RESOURCE_NOT_FOUND for unknown paths and methods', async () => {
    expectApiError(
      await call(sim.url, `${V2}/orgs`, { accept: operation('listGroups').mediaType }),
      404,
      'RESOURCE_NOT_FOUND',
    );
    expectApiError(
      await call(sim.url, `${V2}/groups/${pay.groupId}`, { method: 'PATCH', accept: operation('getGroup').mediaType }),
      404,
      'RESOURCE_NOT_FOUND',
    );
    expectApiError(await call(sim.url, '/', {}), 404, 'RESOURCE_NOT_FOUND');
  });

  it('406 INVALID_VERSION_DATE without Accept, with plain JSON, or with another operation version', async () => {
    const missing = await callOp(sim.url, 'listBackupSnapshots', clusterParams, '', { accept: null });
    const body = expectApiError(missing, 406, 'INVALID_VERSION_DATE');
    expect(body).toEqual({
      detail: 'Invalid accept header or version date.',
      error: 406,
      errorCode: 'INVALID_VERSION_DATE',
      parameters: [],
      reason: 'Not Acceptable',
    });
    expectApiError(
      await callOp(sim.url, 'listGroups', {}, '', { accept: 'application/json' }),
      406,
      'INVALID_VERSION_DATE',
    );
    // getCluster is 2024-08-05; the 2023-01-01 media type of listBackupSnapshots must be refused.
    expect(operation('getCluster').mediaType).toBe('application/vnd.atlas.2024-08-05+json');
    const wrongVersion = await callOp(sim.url, 'getCluster', clusterParams, '', {
      accept: operation('listBackupSnapshots').mediaType,
    });
    expectApiError(wrongVersion, 406, 'INVALID_VERSION_DATE');
    expectApiError(
      await callOp(sim.url, 'listExportBuckets', { groupId: pay.groupId }, '', {
        accept: 'application/vnd.atlas.2023-01-01+json',
      }),
      406,
      'INVALID_VERSION_DATE',
    );
  });

  it('400 VALIDATION_ERROR for malformed group ids', async () => {
    for (const bad of ['xyz', 'a'.repeat(23), pay.groupId.toUpperCase().replace(/[0-9]/, 'A')]) {
      const res = await callOp(sim.url, 'getGroup', { groupId: bad });
      const body = expectApiError(res, 400, 'VALIDATION_ERROR');
      expect(asObject(body['badRequestDetail'])['fields']).toEqual([
        { field: 'groupId', description: expect.stringContaining('^([a-f0-9]{24})$') },
      ]);
    }
  });

  it('400 VALIDATION_ERROR for malformed cluster names (including `..`, sent verbatim)', async () => {
    const headers = { Authorization: `Bearer ${DEMO.token}`, Accept: operation('getCluster').mediaType };
    for (const bad of ['..', 'a_b', '-lead']) {
      const res = await rawGet(sim.url, `${V2}/groups/${pay.groupId}/clusters/${bad}`, headers);
      const body = expectApiError(res, 400, 'VALIDATION_ERROR');
      const fields = asObject(body['badRequestDetail'])['fields'];
      expect(fields).toEqual([
        { field: 'clusterName', description: expect.stringContaining('^[a-zA-Z0-9][a-zA-Z0-9-]*$') },
      ]);
    }
    expect(sim.calls.at(-1)).toMatchObject({ operationId: 'getCluster', status: 400 });
  });

  it('400 for out-of-range or malformed paging and filter parameters', async () => {
    const cases: [string, string][] = [
      ['itemsPerPage=0', 'itemsPerPage'],
      ['itemsPerPage=501', 'itemsPerPage'],
      ['itemsPerPage=ten', 'itemsPerPage'],
      ['pageNum=0', 'pageNum'],
      ['pageNum=1.5', 'pageNum'],
      ['includeCount=yes', 'includeCount'],
    ];
    for (const [query, field] of cases) {
      const res = await callOp(sim.url, 'listBackupSnapshots', clusterParams, query);
      const body = expectApiError(res, 400, 'VALIDATION_ERROR');
      expect(asObject(body['badRequestDetail'])['fields']).toEqual([{ field, description: expect.any(String) }]);
    }
    const legacy = DEMO.legacy.cluster;
    const badBatch = await callOp(
      sim.url,
      'listClusterRestoreJobs',
      { groupId: legacy.groupId, clusterName: legacy.name },
      'batchId=123',
    );
    expectApiError(badBatch, 400, 'VALIDATION_ERROR');
    // Boundaries are accepted.
    expect((await callOp(sim.url, 'listBackupSnapshots', clusterParams, 'itemsPerPage=500&pageNum=1')).status).toBe(
      200,
    );
    expect((await callOp(sim.url, 'listBackupSnapshots', clusterParams, 'itemsPerPage=1')).status).toBe(200);
  });

  it('reports every invalid parameter at once', async () => {
    const res = await callOp(
      sim.url,
      'listBackupRestoreJobs',
      { groupId: 'xyz', clusterName: 'a_b' },
      'itemsPerPage=0',
    );
    const body = expectApiError(res, 400, 'VALIDATION_ERROR');
    const fields = asObject(body['badRequestDetail'])['fields'] as { field: string }[];
    expect(fields.map((f) => f.field).sort()).toEqual(['clusterName', 'groupId', 'itemsPerPage']);
  });

  it('404 GROUP_NOT_FOUND / CLUSTER_NOT_FOUND / SERVERLESS_INSTANCE_NOT_FOUND / RESOURCE_NOT_FOUND', async () => {
    const ghostGroup = 'aaaaaaaaaaaaaaaaaaaaaaaa';
    const group = expectApiError(await callOp(sim.url, 'getGroup', { groupId: ghostGroup }), 404, 'GROUP_NOT_FOUND');
    expect(group['detail']).toBe(`No group with ID ${ghostGroup} exists.`);
    expect(group['reason']).toBe('Not Found');
    // The project is checked before the cluster.
    expectApiError(
      await callOp(sim.url, 'listBackupSnapshots', { groupId: ghostGroup, clusterName: 'ghost' }),
      404,
      'GROUP_NOT_FOUND',
    );

    const cluster = expectApiError(
      await callOp(sim.url, 'getCluster', { groupId: pay.groupId, clusterName: 'ghost' }),
      404,
      'CLUSTER_NOT_FOUND',
    );
    expect(cluster['detail']).toBe(`No cluster named ghost exists in group ${pay.groupId}.`);
    expect(cluster['parameters']).toEqual(['ghost', pay.groupId]);
    expectApiError(
      await callOp(sim.url, 'listBackupRestoreJobs', { groupId: pay.groupId, clusterName: 'ghost' }),
      404,
      'CLUSTER_NOT_FOUND',
    );
    expectApiError(
      await callOp(sim.url, 'getFlexCluster', { groupId: DEMO.flex.groupId, name: 'ghost' }),
      404,
      'CLUSTER_NOT_FOUND',
    );

    expectApiError(
      await callOp(sim.url, 'listServerlessBackupSnapshots', {
        groupId: DEMO.serverless.groupId,
        clusterName: 'ghost',
      }),
      404,
      'SERVERLESS_INSTANCE_NOT_FOUND',
    );

    const ghostId = 'bbbbbbbbbbbbbbbbbbbbbbbb';
    const lookups: [string, Record<string, string>][] = [
      ['getClusterBackupSnapshot', { ...clusterParams, snapshotId: ghostId }],
      ['getBackupRestoreJob', { ...clusterParams, restoreJobId: ghostId }],
      ['getBackupExport', { ...clusterParams, exportId: ghostId }],
      ['getExportBucket', { groupId: pay.groupId, exportBucketId: ghostId }],
      [
        'getClusterBackupCheckpoint',
        { groupId: DEMO.legacy.cluster.groupId, clusterName: DEMO.legacy.cluster.name, checkpointId: ghostId },
      ],
      [
        'getClusterRestoreJob',
        { groupId: DEMO.legacy.cluster.groupId, clusterName: DEMO.legacy.cluster.name, jobId: ghostId },
      ],
      [
        'getServerlessBackupSnapshot',
        { groupId: DEMO.serverless.groupId, clusterName: DEMO.serverless.instanceName, snapshotId: ghostId },
      ],
      ['getFlexRestoreJob', { groupId: DEMO.flex.groupId, name: DEMO.flex.name, restoreJobId: ghostId }],
      // A real snapshot of another cluster is not found under this one.
      [
        'getClusterBackupSnapshot',
        {
          groupId: pay.groupId,
          clusterName: DEMO.clusters.paymentsLedger.name,
          snapshotId: DEMO.snapshots.completed.id,
        },
      ],
      // A real bucket of another project is not found under this one.
      ['getExportBucket', { groupId: DEMO.projects.analytics.id, exportBucketId: DEMO.exportBuckets.paymentsAws.id }],
    ];
    for (const [operationId, params] of lookups) {
      const res: ApiResponse = await callOp(sim.url, operationId, params);
      expectApiError(res, 404, 'RESOURCE_NOT_FOUND');
    }
  });

  it('type-mismatch errors between the cluster, Flex and serverless APIs', async () => {
    const flexInClusterApi = await callOp(sim.url, 'getCluster', {
      groupId: DEMO.flex.groupId,
      clusterName: DEMO.flex.name,
    });
    expectApiError(flexInClusterApi, 400, 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API');
    const clusterInFlexApi = await callOp(sim.url, 'listFlexBackupSnapshots', { groupId: pay.groupId, name: pay.name });
    expectApiError(clusterInFlexApi, 400, 'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API');
    const serverlessInClusterApi = await callOp(sim.url, 'getCluster', {
      groupId: DEMO.serverless.groupId,
      clusterName: DEMO.serverless.instanceName,
    });
    expectApiError(serverlessInClusterApi, 400, 'CANNOT_USE_SERVERLESS_INSTANCE_IN_CLUSTER_API');
  });

  it('404 BACKUP_CONFIG_NOT_FOUND for the schedule of a cluster without cloud backup', async () => {
    const reporting = DEMO.clusters.paymentsReporting;
    expectApiError(
      await callOp(sim.url, 'getBackupSchedule', { groupId: reporting.groupId, clusterName: reporting.name }),
      404,
      'BACKUP_CONFIG_NOT_FOUND',
    );
  });
});
