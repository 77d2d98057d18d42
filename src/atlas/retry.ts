/**
 * When a failed Atlas call is sent again. Only idempotent reads are retried (a repeated POST could create
 * a second restore job), only on failures that say nothing was done (429, 500, 502, 503, 504, a reset
 * connection), with exponential backoff and full jitter, never past the operation's deadline, and within
 * a retry budget so that an Atlas outage does not multiply the gateway's traffic.
 *
 * undici ships a RetryHandler, but it does not fit: it waits out any `Retry-After` up to its cap instead
 * of failing fast against a deadline, has no jitter or budget, and replaces the final error response with
 * its own error, losing the Atlas errorCode and detail that clients get.
 */

export interface RetryOptions {
  /** Retries per call after the first attempt (default 2). */
  maxRetries?: number;
  /** First backoff step (default 200 ms); step n waits up to base × 2^n. */
  baseDelayMs?: number;
  /** Longest backoff step (default 3 s); a longer `Retry-After` is honoured if the deadline allows it. */
  maxDelayMs?: number;
  /** Retries earned per first attempt (default 0.2: at most one retry for every five calls, over time). */
  budgetRatio?: number;
  /** Retries available before any are earned, and the most that can be saved up (default 20). */
  budgetReserve?: number;
  /** Injected by tests. */
  random?: () => number;
}

/** What went wrong with one attempt, as far as retrying cares. */
export type AttemptFailure =
  | { kind: 'status'; status: number; retryAfterSeconds?: number; errorCode?: string }
  | { kind: 'timeout' }
  | { kind: 'connection' }
  | { kind: 'bad-response' };

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

const retryableStatuses = new Set([429, 500, 502, 503, 504]);
/**
 * Atlas's 500s that the same request meets again: counting a deep page's list timed out (notes §5; the client
 * asks once more without the count, src/atlas/client.ts).
 */
const failsAlikeAgain = new Set(['TIMEOUT_WHILE_PAGING']);

export class RetryPolicy {
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly ratio: number;
  private readonly reserve: number;
  private readonly random: () => number;
  private tokens: number;
  /** Retries granted so far, for the call report and tests. */
  granted = 0;

  constructor(options: RetryOptions = {}) {
    this.maxRetries = options.maxRetries ?? 2;
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 3_000;
    this.ratio = options.budgetRatio ?? 0.2;
    this.reserve = options.budgetReserve ?? 20;
    this.random = options.random ?? Math.random;
    this.tokens = this.reserve;
  }

  /** A first attempt was sent: it earns a fraction of a retry. */
  recordCall(): void {
    this.tokens = Math.min(this.reserve, this.tokens + this.ratio);
  }

  decide(method: string, failure: AttemptFailure, retriesSoFar: number, msLeft: number): RetryDecision {
    if (method !== 'GET') return { retry: false, reason: 'not idempotent' };
    const retryable =
      failure.kind === 'connection' ||
      (failure.kind === 'status' &&
        retryableStatuses.has(failure.status) &&
        !(failure.errorCode !== undefined && failsAlikeAgain.has(failure.errorCode)));
    if (!retryable) return { retry: false, reason: 'not retryable' };
    if (retriesSoFar >= this.maxRetries) return { retry: false, reason: 'retries exhausted' };
    const backoff = this.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** retriesSoFar);
    const asked = failure.kind === 'status' ? failure.retryAfterSeconds : undefined;
    // Atlas asks for at least Retry-After; jitter goes on top so that waiting callers do not return together.
    const delayMs = asked !== undefined ? asked * 1000 + this.random() * this.baseDelayMs : backoff;
    if (delayMs >= msLeft) return { retry: false, reason: 'deadline' };
    if (this.tokens < 1) return { retry: false, reason: 'retry budget spent' };
    this.tokens -= 1;
    this.granted++;
    return { retry: true, delayMs };
  }
}
