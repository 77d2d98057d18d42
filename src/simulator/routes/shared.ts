// What every family's handlers share: the request/result types, paging (the Atlas list envelope),
// path and body parameters, and the existence checks (project, then deployment, then the object)
// with the error codes each deployment API sends. By the time a handler runs, the server has already
// checked auth, the route, the version media type and the parameter patterns; handlers check
// existence, apply the operation's semantics and return plain objects (the server trims them to the
// response schema).
import { errors } from '../errors.js';
import { objectId } from '../object-ids.js';
import { isObject, type JsonObject, type OperationSpec } from '../spec.js';
import { iso } from '../time.js';
import type {
  ClusterEntry,
  Owned,
  SimulatorData,
  StoredCluster,
  StoredFlexCluster,
  StoredServerlessInstance,
} from '../store.js';

export interface RequestContext {
  op: OperationSpec;
  /** Decoded path parameters, already checked against the spec's patterns. */
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  data: SimulatorData;
  /** e.g. `http://127.0.0.1:41234`; used for every href. */
  baseUrl: string;
  /** Request path without query string or trailing slash. */
  path: string;
  /** The simulator clock's time when the request arrived, in epoch milliseconds (clock.ts). */
  nowMs: number;
}

export interface HandlerResult {
  status: number;
  body?: JsonObject;
}

export type Handler = (ctx: RequestContext) => HandlerResult;

export const V2 = '/api/atlas/v2';
export const ID_PATTERN = /^([a-f0-9]{24})$/;
export const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9-]*$/;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

export function param(ctx: RequestContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined) throw new Error(`route ${ctx.op.operationId} has no path parameter ${name}`);
  return value;
}

export function withSelf<T extends object>(value: T, href: string): T & { links: { rel: string; href: string }[] } {
  return { ...value, links: [{ rel: 'self', href }] };
}

export function ok(body: JsonObject): HandlerResult {
  return { status: 200, body };
}

/** Paging parameters were validated by the server; absent ones take the spec defaults. */
function pageParams(ctx: RequestContext): {
  pageNum: number;
  itemsPerPage: number;
  includeCount: boolean;
  paged: boolean;
} {
  const paged = ctx.op.params.some((p) => p.name === 'itemsPerPage');
  return {
    paged,
    pageNum: Number(ctx.query.get('pageNum') ?? '1'),
    itemsPerPage: Number(ctx.query.get('itemsPerPage') ?? '100'),
    includeCount: ctx.query.get('includeCount') !== 'false',
  };
}

function listHref(ctx: RequestContext, pageNum: number, itemsPerPage: number): string {
  // Atlas puts the paging parameters first, then whatever else the request carried.
  const query = new URLSearchParams({ pageNum: String(pageNum), itemsPerPage: String(itemsPerPage) });
  for (const [key, value] of ctx.query) if (key !== 'pageNum' && key !== 'itemsPerPage') query.append(key, value);
  return `${ctx.baseUrl}${ctx.path}?${query.toString()}`;
}

/** Atlas list envelope: `links` (self, and next when another page exists), `results`, `totalCount`. */
export function page<T>(ctx: RequestContext, items: readonly T[], render: (item: T) => object): HandlerResult {
  const { paged, pageNum, itemsPerPage, includeCount } = pageParams(ctx);
  if (!paged) {
    // e.g. listBackupShardedClusters: paginated shape, but no paging parameters.
    return ok({
      links: [{ rel: 'self', href: `${ctx.baseUrl}${ctx.path}` }],
      results: items.map(render),
      totalCount: items.length,
    });
  }
  const start = (pageNum - 1) * itemsPerPage;
  const slice = items.slice(start, start + itemsPerPage);
  const links = [{ rel: 'self', href: listHref(ctx, pageNum, itemsPerPage) }];
  if (start + itemsPerPage < items.length) links.push({ rel: 'next', href: listHref(ctx, pageNum + 1, itemsPerPage) });
  return ok({ links, results: slice.map(render), ...(includeCount ? { totalCount: items.length } : {}) });
}

