/**
 * Remembers a figure computed from an operation before it executes (its cost, its minimum Atlas calls).
 * Yoga hands the same parsed document to every request with the same text, so the figure is computed
 * once per document, operation name and variables: a few per document in practice, bounded all the same.
 */
import type { DocumentNode } from 'graphql';

export interface OperationArgs {
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: Record<string, unknown> | null;
}

export function memoByOperation<A extends OperationArgs, T>(compute: (args: A) => T): (args: A) => T {
  const byDocument = new WeakMap<DocumentNode, Map<string, T>>();
  return (args) => {
    const key = `${args.operationName ?? ''}\n${JSON.stringify(args.variableValues ?? {})}`;
    let known = byDocument.get(args.document);
    if (!known) byDocument.set(args.document, (known = new Map()));
    if (known.has(key)) return known.get(key) as T;
    const value = compute(args);
    if (known.size >= 64) known.clear();
    known.set(key, value);
    return value;
  };
}
