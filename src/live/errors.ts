/**
 * Why the live layer refuses or ends a stream. The graph layer gives each its `extensions.code`
 * (src/graph/resolvers/subscriptions.ts); nothing here knows GraphQL.
 */

/** A new subscription would exceed a limit: per connection, or per process. */
export class LiveLimitError extends Error {
  override readonly name = 'LiveLimitError';
  constructor(
    readonly scope: 'connection' | 'process',
    readonly limit: number,
  ) {
    super(`At most ${limit} subscriptions per ${scope}`);
  }
}

/** The gateway is shutting down: streams end with this, and new ones are refused. */
export class LiveShutdownError extends Error {
  override readonly name = 'LiveShutdownError';
  constructor() {
    super('The gateway is shutting down');
  }
}

/** A subscriber did not read its events while more kept coming; its stream was ended. */
export class LiveOverflowError extends Error {
  override readonly name = 'LiveOverflowError';
  constructor(readonly limit: number) {
    super(`More than ${limit} events waited for this subscriber`);
  }
}
