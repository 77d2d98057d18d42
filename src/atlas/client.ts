/**
 * AtlasClient: reads any Atlas operation by its operationId. The operation table generated from the spec
 * (src/generated/atlas-operations.ts) gives each one's method, path and version media type; every path
 * parameter is checked against the spec's pattern before a URL exists. Which operations the gateway
 * reads, and for what, is declared in src/loaders/resources.ts; nothing here knows a resource.
 */
import { atlasOperations, type AtlasOperationId } from '../generated/atlas-operations.js';
import { AtlasApiError } from './errors.js';
import type { OperationTransport } from './session.js';
import type { TransportResult } from './transport.js';
import type { AtlasLink, AtlasPage, PageRequest } from './types.js';

/** An Atlas id (an ObjectId: 24 lower-case hexadecimal digits), as the spec's path parameters require. */
export const atlasIdPattern = /^[a-f0-9]{24}$/;

/** A path parameter that does not match the spec's pattern; raised before any URL exists. */
export class InvalidPathParameterError extends Error {
  override readonly name = 'InvalidPathParameterError';
  constructor(
    readonly parameter: string,
    /**
     * No value at all: the caller's inputs are checked before they get here, so the value came from an
     * object Atlas answered without it (a cluster without its name), not from the caller.
     */
    readonly missing = false,
  ) {
    super(`${missing ? 'Missing' : 'Invalid'} Atlas path parameter ${parameter}`);
  }
}

interface RawPage {
  results?: Record<string, unknown>[];
  totalCount?: number;
  links?: AtlasLink[];
}

export type PathParams = Record<string, string>;
export type QueryParams = Record<string, string | undefined>;

export class AtlasClient {
  constructor(private readonly transport: OperationTransport) {}

  /** Builds the request path of an operation, refusing any parameter that fails its spec pattern. */
  static path(operationId: AtlasOperationId, params: PathParams): string {
    // Paths are built for every loader and cache key (about 140 per dashboard), so each operation's path is
    // split once into literal segments, and each parameter value is checked and encoded once per pattern.
    const template = templateOf(operationId);
    let path = template.segments[0] ?? '';
    for (let i = 0; i < template.params.length; i++) {
      const param = template.params[i]!;
      path += encodedValue(param, params[param.name]) + (template.segments[i + 1] ?? '');
    }
    return path;
  }

  /** One object, as Atlas sends it; `path` is the operation's path built by `AtlasClient.path`. */
  async get(operationId: AtlasOperationId, path: string): Promise<Record<string, unknown>> {
    return (await this.call<Record<string, unknown>>(operationId, path)).body;
  }

  /** One page of a list; `filters` are the list's own query parameters (undefined ones are not sent). */
  async list(
    operationId: AtlasOperationId,
    path: string,
    page: PageRequest,
    filters: QueryParams = {},
  ): Promise<AtlasPage<Record<string, unknown>>> {
    // The list's own filters first, then paging (the order Atlas's examples use). Built field by field:
    // a spread of the filters object makes each query a differently shaped object.
    const query: Record<string, string | number | undefined> = {};
    for (const name in filters) {
      const value = filters[name];
      // Filters are ids in every list the gateway reads (a legacy restore batch's id).
      if (value !== undefined && !atlasIdPattern.test(value)) throw new InvalidPathParameterError(name);
      query[name] = value;
    }
    query['pageNum'] = page.pageNum;
    query['itemsPerPage'] = page.itemsPerPage;
    let raw: RawPage;
    try {
      raw = (await this.call<RawPage>(operationId, path, query)).body;
    } catch (error) {
      // Counting a deep page's list can time out on Atlas's side (notes §5, Atlas CLI issue #2691); the page
      // itself comes without the count (`totalCount` null, `hasNextPage` from the page's links).
      if (!(error instanceof AtlasApiError && error.errorCode === 'TIMEOUT_WHILE_PAGING')) throw error;
      raw = (await this.call<RawPage>(operationId, path, { ...query, includeCount: 'false' })).body;
    }
    return {
      results: raw.results ?? [],
      totalCount: raw.totalCount,
      // Atlas links the next page when there is one; an answer without links at all falls back to a full page.
      hasNext: raw.links
        ? raw.links.some((link) => link.rel === 'next')
        : (raw.results ?? []).length === page.itemsPerPage,
      pageNum: page.pageNum,
      itemsPerPage: page.itemsPerPage,
    };
  }

