/**
 * The executable schema: SDL from schema/*.graphql (found relative to this module, so it works from
 * src/ under tsx and from dist/ in the image) built as an Apollo Federation v2 subgraph.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, isInterfaceType, isObjectType, Kind, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { badUserInput } from './errors.js';
import { resolvers } from './resolvers/index.js';

const schemaDir = new URL('../../schema/', import.meta.url);

/** The SDL of the mutations (the Mutation type and every type only it uses), served only when writes are on. */
export const MUTATIONS_SDL_FILE = 'mutations.graphql';

/** The SDL files, concatenated in a stable order (without `leaveOut`). */
export function readTypeDefs(leaveOut: readonly string[] = []): string {
  return readdirSync(schemaDir)
    .filter((file) => file.endsWith('.graphql') && !leaveOut.includes(file))
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
  /**
   * Serve the mutations (default true: the whole graph, as codegen and the client SDL describe it). Off, the
   * schema has no Mutation type nor any type only mutations use, so introspection and GraphiQL show none.
   */
  mutations?: boolean;
}

export function createSchema(options: SchemaOptions = {}): GraphQLSchema {
  const document = parse(readTypeDefs(options.mutations === false ? [MUTATIONS_SDL_FILE] : []));
  const schema = buildSubgraphSchema([
    {
      typeDefs: options.nodeField === false ? withoutNodeFields(document) : document,
      // mergeResolvers returns graphql-tools' resolver map; both describe the same object shape.
      resolvers: resolvers as SubgraphResolvers,
    },
  ]);
  describeFederationMachinery(schema);
  refuseMalformedRepresentations(schema);
  return schema;
}

/**
 * `_entities` refuses, before any Atlas call, a representation that is not an object, names no entity type of
 * this subgraph, or lacks every one of its type's keys: BAD_USER_INPUT naming the representation's index.
 * @apollo/subgraph would throw an uncoded Error for the first two (masked as INTERNAL_SERVER_ERROR) and hand
 * the third to a reference resolver with its key missing. A router sends well-formed ones; others do not.
 */
function refuseMalformedRepresentations(schema: GraphQLSchema): void {
  const entities = schema.getQueryType()?.getFields()['_entities'];
  const resolve = entities?.resolve;
  if (!entities || !resolve) return;
  const keysOf = entityKeys(schema);
  entities.resolve = (source, args: { representations?: unknown }, context, info) => {
    const representations = Array.isArray(args.representations) ? args.representations : [];
    representations.forEach((representation: unknown, index) => {
      const problem = representationProblem(representation, keysOf);
      if (problem) throw badUserInput(`Representation ${index} ${problem}`, 'representations', { index });
    });
    return resolve(source, args, context, info);
  };
}

/** Each entity type's keys (its @key field sets), by type name: `Cluster` -> [["id"], ["projectId", "name"]]. */
function entityKeys(schema: GraphQLSchema): Map<string, string[][]> {
  const keys = new Map<string, string[][]>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    const fieldSets = [type.astNode, ...(type.extensionASTNodes ?? [])]
      .flatMap((node) => node?.directives ?? [])
      .filter((directive) => directive.name.value === 'key')
      .map((directive) => directive.arguments?.find((arg) => arg.name.value === 'fields')?.value)
      .flatMap((value) => (value?.kind === Kind.STRING ? [value.value.trim().split(/\s+/)] : []));
    if (fieldSets.length) keys.set(type.name, fieldSets);
  }
  return keys;
}

/** What is wrong with a representation, said after its index; undefined when nothing is. */
function representationProblem(representation: unknown, keysOf: Map<string, string[][]>): string | undefined {
  if (typeof representation !== 'object' || representation === null || Array.isArray(representation)) {
    return 'is not an object';
  }
  const fields = representation as Record<string, unknown>;
  const type = fields['__typename'];
  if (typeof type !== 'string') return 'has no __typename';
  const keys = keysOf.get(type);
  if (!keys) return `names ${JSON.stringify(type.slice(0, 80))}, no entity type of this subgraph`;
  // Every key field of this schema is a string scalar (ID, ObjectId, ClusterName), none of them empty.
  const given = (field: string) => typeof fields[field] === 'string' && fields[field] !== '';
  if (keys.some((key) => key.every(given))) return undefined;
  return `of ${type} needs one of its keys as non-empty strings: ${keys.map((key) => key.join(' + ')).join(', or ')}`;
}

const forRouters =
  'Federation machinery, for a supergraph router; frontends do not use it (client/schema.graphql omits it).';

/** Descriptions for what @apollo/subgraph adds undocumented, shown in GraphiQL's docs beside our own types. */
const federationDescriptions: Record<string, string> = {
  _entities: `Objects of this subgraph by their federation keys. ${forRouters}`,
  _service: `This subgraph's SDL, from which a supergraph is composed. ${forRouters}`,
  _Any: `A federation entity representation: \`__typename\` and key fields. ${forRouters}`,
  _Entity: `Every type with a federation @key. ${forRouters}`,
  _Service: `The subgraph's SDL. ${forRouters}`,
};

function describeFederationMachinery(schema: GraphQLSchema): void {
  const queryFields = schema.getQueryType()?.getFields() ?? {};
  for (const [name, description] of Object.entries(federationDescriptions)) {
    const target = queryFields[name] ?? schema.getType(name);
    if (target && !target.description) target.description = description;
  }
  const entities = queryFields['_entities']?.args.find((arg) => arg.name === 'representations');
  if (entities && !entities.description) entities.description = 'The references to resolve.';
  const service = schema.getType('_Service');
  const sdl = service && 'getFields' in service ? service.getFields()['sdl'] : undefined;
  if (sdl && !sdl.description) sdl.description = 'The SDL, with federation directives.';
  for (const type of Object.values(schema.getTypeMap())) {
    if (/^(link|federation)__/.test(type.name) && !type.description) {
      type.description = `Part of the @link and federation directives' definitions. ${forRouters}`;
    }
  }
  for (const directive of schema.getDirectives()) {
    if (!directive.description && !['include', 'skip', 'deprecated', 'specifiedBy', 'oneOf'].includes(directive.name)) {
      directive.description = `Apollo Federation v2 directive (see specs.apollo.dev). ${forRouters}`;
    }
  }
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
