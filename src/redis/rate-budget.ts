/**
 * Atlas's rate limit shared by replicas: the token buckets of src/atlas/rate-budget.ts kept in Redis, so N
 * replicas together take no more tokens than Atlas's one bucket per project holds. Each operation on a
 * bucket is one Lua script (atomic across replicas; time from Redis's own clock, so replicas' clocks do not
 * matter). Not rate-limiter-flexible: its limiters count fixed windows, which allow twice the rate around a
 * window's edge, and a token bucket the size of Atlas's would answer some of those calls 429.
 *
 * Redis away: each replica falls back to its own buckets (degraded: together they may go over, and
 * Atlas's 429s and the transport's retries then decide), and goes back to the shared ones when Redis is.
 */
import {
  LocalRateBudget,
  mirrorShape,
  takeWithin,
  type RateBucketShape,
  type RateBudget,
  type TakeResult,
} from '../atlas/rate-budget.js';
import type { RedisConnection } from './connection.js';

// KEYS[1] the bucket; ARGV: capacity, refill per ms, then the operation's own arguments.
// A bucket is a hash { tokens, at } (at: ms), refilled on every touch, expiring when it would be full.
const refillLua = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
`;
const persistLua = `
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate) + 1000)
`;

const scripts = {
  // -> 0 when taken, else the milliseconds until a token is there.
  atlasBudgetTake: `${refillLua}
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate) end
${persistLua}
return wait`,
  // ARGV[3]: tokens Atlas says are left; the bucket is only ever lowered.
  atlasBudgetLower: `${refillLua}
tokens = math.min(tokens, math.max(0, tonumber(ARGV[3])))
${persistLua}
return 0`,
  // ARGV[3]: milliseconds until Atlas's next token (its Retry-After).
  atlasBudgetEmpty: `${refillLua}
tokens = math.min(tokens, 1 - tonumber(ARGV[3]) * rate)
${persistLua}
return 0`,
};

type ScriptName = keyof typeof scripts;

/** How soon a take whose Redis command timed out is tried again. */
const RETRY_SLOW_MS = 50;

export class RedisRateBudget implements RateBudget {
  private readonly fallback: LocalRateBudget;
  private readonly ratePerMs: number;
  private readonly shape: RateBucketShape;

  constructor(
    private readonly redis: RedisConnection,
    atlas: RateBucketShape,
  ) {
    this.fallback = new LocalRateBudget(atlas);
    this.shape = mirrorShape(atlas);
    this.ratePerMs = atlas.refill / atlas.periodMs;
    for (const [name, lua] of Object.entries(scripts)) {
      if (!(name in this.redis.client)) this.redis.client.defineCommand(name, { numberOfKeys: 1, lua });
    }
  }

  private run(name: ScriptName, scope: string, ...args: number[]): Promise<number> {
    const command = Reflect.get(this.redis.client, name) as (...a: (string | number)[]) => Promise<number>;
    return command.call(this.redis.client, this.redis.key('rate', scope), this.shape.capacity, this.ratePerMs, ...args);
  }

  private async take(scope: string): Promise<TakeResult> {
    if (!this.redis.healthy) return this.fallback.take(scope);
    try {
      const wait = await this.run('atlasBudgetTake', scope);
      return wait === 0 ? { taken: true } : { taken: false, waitMs: wait };
    } catch {
      // Connected but slow (a command timed out under load): the shared bucket may have counted the take
      // or not; ask again shortly rather than spend this process's own tokens on top of the others'. Gone
      // altogether: this process's bucket.
      return this.redis.healthy ? { taken: false, waitMs: RETRY_SLOW_MS } : this.fallback.take(scope);
    }
  }

  acquire(scope: string, operationId: string, deadline: number): Promise<void> {
    return takeWithin(() => this.take(scope), operationId, deadline);
  }

  observe(scope: string, report: { remaining?: number; retryAfterSeconds?: number }): void {
    this.fallback.observe(scope, report);
    if (!this.redis.healthy) return;
    const done = () => undefined;
    if (report.remaining !== undefined) this.run('atlasBudgetLower', scope, report.remaining).then(done, done);
    if (report.retryAfterSeconds !== undefined) {
      this.run('atlasBudgetEmpty', scope, report.retryAfterSeconds * 1000).then(done, done);
    }
  }

  async close(): Promise<void> {
    await this.fallback.close();
  }
}