/** A project's deployments addressed by name (serverless instances, Flex clusters): one page of them. */
export function listByNameInProject<T extends { groupId?: string; name?: string }>(
  select: (data: SimulatorData) => readonly T[],
): Handler {
  return (ctx) => {
    const groupId = requireProject(ctx);
    const items = select(ctx.data).filter((item) => item.groupId === groupId);
    return page(ctx, items, (item) => withSelf(item, `${ctx.baseUrl}${ctx.path}/${item.name ?? ''}`));
  };
}

export function body(ctx: RequestContext): JsonObject {
  if (!isObject(ctx.body)) throw errors.malformedBody();
  return ctx.body;
}

export function requiredString(b: JsonObject, name: string, pattern?: RegExp): string {
  const value = b[name];
  if (value === undefined || value === null || value === '') throw errors.missingAttribute(name);
  if (typeof value !== 'string' || (pattern !== undefined && !pattern.test(value))) throw errors.invalidAttribute(name);
  return value;
}

export function optionalString(b: JsonObject, name: string, pattern?: RegExp): string | undefined {
  return b[name] === undefined || b[name] === null ? undefined : requiredString(b, name, pattern);
}

/** The largest `int32` (the spec's format for most integers in request bodies). */
const INT32_MAX = 2 ** 31 - 1;

/** An optional integer attribute within [minimum, maximum] (by default the spec's `int32` range). */
export function optionalInt(b: JsonObject, name: string, minimum: number, maximum = INT32_MAX): number | undefined {
  const value = b[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum || value > maximum) {
    throw errors.invalidAttribute(name);
  }
  return value;
}

export function now(ctx: RequestContext): string {
  // Objects created through POST are stamped with the simulator's clock; only the seed is frozen in time.
  return iso(ctx.nowMs);
}

/**
 * The id of an object created through POST: a real ObjectId, whose first 4 bytes are its creation time in
 * seconds (as Atlas's ids are), then 8 deterministic bytes. A client that reconciles a lost answer can
 * tell from the id when the object was made; restore jobs carry no creation date of their own.
 */
export function nextId(ctx: RequestContext, kind: string): string {
  ctx.data.createdCount += 1;
  const seconds = Math.floor(ctx.nowMs / 1000)
    .toString(16)
    .padStart(8, '0');
  return seconds + objectId(`created:${kind}:${ctx.data.createdCount}`).slice(8);
}

export function ownedBy<T>(items: readonly Owned<T>[], groupId: string, clusterName: string): Owned<T>[] {
  return items.filter((i) => i.groupId === groupId && i.clusterName === clusterName);
}

// ---------------------------------------------------------------------------------------------
// Existence checks (project, then deployment, then the object)
// ---------------------------------------------------------------------------------------------

export function requireProject(ctx: RequestContext, groupId = param(ctx, 'groupId')): string {
  if (!ctx.data.projects.some((p) => p.id === groupId)) throw errors.groupNotFound(groupId);
  return groupId;
}

export function findDeployment(
  data: SimulatorData,
  groupId: string,
  name: string,
): { cluster?: ClusterEntry; serverless?: StoredServerlessInstance; flex?: StoredFlexCluster } {
  return {
    cluster: data.clusters.find((c) => c.value.groupId === groupId && c.value.name === name),
    serverless: data.serverlessInstances.find((s) => s.groupId === groupId && s.name === name),
    flex: data.flexClusters.find((f) => f.groupId === groupId && f.name === name),
  };
}

/** A dedicated cluster; Flex and serverless names get the type-mismatch errors Atlas sends. */
export function requireCluster(ctx: RequestContext, nameParam = 'clusterName'): ClusterEntry {
  const groupId = requireProject(ctx);
  const name = param(ctx, nameParam);
  const found = findDeployment(ctx.data, groupId, name);
  if (found.cluster !== undefined) return found.cluster;
  // A serverless instance migrated to Flex keeps its name: the Flex cluster is what answers here.
  if (found.flex !== undefined) throw errors.flexInClusterApi(name);
  if (found.serverless !== undefined) {
    throw errors.wrongApi(
      'CANNOT_USE_SERVERLESS_INSTANCE_IN_CLUSTER_API',
      `Serverless instance ${name} cannot be used in the Cluster API.`,
      name,
    );
  }
  throw errors.clusterNotFound(name, groupId);
}

