// Atlas's standardized rate limiting, played by the simulator when asked (`SimulatorOptions.rateLimit`):
// one token bucket per project (calls under /groups/{groupId}) and one for everything else, `capacity`
// tokens refilled by `refill` every `periodSeconds`; each API request takes one, and an empty bucket
// answers 429 RATE_LIMITED_TOKEN_BUCKET with Retry-After (notes §3). The answers of requests that drew
// on a bucket (successes and errors alike, notes §3.1) carry its RateLimit-Limit and RateLimit-Remaining;
// answers that drew on none (401 challenges, unknown paths, a simulator without a limiter) carry neither.

export interface SimulatorRateLimit {
  capacity: number;
  refill: number;
  periodSeconds: number;
}

/** Atlas's observed figures for the backup endpoint sets (notes §3.2): 1200 tokens, 500 back a minute. */
export const ATLAS_BACKUP_BUCKET: Readonly<SimulatorRateLimit> = Object.freeze({
  capacity: 1200,
  refill: 500,
  periodSeconds: 60,
});

export interface RateLimitVerdict {
  allowed: boolean;
  remaining: number;
  /** Whole seconds until a token is back (set when refused). */
  retryAfterSeconds: number;
  /** The bucket's figures, as its RateLimit-Limit header and a 429's body quote them. */
  shape: SimulatorRateLimit;
}

export class SimulatedRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** Requests refused per scope, for tests to assert that a well-behaved client never met the limit. */
  readonly refused = new Map<string, number>();

  constructor(readonly limit: SimulatorRateLimit) {}

  static scopeOf(path: string): string {
    return /^\/api\/atlas\/v2\/groups\/([a-f0-9]{24})(?:\/|$)/.exec(path)?.[1] ?? 'user';
  }

  /** Takes a token for a request, or refuses it (counted in `refused`) when the bucket is empty. */
  take(path: string, now = Date.now()): RateLimitVerdict {
    const scope = SimulatedRateLimiter.scopeOf(path);
    const { bucket, perMs, shape } = this.refilled(scope, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0, shape };
    }
    this.refused.set(scope, (this.refused.get(scope) ?? 0) + 1);
    return {
      allowed: false,
      remaining: 0,
      retryAfterSeconds: Math.ceil((1 - bucket.tokens) / perMs / 1000),
      shape,
    };
  }

  /**
   * For an injected fault that Atlas itself answers (a 500, a 503, a truncated body): takes a token when
   * one is left, as Atlas's errors spend tokens too, but never refuses: the fault is the answer.
   */
  spend(path: string, now = Date.now()): RateLimitVerdict {
    const { bucket, shape } = this.refilled(SimulatedRateLimiter.scopeOf(path), now);
    if (bucket.tokens >= 1) bucket.tokens -= 1;
    return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0, shape };
  }

  private refilled(scope: string, now: number) {
    const shape = { ...this.limit };
    const perMs = shape.refill / (shape.periodSeconds * 1000);
    const bucket = this.buckets.get(scope) ?? { tokens: shape.capacity, at: now };
    bucket.tokens = Math.min(shape.capacity, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.set(scope, bucket);
    return { bucket, perMs, shape };
  }
}
