/**
 * Apollo Client's automatic persisted queries (`PersistedQueryLink` with a `sha256` function) send a
 * document's hash alone first, and its text only when the server says it does not know the hash. This gateway
 * keeps no store of hashes (trusted documents, when configured, are the only ids it runs: ./trusted-documents.ts),
 * and yoga answered such a request "Must provide query string.", which the link takes for a plain failure.
 * Answered `PersistedQueryNotSupported` instead, the link sends the text and stops sending hashes.
 */
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { isRecord } from './results.js';

export function useAutomaticPersistedQueriesNotSupported(): Plugin {
  return {
    // Before yoga's own check of the parameters, which would answer "Must provide query string."; a check of
    // the parsed parameters, not a wrapper of the parser around every request.
    onParams({ params }) {
      if (params.query == null && isRecord(params.extensions?.['persistedQuery'])) {
        throw createGraphQLError('PersistedQueryNotSupported', {
          extensions: { http: { status: 400 }, code: 'PERSISTED_QUERY_NOT_SUPPORTED' },
        });
      }
    },
  };
}
