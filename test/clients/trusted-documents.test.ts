/**
 * Trusted documents with the real clients and the manifest tools each one ships with, against a gateway
 * started with TRUSTED_DOCUMENTS (on both edges, as every client test):
 * - Apollo Client: `@apollo/generate-persisted-query-manifest` writes Apollo's manifest from .graphql files;
 *   `PersistedQueryLink` with `generatePersistedQueryIdsFromManifest` sends ids only;
 * - urql: GraphQL Codegen's client preset with `persistedDocuments` writes a hash map and stamps each
 *   document with its hash; `persistedExchange({ enforcePersistedQueries })` sends the hash only;
 * - Relay: relay-compiler's `persistConfig` writes an id map and leaves only ids in the artifacts; the
 *   network layer sends `doc_id`.
 * A client sending query text is refused with PERSISTED_QUERY_ID_REQUIRED.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { generatePersistedQueryManifest } from '@apollo/generate-persisted-query-manifest';
import { generatePersistedQueryIdsFromManifest } from '@apollo/persisted-query-lists';
import { generate } from '@graphql-codegen/cli';
import { Client, fetchExchange } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import { parse, type DocumentNode } from 'graphql';
import {
  Environment,
  fetchQuery,
  Network,
  RecordSource,
  Store,
  type ConcreteRequest,
  type GraphQLResponse,
} from 'relay-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apolloCacheConfig } from '../../client/apollo.js';
import { DEMO } from '../../src/simulator/index.js';
import { startStack, type TestStack } from '../../support/stack.js';
import { edge } from './stack.js';

const root = new URL('../../', import.meta.url);
const clientSchema = fileURLToPath(new URL('client/schema.graphql', root));
const relayCompiler = fileURLToPath(new URL('node_modules/.bin/relay-compiler', root));
const relaySources = fileURLToPath(new URL('./relay/', import.meta.url));
const payments = DEMO.projects.payments.id;

const projectNameSource = /* GraphQL */ `
  query ProjectName($id: ObjectId!) {
    project(id: $id) {
      id
      name
    }
  }
`;
const clustersSource = /* GraphQL */ `
  query ProjectClusters($id: ObjectId!) {
    project(id: $id) {
      id
      clusters(first: 5) {
        nodes {
          id
          name
        }
      }
    }
  }
`;

/** A fetch that keeps what each request sent (method, URL, body). */
function recordingFetch() {
  const requests: { method: string; url: string; body?: string }[] = [];
  const record: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const body = typeof init?.body === 'string' ? init.body : undefined;
    requests.push({ method: init?.method ?? 'GET', url, body });
    return fetch(input, init);
  };
  return { fetch: record, requests };
}

let dir: string;
let stack: TestStack;
const manifests: Record<'apollo' | 'codegen' | 'relay', string> = { apollo: '', codegen: '', relay: '' };

function run(file: string, args: string[], cwd: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, timeout: 60_000 }, (error, _stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr }),
    );
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'atlas-trusted-clients-'));

  // Apollo: the manifest tool reads the app's documents.
  mkdirSync(join(dir, 'apollo'));
  writeFileSync(join(dir, 'apollo', 'ProjectName.graphql'), projectNameSource);
  writeFileSync(join(dir, 'apollo', 'ProjectClusters.graphql'), clustersSource);
  const apolloManifest = await generatePersistedQueryManifest(
    { documents: [join(dir, 'apollo', '*.graphql')] },
    undefined,
  );
  manifests.apollo = join(dir, 'apollo-manifest.json');
  writeFileSync(manifests.apollo, JSON.stringify(apolloManifest));

  // urql: GraphQL Codegen's client preset, with persisted documents.
  mkdirSync(join(dir, 'urql'));
  writeFileSync(
    join(dir, 'urql', 'documents.ts'),
    `import { graphql } from './gql';\n` +
      `export const projectName = graphql(\`${projectNameSource}\`);\n` +
      `export const projectClusters = graphql(\`${clustersSource}\`);\n`,
  );
  await generate(
    {
      schema: clientSchema,
      documents: [join(dir, 'urql', 'documents.ts')],
      generates: { [`${join(dir, 'urql', 'gql')}/`]: { preset: 'client', presetConfig: { persistedDocuments: true } } },
      silent: true,
    },
    true,
  );
  manifests.codegen = join(dir, 'urql', 'gql', 'persisted-documents.json');

  // Relay: the compiler persists the operations and keeps only their ids.
  cpSync(relaySources, join(dir, 'relay', 'src'), { recursive: true });
  writeFileSync(
    join(dir, 'relay', 'relay.config.json'),
    JSON.stringify({
      src: './src',
      schema: clientSchema,
      language: 'typescript',
      eagerEsModules: true,
      customScalarTypes: { DateTime: 'string', Long: 'number', ObjectId: 'string', ClusterName: 'string' },
      persistConfig: { file: './persisted_queries.json', algorithm: 'SHA256' },
    }),
  );
  // The compiler adds to the file; it must exist.
  writeFileSync(join(dir, 'relay', 'persisted_queries.json'), '{}');
  const compiled = await run(relayCompiler, ['relay.config.json'], join(dir, 'relay'));
  expect(compiled.stderr).toBe('');
  manifests.relay = join(dir, 'relay', 'persisted_queries.json');

  stack = await startStack({
    env: {
      ...(edge === 'production' ? { NODE_ENV: 'production' } : {}),
      TRUSTED_DOCUMENTS: [manifests.apollo, manifests.codegen, manifests.relay].join(','),
    },
  });
}, 120_000);

