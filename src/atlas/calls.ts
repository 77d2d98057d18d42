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
import type { AtlasCallFailure, AtlasEvent } from './events.js';
import type { TransportRequest } from './transport.js';

/**
 * One call: when it began and its attempts, passed down with it through the transport's layers; `over` makes
 * its `call` event.
 */
export class CallTally {
  /** performance.now() when the call began. */
  readonly started = performance.now();
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

  /**
   * The call is over: its answer was another caller's (`shared`), or it failed with `error` (undefined when
   * it succeeded).
   */
  over(req: TransportRequest, shared: boolean, error: unknown): AtlasEvent {
    const durationMs = performance.now() - this.started;
    return {
      kind: 'call',
      operationId: req.operationId,
      method: req.method,
      unit: req.unit,
      startTime: performance.timeOrigin + this.started,
      durationMs,
      // A shared failure carries its status in the error; a shared success has no attempt of its own.
      status: this.status ?? (error instanceof AtlasApiError ? error.status : undefined),
      failure: error === undefined ? undefined : failureOf(error),
      retries: this.retries,
      reauthentications: this.reauthentications,
      // An Atlas answer without an attempt of this call's own was shared (a failure shared in flight).
      shared:
        shared || (this.attempts === 0 && (error instanceof AtlasApiError || error instanceof AtlasTransportError)),
    };
  }
}

function failureOf(error: unknown): AtlasCallFailure {
  if (error instanceof AtlasApiError) return 'status';
  if (error instanceof AtlasTransportError) return error.failure;
  if (error instanceof AtlasAuthError) return 'auth';
  if (error instanceof AtlasRateBudgetError) return 'rate-budget';
  if (error instanceof AtlasBudgetError) return 'budget';
  return 'other';
}
