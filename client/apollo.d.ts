// Declarations for ./apollo.js (Apollo Client InMemoryCache configuration for the Atlas backup graph).
import type { FieldPolicy, PossibleTypesMap, Reference, StoreObject, TypePolicies } from '@apollo/client/cache';

/** A connection as a page answers it: whichever of `edges`, `nodes`, `pageInfo`, `totalCount` were selected. */
export interface Connection {
  __typename?: string;
  edges?: readonly (StoreObject | Reference)[];
  nodes?: readonly (StoreObject | Reference)[];
  pageInfo?: { startCursor?: unknown; endCursor?: unknown; hasPreviousPage?: unknown; hasNextPage?: unknown } & Record<
    string,
    unknown
  >;
  [field: string]: unknown;
}

/** A connection as the cache stores it: the merged lists, and the known cursor of each item. */
export interface StoredConnection extends Connection {
  __cursors?: { edges?: (string | null)[]; nodes?: (string | null)[] };
}

/**
 * Relay cursor-connection pagination merging both `edges` and `nodes`: a page fetched with `after` is
 * spliced in after the item with that cursor (appended when the cursor is unknown); a page fetched
 * without `after` replaces the list. `keyArgs`: the arguments that select a different list.
 */
export declare function connectionPagination(
  keyArgs?: false | readonly string[],
): FieldPolicy<StoredConnection, Connection, Connection>;

/** Type policies for every type of the graph: entity keys, embedded value types, connection and `node` fields. */
export declare function createTypePolicies(): TypePolicies;

/** `possibleTypes` and `typePolicies` for `new InMemoryCache({ ...apolloCacheConfig() })`; fresh objects on every call. */
export declare function apolloCacheConfig(): { possibleTypes: PossibleTypesMap; typePolicies: TypePolicies };
