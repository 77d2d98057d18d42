/** What replicas share through Redis, as one module: loaded only by a gateway configured with REDIS_URL. */
export { RedisConnection } from './connection.js';
export { RedisIdempotencyStore } from './idempotency.js';
export { RedisPollLeases } from './poller-lease.js';
export { RedisRateBudget } from './rate-budget.js';
export { RedisResponseCache } from './response-cache.js';
