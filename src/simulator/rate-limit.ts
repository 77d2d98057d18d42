// Atlas's standardized rate limiting, played by the simulator when asked (`SimulatorOptions.rateLimit`):
// one token bucket per project (calls under /groups/{groupId}) and one for everything else, `capacity`
// tokens refilled by `refill` every `periodSeconds`; each API request takes one, and an empty bucket
// answers 429 RATE_LIMITED_TOKEN_BUCKET with Retry-After (notes §3). Every answer then carries the
// bucket's RateLimit-Limit and RateLimit-Remaining.

export interface SimulatorRateLimit {
  capacity: number;
  refill: number;
  periodSeconds: number;
}

export interface RateLimitVerdict {
  allowed: boolean;
  remaining: number;
  /** Whole seconds until a token is back (set when refused). */
  retryAfterSeconds: number;
}

export class SimulatedRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** Requests refused per scope, for tests to assert that a well-behaved client never met the limit. */
  readonly refused = new Map<string, number>();

  constructor(readonly limit: SimulatorRateLimit) {}

  static scopeOf(path: string): string {
    return /^\/api\/atlas\/v2\/groups\/([a-f0-9]{24})(?:\/|$)/.exec(path)?.[1] ?? 'user';
  }

  take(path: string, now = Date.now()): RateLimitVerdict {
    const scope = SimulatedRateLimiter.scopeOf(path);
    const perMs = this.limit.refill / (this.limit.periodSeconds * 1000);
    const bucket = this.buckets.get(scope) ?? { tokens: this.limit.capacity, at: now };
    bucket.tokens = Math.min(this.limit.capacity, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.set(scope, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0 };
    }
    this.refused.set(scope, (this.refused.get(scope) ?? 0) + 1);
    return { allowed: false, remaining: 0, retryAfterSeconds: Math.ceil((1 - bucket.tokens) / perMs / 1000) };
  }
}
