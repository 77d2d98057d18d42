/**
 * One subscriber's end of a stream. The poller pushes events; the consumer (yoga's SSE response, a
 * graphql-ws socket) pulls them. Written by hand rather than as an async generator: a generator waiting
 * for its next event cannot be returned until that event comes, so a client leaving a quiet stream would
 * hold its poller (and its place under the limits) until the object next changed.
 */
import type { Loaders } from '../loaders/index.js';
import { LiveOverflowError } from './errors.js';

export type LiveEvent<V> =
  /**
   * The object (or the change) as Atlas now has it. `loaders()` are the loaders of the unit of work that
   * read it, shared by every subscriber of the poller, so fields resolved under the event (a restore job's
   * snapshot) cost one call however many subscribers select them.
   */
  | { kind: 'value'; value: V; final: boolean; loaders(): Loaders }
  /** Atlas could not be read (or the stream was ended by the gateway); `final` ends the stream after it. */
  | { kind: 'error'; error: unknown; final: boolean };

/** Events one subscriber may leave unread before its stream is ended (a reader that stopped reading). */
export const MAX_QUEUED_EVENTS = 256;

export class LiveSubscription<V> implements AsyncIterableIterator<LiveEvent<V>> {
  private readonly queue: LiveEvent<V>[] = [];
  private waiting: ((result: IteratorResult<LiveEvent<V>>) => void) | undefined;
  /** No event is accepted any more; what is queued is still delivered. */
  private ending = false;
  private closed = false;

  constructor(private readonly onClose: () => void) {}

  push(event: LiveEvent<V>): void {
    if (this.ending) return;
    if (this.queue.length >= MAX_QUEUED_EVENTS) {
      this.queue.length = 0;
      this.end({ kind: 'error', error: new LiveOverflowError(MAX_QUEUED_EVENTS), final: true });
      return;
    }
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) waiting({ value: event, done: false });
    else this.queue.push(event);
    // After a final event, the consumer's next read is the end of the stream.
    if (event.final) this.ending = true;
  }

  /** Ends the stream once what is queued (and `last`, if given) has been read. */
  end(last?: LiveEvent<V>): void {
    if (this.ending) return;
    if (last) return this.push({ ...last, final: true });
    this.ending = true;
    if (this.waiting) this.finish();
  }

  next(): Promise<IteratorResult<LiveEvent<V>>> {
    const value = this.queue.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.ending) {
      this.finish();
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** The consumer left (client gone, `complete` sent): stop at once, whatever is queued. */
  return(): Promise<IteratorResult<LiveEvent<V>>> {
    this.queue.length = 0;
    this.ending = true;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ value: undefined, done: true });
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}
