/**
 * Where successful GET answers are kept for a while (`ATLAS_CACHE_TTL_MS`), keyed by credential and URL
 * so nothing crosses callers. The interface is asynchronous so that a store shared by replicas (Redis)
 * can stand behind it; this module has the in-memory one.
 */
export interface ResponseCache {
  get(key: string): Promise<unknown>;
  set(key: string, body: unknown, ttlMs: number): Promise<void>;
  /** Forgets every answer whose key starts with `prefix` (after a write changed what they hold). */
  deleteByPrefix(prefix: string): Promise<void>;
  close(): Promise<void>;
}

/** An in-process cache: at most `maxEntries` answers, the oldest dropped first. */
export class MemoryResponseCache implements ResponseCache {
  private readonly entries = new Map<string, { expires: number; body: unknown }>();

  constructor(private readonly maxEntries = 10_000) {}

  async get(key: string): Promise<unknown> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires > Date.now()) return entry.body;
    this.entries.delete(key);
    return undefined;
  }

  async set(key: string, body: unknown, ttlMs: number): Promise<void> {
    this.entries.delete(key);
    this.entries.set(key, { expires: Date.now() + ttlMs, body });
    // Maps iterate in insertion order: drop the oldest entries beyond the cap.
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  async deleteByPrefix(prefix: string): Promise<void> {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
