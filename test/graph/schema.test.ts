import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createSchema } from '../../src/graph/schema.js';

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
