/**
 * What frontend clients assume of a graph: Relay's object identification and cursor connections,
 * Apollo Client's normalization by `__typename` + `id`, and `@defer` over multipart HTTP.
 */
import {
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  isUnionType,
  Kind,
  parse,
  print,
  validate,
  visit,
  type DocumentNode,
  type GraphQLField,
  type GraphQLObjectType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchema } from '../../src/graph/schema.js';
import { DEMO } from '../../src/simulator/index.js';
import { atlas, startStack, type TestStack } from '../../support/stack.js';
import type { Page } from '../../support/minimum.js';
import { exampleQuery } from '../../src/server/gateway.js';

const schema = createSchema();
const nodeInterface = schema.getType('Node');
if (!isInterfaceType(nodeInterface)) throw new Error('no Node interface');
const nodeTypes = schema.getPossibleTypes(nodeInterface);
const nodeTypeNames = new Set(nodeTypes.map((t) => t.name));
const entityUnion = schema.getType('_Entity');
if (!isUnionType(entityUnion)) throw new Error('no _Entity union');
const entityTypes = entityUnion.getTypes();

const objectTypes = Object.values(schema.getTypeMap()).filter(
  (t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('_'),
);
const connectionTypes = objectTypes.filter((t) => t.name.endsWith('Connection'));

const typeOf = (field: GraphQLField<unknown, unknown> | undefined) => String(field?.type);

describe('Relay conventions in the schema', () => {
  it('gives every Node type (and every entity) `id: ID!`, and makes every Node type an entity keyed by id', () => {
    expect(nodeTypes.length).toBeGreaterThan(5);
    for (const type of new Set([...nodeTypes, ...entityTypes]))
      expect(typeOf(type.getFields().id), type.name).toBe('ID!');
    // Federation can then refetch any object a client holds by the same `id` that Relay refetches by.
    expect(entityTypes.map((t) => t.name).sort()).toEqual([...nodeTypeNames].sort());
    const query = schema.getQueryType()!.getFields();
    expect(typeOf(query.node)).toBe('Node');
    expect(query.node?.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual(['id: ID!']);
    expect(typeOf(query.nodes)).toBe('[Node]!');
  });

  it('shapes every *Connection as edges { node cursor: String! } and pageInfo: PageInfo!', () => {
    expect(connectionTypes.length).toBeGreaterThan(8);
    for (const connection of connectionTypes) {
      const fields = connection.getFields();
      const itemName = connection.name.replace(/Connection$/, '');
      const edges = fields.edges?.type;
      expect(edges && isListType(getNullableType(edges)), `${connection.name}.edges is a list`).toBe(true);
      const edge = getNamedType(edges!);
      expect(edge.name, `${connection.name}.edges`).toBe(`${itemName}Edge`);
      if (!isObjectType(edge)) throw new Error(`${edge.name} is not an object type`);
      const node = edge.getFields().node;
      expect(node && getNamedType(node.type).name, `${edge.name}.node`).toBe(itemName);
      expect(node && isListType(getNullableType(node.type)), `${edge.name}.node is one object`).toBe(false);
      expect(typeOf(edge.getFields().cursor), `${edge.name}.cursor`).toBe('String!');
      expect(typeOf(fields.pageInfo), `${connection.name}.pageInfo`).toBe('PageInfo!');
    }
    const pageInfo = schema.getType('PageInfo');
    if (!isObjectType(pageInfo)) throw new Error('no PageInfo');
    const shape = Object.fromEntries(Object.values(pageInfo.getFields()).map((f) => [f.name, String(f.type)]));
    expect(shape).toEqual({
      hasNextPage: 'Boolean!',
      hasPreviousPage: 'Boolean!',
      startCursor: 'String',
      endCursor: 'String',
    });
  });

  it('takes `first: Int` and `after: String` on every field that returns a connection', () => {
    let seen = 0;
    for (const type of objectTypes) {
      for (const field of Object.values(type.getFields())) {
        if (!getNamedType(field.type).name.endsWith('Connection')) continue;
        seen++;
        const args = Object.fromEntries(field.args.map((a) => [a.name, String(a.type)]));
        expect(args, `${type.name}.${field.name}`).toMatchObject({ first: 'Int', after: 'String' });
      }
    }
    expect(seen).toBeGreaterThan(8);
  });

  it('knows which fields differ in type between Node types (a `node`/`nodes` selection must alias them)', () => {
    // GraphQL rejects `... on Project { name } ... on Cluster { name }` in one selection when the two
    // `name`s differ in type (OverlappingFieldsCanBeMerged), so clients must alias these fields. A
    // ratchet: remove entries as they are aligned; a new difference fails here.
    const types = new Map<string, Set<string>>();
    for (const type of nodeTypes) {
      for (const field of Object.values(type.getFields())) {
        if (!isLeaf(field)) continue;
        types.set(field.name, (types.get(field.name) ?? new Set()).add(String(field.type)));
      }
    }
    const differing = [...types]
      .filter(([, t]) => t.size > 1)
      .map(([name, t]) => `${name}: ${[...t].sort().join(' | ')}`);
    expect(differing.sort()).toEqual([
      'atlasId: ObjectId | ObjectId!',
      'cloudProvider: CloudProvider | CloudProvider!',
      // Flex restore jobs and snapshots keep Atlas's own values (RESTORE, PENDING, RUNNING...).
      'deliveryType: FlexRestoreDeliveryType! | RestoreDeliveryType!',
      'name: ClusterName! | String!',
      'oplogTs: DateTime | Int',
      'state: ExportState | RestoreJobState!',
      'stateName: ClusterState | String',
      'status: FlexRestoreJobStatus | FlexSnapshotStatus | SnapshotStatus',
      'timestamp: BsonTimestamp | DateTime',
    ]);
    const both = parse('{ nodes(ids: []) { ... on Project { name } ... on Cluster { name } } }');
    expect(validate(schema, both).map((e) => e.message)).toEqual([expect.stringContaining('"name" conflict')]);
    const aliased = parse('{ nodes(ids: []) { ... on Project { name } ... on Cluster { clusterName: name } } }');
    expect(validate(schema, aliased)).toEqual([]);
  });
});

/** Scalar and enum fields (including BsonTimestamp-typed ones, whose shape conflicts like a scalar's). */
function isLeaf(field: GraphQLField<unknown, unknown>): boolean {
  const named = getNamedType(field.type);
  return !isObjectType(named) || named.name === 'BsonTimestamp';
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

/** Adds `__typename` to every selection set below the root, as Apollo Client's document transform does. */
function withTypename(document: DocumentNode): DocumentNode {
  return visit(document, {
    SelectionSet(node, _key, parent) {
      if (parent && 'kind' in parent && parent.kind === Kind.OPERATION_DEFINITION) return undefined;
      if (node.selections.some((s) => s.kind === Kind.FIELD && s.name.value === '__typename')) return undefined;
      return {
        ...node,
        selections: [...node.selections, { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }],
      };
    },
  });
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every object in a response below `data`. */
function objectsIn(value: Json, into: Record<string, Json>[] = []): Record<string, Json>[] {
  if (Array.isArray(value)) for (const item of value) objectsIn(item, into);
  else if (value !== null && typeof value === 'object') {
    into.push(value);
    for (const child of Object.values(value)) objectsIn(child, into);
  }
  return into;
}

describe('Apollo Client normalization', () => {
  it('answers the example dashboard with __typename everywhere and an id on every Node object', async () => {
    const dashboard = parse(exampleQuery);
    const { data, errors } = await stack.query<Record<string, Json>>(print(withTypename(dashboard)));
    expect(errors).toBeUndefined();
    const objects = objectsIn(Object.values(data!));
    expect(objects.length).toBeGreaterThan(50);

    // Apollo's cache key is `__typename:id`; an object without one is stored inside its parent.
    const byKey = new Map<string, Record<string, Json>>();
    const typeById = new Map<string, string>();
    for (const object of objects) {
      const typename = object.__typename;
      expect(typeof typename, JSON.stringify(object).slice(0, 120)).toBe('string');
      if (!nodeTypeNames.has(typename as string)) continue;
      expect(typeof object.id, `${String(typename)} without id`).toBe('string');
      const id = object.id as string;
      // Relay ids are global: one id never names two types.
      expect(typeById.get(id) ?? typename, id).toBe(typename);
      typeById.set(id, typename as string);
      // The same object reached by two paths (a project, and the target cluster's project) must agree
      // on every scalar both ask for, or the cache would flip between values.
      const key = `${String(typename)}:${id}`;
      const seen = byKey.get(key) ?? {};
      for (const [field, value] of Object.entries(object)) {
        if (value !== null && typeof value === 'object') continue;
        if (field in seen) expect(value, `${key}.${field}`).toEqual(seen[field]);
        else seen[field] = value;
      }
      byKey.set(key, seen);
    }
    expect(new Set([...byKey.keys()].map((k) => k.split(':')[0]))).toEqual(
      new Set(['Project', 'Cluster', 'CloudBackupRestoreJob', 'Snapshot', 'Export', 'ExportBucket']),
    );

    // Relay's refetch contract: `nodes(ids)` gives back the same objects, in order.
    const ids = [...typeById.keys()];
    for (let start = 0; start < ids.length; start += 100) {
      const chunk = ids.slice(start, start + 100);
      const refetched = await stack.query<{ nodes: ({ __typename: string; id: string } | null)[] }>(
        'query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }',
        { ids: chunk },
      );
      expect(refetched.errors).toBeUndefined();
      expect(refetched.data?.nodes).toEqual(chunk.map((id) => ({ __typename: typeById.get(id), id })));
    }
  });
});

/** The JSON parts of a `multipart/mixed` response, each with the Atlas calls made when it arrived. */
async function readMultipart(response: Response, callsSoFar: () => number) {
  const boundary = /boundary="?([^";]+)"?/.exec(response.headers.get('content-type') ?? '')?.[1];
  if (!boundary || !response.body) throw new Error('not a multipart response');
  const delimiter = `\r\n--${boundary}`;
  const parts: { payload: Record<string, unknown>; callsSoFar: number }[] = [];
  const decoder = new TextDecoder();
  // A leading CRLF lets the first delimiter match like the others.
  let buffer = '\r\n';
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    buffer += decoder.decode(read.value, { stream: true });
    // Everything before the last delimiter is complete parts; the rest may still be arriving.
    const pieces = buffer.split(delimiter);
    buffer = pieces.pop() ?? '';
    for (const piece of pieces) {
      const bodyStart = piece.indexOf('\r\n\r\n');
      if (bodyStart === -1) continue; // the preamble, or the closing `--`
      parts.push({
        payload: JSON.parse(piece.slice(bodyStart + 4)) as Record<string, unknown>,
        callsSoFar: callsSoFar(),
      });
    }
    buffer = delimiter + buffer;
  }
  return parts;
}

describe('@defer over HTTP', () => {
  it('sends the cluster first and its restore jobs in a later part of a multipart response', async () => {
    const cluster = DEMO.clusters.paymentsProd;
    const jobs = await atlas<Page<{ id: string }>>(
      stack.simulator,
      'listBackupRestoreJobs',
      { groupId: cluster.groupId, clusterName: cluster.name },
      { itemsPerPage: 3 },
    );
    stack.simulator.resetCalls();
    // Each Atlas answer takes 200 ms, so the deferred list call is still in flight when the first part
    // arrives: the initial payload did not wait for it.
    stack.simulator.setLatency(200);
    try {
      const response = await fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
        body: JSON.stringify({
          query: `query ($id: ObjectId!, $name: ClusterName!) {
            project(id: $id) {
              cluster(name: $name) {
                name
                ... @defer(label: "jobs") { restoreJobs(first: 3) { nodes { atlasId } } }
              }
            }
          }`,
          variables: { id: cluster.groupId, name: cluster.name },
        }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^multipart\/mixed/);
      const restoreJobCalls = () => stack.simulator.callCount({ operationId: 'listBackupRestoreJobs' });
      const parts = await readMultipart(response, restoreJobCalls);

      const [initial, ...rest] = parts;
      expect(initial?.payload).toEqual({ data: { project: { cluster: { name: cluster.name } } }, hasNext: true });
      expect(initial?.callsSoFar).toBe(0);
      const incremental = rest.flatMap((p) => (p.payload.incremental as unknown[] | undefined) ?? []);
      expect(incremental).toEqual([
        {
          data: { restoreJobs: { nodes: jobs.results.map((j) => ({ atlasId: j.id })) } },
          path: ['project', 'cluster'],
          label: 'jobs',
        },
      ]);
      expect(rest.at(-1)?.payload.hasNext).toBe(false);
      expect(restoreJobCalls()).toBe(1);
    } finally {
      stack.simulator.setLatency(0);
    }
  });
});
