/**
 * Runs a document the gateway has seen before as a compiled function (graphql-jit) instead of graphql's
 * interpreting executor, which walks the document's selection sets and checks every value's type on every
 * request: on the example dashboard the executor, resolvers included, was a fifth of the gateway's own work
 * (bench/README.md, "Profile").
 *
 * Compiled are queries and mutations of one operation, from their second execution on: a document run once
 * (an explorer's typing, a caller inventing documents) is not worth its compilation, and the compiled
 * function is kept with the parsed document (yoga's parse cache, which bounds how many exist). The rest runs
 * as before: documents with `@defer`/`@stream` (graphql-jit cannot stream), subscriptions (an event now and
 * then, nothing to gain), documents of several operations, and any document graphql-jit declines to
 * compile. graphql-jit is used directly, not through @envelop/graphql-jit: that plugin answers every later
 * execution of a document it failed to compile with the compilation's errors (and prints them with
 * console.error), where this one runs the document interpreted, as if never compiled.
 */
import {
  BREAK,
  Kind,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';

export interface CompiledExecutionOptions {
  /** The execution of a document from which on it runs compiled (2: its second). */
  compileFrom?: number;
  /** Tests: another compiler in place of graphql-jit's `compileQuery`. */
  compile?: (schema: GraphQLSchema, document: DocumentNode) => CompiledQuery | ExecutionResult;
}

/** Never compiled: subscriptions, several operations, `@defer`/`@stream`, or graphql-jit declined. */
const never = Symbol('never');

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

/** An answer with errors and no `data`: nothing was executed (the variables did not fit). */
function isRefusedBeforeExecution(result: unknown): boolean {
  return typeof result === 'object' && result !== null && !(result instanceof Promise) && !('data' in result);
}

export function useCompiledExecution(options: CompiledExecutionOptions = {}): Plugin {
  const from = options.compileFrom ?? 2;
  const compile =
    options.compile ?? ((schema: GraphQLSchema, document: DocumentNode) => compileQuery(schema, document));
  // Per document: executions so far, its compiled function, or `never`.
  const documents = new WeakMap<DocumentNode, number | CompiledQuery | typeof never>();

  // Written only when a document's state changes: a compiled document costs one lookup per execution.
  const compiledFor = (schema: GraphQLSchema, document: DocumentNode): CompiledQuery | undefined => {
    const known = documents.get(document);
    if (typeof known === 'object') return known;
    if (known === never) return undefined;
    if (known === undefined && !compilable(document)) {
      documents.set(document, never);
      return undefined;
    }
    const runs = (known ?? 0) + 1;
    if (runs < from) {
      documents.set(document, runs);
      return undefined;
    }
    const compiled = compile(schema, document);
    const usable = isCompiledQuery(compiled) ? compiled : undefined;
    documents.set(document, usable ?? never);
    return usable;
  };

  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const compiled = compiledFor(args.schema, args.document);
      if (!compiled) return;
      setExecuteFn((run) => {
        const result = compiled.query(run.rootValue, run.contextValue, run.variableValues);
        // Variables it cannot coerce, graphql-jit answers with errors of its own kind before running anything;
        // the interpreting executor says the same with graphql's errors and HTTP 400, as for a first run.
        return isRefusedBeforeExecution(result) ? executeFn(run) : result;
      });
    },
  };
}
