/**
 * AtlasClient: reads any Atlas operation by its operationId. The operation table generated from the spec
 * (src/generated/atlas-operations.ts) gives each one's method, path and version media type; every path
 * parameter is checked against the spec's pattern before a URL exists. Which operations the gateway
 * reads, and for what, is declared in src/loaders/resources.ts; nothing here knows a resource.
 */
import { atlasOperations, type AtlasOperationId } from '../generated/atlas-operations.js';
import type { OperationTransport } from './session.js';
import type { AtlasLink, AtlasPage, PageRequest } from './types.js';

/** A path parameter that does not match the spec's pattern; raised before any URL exists. */
export class InvalidPathParameterError extends Error {
  override readonly name = 'InvalidPathParameterError';
  constructor(readonly parameter: string) {
    super(`Invalid Atlas path parameter ${parameter}`);
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
    // The same paths recur across operations (the same projects, clusters, jobs): each is checked and
    // built once. JSON keeps the key injective, so no other parameters can reach a cached path.
    const key = JSON.stringify([operationId, params]);
    const known = builtPaths.get(key);
    if (known !== undefined) return known;
    const path = AtlasClient.build(operationId, params);
    if (builtPaths.size >= MAX_BUILT_PATHS) builtPaths.clear();
    builtPaths.set(key, path);
    return path;
  }

  private static build(operationId: AtlasOperationId, params: PathParams): string {
    const operation = atlasOperations[operationId];
    const patterns: Record<string, string | null> = operation.pathParams;
    return operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = params[name];
      const pattern = patterns[name];
      if (value === undefined || (pattern && !compiled(pattern).test(value)) || value.length > 64) {
        throw new InvalidPathParameterError(name);
      }
      return encodeURIComponent(value);
    });
  }

  /** One object, as Atlas sends it; `path` is the operation's path built by `AtlasClient.path`. */
  async get(operationId: AtlasOperationId, path: string): Promise<Record<string, unknown>> {
    return this.call<Record<string, unknown>>(operationId, path);
  }

  /** One page of a list; `filters` are the list's own query parameters (undefined ones are not sent). */
  async list(
    operationId: AtlasOperationId,
    path: string,
    page: PageRequest,
    filters: QueryParams = {},
  ): Promise<AtlasPage<Record<string, unknown>>> {
    for (const [name, value] of Object.entries(filters)) {
      // Filters are ids in every list the gateway reads (a legacy restore batch's id).
      if (value !== undefined && !/^[a-f0-9]{24}$/.test(value)) throw new InvalidPathParameterError(name);
    }
    const raw = await this.call<RawPage>(operationId, path, {
      ...filters,
      pageNum: page.pageNum,
      itemsPerPage: page.itemsPerPage,
    });
    return {
      results: raw.results ?? [],
      totalCount: raw.totalCount,
      hasNext: (raw.links ?? []).some((link) => link.rel === 'next'),
      pageNum: page.pageNum,
      itemsPerPage: page.itemsPerPage,
    };
  }

  private async call<T>(
    operationId: AtlasOperationId,
    path: string,
    query?: Record<string, string | number | undefined>,
  ): Promise<T> {
    const operation = atlasOperations[operationId];
    const result = await this.transport.request<T>({
      operationId,
      method: operation.method,
      path,
      query,
      mediaType: operation.mediaType,
    });
    return result.body;
  }
}

/** Paths already checked and built (only valid ones: an invalid parameter throws before it is kept). */
const builtPaths = new Map<string, string>();
const MAX_BUILT_PATHS = 10_000;

// Paths are built for every cache key, so each spec pattern is compiled once.
const patternCache = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  let regex = patternCache.get(pattern);
  if (!regex) patternCache.set(pattern, (regex = new RegExp(pattern)));
  return regex;
}
