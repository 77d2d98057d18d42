// @ts-check
/**
 * Apollo Client InMemoryCache configuration for the Atlas backup graph (written for Apollo Client 4; it
 * imports nothing from Apollo, so it also fits 3.x):
 *
 *   new InMemoryCache(apolloCacheConfig())
 *
 * - every `Node` type is normalized by `id` (ids are global, opaque and stable);
 * - every type without `id` (PageInfo, edges, connections, ExportStatus, CheckpointPart...) is a value
 *   with no identity of its own: stored inside the object that holds it, merged field by field;
 * - every connection field pages Relay-style and merges BOTH `edges` and `nodes`;
 * - `Query.node(id:)` and `Query.nodes(ids:)` are answered from the cache when the objects are there.
 *
 * Facts about the schema (which types are which, every connection field and its key arguments) come
 * from ./cache-facts.js, generated from the schema by `npm run codegen`.
 */
import { connectionFields, entityTypes, possibleTypes, valueTypes } from './cache-facts.js';

/** Bookkeeping stored beside `edges`/`nodes`: the cursor of each item, where known (`__` names cannot be fields). */
const CURSORS = '__cursors';

/**
 * A Relay cursor-connection field policy that merges both `edges` and `nodes`.
 *
 * Apollo's own `relayStylePagination` merges `edges` only: every other field of the connection, `nodes`
 * included, is an "extra" that the incoming page replaces (`...getExtras(existing), ...getExtras(incoming)`
 * in @apollo/client/utilities/policies/pagination.js), so a query that selects `nodes` keeps only the
 * last page it fetched.
 *
 * Here a page fetched with `after` is spliced in after the item whose cursor is `after` (the end of the
 * list when that cursor is unknown), in `edges` and in `nodes` alike; a page fetched without `after`
 * replaces the list. A list the incoming page did not select is kept as it was. Cursors are compared,
 * never decoded: they are opaque to the client. Forward paging only, like the graph (`first`/`after`).
 *
 * @param {false | readonly string[]} [keyArgs] arguments that select a different list (never `first`/`after`)
 * @returns {import('@apollo/client/cache').FieldPolicy<StoredConnection, Connection, Connection>}
 */
export function connectionPagination(keyArgs = false) {
  return {
    keyArgs: keyArgs === false ? false : [...keyArgs],
    read(existing, { canRead, readField }) {
      if (!existing) return existing;
      const { [CURSORS]: _cursors, ...connection } = existing;
      // An edge whose node was evicted would make the whole query incomplete; drop it, as Apollo does
      // for dangling references in lists (which already covers `nodes`).
      if (connection.edges) {
        connection.edges = connection.edges.filter((edge) => {
          const node = readField('node', edge);
          return node === undefined || canRead(node);
        });
      }
      return connection;
    },
    merge(existing, incoming, { args, readField }) {
      const after = typeof args?.after === 'string' ? args.after : null;
      const appending = after !== null && existing !== undefined;
      const { edges, nodes, pageInfo, [CURSORS]: _incomingCursors, ...extras } = incoming;
      // What the incoming page did not select stays as it was (as Apollo merges any object's fields).
      const { [CURSORS]: existingCursors, ...kept } = existing ?? {};
      /** @type {StoredConnection} */
      const merged = { ...kept, ...extras };
      /** @type {NonNullable<StoredConnection['__cursors']>} */
      const cursors = { ...existingCursors };

      const boundary = (/** @type {'startCursor' | 'endCursor'} */ name) => asCursor(pageInfo?.[name]);
      /** Known cursors of an incoming list: its own where given, else the page's start and end cursors. */
      const cursorsOf = (/** @type {readonly unknown[]} */ items, /** @type {(string | null)[]} */ own) =>
        items.map(
          (_, i) =>
            own[i] ?? (i === 0 ? boundary('startCursor') : i === items.length - 1 ? boundary('endCursor') : null),
        );
      const edgeCursors = edges ? edges.map((edge) => asCursor(readField('cursor', edge))) : [];
      if (edges) splice('edges', edges, cursorsOf(edges, edgeCursors));
      // Per the Relay spec nodes[i] is edges[i].node, so a page that selects both lends its edge cursors to nodes.
      if (nodes) splice('nodes', nodes, cursorsOf(nodes, edges?.length === nodes.length ? edgeCursors : []));
      merged[CURSORS] = cursors;

      if (pageInfo) {
        // Appending, the list still starts where it started and now ends where the incoming page ends.
        const start = appending && kept.pageInfo ? pick(kept.pageInfo, ['startCursor', 'hasPreviousPage']) : {};
        merged.pageInfo = { ...pageInfo, ...start };
      }
      return merged;

      /**
       * @param {'edges' | 'nodes'} list
       * @param {readonly Item[]} items
       * @param {(string | null)[]} itemCursors
       */
      function splice(list, items, itemCursors) {
        const before = appending ? kept[list] : undefined;
        if (!before) {
          merged[list] = [...items];
          cursors[list] = itemCursors;
          return;
        }
        const beforeCursors = cursors[list] ?? [];
        const at = after === null ? -1 : beforeCursors.lastIndexOf(after);
        const length = at >= 0 ? at + 1 : before.length;
        merged[list] = [...before.slice(0, length), ...items];
        cursors[list] = [...beforeCursors.slice(0, length), ...itemCursors];
      }
    },
  };
}

