/**
 * The fewest Atlas calls that can answer a lookup pattern, derived from the data (used by tests and by
 * the benchmark to print each query's figure beside its floor).
 */
import type { AtlasSimulator } from '../src/simulator/index.js';
import { atlas } from './stack.js';

export type Page<T> = { results: T[]; totalCount: number };

/** Cheapest way to look up `k` items of one list of `total` items: `k` GETs or walking pages of 500. */
export const cheapest = (k: number, total: number) => (k === 0 ? 0 : Math.min(k, Math.ceil(total / 500)));

/** Minimum calls for examples/backup-dashboard.graphql on the simulator's data. */
export async function dashboardMinimum(simulator: AtlasSimulator): Promise<number> {
  const projects = await atlas<Page<{ id: string }>>(simulator, 'listGroups', {}, { itemsPerPage: 10 });
  let minimum = 1;
  for (const project of projects.results) {
    const groupId = project.id;
    const clusters = await atlas<Page<{ name: string }>>(simulator, 'listClusters', { groupId }, { itemsPerPage: 10 });
    minimum += 1;
    const buckets = new Set<string>();
    for (const cluster of clusters.results) {
      const params = { groupId, clusterName: cluster.name };
      const jobs = await atlas<Page<{ snapshotId?: string }>>(simulator, 'listBackupRestoreJobs', params, {
        itemsPerPage: 10,
      });
      const exportJobs = await atlas<Page<{ exportBucketId: string }>>(simulator, 'listBackupExports', params, {
        itemsPerPage: 10,
      });
      const snapshots = await atlas<Page<unknown>>(simulator, 'listBackupSnapshots', params, { itemsPerPage: 1 });
      const referenced = new Set(jobs.results.map((j) => j.snapshotId).filter(Boolean));
      minimum += 2 + cheapest(referenced.size, snapshots.totalCount);
      for (const e of exportJobs.results) buckets.add(e.exportBucketId);
    }
    const bucketList = await atlas<Page<unknown>>(simulator, 'listExportBuckets', { groupId }, { itemsPerPage: 1 });
    minimum += cheapest(buckets.size, bucketList.totalCount);
  }
  return minimum;
}

/**
 * Minimum calls for examples/deployments.graphql on the simulator's data: the project list; per project
 * its three family lists; per dedicated cluster its restore-job list, and its schedule and snapshot list
 * when backup is on; per Flex cluster its snapshot and restore-job lists. A Flex restore job's target is
 * free when the lists already read name it, else one GET (dedicated) or two (Flex: the cluster API's 400
 * names the family first).
 */
export async function deploymentsMinimum(simulator: AtlasSimulator): Promise<number> {
  const projects = await atlas<Page<{ id: string }>>(simulator, 'listGroups', {}, { itemsPerPage: 10 });
  let minimum = 1;
  const listed = new Map<string, Set<string>>();
  const targets: { groupId: string; name: string }[] = [];
  for (const { id: groupId } of projects.results) {
    minimum += 3;
    const clusters = await atlas<Page<{ name: string; backupEnabled?: boolean }>>(simulator, 'listClusters', {
      groupId,
    });
    const flex = await atlas<Page<{ name: string }>>(simulator, 'listFlexClusters', { groupId });
    listed.set(groupId, new Set([...clusters.results, ...flex.results].map((c) => c.name)));
    for (const cluster of clusters.results) minimum += cluster.backupEnabled === false ? 1 : 3;
    for (const cluster of flex.results) {
      minimum += 2;
      const jobs = await atlas<Page<{ targetProjectId?: string; targetDeploymentItemName?: string }>>(
        simulator,
        'listFlexRestoreJobs',
        { groupId, name: cluster.name },
        { itemsPerPage: 3 },
      );
      for (const job of jobs.results) {
        if (job.targetDeploymentItemName)
          targets.push({ groupId: job.targetProjectId ?? groupId, name: job.targetDeploymentItemName });
      }
    }
  }
  const unseen = new Map<string, { groupId: string; name: string }>();
  for (const target of targets) {
    if (!listed.get(target.groupId)?.has(target.name)) unseen.set(`${target.groupId}/${target.name}`, target);
  }
  for (const target of unseen.values()) {
    const flex = await atlas<Page<{ name: string }>>(simulator, 'listFlexClusters', { groupId: target.groupId });
    minimum += flex.results.some((c) => c.name === target.name) ? 2 : 1;
  }
  return minimum;
}
