/**
 * Serverless backups after Atlas's sunset (2026-01-22): the simulator plays today's Atlas, whose serverless
 * backup reads answer 410 VERSION_GONE. Each such field fails alone with SERVERLESS_BACKUP_SUNSET naming
 * the Flex successor; the rest of the query answers.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../../src/simulator/index.js';
import { toGlobalId } from '../../../src/graph/ids.js';
import { startStack, TEST_TOKEN, type TestStack } from '../../../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ simulator: { serverlessBackup: 'sunset' } });
});
afterAll(() => stack.close());
beforeEach(() => stack.simulator.resetCalls());

type Json = Record<string, any>;
const { groupId, instanceName, snapshotId, migrated } = DEMO.serverless;

describe('serverless backup fields after the sunset', () => {
  it('fail alone with SERVERLESS_BACKUP_SUNSET, saying there is no Flex successor, while siblings answer', async () => {
    const { data, errors } = await stack.query<Json>(
      `query ($p: ObjectId!, $n: ClusterName!, $s: ObjectId!) { project(id: $p) { name
         serverlessInstance(name: $n) { name stateName
           snapshots(first: 5) { nodes { id } }
           snapshot(id: $s) { id }
           latestSnapshot { id } } } }`,
      { p: groupId, n: instanceName, s: snapshotId },
    );
    expect(data!.project.name).toBe(DEMO.projects.analytics.name);
    expect(data!.project.serverlessInstance).toMatchObject({ name: instanceName, snapshots: null, snapshot: null });
    expect(data!.project.serverlessInstance.stateName).toEqual(expect.any(String));
    expect(errors).toHaveLength(3);
    // This instance has no Flex cluster of its name: the error names none (it named one, which answered null).
    expect(DEMO.serverless.withoutFlexSuccessor).toContain(instanceName);
    for (const error of errors!) {
      expect(error.extensions).toMatchObject({
        code: 'SERVERLESS_BACKUP_SUNSET',
        sunset: '2026-01-22',
        atlas: { status: 410, errorCode: 'VERSION_GONE' },
      });
      expect(error.extensions).not.toHaveProperty('successor');
      expect(error.message).toContain('2026-01-22');
      expect(error.message).toContain(`no Flex cluster "${instanceName}" is in project ${groupId}`);
      expect(error.message).toContain(`deployment(name: "${instanceName}")`);
    }
    expect(errors!.map((e) => e.path!.at(-1)).sort()).toEqual(['latestSnapshot', 'snapshot', 'snapshots']);
  });

  it('ask Atlas once per retired operation: later queries get the same answer without a call', async () => {
    const fresh = await startStack({ simulator: { serverlessBackup: 'sunset' } });
    try {
      const query = `query ($p: ObjectId!, $n: ClusterName!) { project(id: $p) {
         serverlessInstance(name: $n) { name snapshots(first: 5) { nodes { id } } latestSnapshot { id } } } }`;
      const variables = { p: groupId, n: instanceName };
      const first = await fresh.query<Json>(query, variables, { 'x-atlas-call-report': '1' });
      const retired = () => fresh.simulator.calls.filter((c) => c.status === 410).map((c) => c.operationId);
      expect(retired()).toEqual(['listServerlessBackupSnapshots']);
      const second = await fresh.query<Json>(query, variables, { 'x-atlas-call-report': '1' });
      // The instance is read again; the retired list is not asked again.
      expect(retired()).toEqual(['listServerlessBackupSnapshots']);
      expect(fresh.simulator.callCount({ operationId: 'getServerlessInstance' })).toBe(2);
      expect(second.data).toEqual(first.data);
      const said = (answer: typeof first) => answer.errors?.map((e) => [e.path, e.message, e.extensions?.code]);
      expect(said(second)).toEqual(said(first));
      expect(second.errors?.map((e) => e.extensions?.code)).toEqual([
        'SERVERLESS_BACKUP_SUNSET',
        'SERVERLESS_BACKUP_SUNSET',
      ]);
      // What was kept is what every request gets: no detail or parameters, which named the first one's path.
      expect(second.errors?.[0]?.extensions?.atlas).toEqual({
        operation: 'listServerlessBackupSnapshots',
        status: 410,
        errorCode: 'VERSION_GONE',
        reason: expect.any(String),
      });
      const other = DEMO.serverless.withoutFlexSuccessor.find((name) => name !== instanceName)!;
      const elsewhere = await fresh.query<Json>(query, { p: groupId, n: other });
      expect(elsewhere.errors?.map((e) => e.extensions?.code)).toEqual([
        'SERVERLESS_BACKUP_SUNSET',
        'SERVERLESS_BACKUP_SUNSET',
      ]);
      expect(JSON.stringify(elsewhere.errors)).not.toContain(instanceName);
      // One call fewer (the retired list), answered from what the gateway kept: no Atlas cost, as a cached answer.
      const report = (answer: typeof first) => answer.extensions?.atlasCalls as { calls: number; coalesced: number };
      expect(report(second)).toMatchObject({ calls: report(first).calls - 1, coalesced: report(first).coalesced + 1 });
    } finally {
      await fresh.close();
    }
  });

  it('keep what Atlas retired per credential: a caller whose token Atlas refuses still hears UNAUTHENTICATED', async () => {
    const forward = await startStack({ auth: { mode: 'forward' }, simulator: { serverlessBackup: 'sunset' } });
    try {
      // A serverless snapshot by its id: straight to the retired operation, with no other call before it.
      const id = toGlobalId('ServerlessSnapshot', groupId, instanceName, snapshotId);
      const query = `{ node(id: "${id}") { id } }`;
      const known = await forward.query<Json>(query, {}, { authorization: `Bearer ${TEST_TOKEN}` });
      expect(known.errors?.map((e) => e.extensions?.code)).toEqual(['SERVERLESS_BACKUP_SUNSET']);
      const stranger = await forward.query<Json>(query, {}, { authorization: 'Bearer not-a-known-token' });
      expect(stranger.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    } finally {
      await forward.close();
    }
  });

  it('say the Flex successor could not be checked when its lookup fails, rather than that there is none', async () => {
    stack.simulator.faults.set({
      rates: { status500: 1 },
      match: { pathPrefix: `/api/atlas/v2/groups/${migrated.groupId}/flexClusters` },
    });
    try {
      const { errors } = await stack.query<Json>(
        `query ($p: ObjectId!, $n: ClusterName!) { project(id: $p) {
           serverlessInstance(name: $n) { latestSnapshot { id } } } }`,
        { p: migrated.groupId, n: migrated.name },
      );
      expect(errors).toHaveLength(1);
      expect(errors![0]!.extensions).toMatchObject({ code: 'SERVERLESS_BACKUP_SUNSET' });
      expect(errors![0]!.extensions).not.toHaveProperty('successor');
      expect(errors![0]!.message).toContain(`has a Flex cluster "${migrated.name}" could not be read just now`);
      expect(errors![0]!.message).not.toContain('no Flex cluster');
    } finally {
      stack.simulator.faults.clear();
    }
  });

  it('name the Flex successor of a migrated instance, which answers the backups', async () => {
    const { data, errors } = await stack.query<Json>(
      `query ($p: ObjectId!, $n: ClusterName!) { project(id: $p) {
         serverlessInstance(name: $n) { snapshots(first: 1) { nodes { id } } }
         flexCluster(name: $n) { name snapshots(first: 1) { totalCount } } } }`,
      { p: migrated.groupId, n: migrated.name },
    );
    expect(data!.project.flexCluster.snapshots.totalCount).toBeGreaterThan(0);
    expect(errors).toHaveLength(1);
    expect(errors![0]!.extensions).toMatchObject({
      code: 'SERVERLESS_BACKUP_SUNSET',
      successor: { type: 'FlexCluster', projectId: migrated.groupId, name: migrated.name },
    });
    expect(errors![0]!.message).toContain(`flexCluster(name: "${migrated.name}")`);
  });

  it('a migrated instance links to its Flex successor, whose backups answer; others link to null', async () => {
    const { data, errors } = await stack.query<Json>(
      `query ($p: ObjectId!) { project(id: $p) { serverlessInstances(first: 10) { nodes { name
         flexSuccessor { id name family snapshots(first: 2) { nodes { atlasId status } } } } } } }`,
      { p: migrated.groupId },
    );
    expect(errors).toBeUndefined();
    const byName = new Map(data!.project.serverlessInstances.nodes.map((i: Json) => [i.name, i.flexSuccessor]));
    const successor = byName.get(migrated.name) as Json;
    expect(successor).toMatchObject({
      id: toGlobalId('FlexCluster', migrated.groupId, migrated.name),
      name: migrated.name,
      family: 'FLEX',
    });
    expect(successor.snapshots.nodes.length).toBeGreaterThan(0);
    for (const name of DEMO.serverless.withoutFlexSuccessor) expect(byName.get(name)).toBeNull();
    // The serverless list, then per instance the Flex lookup (one wrong-family 400 for each instance
    // without a successor), and the successor's snapshot page: no serverless backup call at all.
    const calls = stack.simulator.calls.map((c) => c.operationId);
    expect(calls.filter((c) => c?.startsWith('listServerlessBackup') || c?.startsWith('getServerlessBackup'))).toEqual(
      [],
    );
    expect(calls.filter((c) => c === 'listFlexBackupSnapshots')).toHaveLength(1);
  });

  it('a serverless snapshot refetched by its global id fails with the same code', async () => {
    const id = toGlobalId('ServerlessSnapshot', groupId, instanceName, snapshotId);
    const { data, errors } = await stack.query<Json>(`{ node(id: "${id}") { id } }`);
    expect(data).toEqual({ node: null });
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'SERVERLESS_BACKUP_SUNSET', sunset: '2026-01-22' });
    expect(errors?.[0]?.extensions).not.toHaveProperty('successor');
    expect(errors?.[0]?.message).toContain(`no Flex cluster "${instanceName}" is in project ${groupId}`);
  });

  // The id holds the instance's project and name: the error names its successor, as the instance's fields do
  // (it gave an empty `project(id:) { flexCluster(name:) ... }` template and no `successor`).
  it('a migrated instance’s snapshot refetched by its global id names the Flex successor', async () => {
    const id = toGlobalId('ServerlessSnapshot', migrated.groupId, migrated.name, snapshotId);
    const { data, errors } = await stack.query<Json>(`{ node(id: "${id}") { id } }`);
    expect(data).toEqual({ node: null });
    expect(errors?.[0]?.extensions).toMatchObject({
      code: 'SERVERLESS_BACKUP_SUNSET',
      successor: { type: 'FlexCluster', projectId: migrated.groupId, name: migrated.name },
    });
    expect(errors?.[0]?.message).toContain(`flexCluster(name: "${migrated.name}")`);
  });
});
