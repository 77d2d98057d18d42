/**
 * What every resolver receives: loaders over an Atlas client bound to this operation's session
 * (credential, deadline, call budget, call statistics). The transport itself (connections, coalescing,
 * cache, retry budget) is shared by the process.
 */
import { AtlasClient } from '../atlas/client.js';
import type { AtlasCredential } from '../atlas/auth/credential.js';
import { openSession, type AtlasCallStats, type SessionOptions } from '../atlas/session.js';
import type { AtlasTransport } from '../atlas/transport.js';
import type { LiveHub } from '../live/hub.js';
import { createLoaders, type Loaders } from '../loaders/index.js';
import { Writer, type WriterOptions } from '../loaders/writes.js';

/** What subscriptions need: the process's pollers, whose credential they poll with, and the connection they count against. */
export interface LiveAccess {
  hub: LiveHub;
  credential: AtlasCredential;
  /** The WebSocket, or the HTTP connection an SSE stream runs on (per-connection limit). */
  connection: object | undefined;
}

export interface GraphQLContext {
  /**
   * This operation's loaders. A subscription swaps them for each event's: the loaders of the poll tick
   * that read it, so what its fields read is shared by every subscriber of that poll.
   */
  loaders: Loaders;
  /** Atlas calls made for this operation so far. */
  atlasCalls: AtlasCallStats;
  /** True when the response should report `atlasCalls` under `extensions`. */
  reportAtlasCalls: boolean;
  /** Absent where the gateway serves no subscriptions (a schema built without a hub). */
  live?: LiveAccess;
  /** This operation's writes (src/loaders/writes.ts); absent where the gateway serves no mutations. */
  writer?: Writer;
  /**
   * The errors its mutations answered as data (the payload's `errors`: input refused, Atlas refusing), so that
   * the operation log can count them and warn of Atlas refusing a role. Present with `writer`.
   */
  writeErrors?: { code: string; atlas?: { operation: string; status: number; errorCode: string } | null }[];
}

/** How the operation's writes remember idempotency keys (WriterOptions less the per-operation deadline). */
export type WriteSettings = Pick<WriterOptions, 'idempotency'>;

export function createContext(
  transport: AtlasTransport,
  session: SessionOptions,
  reportAtlasCalls: boolean,
  live?: LiveAccess,
  writes?: WriteSettings,
): GraphQLContext {
  const opened = openSession(transport, session);
  const client = new AtlasClient(opened);
  const loaders = createLoaders(client, opened.stats);
  return {
    loaders,
    atlasCalls: opened.stats,
    reportAtlasCalls,
    ...(live ? { live } : {}),
    ...(writes
      ? {
          writer: new Writer(client, loaders, { ...writes, deadline: opened.deadline, counter: opened.stats }),
          writeErrors: [],
        }
      : {}),
  };
}
