/**
 * Global object ids (Relay). An id is base64url("v1:<Type>:<part>:<part>...") where the parts are the
 * Atlas coordinates that refetching needs (project id, cluster name, Atlas id). Decoding validates every
 * part, so a forged id is BAD_USER_INPUT and never reaches a URL.
 */
import { badUserInput } from './errors.js';

const objectId = /^[a-f0-9]{24}$/;
const clusterName = /^[a-zA-Z0-9][a-zA-Z0-9-]{0,63}$/;

/** The coordinates each type's id carries, in order. */
const layouts = {
  Project: [objectId],
  Cluster: [objectId, clusterName],
  Snapshot: [objectId, clusterName, objectId],
  CloudBackupRestoreJob: [objectId, clusterName, objectId],
  LegacyBackupRestoreJob: [objectId, clusterName, objectId],
  Export: [objectId, clusterName, objectId],
  ExportBucket: [objectId, objectId],
  Checkpoint: [objectId, clusterName, objectId],
  ServerlessInstance: [objectId, clusterName],
  ServerlessSnapshot: [objectId, clusterName, objectId],
} as const;

export type NodeType = keyof typeof layouts;

type InClusterType =
  'Snapshot' | 'CloudBackupRestoreJob' | 'LegacyBackupRestoreJob' | 'Export' | 'Checkpoint' | 'ServerlessSnapshot';

/** A decoded id, named by Atlas coordinates (`clusterName` is the instance name for serverless types). */
export type DecodedId =
  | { type: 'Project'; groupId: string }
  | { type: 'Cluster' | 'ServerlessInstance'; groupId: string; clusterName: string }
  | { type: 'ExportBucket'; groupId: string; id: string }
  | { type: InClusterType; groupId: string; clusterName: string; id: string };

/** Encodes a global id; `parts` follow the type's layout above (fromGlobalId checks them on the way back). */
export function toGlobalId(type: NodeType, ...parts: string[]): string {
  return Buffer.from(['v1', type, ...parts].join(':')).toString('base64url');
}

function isNodeType(value: string): value is NodeType {
  return Object.hasOwn(layouts, value);
}

/** The lookups that take an Atlas id (`id: ObjectId`), as the schema names them. */
const atlasIdLookups =
  'project(id:), Project.exportBucket(id:), Cluster.snapshot(id:), Cluster.restoreJob(id:), Cluster.export(id:), ' +
  'Cluster.checkpoint(id:), Cluster.legacyRestoreJob(id:) and ServerlessInstance.snapshot(id:)';

/** Every global id starts with base64url("v1:"). */
const globalIdPrefix = Buffer.from('v1:').toString('base64url');

/**
 * Why an id is not a global id, with a hint for the two usual mix-ups: an Atlas id (24 hex digits) or a
 * cluster name where `node` wants the graph's `id` field.
 */
function invalidGlobalId(id: string): string {
  const shown = `"${id.slice(0, 80)}"`;
  const takes = 'node(id:) and nodes(ids:) take the `id` field of an object the graph returned';
  if (/^[a-f0-9]{24}$/i.test(id)) {
    return `Invalid global id ${shown}: it looks like an Atlas id. ${takes}; Atlas ids go to ${atlasIdLookups}.`;
  }
  if (clusterName.test(id) && !id.startsWith(globalIdPrefix)) {
    return (
      `Invalid global id ${shown}: if it is a cluster or serverless instance name, ${takes}; look it up by name ` +
      'with project(id:) { cluster(name:) } or project(id:) { serverlessInstance(name:) }.'
    );
  }
  return `Invalid global id ${shown}: ${takes}.`;
}

export function fromGlobalId(id: string): DecodedId {
  const invalid = () => badUserInput(invalidGlobalId(id), 'id');
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(id)) throw invalid();
  const [version, type, ...parts] = Buffer.from(id, 'base64url').toString('utf8').split(':');
  if (version !== 'v1' || type === undefined || !isNodeType(type)) throw invalid();
  const layout: readonly RegExp[] = layouts[type];
  if (parts.length !== layout.length || !parts.every((part, i) => layout[i]?.test(part))) throw invalid();
  const [groupId = '', second = '', third = ''] = parts;
  switch (type) {
    case 'Project':
      return { type, groupId };
    case 'Cluster':
    case 'ServerlessInstance':
      return { type, groupId, clusterName: second };
    case 'ExportBucket':
      return { type, groupId, id: second };
    default:
      return { type, groupId, clusterName: second, id: third };
  }
}
