/** What plugins need to tell a streamed result (`@defer`, `@stream`, subscriptions) from a single one. */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
