import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchema } from '../../src/graph/schema.js';
import { DEMO } from '../../src/simulator/index.js';
import { startStack, type TestStack } from '../../support/stack.js';

const schema = createSchema();
// Every type GraphiQL's docs show, federation machinery included; not graphql's own scalars and introspection.
const shown = Object.values(schema.getTypeMap()).filter(
  (t) => !t.name.startsWith('__') && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(t.name),
);
// Types @apollo/subgraph adds for federation.
const ours = shown.filter((t) => !/^(_|link__|federation__)/.test(t.name));

describe('schema documentation', () => {
  it('describes every type, field, argument, enum value and directive, federation machinery included', () => {
    const missing: string[] = [];
    for (const directive of schema.getDirectives()) if (!directive.description) missing.push(`@${directive.name}`);
    for (const type of shown) {
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) {
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
      }
    }
    expect(ours.length).toBeGreaterThan(40);
    expect(missing).toEqual([]);
  });

  it('deprecates the legacy backup and serverless fields with a reason', () => {
    const cluster = schema.getType('Cluster');
    const project = schema.getType('Project');
    if (!isObjectType(cluster) || !isObjectType(project)) throw new Error('missing types');
    for (const name of ['checkpoints', 'checkpoint', 'legacyRestoreJobs', 'legacyRestoreJob']) {
      expect(cluster.getFields()[name]?.deprecationReason).toMatch(/Legacy Backup/);
    }
    for (const name of ['serverlessInstances', 'serverlessInstance']) {
      expect(project.getFields()[name]?.deprecationReason).toMatch(/serverless/i);
    }
  });

  it('gives every enum an OTHER value so a value Atlas adds later cannot break a query', () => {
    // Decided by the gateway, not sent by Atlas: DeploymentFamily is which endpoints serve a deployment;
    // MutationErrorCode is how the gateway sorts a mutation's failures; BackupActivityKind is what a poll saw change.
    const derived = ['RestoreJobState', 'DeploymentFamily', 'MutationErrorCode', 'BackupActivityKind'];
    const enums = ours.filter(isEnumType).filter((e) => !derived.includes(e.name));
    expect(enums.length).toBeGreaterThan(10);
    for (const e of enums) expect(e.getValue('OTHER'), e.name).toBeDefined();
  });

  it('uses Long for byte sizes and custom scalars for Atlas ids', () => {
    const snapshot = schema.getType('Snapshot');
    if (!isObjectType(snapshot)) throw new Error('missing Snapshot');
    expect(String(snapshot.getFields().storageSizeBytes?.type)).toBe('Long');
    expect(String(snapshot.getFields().atlasId?.type)).toBe('ObjectId!');
    expect(isScalarType(schema.getType('ClusterName'))).toBe(true);
  });
});

describe('schema validity beyond graphql 16', () => {
  it('deprecates no implementation field whose interface field is not deprecated (graphql 17 refuses it; GraphiQL bundles 17)', () => {
    const offending: string[] = [];
    for (const type of ours) {
      if (!isObjectType(type) && !isInterfaceType(type)) continue;
      for (const iface of type.getInterfaces()) {
        for (const [name, field] of Object.entries(iface.getFields())) {
          const own = type.getFields()[name];
          if (own?.deprecationReason && !field.deprecationReason)
            offending.push(`${type.name}.${name} (${iface.name})`);
        }
      }
    }
    expect(offending).toEqual([]);
  });
});

describe('federation representations (_entities), over HTTP', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  const payments = DEMO.projects.payments;
  const entities = (representations: unknown[]) =>
    stack.query<{ _entities: unknown[] }>(
      'query ($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Project { name } } }',
      { r: representations },
    );

  it.each([
    ['a string', 'str', 'Representation 1 is not an object'],
    ['no __typename', { atlasId: payments.id }, 'Representation 1 has no __typename'],
    [
      'a type not of this subgraph',
      { __typename: 'Nope', id: 'x' },
      'Representation 1 names "Nope", no entity type of this subgraph',
    ],
    [
      'no key',
      { __typename: 'Project' },
      'Representation 1 of Project needs one of its keys as non-empty strings: id, or atlasId',
    ],
    [
      'a key that is not a string',
      { __typename: 'Project', id: 7 },
      'Representation 1 of Project needs one of its keys as non-empty strings: id, or atlasId',
    ],
    [
      'half of a compound key',
      { __typename: 'Cluster', projectId: payments.id },
      'Representation 1 of Cluster needs one of its keys as non-empty strings: id, or projectId + name',
    ],
  ])('refuses %s with BAD_USER_INPUT and its index, before any Atlas call', async (_, bad, message) => {
    stack.simulator.resetCalls();
    const { status, data, errors } = await entities([{ __typename: 'Project', atlasId: payments.id }, bad]);
    expect(status).toBe(200);
    expect(data).toBeNull();
    expect(errors?.map((e) => [e.message, e.path, e.extensions])).toEqual([
      [message, ['_entities'], { code: 'BAD_USER_INPUT', argument: 'representations', index: 1 }],
    ]);
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it('resolves well-formed ones, an interface entity and a compound key included', async () => {
    const cluster = DEMO.clusters.paymentsProd;
    const { data, errors } = await stack.query<{ _entities: unknown[] }>(
      `query ($r: [_Any!]!) { _entities(representations: $r) {
        __typename ... on Project { name } ... on Deployment { deploymentName: name } } }`,
      {
        r: [
          { __typename: 'Project', atlasId: payments.id },
          { __typename: 'Cluster', projectId: cluster.groupId, name: cluster.name },
          { __typename: 'Deployment', projectId: cluster.groupId, name: cluster.name },
        ],
      },
    );
    expect(errors).toBeUndefined();
    expect(data?._entities).toEqual([
      { __typename: 'Project', name: payments.name },
      { __typename: 'Cluster', deploymentName: cluster.name },
      { __typename: 'Cluster', deploymentName: cluster.name },
    ]);
  });
});
