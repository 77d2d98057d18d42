/**
 * Supergraph composition of our subgraph with a neighbour a company would have (test/federation/teams-subgraph.ts),
 * through @theguild/federation-composition (what Hive's registry runs; it agrees with Apollo's composition on
 * the traps below). No servers: SDL in, supergraph SDL or errors out.
 */
import { readFileSync } from 'node:fs';
import { compositionHasErrors, type CompositionResult } from '@theguild/federation-composition';
import {
  buildASTSchema,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  type ConstDirectiveNode,
  type GraphQLObjectType,
  type StringValueNode,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeWithNeighbour, servedSdl, teamsWithNodeTypeDefs, teamsWithPageInfoTypeDefs } from './teams-subgraph.js';

let withNode: string;
let withoutNode: string;
beforeAll(async () => {
  [withNode, withoutNode] = await Promise.all([servedSdl(true), servedSdl(false)]);
});

const errorsOf = (result: CompositionResult) =>
  compositionHasErrors(result) ? result.errors.map((e) => ({ code: e.extensions.code, message: e.message })) : [];

/** The public (client-facing) schema of a successful composition. */
function publicSchema(result: CompositionResult) {
  if (compositionHasErrors(result)) throw new Error(`composition failed: ${result.errors[0]?.message}`);
  return buildASTSchema(parse(result.publicSdl));
}

function objectType(schema: ReturnType<typeof publicSchema>, name: string): GraphQLObjectType {
  const type = schema.getType(name);
  if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
  return type;
}

describe('checked-in subgraph SDL', () => {
  it('is what _service.sdl serves (npm run codegen regenerates it)', () => {
    const file = readFileSync(new URL('../../federation/atlas-backup.subgraph.graphql', import.meta.url), 'utf8');
    // The file is a comment banner, a blank line, then the served SDL.
    const body = file.slice(file.indexOf('\n\n') + 2);
    expect(body).toBe(`${withNode}\n`);
  });

  it('declares the entity keys federation/supergraph-howto.md documents', () => {
    const keys: Record<string, string[]> = {};
    for (const definition of parse(withNode).definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
      const fields = (definition.directives ?? [])
        .filter((d: ConstDirectiveNode) => d.name.value === 'key')
        .map((d) => (d.arguments?.find((a) => a.name.value === 'fields')?.value as StringValueNode).value);
      if (fields.length) keys[definition.name.value] = fields;
    }
    expect(keys).toEqual({
      Checkpoint: ['id'],
      CloudBackupRestoreJob: ['id'],
      Cluster: ['id', 'projectId name'],
      Export: ['id'],
      ExportBucket: ['id'],
      FlexCluster: ['id', 'projectId name'],
      FlexRestoreJob: ['id'],
      FlexSnapshot: ['id'],
      LegacyBackupRestoreJob: ['id'],
      Project: ['id', 'atlasId'],
      // Every Deployment has the interface's keys (Federation's entity interfaces require it).
      ServerlessInstance: ['id', 'projectId name'],
      ServerlessSnapshot: ['id'],
      Snapshot: ['id'],
    });
  });
});

describe('composition with a teams subgraph', () => {
  it.each([
    ['on', true],
    ['off', false],
  ])(
    'composes with Query.node %s, and the neighbour reaches our data through its project and cluster stubs',
    (_, on) => {
      const result = composeWithNeighbour(on ? withNode : withoutNode);
      expect(errorsOf(result)).toEqual([]);
      const schema = publicSchema(result);
      const team = objectType(schema, 'Team');
      expect(String(team.getFields().atlasProjects?.type)).toBe('[Project]!');
      expect(String(team.getFields().criticalClusters?.type)).toBe('[Cluster]!');
      // Fields only our subgraph resolves are reachable from the neighbour's stubs.
      expect(Object.keys(objectType(schema, 'Project').getFields())).toEqual(
        expect.arrayContaining(['id', 'atlasId', 'name', 'clusters']),
      );
      expect(Object.keys(objectType(schema, 'Cluster').getFields())).toEqual(
        expect.arrayContaining(['projectId', 'name', 'snapshots', 'restoreJobs']),
      );
      expect(schema.getQueryType()?.getFields().node === undefined).toBe(!on);
      // Federation plumbing stays out of the client-facing schema.
      expect(schema.getQueryType()?.getFields()._entities).toBeUndefined();
    },
  );

  it('fails when the neighbour also owns Query.node and ours is on: the reason GRAPHQL_NODE_FIELD exists', () => {
    const clash = composeWithNeighbour(withNode, teamsWithNodeTypeDefs);
    expect(errorsOf(clash)).toContainEqual({
      code: 'INVALID_FIELD_SHARING',
      message: expect.stringContaining('"Query.node"'),
    });
  });

  it('composes when the neighbour owns Query.node and ours is off; Node stays one interface over both', () => {
    const result = composeWithNeighbour(withoutNode, teamsWithNodeTypeDefs);
    expect(errorsOf(result)).toEqual([]);
    const schema = publicSchema(result);
    const node = schema.getType('Node');
    if (!isInterfaceType(node)) throw new Error('no Node interface');
    const implementations = schema.getPossibleTypes(node).map((t) => t.name);
    expect(implementations).toEqual(expect.arrayContaining(['Team', 'Project', 'Cluster', 'Snapshot']));
    // The neighbour's node(id) now answers for every Node type, ours included: it has to route our ids
    // (for example with @interfaceObject), or clients must refetch our objects another way.
    expect(String(schema.getQueryType()?.getFields().node?.type)).toBe('Node');
  });

  it('composes with a neighbour that defines its own PageInfo as @shareable', () => {
    for (const sdl of [withNode, withoutNode]) {
      expect(errorsOf(composeWithNeighbour(sdl, teamsWithPageInfoTypeDefs(true)))).toEqual([]);
    }
  });

  it('fails with a neighbour PageInfo that is not @shareable (the trap: ours is shareable, theirs must be too)', () => {
    const codes = new Set(
      errorsOf(composeWithNeighbour(withNode, teamsWithPageInfoTypeDefs(false))).map((e) => e.code),
    );
    expect(codes).toEqual(new Set(['INVALID_FIELD_SHARING']));
  });
});
