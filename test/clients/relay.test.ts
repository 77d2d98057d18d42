/**
 * Relay against the client SDL: the real relay-compiler compiles the Relay-style sources in
 * test/clients/relay/ (a root query of component fragments, a @refetchable fragment, a @connection)
 * against client/schema.graphql, and relay-runtime runs the compiled operations against the gateway.
 * The same compiler crashes on the federation subgraph SDL: why client/schema.graphql exists.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  Environment,
  fetchQuery,
  getSingularSelector,
  Network,
  RecordSource,
  Store,
  type ConcreteRequest,
  type GraphQLResponse,
  type OperationType,
  type ReaderFragment,
} from 'relay-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/simulator/index.js';
import type { TestStack } from '../../support/stack.js';
import { startClientStack } from './stack.js';
import { dashboardSource } from './documents.js';

const root = new URL('../../', import.meta.url);
const relayCompiler = fileURLToPath(new URL('node_modules/.bin/relay-compiler', root));
const clientSchema = fileURLToPath(new URL('client/schema.graphql', root));
const subgraphSchema = fileURLToPath(new URL('federation/atlas-backup.subgraph.graphql', root));
const sources = fileURLToPath(new URL('./relay/', import.meta.url));

let stack: TestStack;
let workDir: string;

beforeAll(async () => {
  stack = await startClientStack();
  workDir = mkdtempSync(join(tmpdir(), 'atlas-relay-'));
  cpSync(sources, join(workDir, 'src'), { recursive: true });
});
afterAll(async () => {
  await stack?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** relay.config.json for the copied sources: TypeScript artifacts, ES modules, the graph's scalars. */
function relayConfig(schema: string) {
  return {
    src: './src',
    schema,
    language: 'typescript',
    eagerEsModules: true,
    customScalarTypes: { DateTime: 'string', Long: 'number', ObjectId: 'string', ClusterName: 'string' },
  };
}

