/**
 * The fewest Atlas calls that can answer a lookup pattern, derived from the data (used by tests and by
 * the benchmark to print each query's figure beside its floor).
 */
import type { AtlasSimulator } from '../../src/simulator/index.js';
import { atlasGet } from './gateway.js';

export const V2023 = 'application/vnd.atlas.2023-01-01+json';
export type Page<T> = { results: T[]; totalCount: number };

/** Cheapest way to look up `k` items of one list of `total` items: `k` GETs or walking pages of 500. */
export const cheapest = (k: number, total: number) => (k === 0 ? 0 : Math.min(k, Math.ceil(total / 500)));

/** Minimum calls for examples/backup-dashboard.graphql on the simulator's data. */
export async function dashboardMinimum(simulator: AtlasSimulator): Promise<number> {
  const projects = await atlasGet<Page<{ id: string }>>(simulator, '/groups?itemsPerPage=10', V2023);
  let minimum = 1;
  for (const project of projects.results) {
    const clusters = await atlasGet<Page<{ name: string }>>(
      simulator,
      `/groups/${project.id}/clusters?itemsPerPage=10`,
      'application/vnd.atlas.2024-08-05+json',
    );
    minimum += 1;
    const buckets = new Set<string>();
    for (const cluster of clusters.results) {
      const base = `/groups/${project.id}/clusters/${cluster.name}/backup`;
      const jobs = await atlasGet<Page<{ snapshotId?: string }>>(
        simulator,
        `${base}/restoreJobs?itemsPerPage=10`,
        V2023,
      );
      const exportJobs = await atlasGet<Page<{ exportBucketId: string }>>(
        simulator,
        `${base}/exports?itemsPerPage=10`,
        V2023,
      );
      const snapshots = await atlasGet<Page<unknown>>(simulator, `${base}/snapshots?itemsPerPage=1`, V2023);
      const referenced = new Set(jobs.results.map((j) => j.snapshotId).filter(Boolean));
      minimum += 2 + cheapest(referenced.size, snapshots.totalCount);
      for (const e of exportJobs.results) buckets.add(e.exportBucketId);
    }
    const bucketList = await atlasGet<Page<unknown>>(
      simulator,
      `/groups/${project.id}/backup/exportBuckets?itemsPerPage=1`,
      'application/vnd.atlas.2024-05-30+json',
    );
    minimum += cheapest(buckets.size, bucketList.totalCount);
  }
  return minimum;
}
