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
const { groupId, instanceName, snapshotId } = DEMO.serverless;
const upper = (v: unknown) =>
  v === 'ondemand'
    ? 'ON_DEMAND'
    : String(v)
        .replace(/([a-z])([A-Z])/g, '$1_$2')
        .toUpperCase();

describe('ServerlessSnapshot (seed operation getServerlessBackupSnapshot)', () => {
  it('returns the Atlas payload field for field', async () => {
    const raw = withoutLinks(
      await atlas(stack.simulator, 'getServerlessBackupSnapshot', {
        groupId,
        clusterName: instanceName,
        snapshotId,
      }),
    ) as Json;
    const { data, errors } = await stack.query<{ project: { serverlessInstance: { snapshot: Json } } }>(
      `query ($p: ObjectId!, $n: ClusterName!, $id: ObjectId!) {
        project(id: $p) { serverlessInstance(name: $n) { snapshot(id: $id) {
          id atlasId serverlessInstanceName status snapshotType frequencyType createdAt expiresAt mongodVersion storageSizeBytes
        } } }
      }`,
      { p: groupId, n: instanceName, id: snapshotId },
    );
    expect(errors).toBeUndefined();
    expect(withoutLinks(data!.project.serverlessInstance.snapshot)).toEqual({
      id: toGlobalId('ServerlessSnapshot', groupId, instanceName, snapshotId),
      atlasId: raw.id,
      serverlessInstanceName: raw.serverlessInstanceName,
      status: upper(raw.status),
      snapshotType: upper(raw.snapshotType),
      frequencyType: upper(raw.frequencyType),
      createdAt: raw.createdAt,
      expiresAt: raw.expiresAt,
      mongodVersion: raw.mongodVersion,
      storageSizeBytes: raw.storageSizeBytes,
    });
  });

  it('serves sizes beyond 32-bit Int exactly and links back to the instance', async () => {
    const { data, errors } = await stack.query<{
      project: {
        serverlessInstance: {
          name: string;
          continuousBackupEnabled: boolean;
          snapshots: { nodes: { storageSizeBytes: number; serverlessInstance: { name: string } }[] };
        };
      };
    }>(
      `{ project(id: "${groupId}") { serverlessInstance(name: "${instanceName}") {
          name continuousBackupEnabled snapshots(first: 50) { nodes { storageSizeBytes serverlessInstance { name } } }
      } } }`,
    );
    expect(errors).toBeUndefined();
    const nodes = data!.project.serverlessInstance.snapshots.nodes;
    expect(nodes.length).toBeGreaterThan(2);
    expect(nodes.every((n) => n.serverlessInstance.name === instanceName)).toBe(true);
    expect(Math.max(...nodes.map((n) => n.storageSizeBytes))).toBeGreaterThan(2 ** 31 - 1);
  });

  it('carries the instance’s tags as Atlas lists them', async () => {
    const raw = (await atlas(stack.simulator, 'getServerlessInstance', { groupId, name: instanceName })) as {
      tags?: { key: string; value: string }[];
    };
    expect(raw.tags?.length).toBeGreaterThan(0);
    const { data, errors } = await stack.query<{ project: { serverlessInstance: { tags: unknown[] } } }>(
      `{ project(id: "${groupId}") { serverlessInstance(name: "${instanceName}") { tags { key value } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data!.project.serverlessInstance.tags).toEqual(raw.tags);
  });

  it('marks the serverless fields deprecated with Atlas’s reason', async () => {
    const { data } = await stack.query<{
      __type: { fields: { name: string; isDeprecated: boolean; deprecationReason: string }[] };
    }>(
      `{ __type(name: "ServerlessInstance") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }`,
    );
    const snapshots = data!.__type.fields.find((f) => f.name === 'snapshots');
    expect(snapshots).toMatchObject({ isDeprecated: true });
    expect(snapshots?.deprecationReason).toMatch(/2026-01-22/);
  });
});
