/**
 * Runs a document the gateway has seen before as a compiled function (graphql-jit, through
 * @envelop/graphql-jit) instead of graphql's interpreting executor, which walks the document's selection
 * sets and checks every value's type on every request: on the example dashboard the executor, resolvers
 * included, was a fifth of the gateway's own work (bench/README.md, "Profile").
 *
 * Compiled are queries and mutations of one operation, from their second execution on: a document run once
 * (an explorer's typing, a caller inventing documents) is not worth its compilation, and the compiled
 * function is kept with the parsed document (yoga's parse cache, which bounds how many exist). The rest runs
 * as before: documents with `@defer`/`@stream` (graphql-jit cannot stream), subscriptions (an event now
 * and then, nothing to gain), and documents of several operations (the plugin keeps one compiled function
 * per document, whichever operation it was compiled for).
 */
import { useGraphQlJit } from '@envelop/graphql-jit';
import { BREAK, Kind, visit, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface CompiledExecutionOptions {
  /** The execution of a document from which on it runs compiled (2: its second). */
  compileFrom?: number;
}

/** Never compiled: subscriptions, several operations, `@defer`/`@stream`. */
const never = -1;

function compilable(document: DocumentNode): boolean {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (operations.length !== 1 || operations[0]!.operation === 'subscription') return false;
  return !usesIncrementalDelivery(document);
}

function usesIncrementalDelivery(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(node) {
      if (node.name.value !== 'defer' && node.name.value !== 'stream') return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

export function useCompiledExecution(options: CompiledExecutionOptions = {}): Plugin {
  const from = options.compileFrom ?? 2;
  // Executions so far of each document, or `never`.
  const runs = new WeakMap<DocumentNode, number>();
  return useGraphQlJit(
    {},
    {
      enableIf({ document }) {
        let count = runs.get(document);
        if (count === undefined) count = compilable(document) ? 0 : never;
        if (count === never) {
          runs.set(document, never);
          return false;
        }
        runs.set(document, ++count);
        return count >= from;
      },
    },
  ) as Plugin;
}
