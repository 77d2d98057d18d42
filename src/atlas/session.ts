/**
 * A session is one unit of work against Atlas (a GraphQL operation today; a poll tick or a mutation
 * tomorrow): the credential it acts with, the deadline by which its calls must be over, its call budget,
 * and the statistics of its calls. The transport it sends through (connections, coalescing, cache, retry
 * budget) is shared by the process. Opened per unit of work, so a long-lived stream opens a fresh one per
 * tick instead of running out of its first deadline.
 */
import { AtlasBudgetError } from './errors.js';
import type { AtlasCredential } from './auth/credential.js';
import type { AtlasEvent, AtlasEvents } from './events.js';
import type { AtlasTransport, TransportRequest, TransportResult } from './transport.js';

export interface AtlasCallStats {
  /**
   * HTTP requests this unit of work sent to Atlas's API, counted as each one left: failed ones, retries
   * and re-sends after a 401 included, so it matches what Atlas logged. Calls answered by another unit's
   * call are in `coalesced` instead.
   */
  calls: number;
  /** Calls answered by an identical call of another unit of work (in flight or cached): no Atlas cost. */
  coalesced: number;
  /** Resources the resolvers asked for (lookups and pages), before deduplication and batching. */
  requested: number;
  /** Sum of the durations of this unit's Atlas calls, in milliseconds. */
  upstreamMs: number;
  /** Of `calls`, those sent again after a retryable failure (429, 5xx, reset). */
  retries: number;
  /**
   * Of `calls`, those sent again after a 401 that renewed the credential (a digest challenge, a re-minted
   * token). `calls - retries - reauthenticated` is the number of distinct calls sent.
   */
  reauthenticated: number;
  /** The lowest `RateLimit-Remaining` Atlas reported during the unit of work, with its limit. */
  rateLimit?: { limit: number; remaining: number };
}

/** A request as the Atlas client builds it; the session adds credential, deadline and itself. */
export type OperationRequest = Omit<TransportRequest, 'credential' | 'deadline' | 'unit'>;

/** What the Atlas client sends through. */
export interface OperationTransport {
  request<T>(request: OperationRequest): Promise<TransportResult<T>>;
  /** After a write: shared GET answers under `pathPrefix` are forgotten (AtlasTransport.forget). */
  forget(pathPrefix: string): Promise<void>;
  /**
   * Names the credential without revealing it (its cache key): what the unit of work's writes are
   * remembered under (an idempotency key is scoped by it, so it never crosses callers).
   */
  readonly credentialKey: string;
}

export interface SessionOptions {
  credential: AtlasCredential;
  /** Most Atlas calls the unit of work may start. */
  budget: number;
  /** Milliseconds from now within which every Atlas call of the unit of work, retries included, must end. */
  deadlineMs: number;
}

export class Session implements OperationTransport {
  readonly stats: AtlasCallStats = {
    calls: 0,
    coalesced: 0,
    requested: 0,
    upstreamMs: 0,
    retries: 0,
    reauthenticated: 0,
  };
  /** Epoch milliseconds by which every call of this unit of work must be over. */
  readonly deadline: number;
  private started = 0;

  constructor(
    private readonly transport: AtlasTransport,
    private readonly options: SessionOptions,
  ) {
    this.deadline = Date.now() + options.deadlineMs;
  }

  request<T>(req: OperationRequest): Promise<TransportResult<T>> {
    // Every call started counts against the budget, in flight or failed, unless another unit's call
    // answered it. A call's retries and re-sends do not: the retry policy bounds those.
    if (this.started - this.stats.coalesced >= this.options.budget) {
      this.transport.events.emit({ kind: 'budget-refused', operationId: req.operationId, unit: this });
      return Promise.reject(new AtlasBudgetError(req.operationId, this.options.budget));
    }
    this.started++;
    // Not an async function of its own: the call's duration comes back with its `call` event (record).
    // Field by field, not a spread: the transport then reads one object shape on every call.
    return this.transport.request<T>({
      operationId: req.operationId,
      method: req.method,
      path: req.path,
      query: req.query,
      mediaType: req.mediaType,
      body: req.body,
      credential: this.options.credential,
      deadline: this.deadline,
      unit: this,
    });
  }

  forget(pathPrefix: string): Promise<void> {
    return this.transport.forget(pathPrefix);
  }

  get credentialKey(): string {
    return this.options.credential.cacheKey;
  }

  /** Counts what the transport reports of this session's requests. */
  record(event: AtlasEvent): void {
    const stats = this.stats;
    switch (event.kind) {
      case 'request':
        stats.calls++;
        if (event.retry) stats.retries++;
        if (event.reauthentication) stats.reauthenticated++;
        break;
      case 'shared':
        stats.coalesced++;
        break;
      case 'call':
        stats.upstreamMs += event.durationMs;
        break;
      case 'rate-limit':
        if (!stats.rateLimit || event.remaining < stats.rateLimit.remaining) {
          stats.rateLimit = { limit: event.limit, remaining: event.remaining };
        }
        break;
    }
  }
}

/** The event streams whose events sessions already read (one reader per stream, whatever the sessions). */
const recorded = new WeakSet<AtlasEvents>();

/** Opens a unit of work on a transport. */
export function openSession(transport: AtlasTransport, options: SessionOptions): Session {
  if (!recorded.has(transport.events)) {
    recorded.add(transport.events);
    transport.events.subscribe((event) => {
      if ('unit' in event && event.unit instanceof Session) event.unit.record(event);
    });
  }
  return new Session(transport, options);
}
