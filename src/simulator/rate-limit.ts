// Atlas's standardized rate limiting, played by the simulator when asked (`SimulatorOptions.rateLimit`).
// Atlas keeps one token bucket per endpoint set × scope, with no single per-project limit (notes §3.1).
// The simulator models three sets of the subset's operations (notes §3.2):
// - `projects`: listGroups and getGroup (the spec's `Projects` tag), USER scope (one bucket per credential,
//   across projects);
// - `clusters`: listClusters and getCluster (`Clusters`; `ApiAtlasClusterDescriptionResource20240805`),
//   GROUP scope, 10000 tokens in recorded traffic;
// - `backup`: every other operation (backup snapshots, restore jobs, exports, export buckets, schedules,
//   checkpoints, Flex and serverless), GROUP scope, 1200 tokens in recorded traffic.
// Each bucket holds `capacity` tokens refilled by `refill` every `periodSeconds` (the figures of
// `rateLimit`, or of `rateLimit.sets[set]` for that set); each API request takes one, and an empty bucket
// answers 429 RATE_LIMITED_TOKEN_BUCKET with Retry-After. The answers of requests that drew on a bucket
// (successes and errors alike, notes §3.1) carry its RateLimit-Limit and RateLimit-Remaining; answers
// that drew on none (401 challenges, unknown paths, a simulator without a limiter) carry neither.

import { atlasOperations, type AtlasOperationId } from '../generated/atlas-operations.js';

export interface BucketShape {
  capacity: number;
  refill: number;
  periodSeconds: number;
}

export type EndpointSetName = 'projects' | 'clusters' | 'backup';
export type RateLimitScope = 'USER' | 'GROUP';

export interface SimulatorRateLimit extends BucketShape {
  /** Other figures for some endpoint sets; a set not named here uses the figures above. */
  sets?: Partial<Record<EndpointSetName, BucketShape>>;
}

/** The scope of each modelled endpoint set (what one bucket of the set is kept per). */
export const ENDPOINT_SET_SCOPES: Readonly<Record<EndpointSetName, RateLimitScope>> = Object.freeze({
  projects: 'USER',
  clusters: 'GROUP',
  backup: 'GROUP',
});

/** The sets other than `backup`, by the spec's tag of their operations. */
const SET_OF_TAG: Readonly<Record<string, EndpointSetName>> = Object.freeze({
  Projects: 'projects',
  Clusters: 'clusters',
});

/** The endpoint set an operation of the subset belongs to. */
export function endpointSetOf(operationId: string): EndpointSetName {
  const tag: string | null | undefined = atlasOperations[operationId as AtlasOperationId]?.tag;
  return (tag && SET_OF_TAG[tag]) || 'backup';
}

/** Atlas's observed figures for the backup endpoint sets (notes §3.2): 1200 tokens, 500 back a minute. */
export const ATLAS_BACKUP_BUCKET: Readonly<BucketShape> = Object.freeze({
  capacity: 1200,
  refill: 500,
  periodSeconds: 60,
});

/**
 * Atlas's observed figures for every modelled set: 1200 tokens (500 a minute) for projects and backup,
 * 10000 (5000 a minute) for clusters (notes §3.2; the refill rates are third-party production notes').
 */
export const ATLAS_RATE_LIMITS: Readonly<SimulatorRateLimit> = Object.freeze({
  ...ATLAS_BACKUP_BUCKET,
  sets: Object.freeze({ clusters: Object.freeze({ capacity: 10_000, refill: 5_000, periodSeconds: 60 }) }),
});

/** Who and what a request is, for its bucket. */
export interface RateLimitedRequest {
  operationId: string;
  /** The `groupId` path parameter (GROUP-scoped sets). */
  groupId: string | undefined;
  /** The authenticated credential (USER-scoped sets), never a secret. */
  user: string;
}

export interface RateLimitVerdict {
  allowed: boolean;
  remaining: number;
  /** Whole seconds until a token is back (set when refused). */
  retryAfterSeconds: number;
  /** The bucket's figures, as its RateLimit-Limit header and a 429's body quote them. */
  shape: BucketShape;
}

/** A set's figures in a rate-limit configuration (read when used, so a test may change them live). */
export function shapeOf(limit: SimulatorRateLimit, set: EndpointSetName): BucketShape {
  const own = limit.sets?.[set];
  return own
    ? { capacity: own.capacity, refill: own.refill, periodSeconds: own.periodSeconds }
    : { capacity: limit.capacity, refill: limit.refill, periodSeconds: limit.periodSeconds };
}

export class SimulatedRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /**
   * Requests refused per bucket (`<set> <project id or user>`), for tests to assert that a well-behaved
   * client never met the limit.
   */
  readonly refused = new Map<string, number>();

  /** `now` is the simulated Atlas's clock, so a test that stands the clock still sees no refill. */
  constructor(
    readonly limit: SimulatorRateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** The bucket a request draws on: its endpoint set, and the project or the user, by the set's scope. */
  static bucketOf(request: RateLimitedRequest): { set: EndpointSetName; key: string } {
    const set = endpointSetOf(request.operationId);
    const scope = ENDPOINT_SET_SCOPES[set];
    return { set, key: `${set} ${scope === 'USER' ? `user:${request.user}` : `group:${request.groupId ?? ''}`}` };
  }

  /** Takes a token for a request, or refuses it (counted in `refused`) when the bucket is empty. */
  take(request: RateLimitedRequest, now = this.now()): RateLimitVerdict {
    const { set, key } = SimulatedRateLimiter.bucketOf(request);
    const { bucket, perMs, shape } = this.refilled(set, key, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0, shape };
    }
    this.refused.set(key, (this.refused.get(key) ?? 0) + 1);
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
  spend(request: RateLimitedRequest, now = this.now()): RateLimitVerdict {
    const { set, key } = SimulatedRateLimiter.bucketOf(request);
    const { bucket, shape } = this.refilled(set, key, now);
    if (bucket.tokens >= 1) bucket.tokens -= 1;
    return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0, shape };
  }

  private refilled(set: EndpointSetName, key: string, now: number) {
    const shape = shapeOf(this.limit, set);
    const perMs = shape.refill / (shape.periodSeconds * 1000);
    const bucket = this.buckets.get(key) ?? { tokens: shape.capacity, at: now };
    bucket.tokens = Math.min(shape.capacity, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    return { bucket, perMs, shape };
  }
}
