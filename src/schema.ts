/**
 * The executable schema: SDL from schema/*.graphql (found relative to this module, so it works from
 * src/ under tsx and from dist/ in the image) built as an Apollo Federation v2 subgraph.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, Kind, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { resolvers } from './resolvers/index.js';

const schemaDir = new URL('../schema/', import.meta.url);

/** The SDL files, concatenated in a stable order. */
export function readTypeDefs(): string {
  return readdirSync(schemaDir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(new URL(file, schemaDir), 'utf8'))
    .join('\n');
}

/** The resolver-map type @apollo/subgraph takes (not exported by name). */
type SubgraphModule = Extract<
  Extract<Parameters<typeof buildSubgraphSchema>[0], readonly unknown[]>[number],
  { resolvers?: unknown }
>;
type SubgraphResolvers = NonNullable<SubgraphModule['resolvers']>;

export interface SchemaOptions {
  /**
   * Serve `Query.node`/`Query.nodes` (default true). Off for a supergraph where another subgraph owns
   * them: two subgraphs defining `Query.node` do not compose. The `Node` interface and `id` stay.
   */
  nodeField?: boolean;
}

export function createSchema(options: SchemaOptions = {}): GraphQLSchema {
  const document = parse(readTypeDefs());
  return buildSubgraphSchema([
    {
      typeDefs: options.nodeField === false ? withoutNodeFields(document) : document,
      // mergeResolvers returns graphql-tools' resolver map; both describe the same object shape.
      resolvers: resolvers as SubgraphResolvers,
    },
  ]);
}

const nodeFields = new Set(['node', 'nodes']);

/** The SDL without `Query.node` and `Query.nodes`. */
function withoutNodeFields(document: DocumentNode): DocumentNode {
  return {
    ...document,
    definitions: document.definitions.map((definition) =>
      definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === 'Query'
        ? { ...definition, fields: definition.fields?.filter((field) => !nodeFields.has(field.name.value)) }
        : definition,
    ),
  };
}

/** What `{ _service { sdl } }` answers: the SDL a supergraph is composed from. */
export async function servedSubgraphSdl(options: SchemaOptions = {}): Promise<string> {
  const result = await graphql({ schema: createSchema(options), source: '{ _service { sdl } }' });
  const sdl = (result.data?.['_service'] as { sdl?: unknown } | undefined)?.sdl;
  if (result.errors?.length || typeof sdl !== 'string') {
    throw new Error(`_service.sdl failed: ${result.errors?.map((e) => e.message).join('; ') ?? 'no sdl'}`);
  }
  return sdl;
}
