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
