/**
 * Each Atlas call reported as a whole once it is over (a `call` event): its attempts folded in (retries,
 * re-sends after a 401, the status of the last one), or the answer another unit's identical call shared.
 * The per-attempt events cannot say which call an attempt belongs to when calls of one unit run side by
 * side; traces need exactly that (one client span per call), so each call carries its own tally down the
 * transport's layers (a parameter, not a map keyed by request: nothing outlives the call).
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

/** The attempts of one call, passed down with it through the transport's layers. */
export class CallTally {
  /** Atlas's status for the last attempt; undefined when nothing was answered (or nothing sent). */
  status: number | undefined = undefined;
  attempts = 0;
  retries = 0;
  reauthentications = 0;

  /** An attempt left: the first, a retry, or a re-send after a 401. */
  attempt(resend: { retry: boolean; reauthentication: boolean }): void {
    this.attempts++;
    if (resend.retry) this.retries++;
    if (resend.reauthentication) this.reauthentications++;
  }

  /** An attempt ended: Atlas's status, or undefined when nothing was answered. */
  answered(status: number | undefined): void {
    this.status = status;
  }
}

type Request = <T>(req: TransportRequest) => Promise<TransportResult<T>>;
type TalliedRequest = <T>(req: TransportRequest, tally: CallTally) => Promise<TransportResult<T>>;

/** Wraps the transport's `request` so that every call ends with one `call` event, its attempts tallied. */
export function reportCalls(events: AtlasEvents, request: TalliedRequest): Request {
  return async <T>(req: TransportRequest) => {
    const started = performance.now();
    const tally = new CallTally();
    let shared = false;
    let error: unknown;
    try {
      const result = await request<T>(req, tally);
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
