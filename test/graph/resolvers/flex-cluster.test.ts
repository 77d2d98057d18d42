/**
 * FlexCluster, FlexSnapshot and FlexRestoreJob through real HTTP: every field against the simulator's raw
 * Atlas JSON, the Atlas calls each query costs, Relay ids through `node`/`nodes`, federation `_entities`,
 * and the routing of names to the Flex endpoints. Objects are picked from the simulator's data (not from
 * fixed names), so the tests hold as the demo data grows.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graph/ids.js';
import { DEMO, createSeedData, type ResponseTransform, type SimulatorData } from '../../../src/simulator/index.js';
import { atlas, startStack, withoutLinks, type TestStack } from '../../../support/stack.js';
import { cheapest, type Page } from '../../../support/minimum.js';
import { connectionOf, walkConnection, type ConnectionPage } from '../../helpers/connections.js';

type Json = Record<string, unknown>;
type Raw = Record<string, unknown> & { id: string };

const seed = createSeedData();
const missingId = '0'.repeat(24);

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.simulator.resetCalls());

const operations = () => stack.simulator.calls.map((c) => c.operationId);
const statuses = () => stack.simulator.calls.map((c) => [c.operationId, c.status]);

const flexFields = `id atlasId name projectId family clusterType stateName deploymentState mongoDBVersion
  versionReleaseSystem createDate backupEnabled terminationProtectionEnabled tags { key value }
  backingProviderName regionName diskSizeGB`;
const snapshotFields = 'id atlasId status createdAt startedAt finishedAt expiresAt mongodVersion';
const jobFields = `id atlasId flexClusterName projectId status deliveryType snapshotId snapshotFinishedAt snapshotUrl
  scheduledAt finishedAt expiresAt targetProjectId targetDeploymentName`;

/** Atlas fields the graph leaves out on purpose, per Atlas shape. */
const notExposed = {
  // Connection strings are not backup data (Cluster does not expose them either); providerName is always FLEX.
  flexCluster: ['links', 'connectionStrings'],
  providerSettings: ['providerName'],
  flexSnapshot: ['links'],
  flexRestoreJob: ['links'],
};

/** Every field of an Atlas payload is either mapped by `expected` or on the `notExposed` list. */
function expectAllMapped(raw: Json, mapped: string[], omitted: string[]) {
  expect(Object.keys(raw).filter((k) => !mapped.includes(k) && !omitted.includes(k))).toEqual([]);
}

/** The graph's FlexCluster, from Atlas's `FlexClusterDescription20241113`. */
function expectedFlexCluster(raw: Json): unknown {
  const provider = (raw.providerSettings ?? {}) as Json;
  expectAllMapped(
    raw,
    ['id', 'name', 'groupId', 'clusterType', 'stateName', 'mongoDBVersion', 'versionReleaseSystem', 'createDate'],
    [...notExposed.flexCluster, 'backupSettings', 'terminationProtectionEnabled', 'tags', 'providerSettings'],
  );
  expectAllMapped(provider, ['backingProviderName', 'regionName', 'diskSizeGB'], notExposed.providerSettings);
  return withoutLinks({
    id: toGlobalId('FlexCluster', String(raw.groupId), String(raw.name)),
    atlasId: raw.id,
    name: raw.name,
    projectId: raw.groupId,
    family: 'FLEX',
    clusterType: raw.clusterType,
    stateName: raw.stateName,
    deploymentState: raw.stateName,
    mongoDBVersion: raw.mongoDBVersion,
    versionReleaseSystem: raw.versionReleaseSystem,
    createDate: raw.createDate,
    backupEnabled: (raw.backupSettings as Json | undefined)?.enabled,
    terminationProtectionEnabled: raw.terminationProtectionEnabled,
    tags: raw.tags,
    backingProviderName: provider.backingProviderName,
    regionName: provider.regionName,
    diskSizeGB: provider.diskSizeGB,
  });
}

/** The graph's FlexSnapshot, from Atlas's `FlexBackupSnapshot20241113` (the seed's statuses are all known ones). */
function expectedSnapshot(groupId: string, name: string, raw: Json): unknown {
  expectAllMapped(
    raw,
    ['id', 'status', 'scheduledTime', 'startTime', 'finishTime', 'expiration', 'mongoDBVersion'],
    notExposed.flexSnapshot,
  );
  return withoutLinks({
    id: toGlobalId('FlexSnapshot', groupId, name, String(raw.id)),
    atlasId: raw.id,
    status: raw.status,
    createdAt: raw.scheduledTime,
    startedAt: raw.startTime,
    finishedAt: raw.finishTime,
    expiresAt: raw.expiration,
    mongodVersion: raw.mongoDBVersion,
  });
}

