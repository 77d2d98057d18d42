// Every GET operation of the spec answers with a body that validates against that operation's 200
// schema (as written, and "closed": no property names the spec does not declare).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ATLAS_RATE_LIMITS,
  DEMO,
  endpointSetOf,
  createSeedData,
  startSimulator,
  type AtlasSimulator,
} from '../../src/simulator/index.js';
import { REALISTIC_PREFIX, asObject, callOp, createValidator, results, spec, type SpecValidator } from './helpers.js';

const pay = DEMO.clusters.paymentsProd;
const ledger = DEMO.clusters.paymentsLedger;
const legacy = DEMO.legacy.cluster;
const archive = DEMO.legacy.replicaSetCluster;
const sl = { groupId: DEMO.serverless.groupId, clusterName: DEMO.serverless.instanceName };
const flex = { groupId: DEMO.flex.groupId, name: DEMO.flex.name };
const flexClusters = Object.values(DEMO.flex.clusters).map((f) => ({ groupId: f.groupId, name: f.name }));
const underFlex = (ref: { groupId: string; clusterName: string }): Record<string, string> => ({
  groupId: ref.groupId,
  name: ref.clusterName,
});
const cloudClusters = createSeedData()
  .clusters.filter((c) => c.backup === 'cloud')
  .map((c) => ({ groupId: c.value.groupId ?? '', name: c.value.name ?? '' }));
const cl = (c: { groupId: string; name: string }): Record<string, string> => ({
  groupId: c.groupId,
  clusterName: c.name,
});

/** Path parameters for each GET operation; several sets where objects come in different states. */
const GET_CASES: Record<string, Record<string, string>[]> = {
  listGroups: [{}],
  getGroup: Object.values(DEMO.projects).map((p) => ({ groupId: p.id })),
  listExportBuckets: Object.values(DEMO.projects).map((p) => ({ groupId: p.id })),
  getExportBucket: Object.values(DEMO.exportBuckets).map((b) => ({ groupId: b.groupId, exportBucketId: b.id })),
  listClusters: Object.values(DEMO.projects).map((p) => ({ groupId: p.id })),
  getCluster: Object.values(DEMO.clusters).map(cl),
  listBackupExports: [cl(pay), cl(ledger)],
  getBackupExport: Object.values(DEMO.exports).map((e) => ({
    groupId: e.groupId,
    clusterName: e.clusterName,
    exportId: e.id,
  })),
  listBackupRestoreJobs: [cl(pay), cl(ledger)],
  getBackupRestoreJob: Object.values(DEMO.restoreJobs).map((j) => ({
    groupId: j.groupId,
    clusterName: j.clusterName,
    restoreJobId: j.id,
  })),
  getBackupSchedule: cloudClusters.map(cl),
  listBackupSnapshots: [cl(pay), cl(ledger)],
  getClusterBackupSnapshot: Object.values(DEMO.snapshots).map((s) => ({
    groupId: s.groupId,
    clusterName: s.clusterName,
    snapshotId: s.id,
  })),
  listBackupShardedClusters: [cl(ledger)],
  getBackupShardedCluster: [{ ...cl(ledger), snapshotId: DEMO.snapshots.sharded.id }],
  listClusterBackupCheckpoints: [cl(legacy), cl(archive)],
  getClusterBackupCheckpoint: [{ ...cl(legacy), checkpointId: DEMO.legacy.checkpoint.id }],
  listClusterRestoreJobs: [cl(legacy), cl(archive)],
  getClusterRestoreJob: [{ ...cl(legacy), jobId: DEMO.legacy.restoreJob.id }],
  listFlexClusters: [...new Set(flexClusters.map((f) => f.groupId))].map((groupId) => ({ groupId })),
  getFlexCluster: flexClusters,
  listFlexRestoreJobs: flexClusters,
  getFlexRestoreJob: [
    { ...flex, restoreJobId: DEMO.flex.restoreJobId },
    ...Object.values(DEMO.flex.restoreJobs).map((j) => ({ ...underFlex(j), restoreJobId: j.id })),
  ],
  listFlexBackupSnapshots: flexClusters,
  getFlexBackupSnapshot: [
    { ...flex, snapshotId: DEMO.flex.snapshotId },
    ...Object.values(DEMO.flex.snapshots).map((s) => ({ ...underFlex(s), snapshotId: s.id })),
  ],
  listServerlessInstances: [{ groupId: sl.groupId }],
  getServerlessInstance: [sl.clusterName, DEMO.serverless.otherInstanceName, DEMO.serverless.migrated.name].map(
    (name) => ({ groupId: sl.groupId, name }),
  ),
  listServerlessRestoreJobs: [sl],
  getServerlessRestoreJob: [{ ...sl, restoreJobId: DEMO.serverless.restoreJobId }],
  listServerlessBackupSnapshots: [sl],
  getServerlessBackupSnapshot: [{ ...sl, snapshotId: DEMO.serverless.snapshotId }],
};

