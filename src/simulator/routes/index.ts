// The operationId → handler table: the union of the resource families' tables. The server looks
// handlers up here and refuses to start if a GET operation of the spec has none.
import { cloudBackupHandlers } from './cloud-backup.js';
import { clusterHandlers } from './clusters.js';
import { exportHandlers } from './exports.js';
import { flexHandlers } from './flex.js';
import { legacyBackupHandlers } from './legacy-backup.js';
import { projectHandlers } from './projects.js';
import { serverlessHandlers } from './serverless.js';
import type { Handler } from './shared.js';

export type { Handler, HandlerResult, RequestContext } from './shared.js';

function union(tables: readonly Record<string, Handler>[]): Record<string, Handler> {
  const all: Record<string, Handler> = {};
  for (const table of tables) {
    for (const [operationId, handler] of Object.entries(table)) {
      // Two families claiming one operation is a wiring mistake; fail on import rather than let one win.
      if (Object.hasOwn(all, operationId)) throw new Error(`simulator: two handlers for ${operationId}`);
      all[operationId] = handler;
    }
  }
  return all;
}

/** Handlers by operationId. */
export const handlers: Record<string, Handler> = union([
  projectHandlers,
  clusterHandlers,
  exportHandlers,
  cloudBackupHandlers,
  legacyBackupHandlers,
  serverlessHandlers,
  flexHandlers,
]);
