// Jobs created through POST move through their states on the simulator's clock, as Atlas's do on its own:
// an on-demand snapshot is queued, taken, completed; a restore runs, then finishes (a download's URLs
// appear, and later expire); an export is queued, counts its collections, succeeds; a Flex restore goes
// PENDING -> QUEUED -> RUNNING -> COMPLETED, a Flex download gets its URL. Each job's state is a function
// of its age, brought up to date before every request (and when a test moves the clock), so the same
// clock always gives the same answers. Seeded objects stay as seeded. Durations are about a minute, as
// small jobs take in Atlas (notes §11: a small Flex restore ~1 min; a 4 GB M10 ~4 min).
import { HOUR, SECOND, iso } from './time.js';
import type { CreatedJob, SimulatorData } from './store.js';

/** When each created job changes state, in milliseconds after its creation. */
export const JOB_TIMINGS = {
  /** On-demand snapshot: `queued`, then `inProgress`, then `completed` with its size. */
  snapshot: { inProgressAfterMs: 5 * SECOND, completedAfterMs: 60 * SECOND },
  /** Cloud restore job: runs (no flag set), then `finishedAt`; a download's URLs then live an hour. */
  restore: { finishedAfterMs: 60 * SECOND, downloadValidMs: HOUR },
  /** Export job: `Queued`, `InProgress` (collections counted up), `Successful`. */
  export: { inProgressAfterMs: 5 * SECOND, successfulAfterMs: 60 * SECOND },
  /** Flex restore job: PENDING, QUEUED, RUNNING, COMPLETED. */
  flexRestore: { queuedAfterMs: 2 * SECOND, runningAfterMs: 5 * SECOND, completedAfterMs: 60 * SECOND },
  /** Flex download: PENDING, then COMPLETED with its `snapshotUrl`, valid four hours (Atlas's docs). */
  flexDownload: { completedAfterMs: 30 * SECOND, urlValidMs: 4 * HOUR },
} as const;

/** Brings every created job to its state at `nowMs`. */
export function advanceJobs(data: SimulatorData, nowMs: number): void {
  for (const job of data.createdJobs) advance(job, nowMs);
}

function advance(job: CreatedJob, nowMs: number): void {
  const age = nowMs - job.createdMs;
  const at = (ms: number) => iso(job.createdMs + ms);
  switch (job.kind) {
    case 'snapshot': {
      const snap = job.entry.value;
      const t = JOB_TIMINGS.snapshot;
      if (snap.status === 'completed' || snap.status === 'failed') return;
      // Stored objects are the store's own; the spec's readOnly marks are about requests.
      if (age >= t.completedAfterMs) Object.assign(snap, { status: 'completed', storageSizeBytes: job.sizeBytes });
      else if (age >= t.inProgressAfterMs) Object.assign(snap, { status: 'inProgress' });
      return;
    }
    case 'restore': {
      const value = job.entry.value;
      const t = JOB_TIMINGS.restore;
      if (value.cancelled === true || value.failed === true || value.expired === true) return;
      if (value.finishedAt === undefined && age >= t.finishedAfterMs) {
        // A cancel replaces the stored object: write to the entry's current one.
        const finished = { ...value, finishedAt: at(t.finishedAfterMs) };
        if (value.deliveryType === 'download') {
          Object.assign(finished, {
            deliveryUrl: job.downloadUrls,
            expiresAt: at(t.finishedAfterMs + t.downloadValidMs),
          });
        }
        job.entry.value = finished;
      }
      const current = job.entry.value;
      if (
        current.deliveryType === 'download' &&
        current.expiresAt !== undefined &&
        nowMs >= Date.parse(current.expiresAt)
      ) {
        job.entry.value = { ...current, expired: true, deliveryUrl: [] };
      }
      return;
    }
    case 'export': {
      const value = job.entry.value;
      const t = JOB_TIMINGS.export;
      if (value.state === 'Successful' || value.state === 'Failed' || value.state === 'Cancelled') return;
      if (age >= t.successfulAfterMs) {
        Object.assign(value, {
          state: 'Successful',
          finishedAt: at(t.successfulAfterMs),
          exportStatus: { exportedCollections: job.collections, totalCollections: job.collections },
        });
      } else if (age >= t.inProgressAfterMs) {
        const share = (age - t.inProgressAfterMs) / (t.successfulAfterMs - t.inProgressAfterMs);
        Object.assign(value, {
          state: 'InProgress',
          exportStatus: { exportedCollections: Math.floor(share * job.collections), totalCollections: job.collections },
        });
      }
      return;
    }
    case 'flexRestore': {
      const value = job.entry.value;
      const t = JOB_TIMINGS.flexRestore;
      if (value.status === 'COMPLETED' || value.status === 'FAILED') return;
      if (age >= t.completedAfterMs) {
        Object.assign(value, { status: 'COMPLETED', restoreFinishedDate: at(t.completedAfterMs) });
      } else if (age >= t.runningAfterMs) Object.assign(value, { status: 'RUNNING' });
      else if (age >= t.queuedAfterMs) Object.assign(value, { status: 'QUEUED' });
      return;
    }
    case 'flexDownload': {
      const value = job.entry.value;
      const t = JOB_TIMINGS.flexDownload;
      if (value.status === 'COMPLETED' || value.status === 'FAILED') return;
      if (age >= t.completedAfterMs) {
        Object.assign(value, {
          status: 'COMPLETED',
          snapshotUrl: job.snapshotUrl,
          restoreFinishedDate: at(t.completedAfterMs),
          expirationDate: at(t.completedAfterMs + t.urlValidMs),
        });
      }
      return;
    }
  }
}

