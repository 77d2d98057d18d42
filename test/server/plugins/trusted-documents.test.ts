/**
 * Trusted documents over HTTP, configured from the environment as `npm start` is: manifests in Apollo's
 * format and as plain id maps, documents named by each client's parameter, and everything else refused
 * with its own code before parsing, at no Atlas cost. test/clients/trusted-documents.test.ts runs the real
 * clients and their manifest tools against the same mode.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { loadTrustedDocuments, ManifestError } from '../../../src/server/plugins/trusted-documents.js';
import { DEMO } from '../../../src/simulator/index.js';
import { startStack, type TestStack } from '../../../support/stack.js';
import { labelValues } from '../../helpers/prometheus.js';

const payments = DEMO.projects.payments.id;
const projectName = `query ProjectName($id: ObjectId!) { project(id: $id) { name } }`;
const projectCount = `query ProjectCount { projects { totalCount } }`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let dir: string;
let apolloManifest: string;
let mapManifest: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'trusted-'));
  apolloManifest = join(dir, 'apollo.json');
  writeFileSync(
    apolloManifest,
    JSON.stringify({
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [{ id: sha256(projectName), name: 'ProjectName', type: 'query', body: projectName }],
    }),
  );
  mapManifest = join(dir, 'map.json');
  writeFileSync(mapManifest, JSON.stringify({ 'relay-style-id-1': projectCount }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('manifests', () => {
  it("reads Apollo's manifest and id maps, and collects the operation names", () => {
    const trusted = loadTrustedDocuments([apolloManifest, mapManifest]);
    expect([...trusted.documents.keys()]).toEqual([sha256(projectName), 'relay-style-id-1']);
    expect(trusted.operationNames).toEqual(['ProjectName', 'ProjectCount']);
    expect(trusted.allowArbitrary).toBe(false);
  });

  it('refuses what is not a manifest, naming the file but never its content', () => {
    const write = (name: string, content: string) => {
      const file = join(dir, name);
      writeFileSync(file, content);
      return file;
    };
    const cases: [string, RegExp][] = [
      [write('broken.json', '{ "a": '), /broken\.json cannot be read as JSON/],
      [write('list.json', '["x"]'), /expected a map of document ids/],
      [
        write('bad-graphql.json', '{ "id1": "query { secret-looking-text" }'),
        /bad-graphql\.json: the document of id id1 is not valid GraphQL/,
      ],
      [write('conflict.json', JSON.stringify({ 'relay-style-id-1': projectName })), /two different documents/],
      [
        write('v2.json', '{ "format": "apollo-persisted-query-manifest", "version": 2, "operations": [] }'),
        /version 1/,
      ],
    ];
    for (const [file, message] of cases) {
      expect(() => loadTrustedDocuments([mapManifest, file])).toThrow(message);
      expect(() => loadTrustedDocuments([mapManifest, file])).toThrow(ManifestError);
      expect(() => loadTrustedDocuments([mapManifest, file])).not.toThrow(/secret-looking-text/);
    }
    expect(() => loadTrustedDocuments([join(dir, 'missing.json')])).toThrow(/missing\.json cannot be read/);
    expect(() => loadConfig({ TRUSTED_DOCUMENTS: join(dir, 'missing.json') })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUSTED_DOCUMENTS: join(dir, 'missing.json') })).toThrow(/^TRUSTED_DOCUMENTS: /);
  });
});

async function post(stack: TestStack, body: unknown) {
  const response = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    ...((await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] }),
  };
}

describe('enforced (TRUSTED_DOCUMENTS)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env: { TRUSTED_DOCUMENTS: `${apolloManifest},${mapManifest}`, METRICS: 'true' } });
  });
  afterAll(() => stack?.close());

  const expected = { data: { project: { name: DEMO.projects.payments.name } } };

  it.each([
    [
      'extensions.persistedQuery (Apollo, urql)',
      { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(projectName) } } },
    ],
    ['documentId (GraphQL Codegen, GraphQL over HTTP)', { documentId: sha256(projectName) }],
    [
      'documentId with its hash prefix (the persisted documents draft)',
      { documentId: `sha256:${sha256(projectName)}` },
    ],
    ['doc_id (Relay)', { doc_id: sha256(projectName) }],
  ])('runs a document named by %s', async (_, naming) => {
    const answer = await post(stack, { ...naming, variables: { id: payments } });
    expect(answer).toEqual({ status: 200, ...expected });
  });

  it('runs one named in a GET URL', async () => {
    for (const search of [
      `documentId=${sha256(projectName)}`,
      `extensions=${encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha256(projectName) } }))}`,
    ]) {
      const response = await fetch(
        `${stack.url}?${search}&variables=${encodeURIComponent(JSON.stringify({ id: payments }))}`,
      );
      expect(await response.json()).toEqual(expected);
    }
    const count = await fetch(`${stack.url}?doc_id=relay-style-id-1`);
    expect(await count.json()).toEqual({ data: { projects: { totalCount: 3 } } });
  });

  it('refuses query text and unknown ids, each with its code, before any Atlas call', async () => {
    stack.simulator.resetCalls();
    const text = await post(stack, { query: projectName, variables: { id: payments } });
    expect(text.status).toBe(400);
    expect(text.errors?.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_ID_REQUIRED']);
    expect(text.data).toBeUndefined();
    const unknown = await post(stack, { documentId: sha256('query { projects { totalCount } }') });
    expect(unknown.status).toBe(400);
    expect(unknown.errors?.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    const nothing = await post(stack, { variables: {} });
    expect(nothing.errors?.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_ID_REQUIRED']);
    // Introspection is just another untrusted document.
    const introspection = await post(stack, { query: '{ __schema { types { name } } }' });
    expect(introspection.errors?.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_ID_REQUIRED']);
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it("labels metrics with the manifests' operation names only", async () => {
    const text = (await stack.gateway.metrics?.registry.metrics()) ?? '';
    const names = labelValues(text, 'graphql_operations_total', 'operation_name');
    expect(names.every((name) => ['ProjectName', 'ProjectCount', 'other', 'anonymous'].includes(name))).toBe(true);
    expect(names).toContain('ProjectName');
  });
});

describe('allow-arbitrary (a migration step)', () => {
  it('runs query text as well as ids', async () => {
    const stack = await startStack({
      env: { TRUSTED_DOCUMENTS: mapManifest, TRUSTED_DOCUMENTS_MODE: 'allow-arbitrary' },
    });
    try {
      expect((await post(stack, { query: projectName, variables: { id: payments } })).data).toBeDefined();
      expect(await post(stack, { doc_id: 'relay-style-id-1' })).toEqual({
        status: 200,
        data: { projects: { totalCount: 3 } },
      });
      expect((await post(stack, { doc_id: 'unknown' })).errors?.[0]?.extensions?.code).toBe(
        'PERSISTED_QUERY_NOT_IN_LIST',
      );
    } finally {
      await stack.close();
    }
  });
});
