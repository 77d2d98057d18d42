/**
 * Runs a document the gateway has seen before as a compiled function (graphql-jit) instead of graphql's
 * interpreting executor, which walks the document's selection sets and checks every value's type on every
 * request: on the example dashboard the executor, resolvers included, was a fifth of the gateway's own work
 * (bench/history/4-profile-2026-11-29.md).
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
  GraphQLError,
  Kind,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
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

/**
 * The fields of `document` an error's path names (a response key per level, list indices skipped; fragments
 * entered whatever their type condition, as the path is of one concrete object). Compiled documents have one
 * operation (`compilable`).
 */
function fieldNodesAt(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  path: readonly (string | number)[],
): FieldNode[] {
  let sets: SelectionSetNode[] = [operation.selectionSet];
  let found: FieldNode[] = [];
  for (const key of path) {
    if (typeof key === 'number') continue;
    found = [];
    const pending = [...sets];
    for (let set = pending.pop(); set; set = pending.pop()) {
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if ((selection.alias ?? selection.name).value === key) found.push(selection);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) pending.push(selection.selectionSet);
        else {
          const fragment = fragments.get(selection.name.value);
          if (fragment) pending.push(fragment.selectionSet);
        }
      }
    }
    sets = found.flatMap((field) => (field.selectionSet ? [field.selectionSet] : []));
  }
  return found;
}

/**
 * graphql-jit's errors carry `locations` but not the field nodes, and yoga rebuilds every error from its nodes
 * when it writes the answer: a compiled document's errors lost their `locations` (an interpreted run has
 * them). Given the nodes their path names, both executors answer alike.
 */
function withFieldNodes(result: ExecutionResult, document: DocumentNode): ExecutionResult {
  if (!result.errors?.length) return result;
  // The document is read once per answer, not once per error (a page of 500 failing items has 500).
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION) operation ??= definition;
  }
  if (!operation) return result;
  const errors = result.errors.map((error) => {
    if (error.nodes?.length || !error.path) return error;
    const nodes = fieldNodesAt(operation, fragments, error.path);
    if (nodes.length === 0) return error;
    return new GraphQLError(error.message, {
      nodes,
      path: error.path,
      originalError: error.originalError ?? undefined,
      extensions: error.extensions,
    });
  });
  return { ...result, errors };
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
        if (isRefusedBeforeExecution(result)) return executeFn(run);
        return result instanceof Promise
          ? result.then((settled) => withFieldNodes(settled, run.document))
          : withFieldNodes(result, run.document);
      });
    },
  };
}
