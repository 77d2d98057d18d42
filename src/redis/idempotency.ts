/**
 * Idempotency keys shared by replicas: src/atlas/idempotency.ts's store kept in Redis, so a client's repeat
 * of a write that lands on another replica still answers the first outcome without a second POST. A key is
 * one Redis string holding `{ fingerprint, record? }`: claimed with SET NX and the claimer's hold time,
 * settled by overwriting it with the record and the window as its TTL, released by DEL.
 *
 * Redis away: each replica keeps keys in its own memory (degraded: a repeat on another replica is not
 * recognised, which is what no key at all would give), and shares again when Redis is back. Every outcome
 * this replica settles is also kept in its memory, so a repeat that reaches it while Redis is away (or after
 * Redis lost its data) is still answered without a second POST: clients retry precisely when things fail.
 */
import {
  MemoryIdempotencyStore,
  type IdempotencyClaim,
  type IdempotencyRecord,
  type IdempotencyStore,
} from '../atlas/idempotency.js';
import type { RedisConnection } from './connection.js';

interface Stored {
  fingerprint: string;
  record?: IdempotencyRecord;
}

/** How often a repeat looks again at a key whose first request is still under way on another replica. */
const POLL_MS = 50;

export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly fallback = new MemoryIdempotencyStore();
  /** Keys this process claimed in its own memory while Redis was away: settled and released there too. */
  private readonly local = new Set<string>();
  /** Keys this process claimed in Redis, with their request's fingerprint, until settled or released. */
  private readonly claimed = new Map<string, string>();

  constructor(private readonly redis: RedisConnection) {}

  private keyOf(key: string): string {
    return this.redis.key('idempotency', key);
  }

  async claim(key: string, fingerprint: string, times: { holdMs: number; waitMs: number }): Promise<IdempotencyClaim> {
    // An outcome this replica settled answers whatever Redis's state.
    const kept = this.fallback.settled(key);
    if (kept)
      return kept.fingerprint === fingerprint ? { status: 'settled', record: kept.record } : { status: 'mismatch' };
    if (!this.redis.healthy) return this.claimLocally(key, fingerprint, times);
    const deadline = Date.now() + times.waitMs;
    try {
      for (;;) {
        const claimed = await this.redis.client.set(
          this.keyOf(key),
          JSON.stringify({ fingerprint } satisfies Stored),
          'PX',
          Math.max(1, times.holdMs),
          'NX',
        );
        if (claimed === 'OK') {
          this.claimed.set(key, fingerprint);
          return { status: 'claimed' };
        }
        const text = await this.redis.client.get(this.keyOf(key));
        if (text === null) continue; // released or expired between the two commands: claim it again
        const stored = JSON.parse(text) as Stored;
        if (stored.fingerprint !== fingerprint) return { status: 'mismatch' };
        if (stored.record) return { status: 'settled', record: stored.record };
        if (Date.now() + POLL_MS > deadline) return { status: 'busy' };
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    } catch {
      return this.claimLocally(key, fingerprint, times);
    }
  }

  private async claimLocally(
    key: string,
    fingerprint: string,
    times: { holdMs: number; waitMs: number },
  ): Promise<IdempotencyClaim> {
    const claim = await this.fallback.claim(key, fingerprint, times);
    if (claim.status === 'claimed') this.local.add(key);
    return claim;
  }

  async settle(key: string, record: IdempotencyRecord, ttlMs: number): Promise<void> {
    if (this.local.has(key)) return this.fallback.settle(key, record, ttlMs);
    const fingerprint = this.claimed.get(key);
    this.claimed.delete(key);
    if (fingerprint !== undefined) this.fallback.keep(key, fingerprint, record, ttlMs);
    try {
      const text = await this.redis.client.get(this.keyOf(key));
      if (text === null) return;
      const { fingerprint } = JSON.parse(text) as Stored;
      const stored: Stored = { fingerprint, record };
      await this.redis.client.set(this.keyOf(key), JSON.stringify(stored), 'PX', Math.max(1, ttlMs));
    } catch {
      // Not recorded: the claim expires with its hold time, and a later repeat is sent as new.
    }
  }

  async release(key: string): Promise<void> {
    this.claimed.delete(key);
    if (this.local.delete(key)) return this.fallback.release(key);
    await this.redis.client.del(this.keyOf(key)).catch(() => 0);
  }

  async close(): Promise<void> {
    this.local.clear();
    this.claimed.clear();
    await this.fallback.close();
  }
}
