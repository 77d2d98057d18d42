/**
 * The response cache shared by replicas (`ATLAS_CACHE_TTL_MS` with `REDIS_URL`): the second implementation
 * of src/atlas/cache.ts's interface. Keys are the transport's (credential cache key, media type, URL), so
 * nothing crosses credentials; values are Atlas's JSON answers, which hold no credential. Redis away: a
 * miss, and nothing stored (the call goes to Atlas, as with no cache).
 */
import type { ResponseCache } from '../atlas/cache.js';
import type { RedisConnection } from './connection.js';

/** Redis glob characters in a key prefix, escaped for SCAN MATCH. */
const globSpecial = /[*?[\]\\]/g;

export class RedisResponseCache implements ResponseCache {
  constructor(private readonly redis: RedisConnection) {}

  private keyOf(key: string): string {
    return this.redis.key('cache', key);
  }

  async get(key: string): Promise<unknown> {
    if (!this.redis.healthy) return undefined;
    try {
      const text = await this.redis.client.get(this.keyOf(key));
      return text === null ? undefined : (JSON.parse(text) as unknown);
    } catch {
      return undefined;
    }
  }

  async set(key: string, body: unknown, ttlMs: number): Promise<void> {
    if (!this.redis.healthy) return;
    try {
      await this.redis.client.set(this.keyOf(key), JSON.stringify(body), 'PX', Math.max(1, Math.round(ttlMs)));
    } catch {
      // Not kept: the next reader asks Atlas.
    }
  }

  async deleteByPrefix(prefix: string): Promise<void> {
    if (!this.redis.healthy) return;
    const match = `${this.keyOf(prefix).replace(globSpecial, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.client.scan(cursor, 'MATCH', match, 'COUNT', 500);
      if (keys.length > 0) await this.redis.client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    // The connection belongs to whoever opened it (it serves other users too).
  }
}