/** The graph's FlexRestoreJob, from Atlas's `FlexBackupRestoreJob20241113`. */
function expectedJob(groupId: string, name: string, raw: Json): unknown {
  expectAllMapped(
    raw,
    [
      'id',
      'instanceName',
      'projectId',
      'status',
      'deliveryType',
      'snapshotId',
      'snapshotFinishedDate',
      'snapshotUrl',
      'restoreScheduledDate',
      'restoreFinishedDate',
      'expirationDate',
      'targetProjectId',
      'targetDeploymentItemName',
    ],
    notExposed.flexRestoreJob,
  );
  return withoutLinks({
    id: toGlobalId('FlexRestoreJob', groupId, name, String(raw.id)),
    atlasId: raw.id,
    flexClusterName: raw.instanceName,
    projectId: raw.projectId,
    status: raw.status,
    deliveryType: raw.deliveryType,
    snapshotId: raw.snapshotId,
    snapshotFinishedAt: raw.snapshotFinishedDate,
    snapshotUrl: raw.snapshotUrl,
    scheduledAt: raw.restoreScheduledDate,
    finishedAt: raw.restoreFinishedDate,
    expiresAt: raw.expirationDate,
    targetProjectId: raw.targetProjectId,
    targetDeploymentName: raw.targetDeploymentItemName,
  });
}

const flexClusters = seed.flexClusters.map((c) => ({
  groupId: String(c.groupId),
  name: String(c.name),
  id: String(c.id),
}));
const flexParams = (c: { groupId: string; name: string }) => ({ groupId: c.groupId, name: c.name });

