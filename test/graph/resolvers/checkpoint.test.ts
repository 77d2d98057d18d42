import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../../src/simulator/index.js';
import { toGlobalId } from '../../../src/graph/ids.js';
import { atlas, startStack, withoutLinks, type TestStack } from '../../../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const { checkpoint } = DEMO.legacy;

describe('Checkpoint (seed operation getClusterBackupCheckpoint)', () => {
  it('returns the Atlas payload field for field', async () => {
    const raw = await atlas(stack.simulator, 'getClusterBackupCheckpoint', {
      groupId: checkpoint.groupId,
      clusterName: checkpoint.clusterName,
      checkpointId: checkpoint.id,
    });
    stack.simulator.resetCalls();
    const { data, errors } = await stack.query<{ project: { cluster: { checkpoint: Record<string, unknown> } } }>(
      `query ($p: ObjectId!, $c: ClusterName!, $id: ObjectId!) {
        project(id: $p) { cluster(name: $c) { checkpoint(id: $id) {
          id atlasId clusterAtlasId restorable started completed timestamp
          parts { typeName shardName replicaSetName tokenDiscovered tokenTimestamp { date increment } }
          cluster { name projectId }
        } } }
      }`,
      { p: checkpoint.groupId, c: checkpoint.clusterName, id: checkpoint.id },
    );
    expect(errors).toBeUndefined();
    const graph = withoutLinks(data!.project.cluster.checkpoint) as Record<string, unknown>;
    const normalizedAtlas = withoutLinks(raw) as Record<string, unknown>;
    expect(graph).toEqual({
      id: toGlobalId('Checkpoint', checkpoint.groupId, checkpoint.clusterName, checkpoint.id),
      atlasId: normalizedAtlas.id,
      clusterAtlasId: normalizedAtlas.clusterId,
      restorable: normalizedAtlas.restorable,
      started: normalizedAtlas.started,
      completed: normalizedAtlas.completed,
      timestamp: normalizedAtlas.timestamp,
      parts: normalizedAtlas.parts,
      cluster: { name: checkpoint.clusterName, projectId: checkpoint.groupId },
    });
    expect((graph.parts as unknown[]).length).toBeGreaterThan(1);
    // project, cluster and checkpoint: one call each, and the back-link reuses the loaded cluster.
    expect(stack.simulator.callCount()).toBe(3);
    expect(stack.simulator.callCount({ operationId: 'getClusterBackupCheckpoint' })).toBe(1);
  });

  it('answers null for a checkpoint Atlas does not have', async () => {
    const { data, errors } = await stack.query(
      `{ project(id: "${checkpoint.groupId}") { cluster(name: "${checkpoint.clusterName}") { checkpoint(id: "${'0'.repeat(24)}") { id } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data).toEqual({ project: { cluster: { checkpoint: null } } });
  });

  it('lists checkpoints as a connection', async () => {
    const { data } = await stack.query<{
      project: { cluster: { checkpoints: { totalCount: number; nodes: { atlasId: string }[] } } };
    }>(
      `{ project(id: "${checkpoint.groupId}") { cluster(name: "${checkpoint.clusterName}") { checkpoints(first: 500) { totalCount nodes { atlasId } } } } }`,
    );
    const connection = data!.project.cluster.checkpoints;
    expect(connection.nodes.length).toBe(connection.totalCount);
    expect(connection.nodes.map((n) => n.atlasId)).toContain(checkpoint.id);
  });
});
