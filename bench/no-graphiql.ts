/**
 * Loaded with `--import` (after tsx) by bench/profile.ts into one gateway process: GraphiQL's bundle
 * (`@graphql-yoga/render-graphiql/graphiql`, a 9 MB module of strings that src/server/plugins/graphiql-delivery.ts
 * imports whether or not GraphiQL is served) is replaced by empty strings, to measure what holding it costs.
 * Only for a gateway started with GraphiQL off, as the benchmark's is.
 */
import { register } from 'node:module';

const stub =
  'export const js = "", css = "", editorWorker = "", jsonWorker = "", graphqlWorker = "", favicon = "data:image/x-icon;base64,";';
const hooks = `
export async function resolve(specifier, context, next) {
  if (specifier === '@graphql-yoga/render-graphiql/graphiql') {
    return { url: ${JSON.stringify(`data:text/javascript,${encodeURIComponent(stub)}`)}, shortCircuit: true };
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
