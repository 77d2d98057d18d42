/**
 * A subscription (or a `@defer`/`@stream` query) starts before yoga picks how to send it. When the client
 * accepts no streaming media type, yoga answers 406 Not Acceptable and never reads the stream, so its source
 * would run on unread: a subscription's poller calling Atlas, and its place under the subscription limits,
 * held until the process ends (a few thousand plain `fetch`es of a subscription would shut subscriptions off).
 * This ends such a stream as soon as it is clear no one will read it.
 */
import type { Plugin } from 'graphql-yoga';
import { isAsyncIterable } from './results.js';

export function useUnsentStreamRelease(): Plugin {
  return {
    // Yoga's own hook, which picks the result processor from the Accept header, runs before any plugin's: no
    // processor by now means the 406.
    onResultProcess({ result, resultProcessor }) {
      if (resultProcessor || !isAsyncIterable(result)) return;
      void result[Symbol.asyncIterator]().return?.();
    },
  };
}