/** Whether a created or seeded cloud restore job still runs (and so still holds its target cluster). */
export function restoreRunning(job: {
  finishedAt?: string;
  cancelled?: boolean;
  failed?: boolean;
  expired?: boolean;
}): boolean {
  return job.finishedAt === undefined && job.cancelled !== true && job.failed !== true && job.expired !== true;
}

/**
 * Puts the seed's unfinished jobs in motion from `nowMs`, as if each had just been created: the running
 * restore finishes, the queued and running exports count up and succeed, queued snapshots complete, Flex
 * jobs run. For the demo (`npm start`, `npm run simulator`), so that a subscription shows progress without
 * a mutation first; tests leave the seed still.
 */
export function setSeededJobsInMotion(data: SimulatorData, nowMs: number): void {
  for (const entry of data.restoreJobs) {
    const job = entry.value;
    if (job.finishedAt !== undefined || job.cancelled === true || job.failed === true || job.expired === true) continue;
    data.createdJobs.push({ kind: 'restore', createdMs: nowMs, entry, downloadUrls: job.deliveryUrl ?? [] });
  }
  for (const entry of data.exportJobs) {
    if (entry.value.state !== 'Queued' && entry.value.state !== 'InProgress') continue;
    data.createdJobs.push({ kind: 'export', createdMs: nowMs, entry, collections: 24 });
  }
  for (const entry of data.snapshots) {
    if (entry.value.status !== 'queued' && entry.value.status !== 'inProgress') continue;
    data.createdJobs.push({ kind: 'snapshot', createdMs: nowMs, entry, sizeBytes: 2 * 1024 ** 3 });
  }
  for (const entry of data.flexRestoreJobs) {
    const { status, deliveryType } = entry.value;
    if (status !== 'PENDING' && status !== 'QUEUED' && status !== 'RUNNING') continue;
    if (deliveryType === 'DOWNLOAD') {
      const snapshotUrl = `https://flex-backups.example.mongodb.net/${entry.value.id ?? 'snapshot'}.tar.gz`;
      data.createdJobs.push({ kind: 'flexDownload', createdMs: nowMs, entry, snapshotUrl });
    } else {
      data.createdJobs.push({ kind: 'flexRestore', createdMs: nowMs, entry });
    }
  }
}