const getOperations = spec.operations.filter((op) => op.method === 'GET');

describe('simulator responses conform to the spec', () => {
  let sim: AtlasSimulator;
  let open: SpecValidator;
  let closed: SpecValidator;

  beforeAll(async () => {
    sim = await startSimulator({ host: '127.0.0.1', port: 0, rateLimit: ATLAS_RATE_LIMITS });
    open = createValidator({ closed: false });
    closed = createValidator({ closed: true });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('has a test case for every GET operation in the spec', () => {
    expect(getOperations.length).toBeGreaterThanOrEqual(31);
    expect(Object.keys(GET_CASES).sort()).toEqual(getOperations.map((op) => op.operationId).sort());
  });

  it.each(getOperations.map((op) => [op.operationId, op] as const))(
    '%s validates against its 200 schema',
    async (operationId, op) => {
      const cases = GET_CASES[operationId] ?? [];
      expect(cases.length).toBeGreaterThan(0);
      expect(op.responseSchema).not.toBeNull();
      const schema = op.responseSchema ?? '';
      for (const params of cases) {
        const res = await callOp(sim.url, operationId, params);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.headers.get('content-type')).toBe(`${op.mediaType};charset=utf-8`);
        // Atlas's observed capacities: the clusters endpoint set 10000, the others 1200 (notes §3.2).
        expect(res.headers.get('ratelimit-limit')).toBe(endpointSetOf(operationId) === 'clusters' ? '10000' : '1200');
        expect(open.errors(schema, res.body)).toEqual([]);
        expect(closed.errors(schema, res.body)).toEqual([]);
        if (schema.startsWith('Paginated')) {
          // Lists used here are seeded non-empty, so item validation is not vacuous.
          const items = results(res.body);
          expect(items.length).toBeGreaterThan(0);
          for (const item of items) {
            expect(item['links']).toEqual([
              { rel: 'self', href: expect.stringMatching(new RegExp(`^${sim.url}/api/atlas/v2/`)) },
            ]);
          }
        } else {
          expect(Object.keys(res.body as object).length).toBeGreaterThan(2);
        }
      }
    },
  );

  it('validates every object of the seed, through every list endpoint', async () => {
    const data = createSeedData();
    const check = async (operationId: string, params: Record<string, string>): Promise<number> => {
      const res = await callOp(
        sim.url,
        operationId,
        params,
        operationId === 'listBackupShardedClusters' ? '' : 'itemsPerPage=500',
      );
      const schema = spec.operations.find((o) => o.operationId === operationId)?.responseSchema ?? '';
      expect(res.status).toBe(200);
      expect(closed.errors(schema, res.body)).toEqual([]);
      expect(open.errors(schema, res.body)).toEqual([]);
      return results(res.body).length;
    };
    let seen = 0;
    for (const p of data.projects) {
      const groupId = p.id ?? '';
      for (const op of ['listClusters', 'listExportBuckets', 'listServerlessInstances', 'listFlexClusters']) {
        seen += await check(op, { groupId });
      }
    }
    for (const c of data.clusters) {
      const params = { groupId: c.value.groupId ?? '', clusterName: c.value.name ?? '' };
      for (const op of [
        'listBackupSnapshots',
        'listBackupShardedClusters',
        'listBackupRestoreJobs',
        'listBackupExports',
        'listClusterBackupCheckpoints',
        'listClusterRestoreJobs',
      ]) {
        seen += await check(op, params);
      }
      for (const s of data.snapshots.filter(
        (x) => x.groupId === params.groupId && x.clusterName === params.clusterName,
      )) {
        const res = await callOp(sim.url, 'getClusterBackupSnapshot', { ...params, snapshotId: s.value.id ?? '' });
        expect(closed.errors('DiskBackupSnapshot', res.body)).toEqual([]);
      }
    }
    for (const s of data.serverlessInstances) {
      const params = { groupId: s.groupId ?? '', clusterName: s.name ?? '' };
      seen += await check('listServerlessBackupSnapshots', params);
      seen += await check('listServerlessRestoreJobs', params);
    }
    for (const f of data.flexClusters) {
      const params = { groupId: f.groupId ?? '', name: f.name ?? '' };
      seen += await check('listFlexBackupSnapshots', params);
      seen += await check('listFlexRestoreJobs', params);
      for (const s of data.flexSnapshots.filter((x) => x.groupId === params.groupId && x.clusterName === params.name)) {
        const res = await callOp(sim.url, 'getFlexBackupSnapshot', { ...params, snapshotId: s.value.id ?? '' });
        expect(res.status).toBe(200);
        expect(closed.errors('FlexBackupSnapshot20241113', res.body)).toEqual([]);
      }
      for (const j of data.flexRestoreJobs.filter(
        (x) => x.groupId === params.groupId && x.clusterName === params.name,
      )) {
        const res = await callOp(sim.url, 'getFlexRestoreJob', { ...params, restoreJobId: j.value.id ?? '' });
        expect(res.status).toBe(200);
        expect(closed.errors('FlexBackupRestoreJob20241113', res.body)).toEqual([]);
      }
    }
    for (const sch of data.backupSchedules) {
      const res = await callOp(sim.url, 'getBackupSchedule', { groupId: sch.groupId, clusterName: sch.clusterName });
      expect(res.status).toBe(200);
      expect(closed.errors('DiskBackupSnapshotSchedule20240805', res.body)).toEqual([]);
      expect(open.errors('DiskBackupSnapshotSchedule20240805', res.body)).toEqual([]);
    }
    const expected =
      data.clusters.length +
      data.exportBuckets.length +
      data.serverlessInstances.length +
      data.flexClusters.length +
      data.snapshots.length +
      data.snapshots.filter((s) => s.value.type === 'shardedCluster').length +
      data.restoreJobs.length +
      data.exportJobs.length +
      data.legacyCheckpoints.length +
      data.legacyRestoreJobs.length +
      data.serverlessSnapshots.length +
      data.serverlessRestoreJobs.length +
      data.flexSnapshots.length +
      data.flexRestoreJobs.length;
    expect(seen).toBe(expected);
  });

  it('the validator really rejects wrong shapes', async () => {
    const res = await callOp(sim.url, 'listBackupSnapshots', cl(pay), 'itemsPerPage=3');
    expect(open.errors('PaginatedCloudBackupReplicaSet', res.body)).toEqual([]);
    const broken = structuredClone(res.body) as { results: Record<string, unknown>[] };
    const first = broken.results[0];
    if (first === undefined) throw new Error('no snapshot');
    first['storageSizeBytes'] = 'x';
    expect(open.errors('PaginatedCloudBackupReplicaSet', broken).join('\n')).toMatch(
      /storageSizeBytes.*must be integer/,
    );
    // A bad id pattern, a missing required field and (closed variant) an undeclared property.
    expect(
      open.errors('DiskBackupSnapshotExportBucketResponse', { _id: 'nope', bucketName: 'abc', cloudProvider: 'AWS' }),
    ).not.toEqual([]);
    expect(open.errors('PaginatedAtlasGroup', { links: [] })).not.toEqual([]);
    expect(
      closed.errors('DiskBackupReplicaSet', { id: DEMO.snapshots.completed.id, groupId: pay.groupId }),
    ).not.toEqual([]);
    expect(open.errors('DiskBackupReplicaSet', { id: DEMO.snapshots.completed.id, groupId: pay.groupId })).toEqual([]);
  });

  it('cloud restore jobs carry targetDeploymentItemName, as live Atlas does, when they have a target', async () => {
    // Notes §11 (recordings): a field DiskBackupSnapshotRestoreJob lacks; every other undeclared name is stripped.
    const get = async (restoreJobId: string) =>
      asObject((await callOp(sim.url, 'getBackupRestoreJob', { ...cl(pay), restoreJobId })).body);
    const automated = await get(DEMO.restoreJobs.automated.id);
    expect(automated['targetClusterName']).toEqual(expect.any(String));
    expect(automated['targetDeploymentItemName']).toBe(automated['targetClusterName']);
    const crossProject = await get(DEMO.restoreJobs.crossProject.id);
    expect(crossProject['targetDeploymentItemName']).toBe(crossProject['targetClusterName']);
    const download = await get(DEMO.restoreJobs.download.id);
    expect(download).not.toHaveProperty('targetClusterName');
    expect(download).not.toHaveProperty('targetDeploymentItemName');
    const listed = results((await callOp(sim.url, 'listBackupRestoreJobs', cl(pay))).body);
    for (const job of listed) {
      expect(job['targetDeploymentItemName'], String(job['id'])).toBe(job['targetClusterName']);
    }
    // The closed validator knows this one extra, and still refuses any other.
    expect(closed.errors('DiskBackupSnapshotRestoreJob', automated)).toEqual([]);
    expect(closed.errors('DiskBackupSnapshotRestoreJob', { ...automated, desiredName: 'x' })).not.toEqual([]);
  });

  it('shapes follow the spec names: cloud jobs and exports carry no owner, legacy objects do', async () => {
    const job = (
      await callOp(sim.url, 'getBackupRestoreJob', { ...cl(pay), restoreJobId: DEMO.restoreJobs.download.id })
    ).body as Record<string, unknown>;
    expect(job).not.toHaveProperty('groupId');
    expect(job).not.toHaveProperty('clusterName');
    expect(job['deliveryType']).toBe('download');
    expect((job['deliveryUrl'] as string[]).length).toBeGreaterThan(0);
    expect(typeof job['finishedAt']).toBe('string');

    const exp = (await callOp(sim.url, 'getBackupExport', { ...cl(pay), exportId: DEMO.exports.failed.id }))
      .body as Record<string, unknown>;
    expect(exp).not.toHaveProperty('groupId');
    expect(exp['state']).toBe('Failed');
    expect(exp['stateReason']).toEqual({ errorCode: expect.any(String), message: expect.any(String) });
    expect(exp['prefix']).toMatch(REALISTIC_PREFIX);

    const bucket = (
      await callOp(sim.url, 'getExportBucket', {
        groupId: pay.groupId,
        exportBucketId: DEMO.exportBuckets.paymentsAws.id,
      })
    ).body as Record<string, unknown>;
    expect(bucket['_id']).toBe(DEMO.exportBuckets.paymentsAws.id);
    expect(bucket).not.toHaveProperty('id');

    const cp = (
      await callOp(sim.url, 'getClusterBackupCheckpoint', { ...cl(legacy), checkpointId: DEMO.legacy.checkpoint.id })
    ).body as Record<string, unknown>;
    expect(cp['groupId']).toBe(legacy.groupId);
    expect(cp['clusterId']).toBe(legacy.id);
    const parts = cp['parts'] as { typeName: string; tokenTimestamp: { date: string; increment: number } }[];
    expect(parts.map((p) => p.typeName)).toEqual(['REPLICA_SET', 'REPLICA_SET', 'CONFIG_SERVER']);
    expect(parts[0]?.tokenTimestamp.date).toBe(cp['timestamp']);

    const legacyJob = (
      await callOp(sim.url, 'getClusterRestoreJob', { ...cl(legacy), jobId: DEMO.legacy.restoreJob.id })
    ).body as Record<string, unknown>;
    expect(legacyJob['groupId']).toBe(legacy.groupId);
    expect(legacyJob['clusterId']).toBe(legacy.id);
    expect(legacyJob['batchId']).toBe(DEMO.legacy.restoreBatchId);
    expect(legacyJob['delivery']).toMatchObject({ methodName: 'HTTP', statusName: 'READY' });
    expect(legacyJob['hashes']).toEqual([
      {
        fileName: expect.stringMatching(/\.tar\.gz$/),
        hash: expect.stringMatching(/^[0-9a-f]{40}$/),
        typeName: 'SHA1',
      },
    ]);
  });

  it('lists a sharded cluster through both snapshot list endpoints with the right shapes', async () => {
    const plain = results((await callOp(sim.url, 'listBackupSnapshots', cl(ledger))).body);
    const sharded = results((await callOp(sim.url, 'listBackupShardedClusters', cl(ledger))).body);
    expect(plain.map((s) => s['id'])).toEqual(sharded.map((s) => s['id']));
    // DiskBackupReplicaSet has no members; DiskBackupShardedClusterSnapshot has them.
    expect(plain.every((s) => !('members' in s))).toBe(true);
    expect(sharded.every((s) => Array.isArray(s['members']) && (s['members'] as unknown[]).length === 3)).toBe(true);
    expect(results((await callOp(sim.url, 'listBackupShardedClusters', cl(pay))).body)).toEqual([]);
  });
});
