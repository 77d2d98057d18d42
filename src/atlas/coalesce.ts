/**
 * Identical calls in flight at the same time share one: the second caller waits for the first one's
 * answer (or failure) instead of sending its own. Keys hold the credential's cache key, never the
 * secret, so nothing is shared across credentials.
 */
export class InFlightCalls {
  private readonly calls = new Map<string, Promise<unknown>>();

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
      if (this.calls.get(key) === own) this.calls.delete(key);
    }
  }

  /**
   * After a write: calls in flight whose key starts with `prefix` still answer those already waiting, but a
   * new caller starts a fresh call instead of sharing an answer that may predate the write.
   */
  forget(prefix: string): void {
    for (const key of this.calls.keys()) if (key.startsWith(prefix)) this.calls.delete(key);
  }
}
