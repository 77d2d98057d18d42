/**
 * The call budget checked before execution. Only what is certain counts: each root lookup (`project`,
 * `node`, `nodes`) needs at least one Atlas call per distinct parent list its ids fall under, and each
 * root list (`projects`) at least one. If even that lower bound exceeds the budget, the operation is
 * refused whole with `UPSTREAM_BUDGET_EXCEEDED` and costs nothing; otherwise it runs, and the session
 * enforces the budget call by call (nested lists depend on data no one knows before executing).
 */
import {
  GraphQLError,
  Kind,
  getOperationAST,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { memoByOperation } from './operation-memo.js';
import { fromGlobalId, plannedList } from '../../graph/ids.js';

/** The project list: what `projects` reads, and what any project lookup is planned under. */
const projects = plannedList({ type: 'Project', groupId: '0'.repeat(24) });

function rootFields(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  seen = new Set<string>(),
): FieldNode[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFields(selection.selectionSet, fragments, seen);
    const name = selection.name.value;
    const fragment = fragments[name];
    if (!fragment || seen.has(name)) return [];
    seen.add(name);
    return rootFields(fragment.selectionSet, fragments, seen);
  });
}

/** The fewest Atlas calls the operation's root fields need, whatever the data (invalid ids need none). */
export function minimumAtlasCalls(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): number {
  const operation = getOperationAST(document, operationName);
  if (!operation || operation.operation !== 'query') return 0;
  const fragments = Object.fromEntries(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])),
  );
  const lists = new Set<string>();
  const decode = (value: unknown) => {
    if (typeof value !== 'string') return;
    try {
      lists.add(plannedList(fromGlobalId(value)));
    } catch {
      // A malformed id is refused by its resolver without a call.
    }
  };
  for (const field of rootFields(operation.selectionSet, fragments)) {
    const args = Object.fromEntries(
      (field.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value, variables ?? {})]),
    );
    switch (field.name.value) {
      case 'projects':
        lists.add(projects);
        break;
      case 'project':
        if (typeof args['id'] === 'string') lists.add(projects);
        break;
      case 'node':
        decode(args['id']);
        break;
      case 'nodes':
        if (Array.isArray(args['ids'])) args['ids'].forEach(decode);
        break;
    }
  }
  return lists.size;
}

export function useBudgetEstimate(budget: number): Plugin {
  const minimumOf = memoByOperation((args) =>
    minimumAtlasCalls(args.document, args.operationName, args.variableValues),
  );
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const minimum = minimumOf(args);
      if (minimum <= budget) return;
      setResultAndStopExecution({
        errors: [
          new GraphQLError(
            `This operation needs at least ${minimum} Atlas calls, more than its budget of ${budget}: nothing was sent`,
            // HTTP 400, as every other refusal of an operation too large to run (yoga drops `http` from the body).
            { extensions: { code: 'UPSTREAM_BUDGET_EXCEEDED', budget, minimumCalls: minimum, http: { status: 400 } } },
          ),
        ],
      });
    },
  };
}