describe('FlexCluster (getFlexCluster)', () => {
  it.each(flexClusters.map((c) => [c.name, c] as const))('returns %s field for field, one GET', async (_, c) => {
    const raw = await atlas(stack.simulator, 'getFlexCluster', flexParams(c));
    stack.simulator.resetCalls();
    const { data, errors } = await stack.query<{ project: { flexCluster: Json } }>(
      `query ($p: ObjectId!, $n: ClusterName!) { project(id: $p) { flexCluster(name: $n) { ${flexFields} } } }`,
      { p: c.groupId, n: c.name },
    );
    expect(errors).toBeUndefined();
    expect(withoutLinks(data!.project.flexCluster)).toEqual(expectedFlexCluster(raw));
    expect(operations()).toEqual(['getGroup', 'getFlexCluster']);
  });

  it('lists a project’s Flex clusters as Atlas does, one list call', async () => {
    for (const groupId of new Set(flexClusters.map((c) => c.groupId))) {
      const raw = await atlas<Page<Json>>(stack.simulator, 'listFlexClusters', { groupId }, { itemsPerPage: 500 });
      stack.simulator.resetCalls();
      const { data, errors } = await stack.query<{ project: { flexClusters: { totalCount: number; nodes: Json[] } } }>(
        `query ($p: ObjectId!) { project(id: $p) { flexClusters(first: 500) { totalCount nodes { ${flexFields} } } } }`,
        { p: groupId },
      );
      expect(errors).toBeUndefined();
      expect(data!.project.flexClusters.totalCount).toBe(raw.totalCount);
      expect(data!.project.flexClusters.nodes.map(withoutLinks)).toEqual(raw.results.map(expectedFlexCluster));
      expect(operations()).toEqual(['getGroup', 'listFlexClusters']);
    }
  });

  it('answers null for a name the project has in no family, after one 404', async () => {
    const c = flexClusters[0]!;
    const { data, errors } = await stack.query(
      `{ project(id: "${c.groupId}") { flexCluster(name: "ghost") { name snapshots { totalCount } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data).toEqual({ project: { flexCluster: null } });
    expect(statuses()).toEqual([
      ['getGroup', 200],
      ['getFlexCluster', 404],
    ]);
  });

  it('links back to its project, reusing the project already loaded', async () => {
    const c = flexClusters[0]!;
    const { data, errors } = await stack.query<{ project: { flexCluster: { project: { atlasId: string } } } }>(
      `{ project(id: "${c.groupId}") { flexCluster(name: "${c.name}") { project { atlasId } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data!.project.flexCluster.project.atlasId).toBe(c.groupId);
    expect(operations()).toEqual(['getGroup', 'getFlexCluster']);
  });
});

describe('FlexSnapshot and FlexRestoreJob (listFlexBackupSnapshots, listFlexRestoreJobs)', () => {
  it.each(flexClusters.map((c) => [c.name, c] as const))(
    'returns every snapshot and restore job of %s field for field, one list call each',
    async (_, c) => {
      const snapshots = await atlas<Page<Raw>>(stack.simulator, 'listFlexBackupSnapshots', flexParams(c), {
        itemsPerPage: 500,
      });
      const jobs = await atlas<Page<Raw>>(stack.simulator, 'listFlexRestoreJobs', flexParams(c), { itemsPerPage: 500 });
      stack.simulator.resetCalls();
      const { data, errors } = await stack.query<{
        project: { flexCluster: { snapshots: { totalCount: number; nodes: Json[] }; restoreJobs: { nodes: Json[] } } };
      }>(
        `query ($p: ObjectId!, $n: ClusterName!) { project(id: $p) { flexCluster(name: $n) {
          snapshots(first: 500) { totalCount nodes { ${snapshotFields} } }
          restoreJobs(first: 500) { totalCount nodes { ${jobFields} } }
        } } }`,
        { p: c.groupId, n: c.name },
      );
      expect(errors).toBeUndefined();
      const flex = data!.project.flexCluster;
      expect(flex.snapshots.totalCount).toBe(snapshots.totalCount);
      expect(flex.snapshots.nodes.map(withoutLinks)).toEqual(
        snapshots.results.map((s) => expectedSnapshot(c.groupId, c.name, s)),
      );
      expect(flex.restoreJobs.nodes.map(withoutLinks)).toEqual(
        jobs.results.map((j) => expectedJob(c.groupId, c.name, j)),
      );
      expect(operations().sort()).toEqual([
        'getFlexCluster',
        'getGroup',
        'listFlexBackupSnapshots',
        'listFlexRestoreJobs',
      ]);
    },
  );

  it('finds one snapshot and one restore job by Atlas id, one GET each; null for ids Atlas does not have', async () => {
    const { groupId, name, snapshotId, restoreJobId } = DEMO.flex;
    const raw = {
      snapshot: await atlas(stack.simulator, 'getFlexBackupSnapshot', { groupId, name, snapshotId }),
      job: await atlas(stack.simulator, 'getFlexRestoreJob', { groupId, name, restoreJobId }),
    };
    stack.simulator.resetCalls();
    const { data, errors } = await stack.query<{ project: { flexCluster: Record<string, Json | null> } }>(
      `{ project(id: "${groupId}") { flexCluster(name: "${name}") {
          snapshot(id: "${snapshotId}") { ${snapshotFields} }
          restoreJob(id: "${restoreJobId}") { ${jobFields} }
          noSnapshot: snapshot(id: "${missingId}") { id }
          noJob: restoreJob(id: "${missingId}") { id }
      } } }`,
    );
    expect(errors).toBeUndefined();
    const flex = data!.project.flexCluster;
    expect(withoutLinks(flex.snapshot)).toEqual(expectedSnapshot(groupId, name, raw.snapshot));
    expect(withoutLinks(flex.restoreJob)).toEqual(expectedJob(groupId, name, raw.job));
    expect(flex.noSnapshot).toBeNull();
    expect(flex.noJob).toBeNull();
    // Two lookups of each list: cheaper to read the list (it holds both, or proves the missing id missing).
    expect(operations().sort()).toEqual([
      'getFlexCluster',
      'getGroup',
      'listFlexBackupSnapshots',
      'listFlexRestoreJobs',
    ]);
  });

  it('answers by-id lookups from the lists the operation already reads, at no call', async () => {
    const { groupId, name, snapshotId, restoreJobId } = DEMO.flex;
    const { errors } = await stack.query(
      `{ project(id: "${groupId}") {
          flexClusters { nodes { name } }
          flexCluster(name: "${name}") {
            snapshots { nodes { atlasId } } snapshot(id: "${snapshotId}") { atlasId }
            restoreJobs { nodes { atlasId } } restoreJob(id: "${restoreJobId}") { atlasId }
          }
      } }`,
    );
    expect(errors).toBeUndefined();
    expect(operations().sort()).toEqual([
      'getGroup',
      'listFlexBackupSnapshots',
      'listFlexClusters',
      'listFlexRestoreJobs',
    ]);
  });

  it('pages through flexClusters, snapshots and restoreJobs with first/after, as Atlas lists them', async () => {
    const c = [...flexClusters].sort(
      (a, b) =>
        seed.flexSnapshots.filter((s) => s.clusterName === b.name).length -
        seed.flexSnapshots.filter((s) => s.clusterName === a.name).length,
    )[0]!;
    const cases = [
      { path: 'flexClusters', list: 'listFlexClusters', params: { groupId: c.groupId }, first: 1, inner: '' },
      {
        path: 'snapshots',
        list: 'listFlexBackupSnapshots',
        params: flexParams(c),
        first: 3,
        inner: `flexCluster(name: "${c.name}")`,
      },
      {
        path: 'restoreJobs',
        list: 'listFlexRestoreJobs',
        params: flexParams(c),
        first: 2,
        inner: `flexCluster(name: "${c.name}")`,
      },
    ] as const;
    for (const { path, list, params, first, inner } of cases) {
      const all = await atlas<Page<{ id?: string; name?: string }>>(stack.simulator, list, params, {
        itemsPerPage: 500,
      });
      stack.simulator.resetCalls();
      const { nodes, pages } = await walkConnection(first, async (after) => {
        const { data, errors } = await stack.query<{
          project: { page?: ConnectionPage<Json>; flexCluster?: { page: ConnectionPage<Json> } };
        }>(
          `query ($p: ObjectId!, $first: Int!, $after: String) { project(id: $p) {
            ${inner ? `${inner} {` : ''} page: ${path}(first: $first, after: $after) { ${connectionOf('atlasId')} } ${inner ? '}' : ''}
          } }`,
          { p: c.groupId, first, after },
        );
        expect(errors).toBeUndefined();
        const page = inner ? data!.project.flexCluster?.page : data!.project.page;
        if (!page) throw new Error('no page');
        return page;
      });
      expect(nodes.map((n) => n.atlasId)).toEqual(all.results.map((r) => r.id));
      expect(pages).toHaveLength(Math.max(1, Math.ceil(all.totalCount / first)));
      expect(stack.simulator.callCount({ operationId: list })).toBe(pages.length);
    }
  });
});

describe('listing every Flex cluster of a project with its backups costs one list call per level', () => {
  const projects = [...new Set(flexClusters.map((c) => c.groupId))];

  it.each(projects)(
    'project %s: one list of clusters, then one of snapshots and one of jobs per cluster',
    async (groupId) => {
      const count = flexClusters.filter((c) => c.groupId === groupId).length;
      const { data, errors } = await stack.query<{
        project: {
          flexClusters: {
            nodes: {
              name: string;
              restoreJobs: { nodes: { snapshotId: string | null; snapshot: { atlasId: string } | null }[] };
            }[];
          };
        };
      }>(
        `{ project(id: "${groupId}") { flexClusters(first: 20) { nodes {
          name project { atlasId }
          latestSnapshot { atlasId }
          snapshots(first: 20) { nodes { atlasId flexCluster { name } } }
          restoreJobs(first: 20) { nodes { atlasId snapshotId snapshot { atlasId flexCluster { name } } flexCluster { name } project { atlasId } } }
      } } } }`,
      );
      expect(errors).toBeUndefined();
      for (const flex of data!.project.flexClusters.nodes) {
        for (const job of flex.restoreJobs.nodes) expect(job.snapshot?.atlasId ?? null).toBe(job.snapshotId);
      }
      // latestSnapshot (a page of one) is merged with the snapshot page; back-links and the restored
      // snapshots are answered from what the lists returned.
      expect(operations().filter((op) => op?.startsWith('get'))).toEqual(['getGroup']);
      expect(stack.simulator.callCount({ operationId: 'listFlexClusters' })).toBe(1);
      expect(stack.simulator.callCount({ operationId: 'listFlexBackupSnapshots' })).toBe(count);
      expect(stack.simulator.callCount({ operationId: 'listFlexRestoreJobs' })).toBe(count);
      expect(stack.simulator.callCount()).toBe(2 + 2 * count);
    },
  );

  it.each(flexClusters.map((c) => [c.name, c] as const))(
    '%s: restored snapshots without the snapshot list cost the cheaper of GETs or one list walk',
    async (_, c) => {
      const jobs = await atlas<Page<Raw & { snapshotId?: string }>>(
        stack.simulator,
        'listFlexRestoreJobs',
        flexParams(c),
        {
          itemsPerPage: 500,
        },
      );
      const snapshots = await atlas<Page<Raw>>(stack.simulator, 'listFlexBackupSnapshots', flexParams(c), {
        itemsPerPage: 1,
      });
      const distinct = new Set(jobs.results.flatMap((j) => (j.snapshotId ? [j.snapshotId] : [])));
      stack.simulator.resetCalls();
      const { errors } = await stack.query(
        `{ project(id: "${c.groupId}") { flexCluster(name: "${c.name}") { restoreJobs(first: 500) { nodes { snapshot { atlasId } } } } } }`,
      );
      expect(errors).toBeUndefined();
      const snapshotCalls =
        stack.simulator.callCount({ operationId: 'getFlexBackupSnapshot' }) +
        stack.simulator.callCount({ operationId: 'listFlexBackupSnapshots' });
      expect(snapshotCalls).toBe(cheapest(distinct.size, snapshots.totalCount));
    },
  );
});

describe('references of a Flex restore job', () => {
  const data = seed;
  type Target = '__none' | 'Cluster' | 'FlexCluster' | 'ServerlessInstance';
  /** The family of a job's target, from the data (a migrated name is its Flex cluster). */
  const targetType = (job: { targetProjectId?: string; targetDeploymentItemName?: string }): Target => {
    const at = <T extends { groupId?: string; name?: string }>(list: T[]) =>
      list.some((d) => d.groupId === job.targetProjectId && d.name === job.targetDeploymentItemName);
    if (at(data.flexClusters)) return 'FlexCluster';
    if (at(data.clusters.map((c) => c.value))) return 'Cluster';
    if (at(data.serverlessInstances)) return 'ServerlessInstance';
    return '__none';
  };
  const pick = (want: (job: SimulatorData['flexRestoreJobs'][number]) => boolean) => {
    const found = data.flexRestoreJobs.find(want);
    if (!found) throw new Error('the demo data has no such Flex restore job');
    return found;
  };
  const onItself = pick(
    (j) =>
      j.value.deliveryType === 'RESTORE' &&
      j.value.targetProjectId === j.groupId &&
      j.value.targetDeploymentItemName === j.clusterName,
  );
  const download = pick(
    (j) => j.value.deliveryType === 'DOWNLOAD' && j.value.targetDeploymentItemName === j.clusterName,
  );
  const toDedicated = pick((j) => targetType(j.value) === 'Cluster');
  const toOtherProjectFlex = pick(
    (j) => targetType(j.value) === 'FlexCluster' && j.value.targetProjectId !== j.groupId,
  );

  const query = (job: typeof onItself) =>
    stack.query<{ project: { flexCluster: { restoreJob: Json & { targetDeployment: Json | null } } } }>(
      `{ project(id: "${job.groupId}") { flexCluster(name: "${job.clusterName}") { restoreJob(id: "${job.value.id}") {
          snapshot { atlasId flexCluster { name } } flexCluster { name } project { atlasId }
          targetDeployment { __typename id name projectId family }
      } } } }`,
    );

  it('resolves snapshot, Flex cluster and project, reusing what the operation loaded', async () => {
    const { data: answer, errors } = await query(onItself);
    expect(errors).toBeUndefined();
    const job = answer!.project.flexCluster.restoreJob;
    expect(job.snapshot).toEqual({ atlasId: onItself.value.snapshotId, flexCluster: { name: onItself.clusterName } });
    expect(job.flexCluster).toEqual({ name: onItself.clusterName });
    expect(job.project).toEqual({ atlasId: onItself.groupId });
    // A restore onto itself: the target is the Flex cluster already read, at no call.
    expect(job.targetDeployment).toEqual({
      __typename: 'FlexCluster',
      id: toGlobalId('FlexCluster', onItself.groupId, onItself.clusterName),
      name: onItself.clusterName,
      projectId: onItself.groupId,
      family: 'FLEX',
    });
    expect(operations()).toEqual(['getGroup', 'getFlexCluster', 'getFlexRestoreJob', 'getFlexBackupSnapshot']);
  });

  it('answers no target for a download, though Atlas names its source there', async () => {
    const { data: answer, errors } = await query(download);
    expect(errors).toBeUndefined();
    expect(answer!.project.flexCluster.restoreJob.targetDeployment).toBeNull();
  });

  it('resolves a dedicated target with one call to the cluster API', async () => {
    const { data: answer, errors } = await query(toDedicated);
    expect(errors).toBeUndefined();
    const { targetProjectId = '', targetDeploymentItemName = '' } = toDedicated.value;
    expect(answer!.project.flexCluster.restoreJob.targetDeployment).toEqual({
      __typename: 'Cluster',
      id: toGlobalId('Cluster', targetProjectId, targetDeploymentItemName),
      name: targetDeploymentItemName,
      projectId: targetProjectId,
      family: 'DEDICATED',
    });
    expect(statuses().filter(([op]) => op === 'getCluster' || op === 'getFlexCluster')).toEqual([
      ['getFlexCluster', 200],
      ['getCluster', 200],
    ]);
  });

  // Needs the simulator's wrong-family 400 (CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API).
  it('resolves a Flex target in another project: the cluster API’s 400 names the family, then one Flex GET', async () => {
    const { data: answer, errors } = await query(toOtherProjectFlex);
    expect(errors).toBeUndefined();
    const { targetProjectId = '', targetDeploymentItemName = '' } = toOtherProjectFlex.value;
    expect(answer!.project.flexCluster.restoreJob.targetDeployment).toEqual({
      __typename: 'FlexCluster',
      id: toGlobalId('FlexCluster', targetProjectId, targetDeploymentItemName),
      name: targetDeploymentItemName,
      projectId: targetProjectId,
      family: 'FLEX',
    });
    expect(
      stack.simulator.calls.filter((c) => c.path.includes(targetProjectId)).map((c) => [c.operationId, c.status]),
    ).toEqual([
      ['getCluster', 400],
      ['getFlexCluster', 200],
    ]);
  });

  it('resolves every job’s target to the deployment the data holds, each name routed once', async () => {
    for (const groupId of new Set(flexClusters.map((c) => c.groupId))) {
      stack.simulator.resetCalls();
      const { data: answer, errors } = await stack.query<{
        project: {
          flexClusters: {
            nodes: { restoreJobs: { nodes: { atlasId: string; targetDeployment: { __typename: string } | null }[] } }[];
          };
        };
      }>(
        `{ project(id: "${groupId}") { flexClusters(first: 100) { nodes { restoreJobs(first: 100) { nodes {
            atlasId targetDeployment { __typename }
        } } } } } }`,
      );
      expect(errors).toBeUndefined();
      const jobs = answer!.project.flexClusters.nodes.flatMap((n) => n.restoreJobs.nodes);
      for (const job of jobs) {
        const stored = data.flexRestoreJobs.find((j) => j.value.id === job.atlasId)!;
        // A download restores into nothing (Atlas names its source as the target).
        const expected = stored.value.deliveryType === 'DOWNLOAD' ? '__none' : targetType(stored.value);
        expect(job.targetDeployment?.__typename ?? '__none').toBe(expected);
      }
      // At most one wrong-family call per target name.
      const wrong = stack.simulator.calls.filter((c) => c.status === 400).map((c) => c.path);
      expect(new Set(wrong).size).toBe(wrong.length);
      expect(
        stack.simulator.callCount({ operationId: 'getFlexCluster', pathPrefix: `/api/atlas/v2/groups/${groupId}/` }),
      ).toBe(0);
    }
  });
});

describe('Relay ids and federation keys', () => {
  const c = flexClusters.find((f) => seed.flexSnapshots.filter((s) => s.clusterName === f.name).length >= 2)!;
  const snapshotIds = seed.flexSnapshots
    .filter((s) => s.clusterName === c.name && s.groupId === c.groupId)
    .map((s) => String(s.value.id));
  const jobIds = seed.flexRestoreJobs
    .filter((j) => j.clusterName === c.name && j.groupId === c.groupId)
    .map((j) => String(j.value.id));
  const ids = {
    cluster: toGlobalId('FlexCluster', c.groupId, c.name),
    snapshot: (id: string) => toGlobalId('FlexSnapshot', c.groupId, c.name, id),
    job: (id: string) => toGlobalId('FlexRestoreJob', c.groupId, c.name, id),
  };

  it('round-trips the ids the graph returns through node and nodes, each list read once', async () => {
    const listed = await stack.query<{
      project: {
        flexCluster: { id: string; snapshots: { nodes: { id: string }[] }; restoreJobs: { nodes: { id: string }[] } };
      };
    }>(
      `{ project(id: "${c.groupId}") { flexCluster(name: "${c.name}") {
          id snapshots(first: 500) { nodes { id } } restoreJobs(first: 500) { nodes { id } } } } }`,
    );
    const flex = listed.data!.project.flexCluster;
    expect(flex.id).toBe(ids.cluster);
    expect(flex.snapshots.nodes.map((n) => n.id)).toEqual(snapshotIds.map(ids.snapshot));
    expect(flex.restoreJobs.nodes.map((n) => n.id)).toEqual(jobIds.map(ids.job));

    stack.simulator.resetCalls();
    const all = [flex.id, ...flex.snapshots.nodes.map((n) => n.id), ...flex.restoreJobs.nodes.map((n) => n.id)];
    const { data, errors } = await stack.query<{ nodes: { __typename: string; id: string; atlasId: string }[] }>(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id
          ... on FlexCluster { atlasId } ... on FlexSnapshot { atlasId } ... on FlexRestoreJob { atlasId } } }`,
      { ids: all },
    );
    expect(errors).toBeUndefined();
    expect(data!.nodes).toEqual([
      { __typename: 'FlexCluster', id: ids.cluster, atlasId: c.id },
      ...snapshotIds.map((id) => ({ __typename: 'FlexSnapshot', id: ids.snapshot(id), atlasId: id })),
      ...jobIds.map((id) => ({ __typename: 'FlexRestoreJob', id: ids.job(id), atlasId: id })),
    ]);
    // One GET for the cluster; two or more ids under one list: that list, once.
    const expected = [
      'getFlexCluster',
      ...(snapshotIds.length > 1 ? ['listFlexBackupSnapshots'] : ['getFlexBackupSnapshot']),
    ];
    expected.push(jobIds.length > 1 ? 'listFlexRestoreJobs' : 'getFlexRestoreJob');
    expect(operations().sort()).toEqual(expected.sort());

    for (const id of [ids.cluster, ids.snapshot(snapshotIds[0]!), ids.job(jobIds[0]!)]) {
      const single = await stack.query<{ node: { id: string } }>(`query ($id: ID!) { node(id: $id) { id } }`, { id });
      expect(single.data!.node.id).toBe(id);
    }
  });

  it('resolves _entities by id and by {projectId, name}; another type’s id or another family’s name is null', async () => {
    // In another project, so its lookup is a GET of its own (two names under one list would be one list read).
    const dedicated = seed.clusters.find((d) => d.value.groupId !== c.groupId)!.value;
    const representations = [
      { __typename: 'FlexCluster', projectId: c.groupId, name: c.name },
      { __typename: 'FlexCluster', id: ids.cluster },
      { __typename: 'FlexSnapshot', id: ids.snapshot(snapshotIds[0]!) },
      { __typename: 'FlexRestoreJob', id: ids.job(jobIds[0]!) },
      { __typename: 'FlexCluster', id: ids.snapshot(snapshotIds[0]!) },
      { __typename: 'FlexCluster', projectId: dedicated.groupId, name: dedicated.name },
    ];
    const { data, errors } = await stack.query<{ _entities: (Json | null)[] }>(
      `query ($r: [_Any!]!) { _entities(representations: $r) { __typename
          ... on FlexCluster { id name } ... on FlexSnapshot { id } ... on FlexRestoreJob { id } } }`,
      { r: representations },
    );
    expect(errors).toBeUndefined();
    expect(data!._entities).toEqual([
      { __typename: 'FlexCluster', id: ids.cluster, name: c.name },
      { __typename: 'FlexCluster', id: ids.cluster, name: c.name },
      { __typename: 'FlexSnapshot', id: ids.snapshot(snapshotIds[0]!) },
      { __typename: 'FlexRestoreJob', id: ids.job(jobIds[0]!) },
      null,
      null,
    ]);
    // The Flex cluster is read once for both of its keys; the dedicated name costs the one wrong-family
    // call (simulator's CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API).
    expect(statuses().sort()).toEqual([
      ['getFlexBackupSnapshot', 200],
      ['getFlexCluster', 200],
      ['getFlexCluster', 400],
      ['getFlexRestoreJob', 200],
    ]);
  });
});

describe('routing by family', () => {
  const flex = flexClusters[0]!;
  const dedicated = seed.clusters.map((d) => d.value).find((d) => d.groupId === flex.groupId)!;

  // Needs the simulator's wrong-family 400s (both directions).
  it('answers a name of the other family with null after at most one wrong-family call each', async () => {
    const { data, errors } = await stack.query(
      `{ project(id: "${flex.groupId}") {
          asDedicated: cluster(name: "${flex.name}") { name }
          asFlex: flexCluster(name: "${dedicated.name}") { name }
          again: cluster(name: "${flex.name}") { name }
      } }`,
    );
    expect(errors).toBeUndefined();
    expect(data).toEqual({ project: { asDedicated: null, asFlex: null, again: null } });
    expect(statuses().sort()).toEqual([
      ['getCluster', 400],
      ['getFlexCluster', 400],
      ['getGroup', 200],
    ]);
  });

  it('sends no wrong-family call for a name a list read in the operation places in its family', async () => {
    const { data, errors } = await stack.query<{ project: Json }>(
      `{ project(id: "${flex.groupId}") {
          asDedicated: cluster(name: "${flex.name}") { name }
          flexClusters { nodes { name } }
          asFlex: flexCluster(name: "${flex.name}") { name }
      } }`,
    );
    expect(errors).toBeUndefined();
    expect(data!.project.asDedicated).toBeNull();
    expect(data!.project.asFlex).toEqual({ name: flex.name });
    expect(operations()).toEqual(['getGroup', 'listFlexClusters']);
  });

  it('answers null for a FlexCluster id whose name is a dedicated cluster’s', async () => {
    const forged = toGlobalId('FlexCluster', dedicated.groupId ?? '', dedicated.name ?? '');
    const { data, errors } = await stack.query(`query ($id: ID!) { node(id: $id) { id } }`, { id: forged });
    expect(errors).toBeUndefined();
    expect(data).toEqual({ node: null });
    expect(statuses()).toEqual([['getFlexCluster', 400]]);
  });
});

describe('Flex values from Atlas strings', () => {
  // An Atlas that sends the statuses and delivery types each test sets.
  let sent: Record<string, Json> = {};
  const transform: ResponseTransform = (body, call) => ({ ...body, ...(sent[call.operationId] ?? {}) });
  let values: TestStack;
  beforeAll(async () => {
    values = await startStack({ simulator: { transformResponse: transform } });
  });
  afterAll(() => values.close());

  const { groupId, name, snapshotId, restoreJobId } = DEMO.flex;
  const read = async (atlasFields: Record<string, Json>) => {
    sent = atlasFields;
    const { data, errors } = await values.query<{ nodes: Json[] }>(
      `query ($ids: [ID!]!) { nodes(ids: $ids) {
          ... on FlexCluster { versionReleaseSystem stateName clusterType }
          ... on FlexSnapshot { status }
          ... on FlexRestoreJob { jobStatus: status deliveryType } } }`,
      {
        ids: [
          toGlobalId('FlexCluster', groupId, name),
          toGlobalId('FlexSnapshot', groupId, name, snapshotId),
          toGlobalId('FlexRestoreJob', groupId, name, restoreJobId),
        ],
      },
    );
    expect(errors).toBeUndefined();
    return Object.assign({}, ...data!.nodes) as Json;
  };

  it.each([
    ['PENDING', 'PENDING'],
    ['QUEUED', 'QUEUED'],
    ['RUNNING', 'RUNNING'],
    ['FAILED', 'FAILED'],
    ['COMPLETED', 'COMPLETED'],
    ['CLOSED', 'OTHER'],
    ['EXPIRED', 'OTHER'],
  ])('snapshot status %s is %s', async (atlasValue, graphValue) => {
    expect((await read({ getFlexBackupSnapshot: { status: atlasValue } })).status).toBe(graphValue);
  });

  it.each([
    ['PENDING', 'PENDING'],
    ['RUNNING', 'RUNNING'],
    ['COMPLETED', 'COMPLETED'],
    // Named in Atlas's description of restoreFinishedDate, missing from its values.
    ['CLOSED', 'CLOSED'],
    ['CANCELLED', 'OTHER'],
  ])('restore job status %s is %s', async (atlasValue, graphValue) => {
    expect((await read({ getFlexRestoreJob: { status: atlasValue } })).jobStatus).toBe(graphValue);
  });

  it.each([
    ['RESTORE', 'RESTORE'],
    ['DOWNLOAD', 'DOWNLOAD'],
    ['STREAMING', 'OTHER'],
  ])('deliveryType %s is %s', async (atlasValue, graphValue) => {
    expect((await read({ getFlexRestoreJob: { deliveryType: atlasValue } })).deliveryType).toBe(graphValue);
  });

  it.each([
    ['LTS', 'LTS'],
    ['CONTINUOUS', 'CONTINUOUS'],
    ['RAPID', 'OTHER'],
  ])('versionReleaseSystem %s is %s', async (atlasValue, graphValue) => {
    expect((await read({ getFlexCluster: { versionReleaseSystem: atlasValue } })).versionReleaseSystem).toBe(
      graphValue,
    );
  });
});

describe('a Flex cluster with backup off', () => {
  let off: TestStack;
  const data = createSeedData();
  const flex = data.flexClusters[0]!;
  flex.backupSettings = { enabled: false };
  beforeAll(async () => {
    off = await startStack({ simulator: { data } });
  });
  afterAll(() => off.close());

  it('says so, and has no latest snapshot, at no snapshot call', async () => {
    const { data: answer, errors } = await off.query(
      `{ project(id: "${flex.groupId}") { flexCluster(name: "${flex.name}") { backupEnabled latestSnapshot { id } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(answer).toEqual({ project: { flexCluster: { backupEnabled: false, latestSnapshot: null } } });
    expect(off.simulator.calls.map((c) => c.operationId)).toEqual(['getGroup', 'getFlexCluster']);
  });
});

describe('a Flex restore job whose target is gone', () => {
  let gone: TestStack;
  const data = createSeedData();
  const source = data.flexClusters[0]!;
  const jobId = 'f1e2d3c4b5a6978877665544';
  data.flexRestoreJobs.unshift({
    groupId: String(source.groupId),
    clusterName: String(source.name),
    value: {
      id: jobId,
      deliveryType: 'RESTORE',
      instanceName: source.name,
      projectId: source.groupId,
      targetProjectId: source.groupId,
      targetDeploymentItemName: 'deleted-since',
      status: 'COMPLETED',
    },
  });
  beforeAll(async () => {
    gone = await startStack({ simulator: { data } });
  });
  afterAll(() => gone.close());

  it('fails only targetDeployment, with NOT_FOUND after one 404 of the cluster API', async () => {
    const { data: answer, errors } = await gone.query(
      `{ project(id: "${source.groupId}") { flexCluster(name: "${source.name}") { restoreJob(id: "${jobId}") {
          atlasId targetDeploymentName targetDeployment { id } } } } }`,
    );
    expect(answer).toEqual({
      project: {
        flexCluster: { restoreJob: { atlasId: jobId, targetDeploymentName: 'deleted-since', targetDeployment: null } },
      },
    });
    expect(errors?.map((e) => [e.path?.at(-1), e.extensions?.code])).toEqual([['targetDeployment', 'NOT_FOUND']]);
    expect(
      gone.simulator.calls.filter((c) => c.path.endsWith('/deleted-since')).map((c) => [c.operationId, c.status]),
    ).toEqual([['getCluster', 404]]);
  });
});