/** @param {unknown} value */
const asCursor = (value) => (typeof value === 'string' ? value : null);

/**
 * @param {object} object
 * @param {string[]} keys
 */
function pick(object, keys) {
  return Object.fromEntries(Object.entries(object).filter(([key]) => keys.includes(key)));
}

/**
 * Reads `Query.node(id:)` from the cache when an object with that id is there (any type: ids are
 * global), so refetching by id costs no request when the cache already holds the fields asked for.
 * @type {import('@apollo/client/cache').FieldPolicy}
 */
const nodeField = {
  read(existing, { args, toReference, canRead }) {
    if (existing !== undefined || typeof args?.id !== 'string') return existing;
    return findEntity(args.id, toReference, canRead);
  },
};

/** @type {import('@apollo/client/cache').FieldPolicy} */
const nodesField = {
  read(existing, { args, toReference, canRead }) {
    if (existing !== undefined || !Array.isArray(args?.ids)) return existing;
    const refs = args.ids.map((/** @type {unknown} */ id) =>
      typeof id === 'string' ? findEntity(id, toReference, canRead) : undefined,
    );
    // Any id not in the cache: the whole field is missing, and the query goes to the network.
    return refs.every((ref) => ref !== undefined) ? refs : undefined;
  },
};

/**
 * @param {string} id
 * @param {import('@apollo/client/cache').FieldFunctionOptions['toReference']} toReference
 * @param {import('@apollo/client/cache').FieldFunctionOptions['canRead']} canRead
 */
function findEntity(id, toReference, canRead) {
  for (const __typename of entityTypes) {
    const ref = toReference({ __typename, id });
    if (ref && canRead(ref)) return ref;
  }
  return undefined;
}

/**
 * Type policies for every type of the graph.
 * @returns {import('@apollo/client/cache').TypePolicies}
 */
export function createTypePolicies() {
  /** @type {import('@apollo/client/cache').TypePolicies} */
  const policies = {};
  for (const type of entityTypes) policies[type] = { keyFields: ['id'] };
  // No identity: stored inside the parent, and a second answer merges into the first instead of
  // replacing it (otherwise Apollo warns "Cache data may be lost when replacing the ... field").
  for (const type of valueTypes) policies[type] = { keyFields: false, merge: true };
  for (const [type, fields] of Object.entries(connectionFields)) {
    const policy = (policies[type] ??= {});
    policy.fields = {
      ...policy.fields,
      ...Object.fromEntries(
        Object.entries(fields).map(([field, keyArgs]) => [
          field,
          connectionPagination(keyArgs.length ? keyArgs : false),
        ]),
      ),
    };
  }
  const query = (policies.Query ??= {});
  query.fields = { ...query.fields, node: nodeField, nodes: nodesField };
  return policies;
}

/**
 * `possibleTypes` and `typePolicies` for `new InMemoryCache({ ...apolloCacheConfig(), ...yourOptions })`.
 * @returns {{ possibleTypes: import('@apollo/client/cache').PossibleTypesMap, typePolicies: import('@apollo/client/cache').TypePolicies }}
 */
export function apolloCacheConfig() {
  return {
    possibleTypes: Object.fromEntries(Object.entries(possibleTypes).map(([type, subtypes]) => [type, [...subtypes]])),
    typePolicies: createTypePolicies(),
  };
}

/**
 * @typedef {import('@apollo/client/cache').StoreObject | import('@apollo/client/cache').Reference} Item
 * @typedef {{ __typename?: string, edges?: readonly Item[], nodes?: readonly Item[], pageInfo?: PageInfo } & Record<string, unknown>} Connection
 * @typedef {{ startCursor?: unknown, endCursor?: unknown, hasPreviousPage?: unknown, hasNextPage?: unknown } & Record<string, unknown>} PageInfo
 * @typedef {Connection & { __cursors?: { edges?: (string | null)[], nodes?: (string | null)[] } }} StoredConnection
 */
