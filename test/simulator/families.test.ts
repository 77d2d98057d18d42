// Deployment families like real Atlas: Flex names on the cluster API and dedicated names on the Flex
// API get the 400 type-mismatch codes (body and X-Error-Code), unknown names the usual 404, listClusters
// never lists Flex clusters, and a serverless instance migrated to Flex is reachable under its one name
// through the serverless and Flex APIs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, createSeedData, startSimulator, type AtlasSimulator } from '../../src/simulator/index.js';
import { asObject, callOp, createValidator, results, spec, type SpecValidator } from './helpers.js';

const GHOST_ID = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const clusterOps = spec.operations.filter((op) => op.pathTemplate.includes('/clusters/{clusterName}'));
const flexOps = spec.operations.filter((op) => op.pathTemplate.includes('/flexClusters/{name}'));

/** Path parameters for `op`: the deployment name given, every object id a well-formed unknown one. */
function paramsFor(op: (typeof spec.operations)[number], groupId: string, name: string): Record<string, string> {
  const params: Record<string, string> = { groupId };
  for (const p of op.params) {
    if (p.in !== 'path' || p.name === 'groupId') continue;
    params[p.name] = p.name === 'clusterName' || p.name === 'name' ? name : GHOST_ID;
  }
  return params;
}

describe('wrong-family and unknown deployment names', () => {
  let sim: AtlasSimulator;
  let validator: SpecValidator;

  beforeAll(async () => {
    sim = await startSimulator();
    validator = createValidator({ closed: true });
  });
  afterAll(async () => {
    await sim.close();
  });

  async function send(op: (typeof spec.operations)[number], params: Record<string, string>) {
    return callOp(sim.url, op.operationId, params, '', op.requestMediaType === null ? {} : { body: {} });
  }

  it('covers every cluster and Flex operation of the spec', () => {
    expect(clusterOps.length).toBeGreaterThanOrEqual(18);
    expect(flexOps.map((op) => op.operationId).sort()).toEqual([
      'createFlexRestoreJob',
      'downloadFlexBackup',
      'getFlexBackupSnapshot',
      'getFlexCluster',
      'getFlexRestoreJob',
      'listFlexBackupSnapshots',
      'listFlexRestoreJobs',
    ]);
  });

  it('a Flex name on any /clusters/{clusterName} operation: 400 CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API', async () => {
    for (const flex of Object.values(DEMO.flex.clusters)) {
      for (const op of clusterOps) {
        const res = await send(op, paramsFor(op, flex.groupId, flex.name));
        expect(res.status, `${op.operationId} ${flex.name}`).toBe(400);
        expect(res.body).toEqual({
          detail: `Flex cluster ${flex.name} cannot be used in the Cluster API.`,
          error: 400,
          errorCode: 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API',
          parameters: [flex.name],
          reason: 'Bad Request',
        });
        expect(res.headers.get('x-error-code')).toBe('CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API');
        expect(validator.errors('ApiError', res.body)).toEqual([]);
      }
    }
  });

  it('a dedicated name on any /flexClusters/{name} operation: 400 CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API', async () => {
    for (const cluster of Object.values(DEMO.clusters)) {
      for (const op of flexOps) {
        const res = await send(op, paramsFor(op, cluster.groupId, cluster.name));
        expect(res.status, `${op.operationId} ${cluster.name}`).toBe(400);
        expect(res.body).toEqual({
          detail: `Cannot use non-flex cluster ${cluster.name} in the flex API.`,
          error: 400,
          errorCode: 'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API',
          parameters: [cluster.name],
          reason: 'Bad Request',
        });
        expect(res.headers.get('x-error-code')).toBe('CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API');
      }
    }
    // A serverless instance without a Flex successor is not a Flex cluster either.
    const sl = DEMO.serverless;
    const res = await callOp(sim.url, 'getFlexCluster', { groupId: sl.groupId, name: sl.instanceName });
    expect(res.status).toBe(400);
    expect(asObject(res.body)['errorCode']).toBe('CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API');
  });

  it('a name of neither family: 404 CLUSTER_NOT_FOUND on both APIs', async () => {
    const groupId = DEMO.projects.analytics.id;
    for (const op of [...clusterOps, ...flexOps]) {
      const res = await send(op, paramsFor(op, groupId, 'ghost'));
      expect(res.status, op.operationId).toBe(404);
      expect(res.body).toEqual({
        detail: `No cluster named ghost exists in group ${groupId}.`,
        error: 404,
        errorCode: 'CLUSTER_NOT_FOUND',
        parameters: ['ghost', groupId],
        reason: 'Not Found',
      });
      expect(res.headers.get('x-error-code')).toBe('CLUSTER_NOT_FOUND');
    }
  });

  it('a Flex name of another project is unknown, not a type mismatch', async () => {
    const flex = DEMO.flex.clusters.catalog;
    const other = DEMO.projects.payments.id;
    const res = await callOp(sim.url, 'getCluster', { groupId: other, clusterName: flex.name });
    expect(res.status).toBe(404);
    expect(asObject(res.body)['errorCode']).toBe('CLUSTER_NOT_FOUND');
  });

  it('listClusters never lists Flex clusters; listFlexClusters lists exactly them', async () => {
    const data = createSeedData();
    for (const project of Object.values(DEMO.projects)) {
      const clusters = results((await callOp(sim.url, 'listClusters', { groupId: project.id })).body).map(
        (c) => c['name'],
      );
      const flex = results((await callOp(sim.url, 'listFlexClusters', { groupId: project.id })).body).map(
        (c) => c['name'],
      );
      // The dedicated list is the eight seeded clusters, unchanged.
      expect(clusters).toEqual(
        Object.values(DEMO.clusters)
          .filter((c) => c.groupId === project.id)
          .map((c) => c.name),
      );
      expect(flex).toEqual(data.flexClusters.filter((f) => f.groupId === project.id).map((f) => f.name));
      expect(clusters.filter((name) => flex.includes(name))).toEqual([]);
    }
    expect(Object.values(DEMO.clusters).length).toBe(8);
  });
});

