/**
 * Identical calls in flight at the same time share one: the second caller waits for the first one's
 * answer (or failure) instead of sending its own. Keys hold the credential's cache key, never the
 * secret, so nothing is shared across credentials.
 */

/**
 * Removals after which the calls in flight move to a fresh Map. A Map that lives long enough to reach V8's
 * old generation leaves its superseded hash tables there too (it rebuilds its table as entries come and
 * go), and those still point at the calls that were in flight when each was replaced: until the next full
 * collection, every young collection keeps those calls' answers alive and then promotes them. With one
 * entry per Atlas call, that was about 40 KB of answers per example dashboard promoted to the old
 * generation, and young collections four times as long (bench/history/3-dashboard-cpu.md, "The request body
 * limit, and answers kept alive by a long-lived Map"). A fresh Map's tables are young, and die young.
 */
const REMOVALS_PER_MAP = 256;

export class InFlightCalls {
  private calls = new Map<string, Promise<unknown>>();
  private removals = 0;

  /** Whether a call under `key` is in flight (a caller sharing it now would join it). */
  has(key: string): boolean {
    return this.calls.has(key);
  }

  /** Runs `call` unless an identical one is in flight; says whether the answer was another caller's. */
  async share<T>(key: string, call: () => Promise<T>): Promise<{ value: T; shared: boolean }> {
    const pending = this.calls.get(key);
    // The map holds, for a key, the promise of the same request's answer, whose type is the caller's.
    if (pending) return { value: (await pending) as T, shared: true };
    const own = call();
    this.calls.set(key, own);
    try {
      return { value: await own, shared: false };
    } finally {
      // Only this call's own entry: after `forget`, the key may already name a newer call.
      if (this.calls.get(key) === own) this.remove(key);
    }
  }

  /**
   * After a write: calls in flight whose key starts with `prefix` still answer those already waiting, but a
   * new caller starts a fresh call instead of sharing an answer that may predate the write.
   */
  forget(prefix: string): void {
    // Keys first: a removal may move the calls to a fresh Map.
    for (const key of [...this.calls.keys()]) if (key.startsWith(prefix)) this.remove(key);
  }

  private remove(key: string): void {
    this.calls.delete(key);
    if (this.calls.size === 0) {
      this.calls = new Map();
      this.removals = 0;
    } else if (++this.removals >= REMOVALS_PER_MAP) {
      this.calls = new Map(this.calls);
      this.removals = 0;
    }
  }
}
