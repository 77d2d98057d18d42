/**
 * Limits on the GraphQL document, checked before execution so a rejected request costs no Atlas call.
 * graphql-armor (maintained by Escape) measures depth, aliases, tokens and directives; graphql-query-
 * complexity (slicknode) measures cost, because armor reads `first` only from literals and so cannot see
 * `first: $n` or an omitted `first` (its default). Each rejection gets its own `extensions.code`, the limit
 * and the figure found, and HTTP 400 (armor alone answers 200 with a "Syntax Error:" message and no code).
 */
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { defaults } from '../../config.js';
import { memoByOperation, type OperationArgs } from './operation-memo.js';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';

export interface RequestLimits {
  /** Deepest field nesting, fragments flattened (default 12; the example dashboard is 9). */
  maxDepth?: number;
  /** Aliases per document (default 15). */
  maxAliases?: number;
  /** Lexical tokens per document (default 1,000; GraphiQL's introspection query is about 180, the example dashboard 89). */
  maxTokens?: number;
  /** Directives per document (default 50). */
  maxDirectives?: number;
  /**
   * Most fields the answer could hold, counting each connection as its `first` (its default when omitted)
   * and `nodes(ids:)` as its number of ids, with variables resolved (default 50,000; the example dashboard
   * is 27,651). The Atlas call budget limits the real cost; this stops absurd documents before they start.
   */
  maxCost?: number;
  /** Largest request body in bytes (default 100,000). */
  maxRequestBodyBytes?: number;
}

/**
 * Tags armor's rejection in place (the error object is armor's own, and it throws it next): a code, the
 * limit, HTTP 400, and the message without armor's misleading "Syntax Error:" prefix.
 */
function tag(code: string, limit: number) {
  return [
    (_context: unknown, error: GraphQLError) => {
      error.message = error.message.replace(/^Syntax Error: /, '');
      const extensions = error.extensions as Record<string, unknown>;
      extensions['code'] = code;
      extensions['limit'] = limit;
      const found = /found (\d+)/.exec(error.message)?.[1];
      if (found) extensions['found'] = Number(found);
      extensions['http'] = { status: 400 };
    },
  ];
}

export interface LimitOptions {
  /**
   * Hide "Did you mean …?" hints. On when introspection is off: they would let a stranger map the schema
   * field by field; with introspection on, the schema is public anyway and the hints help.
   */
  hideSuggestions?: boolean;
}

export function requestLimitPlugins(limits: RequestLimits = {}, options: LimitOptions = {}): Plugin[] {
  const n = { ...defaults.limits, ...limits };
  const armor = new EnvelopArmor({
    // Fragments flattened: a query split into colocated fragments (Apollo, Relay, urql) nests exactly as
    // deep as the same query written inline.
    maxDepth: { n: n.maxDepth, flattenFragments: true, onReject: tag('MAX_DEPTH_EXCEEDED', n.maxDepth) },
    maxAliases: { n: n.maxAliases, onReject: tag('MAX_ALIASES_EXCEEDED', n.maxAliases) },
    maxTokens: { n: n.maxTokens, onReject: tag('MAX_TOKENS_EXCEEDED', n.maxTokens) },
    maxDirectives: { n: n.maxDirectives, onReject: tag('MAX_DIRECTIVES_EXCEEDED', n.maxDirectives) },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: options.hideSuggestions ?? true },
  });
  return [
    useVariablesDepthLimit(MAX_VARIABLES_DEPTH),
    ...(armor.protect().plugins as Plugin[]),
    useCostLimit(n.maxCost),
  ];
}

/**
 * The deepest nesting of arrays and objects the variables may have. The graph's deepest input is three
 * levels; a body of a few kilobytes can nest thousands deep, which overflows the stack of anything that walks
 * it recursively (the cost limit's memo key, graphql's coercion): without a limit, an HTTP 500.
 */
export const MAX_VARIABLES_DEPTH = 32;

/** How deep `value` nests, counted without recursion and no further than `limit + 1`. */
function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    const inner = depth + 1;
    if (inner > deepest) deepest = inner;
    if (inner > limit) return inner;
    for (const child of Array.isArray(item) ? item : Object.values(item)) stack.push([child, inner]);
  }
  return deepest;
}

/** Refuses variables nested deeper than `limit`, before anything walks them (over HTTP and WebSocket alike). */
function useVariablesDepthLimit(limit: number): Plugin {
  const check = (variables: Record<string, unknown> | null | undefined) =>
    // The variables object itself is the first level; most operations have none, or only flat values.
    variables &&
    Object.values(variables).some((value) => typeof value === 'object' && value !== null) &&
    nestingDepth(variables, limit + 1) > limit + 1
      ? new GraphQLError(`Variables nest deeper than ${limit} levels`, {
          extensions: { code: 'MAX_VARIABLES_DEPTH_EXCEEDED', limit, http: { status: 400 } },
        })
      : undefined;
  return refusingBeforeExecution((args) => check(args.variableValues));
}

/**
 * A field costs 1 plus what it holds; a connection holds `first` items (graphql has already put in the
 * argument's default when it is omitted; an explicit `first: null` gets the same default when the connection
 * runs, so it costs that default too), `nodes(ids:)` one per id and `_entities` one per representation. Lists
 * without a size argument are arrays
 * inside one Atlas object (parts, components), counted once.
 */
const estimateFieldCost: ComplexityEstimator = ({ args, field, childComplexity }) => {
  const given: unknown = args['first'];
  const first = given === null ? field.args.find((arg) => arg.name === 'first')?.defaultValue : given;
  // `nodes(ids:)` holds one item per id, a federation router's `_entities(representations:)` one per representation.
  const ids: unknown = args['ids'] ?? args['representations'];
  const items = typeof first === 'number' ? Math.max(first, 0) : Array.isArray(ids) ? ids.length : 1;
  return 1 + items * childComplexity;
};

/** The cost of the operation as it will execute, or undefined when its variables do not coerce. */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): number | undefined {
  try {
    return getComplexity({
      schema,
      query: document,
      operationName: operationName ?? undefined,
      variables: variables ?? {},
      estimators: [estimateFieldCost],
    });
  } catch {
    // Bad variables or a missing operation: execution reports them with graphql's own precise errors.
    return undefined;
  }
}

/**
 * The cost limit runs where variables are known, just before execution (validation results are cached
 * per document, so a verdict there would ignore the variables), and refuses the whole operation.
 */
function useCostLimit(maxCost: number): Plugin {
  // The schema is the gateway's one schema, so the memo's key need not include it.
  const cachedCost = memoByOperation((args: OperationArgs & { schema: GraphQLSchema }) =>
    operationCost(args.schema, args.document, args.operationName, args.variableValues),
  );
  const check = (args: OperationArgs & { schema: GraphQLSchema }) => {
    const cost = cachedCost(args);
    if (cost === undefined || cost <= maxCost) return undefined;
    return new GraphQLError(
      `Query cost ${cost} exceeds the limit of ${maxCost}: ask for fewer items (\`first\`) or fewer nested lists`,
      { extensions: { code: 'COST_LIMIT_EXCEEDED', cost, limit: maxCost, http: { status: 400 } } },
    );
  };
  return refusingBeforeExecution(check);
}

/**
 * A plugin that refuses a whole operation, queries and subscriptions alike, when `check` finds an error in it
 * as it is about to run (its variables known), before anything executes.
 */
function refusingBeforeExecution(
  check: (args: OperationArgs & { schema: GraphQLSchema }) => GraphQLError | undefined,
): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
