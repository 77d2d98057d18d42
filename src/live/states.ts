/**
 * What can be watched, and when a watched object is done. Atlas has no push and no common status field:
 * each family says "done" its own way, and these are the rules MongoDB's own tools stop watching at
 * (the Atlas CLI's `watch` commands, the Terraform provider), compared case-insensitively because the
 * spec transformer drops the enums and the families disagree on case (../shared/atlas-api-notes.md §7).
 */
import type { ResourceName, Resources } from '../loaders/resources.js';

/** Resources addressed under a deployment: their keys are `ClusterItemKey`s. */
type UnderDeployment = { [N in ResourceName]: Resources[N]['scope'] extends 'cluster' ? N : never }[ResourceName];

/** The resources a subscription can follow one item of: jobs and snapshots, which finish. */
export const watchedResources = [
  'restoreJob',
  'legacyRestoreJob',
  'flexRestoreJob',
  'export',
  'snapshot',
  'flexSnapshot',
] as const satisfies readonly UnderDeployment[];

export type WatchedResource = (typeof watchedResources)[number];

export interface WatchedState {
  /** The object's state, upper-cased (for restore jobs, derived as the CLI derives it). */
  state: string;
  /** True when Atlas will not move the object any further. */
  terminal: boolean;
}

const upper = (value: unknown) => (typeof value === 'string' && value !== '' ? value.toUpperCase() : 'UNKNOWN');

/** Terminal values per resource, upper-cased. */
const terminalStates: Record<Exclude<WatchedResource, 'restoreJob'>, ReadonlySet<string>> = {
  // Atlas's BackupRestoreJob.statusName: FINISHED, BROKEN, KILLED end a legacy restore.
  legacyRestoreJob: new Set(['FINISHED', 'BROKEN', 'KILLED']),
  // Flex restores: COMPLETED or FAILED (CLI); CLOSED is named by the spec's text, never after a live state.
  flexRestoreJob: new Set(['COMPLETED', 'FAILED', 'CLOSED']),
  // Exports: Successful, Failed, Cancelled (CLI `backups exports jobs watch`).
  export: new Set(['SUCCESSFUL', 'FAILED', 'CANCELLED']),
  // Cloud snapshots: completed or failed (CLI `backups snapshots watch`, Terraform).
  snapshot: new Set(['COMPLETED', 'FAILED']),
  flexSnapshot: new Set(['COMPLETED', 'FAILED']),
};

/** The field holding each family's state. */
const stateField: Record<Exclude<WatchedResource, 'restoreJob'>, string> = {
  legacyRestoreJob: 'statusName',
  flexRestoreJob: 'status',
  export: 'state',
  snapshot: 'status',
  flexSnapshot: 'status',
};

/**
 * A Cloud Backup restore job has no status field: it is done when failed, cancelled, expired, finished,
 * or (a download) when its links are out (the CLI's `backup restores watch` rule).
 */
function cloudRestoreState(job: Record<string, unknown>): WatchedState {
  if (job['failed'] === true) return { state: 'FAILED', terminal: true };
  if (job['cancelled'] === true) return { state: 'CANCELLED', terminal: true };
  if (job['expired'] === true) return { state: 'EXPIRED', terminal: true };
  if (job['finishedAt']) return { state: 'FINISHED', terminal: true };
  const urls = job['deliveryUrl'];
  if (job['deliveryType'] === 'download' && Array.isArray(urls) && urls.length > 0) {
    return { state: 'FINISHED', terminal: true };
  }
  return { state: 'IN_PROGRESS', terminal: false };
}

export function watchedState(resource: WatchedResource, object: object): WatchedState {
  const fields = object as Record<string, unknown>;
  if (resource === 'restoreJob') return cloudRestoreState(fields);
  const state = upper(fields[stateField[resource]]);
  return { state, terminal: terminalStates[resource].has(state) };
}
