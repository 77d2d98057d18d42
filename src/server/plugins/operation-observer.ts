/**
 * Follows each request to the GraphQL endpoint from its arrival to the end of its answer (the end of the
 * stream, for `@defer`/`@stream` and subscriptions) and tells its observers (metrics, traces) what it was:
 * operation name and type, whether it executed, its outcome and the `extensions.code`s it answered with.
 * One tracker serves every observer, so the request is examined once however many read it.
 *
 * Outcomes follow the GraphQL response's shape: no `data` entry means the request was refused before
 * execution (syntax, validation, a limit, the budget estimate, an untrusted document, or an HTTP refusal);
 * `data: null` with errors is a failure; data with errors is partial.
 */
import { getOperationAST, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { AtlasCallStats } from '../../atlas/session.js';
import type { GraphQLContext } from '../../graph/context.js';
import { codeOf, count, errorsOf, isAsyncIterable, isRecord, observe, pathOf, refusalCodes } from './results.js';

export type Outcome = 'success' | 'partial' | 'failure' | 'refused';

export interface ObservedOperation {
  readonly request: Request;
  /** `performance.now()` when the request arrived. */
  readonly started: number;
  /** Epoch milliseconds when the request arrived. */
  readonly startTime: number;
  /** The operation's name as the document (or, before parsing, the request) gives it; may be any string. */
  name?: string;
  type?: 'query' | 'mutation' | 'subscription';
  /** True once the operation starts executing (or subscribing). */
  executed: boolean;
  /** The document and schema it executes on (set when it executes). */
  document?: DocumentNode;
  schema?: GraphQLSchema;
  /**
   * Its Atlas call statistics (the session's own object, which names the session), once it executes. The
   * context itself is not kept: holding it from a WeakMap keyed by the request showed in GC time.
   */
  atlasCalls?: AtlasCallStats;
  /** Errors in the answer by `extensions.code` (`UNCODED` without one). */
  readonly codes: Map<string, number>;
  /** True once some answer carried data (not null). */
  hasData: boolean;
  /** True once an answer without a `data` entry came (a refusal before execution). */
  refusedBeforeExecution: boolean;
  status?: number;
  /** Cut at shutdown: its connection was closed before its answer ended (see `cutOpen`). */
  cut: boolean;
}

export interface OperationObserver {
  /** The request's parameters are known (headers, operation name if sent): before parsing. */
  onParams?(operation: ObservedOperation): void;
  /** The operation is about to execute with this context. */
  onExecute?(operation: ObservedOperation): void;
  /** The answer is over (its last chunk sent, or the client left a stream). */
  onEnd(operation: ObservedOperation, outcome: Outcome): void;
}

interface State extends ObservedOperation {
  result: boolean;
  streaming: boolean;
  streamDone: boolean;
  ended: boolean;
}

export function outcomeOf(operation: ObservedOperation): Outcome {
  if (operation.cut) return 'failure';
  const errors = [...operation.codes.values()].reduce((sum, n) => sum + n, 0);
  if (errors === 0) return 'success';
  if (operation.hasData) return 'partial';
  return operation.refusedBeforeExecution ? 'refused' : 'failure';
}

export interface OperationObserverPlugin extends Plugin<GraphQLContext> {
  /**
   * Ends every request still open as cut (at shutdown, once the connections left after SHUTDOWN_TIMEOUT_MS
   * are closed): its answer would come only after the process is gone, so its observers are told now.
   */
  cutOpen(): void;
}

export function useOperationObserver(observers: readonly OperationObserver[]): OperationObserverPlugin {
  const states = new WeakMap<Request, State>();
  // Requests to the endpoint whose answer has not ended, for `cutOpen`.
  const open = new Set<State>();
  let endpoint = '/graphql';

  const end = (state: State) => {
    open.delete(state);
    if (state.ended) return;
    state.ended = true;
    const outcome = outcomeOf(state);
    for (const observer of observers) observer.onEnd(state, outcome);
  };
  const name = (state: State, document: DocumentNode, operationName: string | null | undefined) => {
    const operation = getOperationAST(document, operationName ?? undefined);
    if (!operation) return;
    state.type = operation.operation;
    state.name = operation.name?.value;
  };
  const executing = (
    state: State,
    args: {
      document: DocumentNode;
      operationName?: string | null;
      schema: GraphQLSchema;
      contextValue: GraphQLContext;
    },
  ) => {
    state.executed = true;
    state.document = args.document;
    state.schema = args.schema;
    state.atlasCalls = args.contextValue.atlasCalls;
    name(state, args.document, args.operationName);
    for (const observer of observers) observer.onExecute?.(state);
  };
  const needsParams = observers.some((observer) => observer.onParams);

  return {
    cutOpen() {
      for (const state of [...open]) {
        state.cut = true;
        end(state);
      }
    },
    onYogaInit({ yoga }) {
      endpoint = yoga.graphqlEndpoint;
    },
    onRequest({ request }) {
      if (pathOf(request.url) !== endpoint) return;
      const state: State = {
        request,
        started: performance.now(),
        startTime: Date.now(),
        codes: new Map(),
        executed: false,
        hasData: false,
        refusedBeforeExecution: false,
        cut: false,
        result: false,
        streaming: false,
        streamDone: false,
        ended: false,
      };
      states.set(request, state);
      open.add(state);
    },
    ...(needsParams
      ? {
          onParams({ request }) {
            const state = states.get(request);
            if (state) for (const observer of observers) observer.onParams?.(state);
          },
        }
      : {}),
    // Names an operation refused before execution (validation, a limit, a mutation over GET: 405 as soon as
    // it parsed), from its parsed document, as the access line names it.
    onParse() {
      return ({ result, context }) => {
        const state = context.request ? states.get(context.request) : undefined;
        if (state && result && !(result instanceof Error)) name(state, result, context.params?.operationName);
      };
    },
    onExecute({ args }) {
      const state = states.get(args.contextValue.request);
      if (state) executing(state, args);
    },
    onSubscribe({ args }) {
      const state = states.get(args.contextValue.request);
      if (state) executing(state, args);
    },
    onResultProcess({ request, result, setResult }) {
      const state = states.get(request);
      if (!state) return;
      state.result = true;
      if (isAsyncIterable(result)) {
        state.streaming = true;
        setResult(
          observe(
            result,
            (chunk) => note(state, chunk, true),
            () => {
              state.streamDone = true;
              if (state.status !== undefined) end(state);
            },
          ),
        );
      } else {
        for (const single of Array.isArray(result) ? result : [result]) note(state, single, false);
      }
    },
    onResponse({ request, response }) {
      const state = states.get(request);
      if (!state) return;
      state.status = response.status;
      if (state.result) {
        if (!state.streaming || state.streamDone) end(state);
        return;
      }
      // Ended before yoga produced a result: GraphiQL's page or a CORS preflight (not operations), or a
      // refusal by an earlier plugin (cross-origin, CSRF, body too large), whose codes are in its body.
      if (response.status < 400) {
        open.delete(state);
        return;
      }
      state.refusedBeforeExecution = true;
      return refusalCodes(response).then((codes) => {
        for (const code of codes) count(state.codes, code);
        if (state.codes.size === 0) count(state.codes, 'UNCODED');
        end(state);
      });
    },
  };
}

function note(state: State, chunk: unknown, streamed: boolean) {
  if (!isRecord(chunk)) return;
  if (chunk['data'] !== undefined && chunk['data'] !== null) state.hasData = true;
  // A later chunk of a stream (`incremental`, a subscription event) carries no `data` entry of its own.
  else if (!('data' in chunk) && !streamed) state.refusedBeforeExecution = true;
  for (const error of errorsOf(chunk)) count(state.codes, codeOf(error) ?? 'UNCODED');
}
