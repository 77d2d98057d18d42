// @ts-check
/**
 * urql Graphcache configuration for the Atlas backup graph (@urql/exchange-graphcache 9):
 *
 *   cacheExchange(urqlCacheConfig())
 *
 * - every `Node` type is keyed by `id`, Graphcache's default (`Type:id`);
 * - every type without `id` (PageInfo, edges, connections, ExportStatus, CheckpointPart...) is a value
 *   with no identity: `keys` returns null, so Graphcache embeds it in its parent without warning;
 * - `possibleTypes` lets fragments on `Node` and `RestoreJob` match exactly instead of heuristically;
 * - every connection field pages with Graphcache's `relayPagination()`, which merges `edges` and `nodes`;
 * - `Query.node(id:)` and `Query.nodes(ids:)` are answered from the cache when the objects are there.
 *
 * Facts about the schema come from ./cache-facts.js, generated from the schema by `npm run codegen`.
 */
import { relayPagination } from '@urql/exchange-graphcache/extras';
import { connectionFields, entityTypes, possibleTypes, valueTypes } from './cache-facts.js';

/** @type {import('@urql/exchange-graphcache').KeyGenerator} */
const embedded = () => null;

/**
 * Finds the cached entity with this global id. Ids are global, so at most one type can hold it; the
 * type name is not in the (opaque) id, hence the lookup over the few entity types.
 * @param {import('@urql/exchange-graphcache').Cache} cache
 * @param {unknown} id
 * @returns {string | undefined} the entity's key, or undefined (a cache miss: the query goes to the network)
 */
function findEntity(cache, id) {
  if (typeof id !== 'string') return undefined;
  for (const __typename of entityTypes) {
    const key = cache.keyOfEntity({ __typename, id });
    if (key && cache.resolve(key, '__typename') === __typename) return key;
  }
  return undefined;
}

/**
 * `Query.node(id:)`: the link an earlier `node` query stored, else the cached object with that id.
 * @type {import('@urql/exchange-graphcache').Resolver}
 */
const node = (_parent, args, cache, info) => {
  const stored = cache.resolve(info.parentKey, info.fieldName, args);
  return stored !== undefined ? stored : findEntity(cache, args['id']);
};

/** @type {import('@urql/exchange-graphcache').Resolver} */
const nodes = (_parent, args, cache, info) => {
  const stored = cache.resolve(info.parentKey, info.fieldName, args);
  if (stored !== undefined) return stored;
  const ids = args['ids'];
  if (!Array.isArray(ids)) return undefined;
  const keys = ids.map((id) => findEntity(cache, id));
  // One id not cached: the whole field is a miss, fetched from the network.
  return keys.every((key) => key !== undefined) ? keys : undefined;
};

/**
 * `keys`, `resolvers` and `possibleTypes` for `cacheExchange({ ...urqlCacheConfig(), ...yourOptions })`;
 * fresh objects on every call.
 * @returns {{
 *   keys: import('@urql/exchange-graphcache').KeyingConfig,
 *   resolvers: import('@urql/exchange-graphcache').ResolverConfig,
 *   possibleTypes: import('@urql/exchange-graphcache').PossibleTypesConfig,
 * }}
 */
export function urqlCacheConfig() {
  /** @type {import('@urql/exchange-graphcache').KeyingConfig} */
  const keys = Object.fromEntries(valueTypes.map((type) => [type, embedded]));
  /** @type {Record<string, Record<string, import('@urql/exchange-graphcache').Resolver>>} */
  const resolvers = {};
  for (const [type, fields] of Object.entries(connectionFields)) {
    // relayPagination merges only the pages whose other arguments (e.g. `batchId`) match the query's.
    resolvers[type] = Object.fromEntries(Object.keys(fields).map((field) => [field, relayPagination()]));
  }
  resolvers['Query'] = { ...resolvers['Query'], node, nodes };
  return {
    keys,
    resolvers,
    possibleTypes: Object.fromEntries(Object.entries(possibleTypes).map(([type, subtypes]) => [type, [...subtypes]])),
  };
}
