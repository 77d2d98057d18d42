/**
 * A project's backup activity: each tick lists the project's deployments, then the newest page of each
 * one's job lists (Cloud Backup restore jobs, exports and snapshots of dedicated clusters with backup on;
 * restore jobs and snapshots of Flex clusters), and reports the jobs that started, changed state or
 * finished since the last tick. Legacy Backup restore jobs are not listed: Atlas replaced Legacy Backup in
 * 2020, and a cluster does not say which family backs it (a legacy job is watched on its own instead).
 *
 * The first tick of a list only learns what is there: a stream tells what happens after it starts (a
 * dashboard reads the present with a query).
 */
import { isAbsent, type Loaders, type PageLoader } from '../loaders/index.js';
import type { ClusterKey, ResourceModels } from '../loaders/resources.js';
import type { PollOutcome, PollSource } from './poller.js';
import { watchedState, type WatchedResource } from './states.js';

export type ActivityResource = Extract<
  WatchedResource,
  'restoreJob' | 'export' | 'snapshot' | 'flexRestoreJob' | 'flexSnapshot'
>;

export type ActivityKind = 'STARTED' | 'STATE_CHANGED' | 'FINISHED';

/** One job that started, changed state or finished: the job as Atlas now has it (its resource's model). */
export type ActivityChange = {
  [N in ActivityResource]: { kind: ActivityKind; resource: N; job: ResourceModels[N] };
}[ActivityResource];

/** The newest jobs of each list are watched: Atlas lists newest first. */
export const ACTIVITY_PAGE_SIZE = 100;
/** Deployments of a project, in Atlas's largest page. */
const DEPLOYMENT_PAGE_SIZE = 500;

const dedicatedLists = ['restoreJob', 'export', 'snapshot'] as const satisfies readonly ActivityResource[];
const flexLists = ['flexRestoreJob', 'flexSnapshot'] as const satisfies readonly ActivityResource[];

function pagesOf(loaders: Loaders, resource: ActivityResource): PageLoader<ClusterKey, object> {
  switch (resource) {
    case 'restoreJob':
      return loaders.restoreJobPage;
    case 'export':
      return loaders.exportPage;
    case 'snapshot':
      return loaders.snapshotPage;
    case 'flexRestoreJob':
      return loaders.flexRestoreJobPage;
    case 'flexSnapshot':
      return loaders.flexSnapshotPage;
  }
}

export function activitySource(groupId: string): PollSource<ActivityChange> {
  /** The state of every job of the lists read so far, by list and Atlas id. */
  let known = new Map<string, string>();
  /** The lists read at least once (a list read for the first time reports nothing). */
  let seen = new Set<string>();

  return {
    async poll(loaders: Loaders): Promise<PollOutcome<ActivityChange>> {
      const [dedicated, flex] = await Promise.all([
        loaders.clusterPage.load({ groupId, pageNum: 1, itemsPerPage: DEPLOYMENT_PAGE_SIZE }),
        loaders.flexClusterPage.load({ groupId, pageNum: 1, itemsPerPage: DEPLOYMENT_PAGE_SIZE }),
      ]);
      const flexNames = new Set(flex.results.map((cluster) => cluster.name));
      const lists: { resource: ActivityResource; parent: ClusterKey }[] = [];
      for (const cluster of dedicated.results) {
        // Until 2026 Atlas listed Flex clusters among the dedicated ones too: their jobs are under Flex paths.
        if (cluster.backupEnabled !== true || flexNames.has(cluster.name)) continue;
        for (const resource of dedicatedLists) lists.push({ resource, parent: { groupId, clusterName: cluster.name } });
      }
      for (const cluster of flex.results) {
        for (const resource of flexLists) lists.push({ resource, parent: { groupId, clusterName: cluster.name } });
      }
      // Each list settles on its own: one failing list does not hide what the others say.
      const read = await Promise.all(
        lists.map(({ resource, parent }) =>
          pagesOf(loaders, resource)
            .load({ ...parent, pageNum: 1, itemsPerPage: ACTIVITY_PAGE_SIZE })
            .then(
              (page) => ({ resource, parent, jobs: page.results, failure: undefined }),
              (failure: unknown) => ({ resource, parent, jobs: undefined, failure }),
            ),
        ),
      );

      const values: ActivityChange[] = [];
      const next = new Map<string, string>();
      let error: unknown;
      for (const { resource, parent, jobs, failure } of read) {
        const listId = `${resource} ${parent.clusterName}`;
        if (!jobs) {
          // A list that answers "not here": its deployment went away, or is of another family than its listing
          // said; nothing to report, and nothing wrong with the stream.
          if (isAbsent(failure)) continue;
          // What this list held stays known, so nothing is reported twice once it answers again.
          error ??= failure;
          for (const [job, state] of known) if (job.startsWith(`${listId} `)) next.set(job, state);
          continue;
        }
        const first = !seen.has(listId);
        seen.add(listId);
        for (const job of jobs) {
          const id = (job as { id?: unknown }).id;
          if (typeof id !== 'string') continue;
          const jobId = `${listId} ${id}`;
          const { state, terminal } = watchedState(resource, job);
          next.set(jobId, state);
          if (first) continue;
          const before = known.get(jobId);
          if (before === state) continue;
          const kind: ActivityKind = terminal ? 'FINISHED' : before === undefined ? 'STARTED' : 'STATE_CHANGED';
          // The job came from the resource's own page loader: the resource's model.
          values.push({ kind, resource, job } as ActivityChange);
        }
      }
      known = next;
      return { values, final: false, ...(error === undefined ? {} : { error }) };
    },
    // A stream of changes has no "current" value to tell a late joiner.
    current: () => undefined,
    reset() {},
    // Another replica's view: the state of each job it knows and the lists it has read, so a replica taking
    // the poll over reports what changed since that replica's last tick, and nothing twice.
    saved: () => ({ known: [...known], seen: [...seen] }),
    restore(saved) {
      const { known: jobs, seen: lists } = (saved ?? {}) as { known?: unknown; seen?: unknown };
      if (!Array.isArray(jobs) || !Array.isArray(lists)) return false;
      const next = new Map<string, string>();
      let news = false;
      for (const entry of jobs as unknown[]) {
        if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') continue;
        const [job, state] = entry as [string, string];
        if (known.get(job) !== state) news = true;
        next.set(job, state);
      }
      known = next;
      seen = new Set(lists.filter((list): list is string => typeof list === 'string'));
      return news;
    },
  };
}
