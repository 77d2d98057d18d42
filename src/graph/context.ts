/**
 * What every resolver receives: loaders over an Atlas client bound to this operation's session
 * (credential, deadline, call budget, call statistics). The transport itself (connections, coalescing,
 * cache, retry budget) is shared by the process.
 */
import { AtlasClient } from '../atlas/client.js';
import { openSession, type AtlasCallStats, type SessionOptions } from '../atlas/session.js';
import type { AtlasTransport } from '../atlas/transport.js';
import { createLoaders, type Loaders } from '../loaders/index.js';

export interface GraphQLContext {
  loaders: Loaders;
  /** Atlas calls made for this operation so far. */
  atlasCalls: AtlasCallStats;
  /** True when the response should report `atlasCalls` under `extensions`. */
  reportAtlasCalls: boolean;
}

export function createContext(
  transport: AtlasTransport,
  session: SessionOptions,
  reportAtlasCalls: boolean,
): GraphQLContext {
  const opened = openSession(transport, session);
  return {
    loaders: createLoaders(new AtlasClient(opened), opened.stats),
    atlasCalls: opened.stats,
    reportAtlasCalls,
  };
}