  /**
   * The whole of a list whose operation takes no paging parameters (its answer has the paginated shape):
   * one call, nothing but the path.
   */
  async listWhole(
    operationId: AtlasOperationId,
    path: string,
  ): Promise<{ results: Record<string, unknown>[]; totalCount: number | undefined; complete: boolean }> {
    const raw = (await this.call<RawPage>(operationId, path)).body;
    const results = raw.results ?? [];
    return {
      results,
      totalCount: raw.totalCount,
      // Whole unless Atlas says otherwise: a next page linked, or a count beyond what came.
      complete:
        !(raw.links ?? []).some((link) => link.rel === 'next') &&
        (raw.totalCount === undefined || results.length >= raw.totalCount),
    };
  }

  /**
   * One write (POST or DELETE) by operationId, with its JSON body; answers Atlas's body, or undefined for a
   * 204. Sent once: the transport never retries a write (src/atlas/retry.ts), whatever fails.
   */
  async send(
    operationId: AtlasOperationId,
    path: string,
    body?: Record<string, unknown>,
  ): Promise<Record<string, unknown> | undefined> {
    return (await this.call<Record<string, unknown> | undefined>(operationId, path, undefined, body)).body;
  }

  /** After a write: shared answers (cache, in-flight calls) of GETs under `pathPrefix` are forgotten. */
  forget(pathPrefix: string): Promise<void> {
    return this.transport.forget(pathPrefix);
  }

  /** The credential this client acts with, by its cache key (never the secret). */
  get credentialKey(): string {
    return this.transport.credentialKey;
  }

  /** Not an async function of its own: each caller awaits the transport's promise once. */
  private call<T>(
    operationId: AtlasOperationId,
    path: string,
    query?: Record<string, string | number | undefined>,
    body?: unknown,
  ): Promise<TransportResult<T>> {
    const operation = atlasOperations[operationId];
    // Every request has the same fields (body undefined for reads), so the layers below read one shape.
    return this.transport.request<T>({
      operationId,
      method: operation.method,
      path,
      query,
      mediaType: operation.mediaType,
      body,
    });
  }
}

interface PathTemplate {
  /** Literal text around the parameters: one more segment than parameters. */
  segments: string[];
  params: { name: string; pattern: RegExp | undefined; accepted: Map<string, string> }[];
}

const templates = new Map<AtlasOperationId, PathTemplate>();
function templateOf(operationId: AtlasOperationId): PathTemplate {
  let template = templates.get(operationId);
  if (template !== undefined) return template;
  const operation = atlasOperations[operationId];
  const patterns: Record<string, string | null> = operation.pathParams;
  const pieces = operation.path.split(/\{(\w+)\}/);
  template = { segments: [], params: [] };
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] ?? '';
    if (i % 2 === 0) template.segments.push(piece);
    else {
      const pattern = patterns[piece] ?? null;
      template.params.push({
        name: piece,
        pattern: pattern ? compiled(pattern) : undefined,
        accepted: acceptedFor(pattern),
      });
    }
  }
  templates.set(operationId, template);
  return template;
}

/**
 * Values already checked against a pattern, with their encoding; one map per pattern, so a value is
 * trusted only by the rule it passed. Bounded: cleared when full (ids recur, and checking is cheap).
 */
const acceptedByPattern = new Map<string, Map<string, string>>();
const MAX_ACCEPTED = 10_000;
function acceptedFor(pattern: string | null): Map<string, string> {
  const key = pattern ?? '';
  let accepted = acceptedByPattern.get(key);
  if (!accepted) acceptedByPattern.set(key, (accepted = new Map()));
  return accepted;
}

function encodedValue(param: PathTemplate['params'][number], value: string | undefined): string {
  // Empty too: the resource table's paths stand in '' for a coordinate an object lacked; null is what a
  // coordinate Atlas sent as null reaches here as.
  if (value === undefined || value === null || value === '') throw new InvalidPathParameterError(param.name, true);
  const known = param.accepted.get(value);
  if (known !== undefined) return known;
  if ((param.pattern && !param.pattern.test(value)) || value.length > 64)
    throw new InvalidPathParameterError(param.name);
  const encoded = encodeURIComponent(value);
  if (param.accepted.size >= MAX_ACCEPTED) param.accepted.clear();
  param.accepted.set(value, encoded);
  return encoded;
}

// Each spec pattern is compiled once.
const patternCache = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  let regex = patternCache.get(pattern);
  if (!regex) patternCache.set(pattern, (regex = new RegExp(pattern)));
  return regex;
}
