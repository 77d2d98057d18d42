/**
 * Each Atlas call reported as a whole once it is over (a `call` event): its attempts folded in (retries,
 * re-sends after a 401, the status of the last one), or the answer another unit's identical call shared.
 * The per-attempt events cannot say which call an attempt belongs to when calls of one unit run side by
 * side; traces need exactly that (one client span per call), so the transport tallies attempts per request.
 */
import {
  AtlasApiError,
  AtlasAuthError,
  AtlasBudgetError,
  AtlasRateBudgetError,
  AtlasTransportError,
} from './errors.js';
import type { AtlasCallFailure, AtlasEvents } from './events.js';
import type { TransportRequest, TransportResult } from './transport.js';

interface Tally {
  status: number | undefined;
  attempts: number;
  retries: number;
  reauthentications: number;
}

/** The attempts of each request in flight, keyed by the request object the transport passes down. */
export class CallTallies {
  private readonly tallies = new WeakMap<TransportRequest, Tally>();

  open(req: TransportRequest): Tally {
    const tally: Tally = { status: undefined, attempts: 0, retries: 0, reauthentications: 0 };
    this.tallies.set(req, tally);
    return tally;
  }

  /** An attempt left: the first, a retry, or a re-send after a 401. */
  attempt(req: TransportRequest, resend: { retry: boolean; reauthentication: boolean }): void {
    const tally = this.tallies.get(req);
    if (!tally) return;
    tally.attempts++;
    if (resend.retry) tally.retries++;
    if (resend.reauthentication) tally.reauthentications++;
  }

  /** An attempt ended: Atlas's status, or undefined when nothing was answered. */
  answered(req: TransportRequest, status: number | undefined): void {
    const tally = this.tallies.get(req);
    if (tally) tally.status = status;
  }
}

type Request = <T>(req: TransportRequest) => Promise<TransportResult<T>>;

/** Wraps the transport's `request` so that every call ends with one `call` event. */
export function reportCalls(events: AtlasEvents, tallies: CallTallies, request: Request): Request {
  return async <T>(req: TransportRequest) => {
    const started = performance.now();
    const tally = tallies.open(req);
    let shared = false;
    let error: unknown;
    try {
      const result = await request<T>(req);
      shared = result.shared;
      return result;
    } catch (caught) {
      error = caught;
      throw caught;
    } finally {
      const durationMs = performance.now() - started;
      // An Atlas answer without an attempt of this call's own was shared (a failure shared in flight).
      if (tally.attempts === 0 && (error instanceof AtlasApiError || error instanceof AtlasTransportError)) {
        shared = true;
      }
      events.emit({
        kind: 'call',
        operationId: req.operationId,
        method: req.method,
        unit: req.unit,
        startTime: performance.timeOrigin + started,
        durationMs,
        // A shared failure carries its status in the error; a shared success has no attempt of its own.
        status: tally.status ?? (error instanceof AtlasApiError ? error.status : undefined),
        failure: error === undefined ? undefined : failureOf(error),
        retries: tally.retries,
        reauthentications: tally.reauthentications,
        shared,
      });
    }
  };
}

function failureOf(error: unknown): AtlasCallFailure {
  if (error instanceof AtlasApiError) return 'status';
  if (error instanceof AtlasTransportError) return error.failure;
  if (error instanceof AtlasAuthError) return 'auth';
  if (error instanceof AtlasRateBudgetError) return 'rate-budget';
  if (error instanceof AtlasBudgetError) return 'budget';
  return 'other';
}
