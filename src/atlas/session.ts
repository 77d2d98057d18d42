/**
 * The Atlas transport as one GraphQL operation sees it: it counts the operation's calls and time spent
 * upstream, and enforces the operation's call budget, so one query cannot turn into thousands of calls.
 */
import { AtlasBudgetError } from './errors.js';
import type { AtlasTransport } from './transport.js';

export interface AtlasCallStats {
  /** Calls this operation sent to Atlas. */
  calls: number;
  /** Calls answered by an identical call of another operation (in flight or cached): no Atlas cost. */
  coalesced: number;
  /** Resources the resolvers asked for (lookups and pages), before deduplication and batching. */
  requested: number;
  /** Sum of the durations of this operation's Atlas calls, in milliseconds. */
  upstreamMs: number;
}

export function newCallStats(): AtlasCallStats {
  return { calls: 0, coalesced: 0, requested: 0, upstreamMs: 0 };
}

export function operationTransport(base: AtlasTransport, budget: number, stats: AtlasCallStats): AtlasTransport {
  let started = 0;
  return {
    async request(req) {
      // Calls still in flight count against the budget: they may all turn out to be real.
      if (started - stats.coalesced >= budget) throw new AtlasBudgetError(req.operationId, budget);
      started++;
      const begin = performance.now();
      const result = await base.request<never>(req).finally(() => {
        stats.upstreamMs += performance.now() - begin;
      });
      if (result.shared) stats.coalesced++;
      else stats.calls++;
      return result;
    },
    close: base.close,
  };
}
