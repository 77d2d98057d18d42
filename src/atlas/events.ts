/**
 * One stream of what happens between the gateway and Atlas. The transport is its only writer; the
 * sessions' call statistics (the call report), the lifecycle log line, and tomorrow metrics and traces
 * are its readers, so none of them is threaded through the layers as a parameter.
 *
 * `unit` is the unit of work (src/atlas/session.ts) a request was sent for, when there is one. Events
 * carry no credential, header, query string or body.
 */
export type AtlasEvent =
  /** A request left for Atlas (first attempts, retries, re-sends after a 401 alike). */
  | { kind: 'request'; operationId: string; method: string; unit: unknown; retry: boolean; reauthentication: boolean }
  /** Atlas answered a request (any status), or it failed without an answer (`status` undefined). */
  | {
      kind: 'response';
      operationId: string;
      method: string;
      unit: unknown;
      status: number | undefined;
      durationMs: number;
    }
  /** An identical call of another unit of work (in flight, or cached) answered this one: no Atlas cost. */
  | { kind: 'shared'; operationId: string; unit: unknown; from: 'in-flight' | 'cache' }
  /** Atlas reported its rate-limit headroom. */
  | { kind: 'rate-limit'; operationId: string; unit: unknown; limit: number; remaining: number }
  /** Atlas announced the deprecation or sunset of an operation's version (once per operation and version). */
  | { kind: 'lifecycle'; operationId: string; deprecation?: string; sunset?: string };

export type AtlasEventListener = (event: AtlasEvent) => void;

export class AtlasEvents {
  private readonly listeners = new Set<AtlasEventListener>();

  /** Adds a reader; the returned function removes it. */
  subscribe(listener: AtlasEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: AtlasEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
