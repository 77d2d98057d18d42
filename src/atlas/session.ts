/**
 * The Atlas transport as one GraphQL operation sees it: bound to the operation's credential and deadline,
 * it counts the operation's calls, retries and time spent upstream, and enforces the operation's call
 * budget, so one query cannot turn into thousands of calls.
 */
import { AtlasBudgetError } from './errors.js';
import type { AtlasCredential } from './auth/credential.js';
import type { AtlasTransport, TransportRequest, TransportResult } from './transport.js';

export interface AtlasCallStats {
  /**
   * HTTP requests this operation sent to Atlas's API, counted by the transport as each one leaves: failed
   * ones, retries and re-sends after a 401 included, so it matches what Atlas logged. Calls answered by
   * another operation's call are in `coalesced` instead.
   */
  calls: number;
  /** Calls answered by an identical call of another operation (in flight or cached): no Atlas cost. */
  coalesced: number;
  /** Resources the resolvers asked for (lookups and pages), before deduplication and batching. */
  requested: number;
  /** Sum of the durations of this operation's Atlas calls, in milliseconds. */
  upstreamMs: number;
  /** Of `calls`, those sent again after a retryable failure (429, 5xx, reset). */
  retries: number;
  /**
   * Of `calls`, those sent again after a 401 that renewed the credential (a digest challenge, a re-minted
   * token). `calls - retries - reauthenticated` is the number of distinct calls sent.
   */
  reauthenticated: number;
  /** The lowest `RateLimit-Remaining` Atlas reported during the operation, with its limit. */
  rateLimit?: { limit: number; remaining: number };
}

export function newCallStats(): AtlasCallStats {
  return { calls: 0, coalesced: 0, requested: 0, upstreamMs: 0, retries: 0, reauthenticated: 0 };
}

/** A request as the Atlas client builds it; the session adds credential, deadline and observer. */
export type OperationRequest = Omit<TransportRequest, 'credential' | 'deadline' | 'observer'>;

export interface OperationTransport {
  request<T>(request: OperationRequest): Promise<TransportResult<T>>;
}

export interface OperationScope {
  credential: AtlasCredential;
  /** Most Atlas calls the operation may make. */
  budget: number;
  /** Epoch milliseconds by which every Atlas call of the operation must be over. */
  deadline: number;
}

export function operationTransport(
  base: AtlasTransport,
  scope: OperationScope,
  stats: AtlasCallStats,
): OperationTransport {
  let started = 0;
  return {
    async request<T>(req: OperationRequest) {
      // Every call started counts against the budget, in flight or failed, unless another operation's call
      // answered it. A call's retries and re-sends do not: the retry policy bounds those.
      if (started - stats.coalesced >= scope.budget) throw new AtlasBudgetError(req.operationId, scope.budget);
      started++;
      const begin = performance.now();
      const result = await base
        .request<T>({ ...req, credential: scope.credential, deadline: scope.deadline, observer: stats })
        .finally(() => {
          stats.upstreamMs += performance.now() - begin;
        });
      // `stats.calls` was counted by the transport, request by request, whether or not they succeeded.
      if (result.shared) stats.coalesced++;
      return result;
    },
  };
}
