/** What every resolver receives: per-request loaders over the Atlas client. */
import type { AtlasClient } from './atlas/client.js';
import { createLoaders, type Loaders } from './loaders.js';

export interface GraphQLContext {
  loaders: Loaders;
}

export function createContext(client: AtlasClient): GraphQLContext {
  return { loaders: createLoaders(client) };
}
