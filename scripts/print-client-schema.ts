// Writes what frontends build against, from the same schema the gateway serves (createSchema()):
//  - client/schema.graphql: the graph as clients see it, without Federation's machinery (relay-compiler,
//    graphql-codegen, graphql-inspector and IDE plugins read it; relay-compiler refuses `extend schema @link`);
//  - client/cache-facts.js (+ .d.ts): what a normalized cache must know about the graph, derived from the
//    schema so client/apollo.js and client/urql.js never drift from it.
// Run through `npm run codegen`; CI fails when the files are stale (scripts/check-generated.mjs).
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  assertValidSchema,
  buildASTSchema,
  getNamedType,
  GraphQLObjectType,
  GraphQLSchema,
  isInterfaceType,
  isObjectType,
  isSpecifiedDirective,
  isUnionType,
  Kind,
  parse,
  printSchema,
  visit,
  type GraphQLNamedType,
  type ScalarTypeDefinitionNode,
} from 'graphql';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { createSchema, readTypeDefs } from '../src/graph/schema.js';

/**
 * The schema as the gateway serves it: createSchema() and the `@defer` and `@stream` directives yoga's
 * defer-stream plugin adds when yoga starts (src/server/plugins/defer-stream.ts). Without them relay-compiler
 * and graphql-codegen refuse a document that streams.
 */
function servedSchema(): GraphQLSchema {
  let served = createSchema();
  const plugin = useDeferStream();
  plugin.onSchemaChange?.({
    schema: served,
    replaceSchema: (schema: GraphQLSchema) => {
      served = schema;
    },
  } as Parameters<NonNullable<typeof plugin.onSchemaChange>>[0]);
  return served;
}
const streamingDirectives = new Set(['defer', 'stream']);

/** Root fields @apollo/subgraph adds for the router; a client never sends them. */
const federationRootFields = new Set(['_entities', '_service']);
/** Types @apollo/subgraph adds (`_Any`, `_Entity`, `_Service`) or imports with `@link` (`link__*`, `federation__*`). */
const isFederationType = (name: string) =>
  /^_[A-Z]/.test(name) || name.startsWith('link__') || name.startsWith('federation__');

/**
 * The served schema without Federation: no `_entities`/`_service`, no federation types, and only the
 * directives GraphQL specifies or schema/*.graphql defines (`@key`, `@shareable`, `@link` and the
 * `federation__*` directives are definitions the subgraph imports). Applied `@key`/`@shareable` live
 * only on AST nodes, which printSchema does not print.
 */
export function clientSchema(): GraphQLSchema {
  const source = parse(readTypeDefs());
  const ownDirectives = new Set(
    source.definitions.flatMap((d) => (d.kind === Kind.DIRECTIVE_DEFINITION ? [d.name.value] : [])),
  );
  const served = servedSchema().toConfig();
  const query = served.query?.toConfig();
  if (!query) throw new Error('the served schema has no Query type');
  // Only Query refers to the removed types, so replacing it is enough: every other type object is shared.
  const clientQuery = new GraphQLObjectType({
    ...query,
    fields: Object.fromEntries(Object.entries(query.fields).filter(([name]) => !federationRootFields.has(name))),
  });
  const filtered = new GraphQLSchema({
    ...served,
    query: clientQuery,
    types: served.types
      .filter((type) => !isFederationType(type.name))
      .map((type) => (type.name === clientQuery.name ? clientQuery : type)),
    directives: served.directives.filter(
      (d) => isSpecifiedDirective(d) || ownDirectives.has(d.name) || streamingDirectives.has(d.name),
    ),
    // `extend schema @link(...)` is the schema's extension AST node; clients must not see it.
    astNode: undefined,
    extensionASTNodes: [],
  });
  assertValidSchema(filtered);
  // The executable schema's scalars are the GraphQLScalarType objects of src/graph/scalars.ts, whose one-line
  // descriptions replaced the documented ones of schema/base.graphql; the SDL is the documentation, so
  // the scalars get their SDL descriptions back (on the AST, then built again: no type object is mutated).
  const scalarDocs = new Map<string, string>();
  for (const definition of source.definitions) {
    if (definition.kind === Kind.SCALAR_TYPE_DEFINITION && definition.description) {
      scalarDocs.set(definition.name.value, definition.description.value);
    }
  }
  const document = visit(parse(printSchema(filtered)), {
    ScalarTypeDefinition(node): ScalarTypeDefinitionNode | undefined {
      const description = scalarDocs.get(node.name.value);
      return description === undefined
        ? undefined
        : { ...node, description: { kind: Kind.STRING, value: description, block: true } };
    },
  });
  const schema = buildASTSchema(document);
  const leftover = Object.keys(schema.getTypeMap()).filter((name) => isFederationType(name));
  if (leftover.length) throw new Error(`federation types still reachable: ${leftover.join(', ')}`);
  return schema;
}

const schemaBanner =
  '# Generated by `npm run codegen` from schema/*.graphql: the graph as clients see it (no Federation). Do not edit.\n';

export function printClientSchema(schema = clientSchema()): string {
  return `${schemaBanner}\n${printSchema(schema)}\n`;
}

/** Paging arguments of a connection field; every other argument selects a different list. */
export const pagingArgs = ['first', 'after'] as const;

