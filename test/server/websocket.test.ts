/**
 * The WebSocket endpoint's edge: browsers apply no CORS to WebSockets, so the upgrade itself is refused
 * for pages on foreign origins (the rule HTTP requests follow), and answered for the gateway's own host,
 * allowed origins and non-browser clients; and operations over it run through yoga's limits.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/simulator/index.js';
import { startStack, type TestStack } from '../../support/stack.js';
import { handshake, Stream, wsClient } from '../helpers/streams.js';

type Json = Record<string, unknown>;

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ gateway: { corsOrigins: ['https://console.example.com'] } });
});
afterAll(() => stack?.close());

describe('the WebSocket upgrade', () => {
  it('is refused for a page on a foreign origin, and accepted for allowed ones and non-browser clients', async () => {
    expect(await handshake(stack.wsUrl, { origin: 'https://evil.example.net' })).toBe(403);
    expect(await handshake(stack.wsUrl, { origin: 'https://evil.example.net', 'sec-fetch-site': 'cross-site' })).toBe(
      403,
    );
    expect(await handshake(stack.wsUrl, { origin: 'https://console.example.com' })).toBe('open');
    expect(await handshake(stack.wsUrl, { origin: new URL(stack.url).origin })).toBe('open');
    expect(await handshake(stack.wsUrl, {})).toBe('open');
    expect(await handshake(stack.wsUrl.replace('/graphql', '/other'), {})).toBe(404);
  });

  it('runs queries through the same limits as HTTP', async () => {
    const client = wsClient(stack.wsUrl);
    try {
      // Lists of lists of lists at their default `first` (20): refused on cost before any Atlas call.
      stack.simulator.resetCalls();
      const costly = `{ projects { nodes { clusters { nodes { snapshots { nodes { cluster { project { clusters { nodes { name } } } } } } } } } } }`;
      const stream = new Stream(client, { query: costly });
      await stream.ended();
      const errors = stream.results[0]?.errors ?? (stream.failure as { message?: string }[] | undefined) ?? [];
      expect(JSON.stringify(errors)).toContain('COST_LIMIT_EXCEEDED');
      expect(stack.simulator.callCount()).toBe(0);
      const ok = new Stream(client, { query: '{ projects(first: 1) { nodes { name } } }' });
      await ok.ended();
      expect(ok.results[0]?.data).toEqual({ projects: { nodes: [{ name: expect.any(String) }] } });
    } finally {
      await client.dispose();
    }
  });
});

describe('errors over the WebSocket', () => {
  it('carry what they carry over HTTP: the code, never the HTTP status meant for an HTTP answer', async () => {
    const client = wsClient(stack.wsUrl);
    try {
      const cases = [
        // A variable that does not fit: refused by the executor.
        { query: 'query($id: ObjectId!) { project(id: $id) { name } }', variables: { id: 'not-an-id' } },
        // A literal that does not fit: refused by validation.
        { query: '{ project(id: "not-an-id") { name } }' },
        // Not GraphQL at all: refused by the parser.
        { query: '{ project(' },
      ];
      for (const request of cases) {
        const stream = new Stream(client, request);
        await stream.ended();
        const errors = (stream.results[0]?.errors ?? stream.failure) as { extensions?: Record<string, unknown> }[];
        expect(errors.length, request.query).toBeGreaterThan(0);
        for (const error of errors) {
          expect(error.extensions?.['code'], request.query).toEqual(expect.any(String));
          expect(error.extensions, request.query).not.toHaveProperty('http');
        }
      }
    } finally {
      await client.dispose();
    }
  });
});

describe('the WebSocket endpoint, loaded on the first upgrade', () => {
  it('serves upgrades that arrive together while it loads', async () => {
    const fresh = await startStack();
    try {
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => handshake(fresh.wsUrl, {})));
      expect(outcomes).toEqual(['open', 'open', 'open', 'open', 'open']);
    } finally {
      await fresh.close();
    }
  });
});

describe('what holds over HTTP holds over the WebSocket (operations there pass no HTTP request hooks)', () => {
  const documentText = 'query ProjectNames { projects(first: 1) { nodes { name } } }';
  const documentId = createHash('sha256').update(documentText).digest('hex');
  let dir: string;
  let guarded: TestStack;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-trusted-'));
    const manifest = join(dir, 'persisted-documents.json');
    writeFileSync(manifest, JSON.stringify({ [documentId]: documentText }));
    guarded = await startStack({ env: { NODE_ENV: 'production', TRUSTED_DOCUMENTS: manifest } });
  });
  afterAll(async () => {
    await guarded?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What one operation over a fresh socket ends with: its results, or the errors it was refused with. */
  async function overSocket(request: { query: string; extensions?: Record<string, unknown> }) {
    const client = wsClient(guarded.wsUrl);
    try {
      const stream = new Stream(client, request);
      await stream.ended();
      return {
        results: stream.results,
        refused: stream.failure as { message: string; extensions?: Json }[] | undefined,
      };
    } finally {
      await client.dispose();
    }
  }

  it('runs only trusted documents: query text is refused, a document id runs its document', async () => {
    guarded.simulator.resetCalls();
    const text = await overSocket({ query: '{ projects { nodes { name clusters { nodes { name } } } } }' });
    expect(text.results).toEqual([]);
    expect(text.refused?.map((e) => e.extensions?.['code'])).toEqual(['PERSISTED_QUERY_ID_REQUIRED']);
    const unknown = await overSocket({
      query: '',
      extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } },
    });
    expect(unknown.refused?.map((e) => e.extensions?.['code'])).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    expect(guarded.simulator.callCount()).toBe(0);
    const trusted = await overSocket({
      query: '',
      extensions: { persistedQuery: { version: 1, sha256Hash: documentId } },
    });
    expect(trusted.results[0]?.data).toEqual({ projects: { nodes: [{ name: expect.any(String) }] } });
  });

  it('refuses introspection when it is off, as over HTTP', async () => {
    const schemaText = '{ __schema { types { name } } }';
    const introspection = createHash('sha256').update(schemaText).digest('hex');
    // Even a trusted document may not introspect: written to a second stack's manifest.
    const manifest = join(dir, 'introspection.json');
    writeFileSync(manifest, JSON.stringify({ [introspection]: schemaText }));
    const closed = await startStack({ env: { NODE_ENV: 'production', TRUSTED_DOCUMENTS: manifest } });
    try {
      const client = wsClient(closed.wsUrl);
      try {
        const stream = new Stream(client, {
          query: '',
          extensions: { persistedQuery: { version: 1, sha256Hash: introspection } },
        });
        await stream.ended();
        const errors = (stream.failure as { message: string }[] | undefined) ?? stream.results[0]?.errors ?? [];
        expect(stream.results.some((r) => r.data)).toBe(false);
        expect(errors.map((e) => e.message).join(' ')).toContain('introspection has been disabled');
      } finally {
        await client.dispose();
      }
    } finally {
      await closed.close();
    }
  });
});

describe('mutations over the WebSocket', () => {
  it('run as over HTTP, for clients that send every operation over the socket', async () => {
    const writable = await startStack({ gateway: { mutations: true } });
    const client = wsClient(writable.wsUrl);
    try {
      const cluster = DEMO.clusters.paymentsProd;
      const stream = new Stream(client, {
        query: `mutation ($i: TakeSnapshotInput!) { takeSnapshot(input: $i) { errors { code } snapshot { status } } }`,
        variables: { i: { projectId: cluster.groupId, clusterName: cluster.name, description: 'over a socket' } },
      });
      await stream.ended();
      expect(stream.failure).toBeUndefined();
      expect(stream.results[0]?.data).toEqual({ takeSnapshot: { errors: [], snapshot: { status: 'QUEUED' } } });
      expect(writable.simulator.callCount({ operationId: 'takeSnapshots' })).toBe(1);
    } finally {
      await client.dispose();
      await writable.close();
    }
  });
});
