/**
 * Where the outcomes of writes sent with a client's idempotency key are kept for a while, so that a repeat
 * of the same request answers the first outcome instead of sending Atlas a second POST (Atlas has no
 * idempotency key of its own). The interface is asynchronous and small, so that a store shared by replicas
 * (Redis: SET NX for a claim, SET with a TTL for a record, DEL for a release) can stand behind it; this
 * module has the in-memory one.
 *
 * A key is claimed by the first request that carries it; the claim holds the request's fingerprint, so the
 * same key sent with a different request is told apart. A claim is settled with what the write produced,
 * or released when the request never reached Atlas (a repeat may then send it).
 */

/** What a settled key remembers: the object the write created or changed, or that its outcome is unknown. */
export type IdempotencyRecord =
  | { outcome: 'done'; value: Record<string, unknown> }
  /** The request may have reached Atlas, and its answer was lost: `startedAt` is when it was sent (epoch ms). */
  | { outcome: 'unknown'; startedAt: number };

export type IdempotencyClaim =
  /** The key is new: this request goes ahead, and must settle or release it. */
  | { status: 'claimed' }
  /** The same request was made before: its outcome. */
  | { status: 'settled'; record: IdempotencyRecord }
  /** The key was used for a different request. */
  | { status: 'mismatch' }
  /** The same request is still under way elsewhere, past the time this one may wait for it. */
  | { status: 'busy' };

export interface IdempotencyStore {
  /**
   * Claims `key` for the request whose fingerprint is given, or says what an earlier claim holds. A new
   * claim blocks the key for `holdMs` unless settled or released sooner (the claimer's deadline: a claimer
   * that dies does not hold the key for long); one still under way is waited for, up to `waitMs`.
   */
  claim(key: string, fingerprint: string, times: { holdMs: number; waitMs: number }): Promise<IdempotencyClaim>;
  /** Records the outcome of a claimed key, for `ttlMs` from now. */
  settle(key: string, record: IdempotencyRecord, ttlMs: number): Promise<void>;
  /** Forgets a claim whose request never reached Atlas, so that a repeat sends it. */
  release(key: string): Promise<void>;
  close(): Promise<void>;
}

interface Entry {
  fingerprint: string;
  expires: number;
  record?: IdempotencyRecord;
  /** Resolves when the claim is settled or released. */
  done: Promise<void>;
  finish: () => void;
}

/** An in-process store: at most `maxEntries` keys, the oldest dropped first. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(key: string, fingerprint: string, times: { holdMs: number; waitMs: number }): Promise<IdempotencyClaim> {
    const deadline = this.now() + times.waitMs;
    for (;;) {
      const entry = this.live(key);
      if (!entry) {
        let finish = () => {};
        const done = new Promise<void>((resolve) => (finish = resolve));
        this.entries.set(key, { fingerprint, expires: this.now() + times.holdMs, done, finish });
        this.trim();
        return { status: 'claimed' };
      }
      if (entry.fingerprint !== fingerprint) return { status: 'mismatch' };
      if (entry.record) return { status: 'settled', record: structuredClone(entry.record) };
      const left = deadline - this.now();
      if (left <= 0) return { status: 'busy' };
      // The first request is still running: wait for it, then look again (it may have been released).
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([entry.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, left)))]);
      clearTimeout(timer);
    }
  }

  async settle(key: string, record: IdempotencyRecord, ttlMs: number): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return;
    // A copy: the caller's object is the graph's model, which resolvers may stamp.
    entry.record = structuredClone(record);
    entry.expires = this.now() + ttlMs;
    entry.finish();
  }

  async release(key: string): Promise<void> {
    const entry = this.entries.get(key);
    this.entries.delete(key);
    entry?.finish();
  }

  /** Keeps a settled outcome without a claim of its own: a copy of what a shared store holds. */
  keep(key: string, fingerprint: string, record: IdempotencyRecord, ttlMs: number): void {
    const done = Promise.resolve();
    this.entries.delete(key);
    this.entries.set(key, {
      fingerprint,
      expires: this.now() + ttlMs,
      record: structuredClone(record),
      done,
      finish() {},
    });
    this.trim();
  }

  /** What a settled key holds (its request's fingerprint and outcome), without claiming it; else undefined. */
  settled(key: string): { fingerprint: string; record: IdempotencyRecord } | undefined {
    const entry = this.live(key);
    return entry?.record ? { fingerprint: entry.fingerprint, record: structuredClone(entry.record) } : undefined;
  }

  async close(): Promise<void> {
    for (const entry of this.entries.values()) entry.finish();
    this.entries.clear();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expires <= this.now()) {
      this.entries.delete(key);
      entry.finish();
      return undefined;
    }
    return entry;
  }

  private trim(): void {
    // Maps iterate in insertion order: drop the oldest keys beyond the cap.
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(key);
      entry.finish();
    }
  }
}
