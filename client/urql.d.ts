// Declarations for ./urql.js (urql Graphcache configuration for the Atlas backup graph).
import type { KeyingConfig, PossibleTypesConfig, ResolverConfig } from '@urql/exchange-graphcache';

/**
 * `keys` (null for every type without `id`: embedded), `resolvers` (`relayPagination()` on every
 * connection field; `Query.node`/`Query.nodes` read from the cache) and `possibleTypes`, for
 * `cacheExchange({ ...urqlCacheConfig() })`. Fresh objects on every call.
 */
export declare function urqlCacheConfig(): {
  keys: KeyingConfig;
  resolvers: ResolverConfig;
  possibleTypes: PossibleTypesConfig;
};
