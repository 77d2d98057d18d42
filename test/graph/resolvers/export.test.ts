import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../../src/simulator/index.js';
import { toGlobalId } from '../../../src/graph/ids.js';
import { atlas, startStack, withoutLinks, type TestStack } from '../../../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

type Json = Record<string, unknown>;

describe('Export (seed operation getBackupExport)', () => {
  it.each(Object.entries(DEMO.exports))('returns the %s export field for field', async (_, job) => {
    const raw = withoutLinks(
      await atlas(stack.simulator, 'getBackupExport', {
        groupId: job.groupId,
        clusterName: job.clusterName,
        exportId: job.id,
      }),
    ) as Json;
    const { data, errors } = await stack.query<{ project: { cluster: { export: Json } } }>(
      `query ($p: ObjectId!, $c: ClusterName!, $id: ObjectId!) {
        project(id: $p) { cluster(name: $c) { export(id: $id) {
          id atlasId state stateReason { errorCode message } exportStatus { exportedCollections totalCollections }
          createdAt finishedAt prefix customData { key value } components { exportId replicaSetName }
          snapshotId exportBucketId
        } } }
      }`,
      { p: job.groupId, c: job.clusterName, id: job.id },
    );
    expect(errors).toBeUndefined();
    const { id, atlasId, state, ...same } = withoutLinks(data!.project.cluster.export) as Json;
    const { id: atlasIdValue, state: atlasState, ...atlasSame } = raw;
    expect(id).toBe(toGlobalId('Export', job.groupId, job.clusterName, job.id));
    expect(atlasId).toBe(atlasIdValue);
    expect(state).toBe(
      String(atlasState)
        .replace(/([a-z])([A-Z])/g, '$1_$2')
        .toUpperCase(),
    );
    expect(same).toEqual(atlasSame);
  });

  it('resolves the exported snapshot and the bucket it goes to', async () => {
    const job = DEMO.exports.successful;
    const { data, errors } = await stack.query<{
      project: {
        cluster: {
          export: { snapshotId: string; exportBucketId: string; snapshot: { atlasId: string }; exportBucket: Json };
        };
      };
    }>(
      `{ project(id: "${job.groupId}") { cluster(name: "${job.clusterName}") { export(id: "${job.id}") {
          snapshotId exportBucketId snapshot { atlasId } exportBucket { atlasId bucketName cloudProvider project { atlasId } }
      } } } }`,
    );
    expect(errors).toBeUndefined();
    const exportJob = data!.project.cluster.export;
    expect(exportJob.snapshot.atlasId).toBe(exportJob.snapshotId);
    expect(exportJob.exportBucket).toMatchObject({
      atlasId: exportJob.exportBucketId,
      project: { atlasId: job.groupId },
    });
    expect(exportJob.exportBucket.cloudProvider).toMatch(/^(AWS|AZURE|GCP)$/);
  });

  it('lists a project’s export buckets field for field', async () => {
    const groupId = DEMO.exportBuckets.paymentsAws.groupId;
    const buckets = await atlas<{ results: Json[] }>(stack.simulator, 'listExportBuckets', { groupId });
    const { data } = await stack.query<{ project: { exportBuckets: { nodes: Json[] } } }>(
      `{ project(id: "${groupId}") { exportBuckets { nodes {
          atlasId bucketName cloudProvider region iamRoleId roleId serviceUrl tenantId requirePrivateNetworking
      } } } }`,
    );
    expect(data!.project.exportBuckets.nodes.map((n) => withoutLinks(n))).toEqual(
      buckets.results.map((raw) => {
        const { _id, ...rest } = withoutLinks(raw) as Json;
        return { atlasId: _id, ...rest };
      }),
    );
  });
});