/** Runs the relay-compiler binary in the work directory; resolves with its exit code and output. */
function compile(configFile: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      relayCompiler,
      [configFile],
      { cwd: workDir, env: { ...process.env, RUST_BACKTRACE: '0' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A compiled artifact's default export (the compiled tagged template). */
async function artifact(name: string): Promise<unknown> {
  const module: unknown = await import(pathToFileURL(join(workDir, 'src', '__generated__', `${name}.graphql.ts`)).href);
  return module !== null && typeof module === 'object' && 'default' in module ? module.default : undefined;
}

async function request(name: string): Promise<ConcreteRequest> {
  const node = await artifact(name);
  if (!isKind<ConcreteRequest>(node, 'Request')) throw new Error(`${name} is not a compiled request`);
  return node;
}

async function fragment(name: string): Promise<ReaderFragment> {
  const node = await artifact(name);
  if (!isKind<ReaderFragment>(node, 'Fragment')) throw new Error(`${name} is not a compiled fragment`);
  return node;
}

function isKind<T>(node: unknown, kind: string): node is T {
  return node !== null && typeof node === 'object' && 'kind' in node && node.kind === kind;
}

/** A fragment reference, as Relay hands it to a component: opaque here; read through the store. */
type Ref = Record<string, unknown>;

interface AppQuery extends OperationType {
  variables: Record<string, never>;
  response: { projects: { totalCount: number | null; nodes: (Ref & { id: string })[] } | null };
}
interface ClusterRowPaginationQuery extends OperationType {
  variables: { id: string; count?: number; cursor?: string | null };
  response: { node: Ref | null };
}
interface ProjectCardRefetchQuery extends OperationType {
  variables: { id: string };
  response: { node: Ref | null };
}
interface ProjectCardData {
  name: string;
  clusters: { nodes: (Ref & { id: string })[] } | null;
}
interface ClusterRowData {
  name: string;
  stateName: string | null;
  restoreJobs: {
    totalCount: number | null;
    edges: { node: { id: string } }[];
    pageInfo?: { endCursor: string | null; hasNextPage: boolean };
  } | null;
  exports: { nodes: (Ref & { id: string })[] } | null;
}

describe('Relay', () => {
  const responses: { operation: string; status: number; body: GraphQLResponse }[] = [];

  function relayEnvironment() {
    const network = Network.create(async (params, variables) => {
      const response = await fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: params.text, variables, operationName: params.name }),
      });
      const body = (await response.json()) as GraphQLResponse;
      responses.push({ operation: params.name, status: response.status, body });
      return body;
    });
    return new Environment({ network, store: new Store(new RecordSource()) });
  }

  it('relay-compiler crashes on the federation subgraph SDL (`extend schema @link`)', async () => {
    writeFileSync(join(workDir, 'relay.subgraph.json'), JSON.stringify(relayConfig(subgraphSchema)));
    const result = await compile('relay.subgraph.json');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('SchemaExtension not implemented: extend schema @link');
  });

  it('compiles the Relay sources against client/schema.graphql', async () => {
    writeFileSync(join(workDir, 'relay.config.json'), JSON.stringify(relayConfig(clientSchema)));
    const result = await compile('relay.config.json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readdirSync(join(workDir, 'src', '__generated__')).sort()).toEqual([
      'AppQuery.graphql.ts',
      'ClusterRowPaginationQuery.graphql.ts',
      'ClusterRow_cluster.graphql.ts',
      'ExportRow_export.graphql.ts',
      'ProjectCardRefetchQuery.graphql.ts',
      'ProjectCard_project.graphql.ts',
      'RestoreJobRow_job.graphql.ts',
    ]);
    // Three operations (the root query and the two Relay generated), five fragments plus the two
    // refetch variants' readers.
    expect(result.stdout).toMatch(/compiled documents: 7 reader, 3 normalization, \d+ operation text/);
  });

  it('runs the compiled AppQuery, the generated pagination query and refetch query against the gateway', async () => {
    const [app, pagination, refetch, projectCard, clusterRow] = await Promise.all([
      request('AppQuery'),
      request('ClusterRowPaginationQuery'),
      request('ProjectCardRefetchQuery'),
      fragment('ProjectCard_project'),
      fragment('ClusterRow_cluster'),
    ]);
    const environment = relayEnvironment();
    const read = <T>(node: ReaderFragment, ref: unknown) =>
      environment.lookup(getSingularSelector(node, ref)).data as T | null;

    // The dashboard, as the components would read it from Relay's store, against the plain answer.
    const data = await fetchQuery<AppQuery>(environment, app, {}).toPromise();
    const dashboard = await stack.query<{
      projects: {
        nodes: {
          name: string;
          clusters: {
            nodes: { name: string; restoreJobs: { nodes: { id: string }[] }; exports: { nodes: { id: string }[] } }[];
          };
        }[];
      };
    }>(dashboardSource);
    const expected = dashboard.data?.projects.nodes.flatMap((p) =>
      p.clusters.nodes.map((c) => ({
        project: p.name,
        cluster: c.name,
        restoreJobs: c.restoreJobs.nodes.map((j) => j.id),
        exports: c.exports.nodes.map((e) => e.id),
      })),
    );
    const seen = (data?.projects?.nodes ?? []).flatMap((projectRef) => {
      const project = read<ProjectCardData>(projectCard, projectRef);
      return (project?.clusters?.nodes ?? []).map((clusterRef) => {
        const cluster = read<ClusterRowData>(clusterRow, clusterRef);
        return {
          project: project?.name,
          cluster: cluster?.name,
          restoreJobs: cluster?.restoreJobs?.edges.map((e) => e.node.id),
          exports: cluster?.exports?.nodes.map((e) => e.id),
        };
      });
    });
    expect(seen).toEqual(expected);
    expect(seen.flatMap((c) => c.restoreJobs ?? []).length).toBeGreaterThan(5);

    // The pagination query Relay generated for the @connection: page payments-prod's restore jobs
    // three at a time; Relay's ConnectionHandler appends each page after the cursor it was asked from.
    const clusterRef = (data?.projects?.nodes ?? [])
      .flatMap((p) => read<ProjectCardData>(projectCard, p)?.clusters?.nodes ?? [])
      .find((c) => read<ClusterRowData>(clusterRow, c)?.name === DEMO.clusters.paymentsProd.name);
    if (!clusterRef) throw new Error('payments-prod not on the dashboard');
    const allJobs = seen.find((c) => c.cluster === DEMO.clusters.paymentsProd.name)?.restoreJobs ?? [];
    expect(allJobs.length).toBeGreaterThan(6);
    let cursor: string | null = null;
    let pages = 0;
    let cluster: ClusterRowData | null = null;
    do {
      const page = await fetchQuery<ClusterRowPaginationQuery>(environment, pagination, {
        id: clusterRef.id,
        count: 3,
        cursor,
      }).toPromise();
      pages++;
      cluster = read<ClusterRowData>(clusterRow, page?.node);
      expect(cluster?.name).toBe(DEMO.clusters.paymentsProd.name);
      expect(cluster?.restoreJobs?.edges.map((e) => e.node.id)).toEqual(
        allJobs.slice(0, Math.min(3 * pages, allJobs.length)),
      );
      cursor = cluster?.restoreJobs?.pageInfo?.hasNextPage ? (cluster.restoreJobs.pageInfo.endCursor ?? null) : null;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(Math.ceil(allJobs.length / 3));

    // The refetch query Relay generated for @refetchable: a project by its global id.
    const projectRef = data?.projects?.nodes[0];
    if (!projectRef) throw new Error('no project');
    const refetched = await fetchQuery<ProjectCardRefetchQuery>(environment, refetch, {
      id: projectRef.id,
    }).toPromise();
    expect(read<ProjectCardData>(projectCard, refetched?.node)?.name).toBe(expected?.[0]?.project);

    // Every operation answered 200 without an error (no depth, cost or validation refusal).
    expect(responses.map((r) => r.operation)).toEqual([
      'AppQuery',
      ...Array.from({ length: pages }, () => 'ClusterRowPaginationQuery'),
      'ProjectCardRefetchQuery',
    ]);
    for (const response of responses) {
      expect(response.status, response.operation).toBe(200);
      expect('errors' in response.body ? response.body.errors : undefined, response.operation).toBeUndefined();
    }
  });
});