export function requireServerless(ctx: RequestContext, nameParam: string): StoredServerlessInstance {
  const groupId = requireProject(ctx);
  const name = param(ctx, nameParam);
  const found = findDeployment(ctx.data, groupId, name);
  if (found.serverless !== undefined) return found.serverless;
  if (found.cluster !== undefined || found.flex !== undefined) {
    throw errors.wrongApi(
      'CANNOT_USE_CLUSTER_IN_SERVERLESS_INSTANCE_API',
      `Cluster ${name} cannot be used in the Serverless Instance API.`,
      name,
    );
  }
  throw errors.serverlessNotFound(name, groupId);
}

export function requireFlex(ctx: RequestContext): StoredFlexCluster {
  const groupId = requireProject(ctx);
  const name = param(ctx, 'name');
  const found = findDeployment(ctx.data, groupId, name);
  if (found.flex !== undefined) return found.flex;
  if (found.cluster !== undefined || found.serverless !== undefined) throw errors.nonFlexInFlexApi(name);
  // Atlas answers unknown Flex names with the generic cluster code (notes §4.2).
  throw errors.clusterNotFound(name, groupId);
}

/** A restore target: any deployment (cluster, serverless or Flex) of an existing project. */
export function requireTarget(data: SimulatorData, groupId: string, name: string): void {
  if (!data.projects.some((p) => p.id === groupId)) throw errors.groupNotFound(groupId);
  const found = findDeployment(data, groupId, name);
  if (found.cluster === undefined && found.serverless === undefined && found.flex === undefined) {
    throw errors.clusterNotFound(name, groupId);
  }
}

export function findOwned<T>(
  items: readonly Owned<T>[],
  groupId: string,
  clusterName: string,
  id: string,
  idOf: (value: T) => string | undefined,
  kind: string,
): Owned<T> {
  const found = items.find((i) => i.groupId === groupId && i.clusterName === clusterName && idOf(i.value) === id);
  if (found === undefined) throw errors.resourceNotFound(kind, id);
  return found;
}

export function clusterPath(c: StoredCluster): string {
  return `${V2}/groups/${c.groupId ?? ''}/clusters/${c.name ?? ''}`;
}

// ---------------------------------------------------------------------------------------------
// Generic list/get handlers for objects owned by one deployment
// ---------------------------------------------------------------------------------------------

/** Checks the deployment exists (with its API's error codes) and names the owner of its objects. */
export type Owner = (ctx: RequestContext) => { groupId: string; name: string };

export const ofCluster: Owner = (ctx) => {
  const cluster = requireCluster(ctx);
  return { groupId: cluster.value.groupId ?? '', name: cluster.value.name ?? '' };
};

export const ofServerless: Owner = (ctx) => {
  const instance = requireServerless(ctx, 'clusterName');
  return { groupId: instance.groupId ?? '', name: instance.name ?? '' };
};

export const ofFlex: Owner = (ctx) => {
  const flex = requireFlex(ctx);
  return { groupId: flex.groupId ?? '', name: flex.name ?? '' };
};

export type WithId = JsonObject & { id?: string };

/** Every owned object of one collection; each item links to `<request path>/<id>`. */
export function listOwned<T extends WithId>(owner: Owner, select: (data: SimulatorData) => Owned<T>[]): Handler {
  return (ctx) => {
    const { groupId, name } = owner(ctx);
    const items = ownedBy(select(ctx.data), groupId, name);
    return page(ctx, items, (i) => withSelf(i.value, `${ctx.baseUrl}${ctx.path}/${i.value.id ?? ''}`));
  };
}

/** One owned object by the path parameter `idParam`; unknown ids are RESOURCE_NOT_FOUND for `kind`. */
export function getOwned<T extends WithId>(
  owner: Owner,
  select: (data: SimulatorData) => Owned<T>[],
  idParam: string,
  kind: string,
): Handler {
  return (ctx) => {
    const { groupId, name } = owner(ctx);
    const found = findOwned(select(ctx.data), groupId, name, param(ctx, idParam), (v) => v.id, kind);
    return ok(withSelf(found.value, `${ctx.baseUrl}${ctx.path}`));
  };
}
