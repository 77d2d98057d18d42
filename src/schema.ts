/**
 * The executable schema: SDL from schema/*.graphql (found relative to this module, so it works from
 * src/ under tsx and from dist/ in the image) built as an Apollo Federation v2 subgraph.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
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

export function createSchema(): GraphQLSchema {
  return buildSubgraphSchema([
    {
      typeDefs: parse(readTypeDefs()),
      // mergeResolvers returns graphql-tools' resolver map; both describe the same object shape.
      resolvers: resolvers as SubgraphResolvers,
    },
  ]);
}
