/**
 * Atlas's rate limit, kept on the gateway's side so that calls wait for a token instead of meeting 429s.
 * Atlas limits with token buckets (notes §3): each endpoint set × scope has a bucket of `capacity` tokens,
 * refilled by `refill` tokens every `periodMs`, and each request takes one. The gateway mirrors that bucket
 * per (credential, scope): a call takes a token before it leaves, and waits for one while the wait fits
 * its deadline; Atlas's `RateLimit-Remaining` lowers the mirror to what Atlas says is left (other clients of
 * the same project spend it too), and a `Retry-After` empties it for that long.
 *
 * The mirror holds a few tokens less than Atlas's bucket (`mirrorShape`): a call takes its token before
 * it leaves and Atlas takes Atlas's when it arrives, and arrivals bunch up (a call held up in the event
 * loop or the network lands together with later ones) while a full bucket gains nothing. Without that
 * headroom, 40 concurrent calls against a 20-token bucket met an occasional 429 on a loaded machine (2 runs
 * in 12); the headroom absorbs a lag of `headroom / refill rate`. One process keeps its buckets here
 * (`LocalRateBudget`); replicas share theirs through Redis (src/redis/rate-budget.ts), so N replicas
 * together stay under the one limit Atlas counts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AtlasRateBudgetError } from './errors.js';
import { atlasOperations, type AtlasOperationId } from '../generated/atlas-operations.js';

export interface RateBucketShape {
  /** Tokens the bucket holds when full (Atlas's `RateLimit-Limit`). */
  capacity: number;
  /** Tokens added every `periodMs`, continuously (Atlas: `refillRate` every `refillDurationSeconds`). */
  refill: number;
  periodMs: number;
}

/** What taking a token answered: taken, or how long until one is there. */
export type TakeResult = { taken: true } | { taken: false; waitMs: number };

export interface RateBudget {
  /**
   * Takes one token of `scope`'s bucket, waiting for it while `deadline` (epoch ms) allows; rejects with
   * AtlasRateBudgetError, sending nothing, when the wait would pass the deadline.
   */
  acquire(scope: string, operationId: string, deadline: number): Promise<void>;
  /** What Atlas said of the scope's bucket: tokens left, and a Retry-After (seconds) when it refused. */
  observe(scope: string, report: { remaining?: number; retryAfterSeconds?: number }): void;
  close(): Promise<void>;
}

/**
 * The endpoint sets of the gateway's operations, by the spec's tag, where they are not the backup endpoints'
 * (notes §3.2, from recorded traffic): clusters have a set of their own (10,000 tokens per project), projects
 * one scoped by user (the credential), not by project. Every other operation is in a project's backup set.
 */
const endpointSetOfTag: Partial<Record<string, { set: string; scope: 'project' | 'user' }>> = {
  Clusters: { set: 'clusters', scope: 'project' },
  Projects: { set: 'groups', scope: 'user' },
};

/**
 * Which bucket a call draws on: Atlas keeps one per endpoint set and scope (notes §3.1), so the credential,
 * the operation's set, and the project id in the path where the set is scoped by project. A clusters answer's
 * `RateLimit-Remaining` then never lowers the backup endpoints' mirror, nor the reverse.
 */
export function rateScope(credentialKey: string, operationId: string, path: string): string {
  const tag: string | null | undefined = atlasOperations[operationId as AtlasOperationId]?.tag;
  const known = tag ? endpointSetOfTag[tag] : undefined;
  if (known?.scope === 'user') return `${credentialKey} user ${known.set}`;
  const project = /^\/api\/atlas\/v2\/groups\/([a-f0-9]{24})(?:\/|$)/.exec(path)?.[1];
  if (!project) return `${credentialKey} user ${known?.set ?? 'other'}`;
  return `${credentialKey} group:${project} ${known?.set ?? 'backup'}`;
}

/**
 * The gateway's mirror of Atlas's bucket: Atlas's capacity less a headroom of 2% (at least 2 tokens,
 * leaving at least one), the margin for calls that reach Atlas bunched closer than they left.
 */
export function mirrorShape(atlas: RateBucketShape): RateBucketShape {
  return { ...atlas, capacity: Math.max(1, atlas.capacity - Math.max(2, Math.ceil(atlas.capacity * 0.02))) };
}

/** One token bucket's arithmetic, shared by the local budget and (as a Lua script) the Redis one. */
export class TokenBucket {
  private tokens: number;
  private updated: number;

  constructor(
    private readonly shape: RateBucketShape,
    now: number,
  ) {
    this.tokens = shape.capacity;
    this.updated = now;
  }

  private refillTo(now: number): void {
    const rate = this.shape.refill / this.shape.periodMs;
    this.tokens = Math.min(this.shape.capacity, this.tokens + Math.max(0, now - this.updated) * rate);
    this.updated = Math.max(this.updated, now);
  }

  take(now: number): TakeResult {
    this.refillTo(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { taken: true };
    }
    return { taken: false, waitMs: Math.ceil((1 - this.tokens) / (this.shape.refill / this.shape.periodMs)) };
  }

  /** Lowers the bucket to `remaining` tokens (never raises it: Atlas may count calls still on their way). */
  lowerTo(remaining: number, now: number): void {
    this.refillTo(now);
    this.tokens = Math.min(this.tokens, Math.max(0, remaining));
  }

  /** Empties the bucket so that its next token comes `ms` from now. */
  emptyFor(ms: number, now: number): void {
    this.refillTo(now);
    const rate = this.shape.refill / this.shape.periodMs;
    this.tokens = Math.min(this.tokens, 1 - ms * rate);
  }
}

/** Waits for a token of `take`'s bucket while the deadline allows. */
export async function takeWithin(
  take: () => Promise<TakeResult> | TakeResult,
  operationId: string,
  deadline: number,
): Promise<void> {
  for (;;) {
    const result = await take();
    if (result.taken) return;
    // Wait a little past the token's arrival, so concurrent waiters do not all wake on the same instant.
    const wait = result.waitMs + Math.floor(Math.random() * 20);
    if (Date.now() + wait > deadline) throw new AtlasRateBudgetError(operationId, Math.ceil(result.waitMs / 1000));
    await sleep(wait);
  }
}

/** This process's buckets, one per (credential, scope), each a mirror of Atlas's `atlas` bucket. */
export class LocalRateBudget implements RateBudget {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly shape: RateBucketShape;

  constructor(atlas: RateBucketShape) {
    this.shape = mirrorShape(atlas);
  }

  private bucket(scope: string): TokenBucket {
    let bucket = this.buckets.get(scope);
    if (!bucket) {
      // Bounded: a forward-mode gateway sees a credential per caller; a forgotten bucket restarts full,
      // which Atlas's own bucket still bounds.
      if (this.buckets.size >= 10_000) this.buckets.clear();
      this.buckets.set(scope, (bucket = new TokenBucket(this.shape, Date.now())));
    }
    return bucket;
  }

  /** One attempt to take a token, without waiting. */
  take(scope: string): TakeResult {
    return this.bucket(scope).take(Date.now());
  }

  acquire(scope: string, operationId: string, deadline: number): Promise<void> {
    return takeWithin(() => this.take(scope), operationId, deadline);
  }

  observe(scope: string, report: { remaining?: number; retryAfterSeconds?: number }): void {
    const bucket = this.bucket(scope);
    if (report.remaining !== undefined) bucket.lowerTo(report.remaining, Date.now());
    if (report.retryAfterSeconds !== undefined) bucket.emptyFor(report.retryAfterSeconds * 1000, Date.now());
  }

  async close(): Promise<void> {
    this.buckets.clear();
  }
}
