/**
 * Trusted documents: in production the gateway runs only the operations its frontends ship, listed in
 * manifests built with the frontends, and refuses any other text before parsing it. A caller then cannot
 * write the expensive or probing query the limits would otherwise have to catch, and the metrics' operation
 * names are exactly the manifests' (bounded by them).
 *
 * A manifest is JSON in one of the formats the clients' own tools write:
 * - Apollo's persisted query manifest (`@apollo/generate-persisted-query-manifest`):
 *   `{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ "id", "name", "type", "body" }] }`;
 * - a plain map of id to document text: relay-compiler's `persistConfig` output, GraphQL Codegen's
 *   `persisted-documents.json` (client preset), or any hash map written by hand.
 *
 * A request names its document by id, the way each client sends it: `extensions.persistedQuery.sha256Hash`
 * (Apollo Client's persisted query link, urql's persistedExchange), `documentId` (GraphQL Codegen, the
 * GraphQL-over-HTTP persisted documents draft), or `doc_id` (Relay), in the body or, for GET, the URL.
 * Unknown ids answer `PERSISTED_QUERY_NOT_IN_LIST`; query text, or no id, `PERSISTED_QUERY_ID_REQUIRED`
 * (the codes Apollo Router uses); both HTTP 400, nothing parsed, no Atlas call.
 */
import { readFileSync } from 'node:fs';
import { isRecord } from './results.js';
import { optionalPart } from '../optional-parts.js';
import { Kind, parse } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';

export interface TrustedDocuments {
  /** Document text by id. */
  readonly documents: ReadonlyMap<string, string>;
  /** Names of the manifests' operations (the metrics' label allow-list). */
  readonly operationNames: readonly string[];
  /** Also run query text sent in full (a migration step; not a protection). */
  readonly allowArbitrary: boolean;
}

/** Request parameters, besides the standard four, that carry a document id. */
export const documentIdParams = ['documentId', 'doc_id'];

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

/** Reads and checks manifests (each document must parse); errors name the file, never its content. */
export function loadTrustedDocuments(files: readonly string[], allowArbitrary = false): TrustedDocuments {
  const documents = new Map<string, string>();
  // The file each document came from, so that a document that does not parse is named with its file.
  const fileOf = new Map<string, string>();
  for (const file of files) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      throw new ManifestError(`${file} cannot be read as JSON`);
    }
    for (const [id, body] of manifestEntries(json, file)) {
      const known = documents.get(id);
      if (known !== undefined && known !== body)
        throw new ManifestError(`${file}: id ${id.slice(0, 80)} has two different documents`);
      documents.set(id, body);
      fileOf.set(id, file);
    }
  }
  const operationNames = new Set<string>();
  for (const [id, body] of documents) {
    let document;
    try {
      document = parse(body);
    } catch {
      throw new ManifestError(`${fileOf.get(id) ?? ''}: the document of id ${id.slice(0, 80)} is not valid GraphQL`);
    }
    for (const definition of document.definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) operationNames.add(definition.name.value);
    }
  }
  return { documents, operationNames: [...operationNames], allowArbitrary };
}

function manifestEntries(json: unknown, file: string): [string, string][] {
  if (!isRecord(json) || Array.isArray(json)) {
    throw new ManifestError(`${file}: expected a map of document ids to document text, or Apollo's manifest`);
  }
  if (json['format'] === 'apollo-persisted-query-manifest') {
    if (json['version'] !== 1 || !Array.isArray(json['operations'])) {
      throw new ManifestError(`${file}: only version 1 of Apollo's persisted query manifest is understood`);
    }
    return (json['operations'] as unknown[]).map((operation) => {
      if (!isRecord(operation) || !validId(operation['id']) || typeof operation['body'] !== 'string') {
        throw new ManifestError(`${file}: an operation without a string id and body`);
      }
      return [operation['id'], operation['body']];
    });
  }
  return Object.entries(json).map(([id, body]) => {
    if (!validId(id) || typeof body !== 'string') {
      throw new ManifestError(`${file}: expected a map of document ids to document text`);
    }
    return [id, body];
  });
}

const validId = (id: unknown): id is string => typeof id === 'string' && /^[\w:.+/=-]{1,200}$/.test(id);

/** The document id a request names, wherever its client put it. */
export function documentIdOf(params: GraphQLParams, request: Request): string | null {
  const persisted = isRecord(params.extensions) ? params.extensions['persistedQuery'] : undefined;
  if (isRecord(persisted) && typeof persisted['sha256Hash'] === 'string') return persisted['sha256Hash'];
  const extra = params as Record<string, unknown>;
  for (const name of documentIdParams) if (typeof extra[name] === 'string') return extra[name];
  if (request.method === 'GET') {
    const search = new URL(request.url).searchParams;
    for (const name of documentIdParams) {
      const id = search.get(name);
      if (id) return id;
    }
  }
  return null;
}

/**
 * A SHA-256 id in the other form: the persisted documents draft prefixes it (`sha256:<hex>`), Apollo's
 * manifests and GraphQL Codegen's do not. Either form finds a document listed in the other.
 */
function otherHashForm(id: string): string {
  const prefixed = /^sha256:([0-9a-f]{64})$/i.exec(id);
  if (prefixed) return prefixed[1]!.toLowerCase();
  return /^[0-9a-f]{64}$/i.test(id) ? `sha256:${id.toLowerCase()}` : id;
}

const idRequired = {
  message:
    'This gateway runs only its trusted documents: send the document id (extensions.persistedQuery.sha256Hash, ' +
    'documentId or doc_id) instead of the query text',
  extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED', http: { status: 400 } },
};
// Not Apollo's `PersistedQueryNotFound`, on purpose: that message makes Apollo's link re-send the whole query
// text, which would only be refused in turn.
const notFound = {
  message: "Unknown document id: it is not in this gateway's trusted documents",
  extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST', http: { status: 400 } },
};

const trustedDocument = (trusted: TrustedDocuments, id: string) =>
  trusted.documents.get(id) ?? trusted.documents.get(otherHashForm(id)) ?? null;

export function useTrustedDocuments(trusted: TrustedDocuments): Plugin {
  return optionalPart('persistedOperations').usePersistedOperations({
    getPersistedOperation: (id) => trustedDocument(trusted, id),
    allowArbitraryOperations: trusted.allowArbitrary,
    extractPersistedOperationId: documentIdOf,
    customErrors: { notFound, persistedQueryOnly: idRequired, keyNotFound: idRequired },
  }) as Plugin;
}

/**
 * The text an operation sent over the WebSocket may run, by the rules the plugin above holds HTTP requests
 * to (yoga's params hook, where it runs, sees HTTP requests only): a trusted document named by its id, or
 * query text only where arbitrary documents are allowed. Otherwise the refusal, as HTTP answers it.
 */
export function trustedOperationText(
  trusted: TrustedDocuments,
  params: { query?: string; extensions?: Record<string, unknown> | null },
  request: Request,
): { query: string } | { refused: { message: string; extensions: Record<string, unknown> } } {
  const id = documentIdOf(params as GraphQLParams, request);
  if (id !== null) {
    const query = trustedDocument(trusted, id);
    return query === null ? { refused: notFound } : { query };
  }
  return trusted.allowArbitrary && params.query ? { query: params.query } : { refused: idRequired };
}