describe('a serverless instance migrated to Flex keeps its name', () => {
  let sim: AtlasSimulator;

  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });

  const m = DEMO.serverless.migrated;

  it('is one name in one project, served by the serverless and the Flex APIs', async () => {
    expect(DEMO.flex.clusters.migrated).toEqual({ groupId: m.groupId, name: m.name, id: m.flexClusterId });
    const instance = await callOp(sim.url, 'getServerlessInstance', { groupId: m.groupId, name: m.name });
    expect(instance.status).toBe(200);
    expect(asObject(instance.body)).toMatchObject({
      id: m.instanceId,
      name: m.name,
      groupId: m.groupId,
      providerSettings: { providerName: 'SERVERLESS', backingProviderName: 'AWS', regionName: 'US_EAST_1' },
      serverlessBackupOptions: { serverlessContinuousBackupEnabled: false },
    });
    const flex = await callOp(sim.url, 'getFlexCluster', { groupId: m.groupId, name: m.name });
    expect(flex.status).toBe(200);
    expect(asObject(flex.body)).toMatchObject({
      id: m.flexClusterId,
      name: m.name,
      groupId: m.groupId,
      providerSettings: { providerName: 'FLEX', backingProviderName: 'AWS', regionName: 'US_EAST_1' },
      connectionStrings: { standardSrv: asObject(asObject(instance.body)['connectionStrings'])['standardSrv'] },
    });
    // Its cluster-API answer is the Flex one.
    const cluster = await callOp(sim.url, 'getCluster', { groupId: m.groupId, clusterName: m.name });
    expect(cluster.status).toBe(400);
    expect(asObject(cluster.body)['errorCode']).toBe('CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API');
  });

  it('has its backups under Flex only', async () => {
    const params = { groupId: m.groupId, clusterName: m.name };
    const serverlessSnaps = await callOp(sim.url, 'listServerlessBackupSnapshots', params);
    expect(serverlessSnaps.status).toBe(200);
    expect(asObject(serverlessSnaps.body)).toMatchObject({ results: [], totalCount: 0 });
    expect(asObject((await callOp(sim.url, 'listServerlessRestoreJobs', params)).body)['totalCount']).toBe(0);
    const flexSnaps = await callOp(sim.url, 'listFlexBackupSnapshots', { groupId: m.groupId, name: m.name });
    expect(asObject(flexSnaps.body)['totalCount']).toBe(8);
  });

  it('the other serverless instances have no Flex successor', async () => {
    const sl = DEMO.serverless;
    expect(sl.withoutFlexSuccessor).toEqual([sl.instanceName, sl.otherInstanceName]);
    const flexNames = results((await callOp(sim.url, 'listFlexClusters', { groupId: sl.groupId })).body).map(
      (f) => f['name'],
    );
    const serverlessNames = results(
      (await callOp(sim.url, 'listServerlessInstances', { groupId: sl.groupId })).body,
    ).map((s) => s['name']);
    expect(serverlessNames.filter((n) => flexNames.includes(n))).toEqual([m.name]);
    expect(serverlessNames.filter((n) => !flexNames.includes(n))).toEqual([...sl.withoutFlexSuccessor]);
  });

  it('counts once in its project', async () => {
    const project = asObject((await callOp(sim.url, 'getGroup', { groupId: m.groupId })).body);
    // analytics-warehouse, analytics-sandbox, analytics-events, analytics-sessions, analytics-clickstream
    // (serverless and Flex) and analytics-flex.
    expect(project['clusterCount']).toBe(6);
  });
});