export interface CacheFacts {
  /** Abstract type -> the object types that implement it (Apollo and urql `possibleTypes`). */
  possibleTypes: Record<string, string[]>;
  /** Object types with `id: ID!` (the Relay `Node` types): normalized by `__typename` and `id`. */
  entityTypes: string[];
  /** Object types without `id`: values with no identity, stored inside the object that holds them. */
  valueTypes: string[];
  /** Parent type -> connection field -> its key arguments (all arguments but `first`/`after`). */
  connectionFields: Record<string, Record<string, string[]>>;
  pagingArgs: string[];
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function cacheFacts(schema = clientSchema()): CacheFacts {
  const named = Object.values(schema.getTypeMap()).filter((type) => !type.name.startsWith('__'));
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((t) => (t ? [t.name] : [])),
  );
  const objects = named.filter((type): type is GraphQLObjectType => isObjectType(type)).sort(byName);

  const possibleTypes: Record<string, string[]> = {};
  for (const type of [...named].sort(byName)) {
    if (isInterfaceType(type) || isUnionType(type)) {
      possibleTypes[type.name] = schema
        .getPossibleTypes(type)
        .map((t) => t.name)
        .sort();
    }
  }

  const entityTypes: string[] = [];
  const valueTypes: string[] = [];
  for (const type of objects) {
    if (roots.has(type.name)) continue;
    const id = type.getFields()['id'];
    // A cache keys any object with an `id` field by it; only a non-null global ID is a safe key.
    if (id && String(id.type) !== 'ID!') throw new Error(`${type.name}.id is ${String(id.type)}, not ID!`);
    (id ? entityTypes : valueTypes).push(type.name);
  }
  // Every identified object must be refetchable (`Query.node`), or a cache could not refresh it.
  const nodeTypes = possibleTypes['Node'] ?? [];
  if (entityTypes.join() !== nodeTypes.join()) {
    throw new Error(`types with id (${entityTypes.join()}) are not the Node types (${nodeTypes.join()})`);
  }

  const connectionFields: Record<string, Record<string, string[]>> = {};
  for (const type of objects) {
    for (const field of Object.values(type.getFields())) {
      if (!isConnection(getNamedType(field.type))) continue;
      const argNames = field.args.map((a) => a.name);
      for (const paging of pagingArgs) {
        if (!argNames.includes(paging)) throw new Error(`${type.name}.${field.name} lacks \`${paging}\``);
      }
      (connectionFields[type.name] ??= {})[field.name] = argNames.filter(
        (name) => !(pagingArgs as readonly string[]).includes(name),
      );
    }
  }
  return { possibleTypes, entityTypes, valueTypes, connectionFields, pagingArgs: [...pagingArgs] };
}

/** A Relay connection: `*Connection` with `edges` and `pageInfo`. */
function isConnection(type: GraphQLNamedType): boolean {
  if (!isObjectType(type) || !type.name.endsWith('Connection')) return false;
  const fields = type.getFields();
  if (!fields['edges'] || !fields['pageInfo']) throw new Error(`${type.name} is not a Relay connection`);
  return true;
}

const factsBanner =
  '// Generated by `npm run codegen` from schema/*.graphql (scripts/print-client-schema.ts). Do not edit.\n';

const factDocs: Record<keyof CacheFacts, string> = {
  possibleTypes: 'Abstract type -> the object types that implement it (Apollo and urql `possibleTypes`).',
  entityTypes: 'Object types with `id: ID!` (the Relay `Node` types): normalized by `__typename` and `id`.',
  valueTypes: 'Object types without `id`: values with no identity, stored inside the object that holds them.',
  connectionFields:
    'Every field that returns a connection: parent type -> field -> key arguments (all arguments but the paging ones).',
  pagingArgs: 'Arguments that page a connection; every other argument selects a different list.',
};

/** ESM module and its declarations. A module rather than JSON: importing JSON needs import attributes in Node and not every bundler or TS setup takes them. */
export function printCacheFacts(facts = cacheFacts()): { js: string; dts: string } {
  const keys = Object.keys(factDocs) as (keyof CacheFacts)[];
  const js = keys.map(
    (key) => `/** ${factDocs[key]} */\nexport const ${key} = ${JSON.stringify(facts[key], null, 2)};\n`,
  );
  const dts = keys.map(
    (key) => `/** ${factDocs[key]} */\nexport declare const ${key}: ${readonlyType(facts[key], '')};\n`,
  );
  return { js: `${factsBanner}\n${js.join('\n')}`, dts: `${factsBanner}\n${dts.join('\n')}` };
}

/** The literal type of a JSON value of strings, arrays and objects, read-only throughout. */
function readonlyType(value: unknown, indent: string): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `readonly [${value.map((v) => readonlyType(v, indent)).join(', ')}]`;
  if (value && typeof value === 'object') {
    const inner = `${indent}  `;
    const entries = Object.entries(value).map(([k, v]) => `${inner}readonly ${k}: ${readonlyType(v, inner)};`);
    return entries.length ? `{\n${entries.join('\n')}\n${indent}}` : '{}';
  }
  throw new Error(`unexpected value in cache facts: ${String(value)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = new URL('../client/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const schema = clientSchema();
  writeFileSync(new URL('schema.graphql', dir), printClientSchema(schema));
  const { js, dts } = printCacheFacts(cacheFacts(schema));
  writeFileSync(new URL('cache-facts.js', dir), js);
  writeFileSync(new URL('cache-facts.d.ts', dir), dts);
}
