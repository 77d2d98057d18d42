/**
 * Limits on the GraphQL document, checked before execution so a rejected request costs no Atlas call.
 * graphql-armor (maintained by Escape) does the measuring; this module picks limits that admit the
 * example dashboard with room to spare, and gives each rejection its own `extensions.code` and HTTP 400
 * (armor alone answers 200 with a "Syntax Error" message and no code).
 */
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface RequestLimits {
  /** Deepest field nesting (default 12; the example dashboard is 9). */
  maxDepth?: number;
  /** Aliases per document (default 15). */
  maxAliases?: number;
  /** Lexical tokens per document (default 1,000; GraphiQL's introspection query is about 180, the example dashboard 89). */
  maxTokens?: number;
  /** Directives per document (default 50). */
  maxDirectives?: number;
  /**
   * Most fields the answer could hold, counting each list as its `first` (default 50,000; the example
   * dashboard is about 30,000). The Atlas call budget limits the real cost; this stops absurd documents
   * before they start.
   */
  maxCost?: number;
  /** Largest request body in bytes (default 100,000). */
  maxRequestBodyBytes?: number;
}

export const defaultLimits = {
  maxDepth: 12,
  maxAliases: 15,
  maxTokens: 1_000,
  maxDirectives: 50,
  maxCost: 50_000,
  maxRequestBodyBytes: 100_000,
} satisfies Required<RequestLimits>;

/** Tags armor's rejection with a code and a 400 status, in place (the error object is armor's own). */
function tag(code: string) {
  return [
    (_context: unknown, error: GraphQLError) => {
      const extensions = error.extensions as Record<string, unknown>;
      extensions['code'] = code;
      extensions['http'] = { status: 400 };
    },
  ];
}

export function requestLimitPlugins(limits: RequestLimits = {}): Plugin[] {
  const n = { ...defaultLimits, ...limits };
  const armor = new EnvelopArmor({
    maxDepth: { n: n.maxDepth, onReject: tag('MAX_DEPTH_EXCEEDED') },
    maxAliases: { n: n.maxAliases, onReject: tag('MAX_ALIASES_EXCEEDED') },
    maxTokens: { n: n.maxTokens, onReject: tag('MAX_TOKENS_EXCEEDED') },
    maxDirectives: { n: n.maxDirectives, onReject: tag('MAX_DIRECTIVES_EXCEEDED') },
    costLimit: {
      maxCost: n.maxCost,
      objectCost: 1,
      scalarCost: 1,
      depthCostFactor: 1,
      onReject: tag('COST_LIMIT_EXCEEDED'),
    },
    // "Did you mean …?" hints would let a stranger map the schema with introspection off.
    blockFieldSuggestion: { enabled: true },
  });
  return armor.protect().plugins as Plugin[];
}