afterAll(async () => {
  await stack?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the manifests the tools wrote', () => {
  it('are the three formats the gateway reads', () => {
    const apollo = JSON.parse(readFileSync(manifests.apollo, 'utf8')) as {
      format: string;
      operations: { name: string }[];
    };
    expect(apollo.format).toBe('apollo-persisted-query-manifest');
    expect(apollo.operations.map((o) => o.name).sort()).toEqual(['ProjectClusters', 'ProjectName']);
    const codegen = JSON.parse(readFileSync(manifests.codegen, 'utf8')) as Record<string, string>;
    expect(Object.values(codegen).map((body) => /query (\w+)/.exec(body)?.[1])).toEqual([
      'ProjectName',
      'ProjectClusters',
    ]);
    const relay = JSON.parse(readFileSync(manifests.relay, 'utf8')) as Record<string, string>;
    expect(Object.values(relay).some((body) => body.includes('query AppQuery'))).toBe(true);
  });
});

describe('Apollo Client', () => {
  it('sends ids from the manifest and gets the data', async () => {
    const manifest = JSON.parse(readFileSync(manifests.apollo, 'utf8')) as {
      operations: { id: string; name: string }[];
    };
    const counter = recordingFetch();
    const client = new ApolloClient({
      cache: new InMemoryCache(apolloCacheConfig()),
      link: new PersistedQueryLink(generatePersistedQueryIdsFromManifest({ loadManifest: () => manifest })).concat(
        new HttpLink({ uri: stack.url, fetch: counter.fetch }),
      ),
    });
    const result = await client.query<{ project: { name: string } }>({
      query: parse(projectNameSource),
      variables: { id: payments },
    });
    expect(result.data?.project.name).toBe(DEMO.projects.payments.name);
    const clusters = await client.query<{ project: { clusters: { nodes: unknown[] } } }>({
      query: parse(clustersSource),
      variables: { id: payments },
    });
    expect(clusters.data?.project.clusters.nodes.length).toBeGreaterThan(0);
    // Ids only: no request carried the query text.
    expect(counter.requests.length).toBe(2);
    for (const request of counter.requests) expect(request.body ?? '').not.toContain('query ProjectName');
  });

  it('without the persisted query link, is refused with PERSISTED_QUERY_ID_REQUIRED', async () => {
    const client = new ApolloClient({ cache: new InMemoryCache(), link: new HttpLink({ uri: stack.url }) });
    const result = await client.query({
      query: parse(projectNameSource),
      variables: { id: payments },
      errorPolicy: 'all',
    });
    expect(CombinedGraphQLErrors.is(result.error)).toBe(true);
    const errors = CombinedGraphQLErrors.is(result.error) ? result.error.errors : [];
    expect(errors.map((e) => e.extensions?.['code'])).toEqual(['PERSISTED_QUERY_ID_REQUIRED']);
  });
});

describe('urql', () => {
  it('sends the codegen hash stamped on each document, by GET or POST, and gets the data', async () => {
    const documents = (await import(pathToFileURL(join(dir, 'urql', 'documents.ts')).href)) as Record<
      string,
      DocumentNode
    >;
    const hashOf = (document: DocumentNode) => (document as { __meta__?: { hash?: string } }).__meta__?.hash ?? '';
    for (const preferGetMethod of [true, false]) {
      const counter = recordingFetch();
      const client = new Client({
        url: stack.url,
        preferGetMethod,
        fetch: counter.fetch,
        exchanges: [
          persistedExchange({
            enforcePersistedQueries: true,
            preferGetForPersistedQueries: preferGetMethod,
            generateHash: async (_query, document) => hashOf(document),
          }),
          fetchExchange,
        ],
      });
      const projectName = documents['projectName'];
      if (!projectName) throw new Error('no projectName document');
      const result = await client.query(projectName, { id: payments }).toPromise();
      expect(result.error).toBeUndefined();
      expect((result.data as { project: { name: string } }).project.name).toBe(DEMO.projects.payments.name);
      expect(counter.requests).toHaveLength(1);
      const [sent] = counter.requests;
      expect(sent?.method).toBe(preferGetMethod ? 'GET' : 'POST');
      const request = `${decodeURIComponent(sent?.url ?? '')} ${sent?.body ?? ''}`;
      expect(request).toContain(hashOf(projectName));
      expect(request).not.toContain('ProjectName(');
    }
  });
});

describe('Relay', () => {
  it('sends doc_id from the compiled artifact and gets the data', async () => {
    const module = (await import(
      pathToFileURL(join(dir, 'relay', 'src', '__generated__', 'AppQuery.graphql.ts')).href
    )) as {
      default: ConcreteRequest;
    };
    const app = module.default;
    expect(app.params.id).toMatch(/^[0-9a-f]{64}$/);
    expect(app.params.text).toBeNull();
    const sent: string[] = [];
    const network = Network.create(async (params, variables) => {
      const body = JSON.stringify({ doc_id: params.id, variables });
      sent.push(body);
      const response = await fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      return (await response.json()) as GraphQLResponse;
    });
    const environment = new Environment({ network, store: new Store(new RecordSource()) });
    const data = (await fetchQuery(environment, app, {}).toPromise()) as { projects: { totalCount: number } };
    expect(data.projects.totalCount).toBe(3);
    expect(sent).toHaveLength(1);
  });
});
