/**
 * Logs an operator can trust: one access line per GraphQL request, and a separate line only for what
 * someone other than the caller has to look at.
 *
 * - Access line (info), for every request to the GraphQL endpoint, executed or refused before execution:
 *   request id, operation name and type, HTTP status, duration, Atlas calls, and the `extensions.code`s
 *   the answer carries, counted. Never variables, query text, headers or the messages of caller errors:
 *   those are the caller's data (a bad id's message quotes the id).
 * - Caller mistakes (bad input, validation, limits, refusals, NOT_FOUND, a missing caller token) get no
 *   line of their own: the access line counts their codes.
 * - Atlas failing (429, 5xx, timeouts, unreadable bodies, 401/403 from Atlas): one warn line per distinct
 *   failure, naming the Atlas operation, status and errorCode, without stack or Atlas's detail (which can
 *   quote the caller's ids).
 * - Error level only for what an operator must act on: the gateway's own credential refused
 *   (UPSTREAM_AUTH_FAILED), a configuration problem Atlas reports (IP access list, API version), and bugs:
 *   an unexpected exception masked as INTERNAL_SERVER_ERROR (with its stack) or a field error graphql
 *   raised without a code (a non-null field Atlas left empty, say).
 *
 * Yoga logs every error it masks, at error level and with its stack, and some of them twice;
 * `yogaLogger` silences that channel except for unexpected exceptions that happen outside execution
 * (context building, parsing), which the plugin cannot see.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { getOperationAST, type DocumentNode } from 'graphql';
import type { Plugin, YogaLogger } from 'graphql-yoga';
import { AtlasApiError, AtlasAuthError, AtlasTransportError } from '../../atlas/errors.js';
import type { GraphQLContext } from '../../graph/context.js';
import { isGraphQLError, toClientError } from '../../graph/errors.js';
import type { ObservedOperation, OperationObserver, Outcome } from './operation-observer.js';
import { codeOf, errorsOf, isAsyncIterable, isRecord, shownOperationName } from './results.js';

/** Codes raised by Atlas (or its token endpoint) misbehaving or refusing: worth a warning, not the caller's fault. */
const upstreamCodes = new Set([
  'RATE_LIMITED',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_ERROR',
  'UPSTREAM_BAD_RESPONSE',
  // A write whose answer was lost and could not be reconciled: an operator may have to look.
  'OUTCOME_UNKNOWN',
]);
/** Refusals that come from Atlas only when `extensions.atlas` says so (else: no caller token, no Atlas call). */
const upstreamWhenFromAtlas = new Set(['FORBIDDEN', 'UNAUTHENTICATED']);
/** Atlas errorCodes that mean the gateway's own set-up is wrong, whoever asked. */
const configurationErrorCodes = new Set(['IP_ADDRESS_NOT_ON_ACCESS_LIST', 'INVALID_VERSION_DATE', 'VERSION_GONE']);
const maskedMessage = 'Unexpected error.';
const graphqlName = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;
const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

type Level = 'warn' | 'error';

interface AtlasFacts {
  operation?: string;
  status?: number;
  errorCode?: string;
  failure?: string;
  cause?: string;
}

/** One warn or error line, deduplicated within an operation (a failed list fails each of its items). */
interface Incident {
  level: Level;
  message: string;
  fields: Record<string, unknown>;
  count: number;
}

/** What the log keeps of a request beyond what the operation observer tracks (codes, status, timing). */
interface LogState {
  /** `reqId` of its lines: chosen once, by the first line that needs it. */
  requestId?: string;
  operationName?: string;
  operationType?: string;
  /** Set when the operation executes: its Atlas calls are reported, and it was not refused. */
  executed: boolean;
  incidents: Map<string, Incident>;
  /** Codes of the errors its mutations answered as data (a write refused), by count. */
  writeErrors?: Map<string, number>;
}

export interface OperationLog {
  /** Names the operation and notes the errors worth a line before yoga masks them: first in the plugins. */
  plugin: Plugin<GraphQLContext>;
  /** Writes the lines when the request's answer is over; give it to useOperationObserver. */
  observer: OperationObserver;
  /** Yoga's `logging` (see `yogaLogger`), its lines carrying the request's `reqId` where the level shows them. */
  yoga: YogaLogger;
}

/**
 * The request's life (arrival, the codes in its answer, its status, the end of a stream) is followed once,
 * by the operation observer that metrics and traces read too; this log adds its names and incidents.
 */
export function createOperationLog(
  logger: YogaLogger,
  options: {
    /**
     * The gateway calls Atlas with its own credential (not callers' tokens): Atlas refusing it (401) is for an
     * operator to act on, whoever asked.
     */
    ownCredential?: boolean;
  } = {},
): OperationLog {
  const states = new WeakMap<Request, LogState>();
  const stateOf = (request: Request): LogState => {
    let state = states.get(request);
    if (!state) {
      state = { executed: false, incidents: new Map() };
      states.set(request, state);
    }
    return state;
  };

  const requestIdOf = (request: Request): string => {
    const state = stateOf(request);
    if (state.requestId === undefined) {
      const given = request.headers.get('x-request-id');
      state.requestId = given && requestIdPattern.test(given) ? given : randomUUID();
    }
    return state.requestId;
  };
  // Yoga's own lines (its debug steps) know nothing of the request: they find it in the async context its
  // handling runs in. Only when debug lines are written: on Node 20 the context costs every promise a hook.
  const handling = writesDebug(logger) ? new AsyncLocalStorage<Request>() : undefined;

  const observer: OperationObserver = {
    onEnd(operation: ObservedOperation, outcome: Outcome) {
      const state = stateOf(operation.request);
      const requestId = requestIdOf(operation.request);
      const name = state.operationName ?? 'anonymous';
      for (const incident of state.incidents.values()) {
        const fields = { reqId: requestId, operation: name, ...incident.fields, count: incident.count };
        logger[incident.level](fields, incident.message);
      }
      const stats = state.executed ? operation.atlasCalls : undefined;
      const durationMs = Math.round((performance.now() - operation.started) * 10) / 10;
      logger.info(
        {
          reqId: requestId,
          operation: name,
          ...(state.operationType ? { operationType: state.operationType } : {}),
          status: operation.status,
          durationMs,
          atlas: { calls: stats?.calls ?? 0, coalesced: stats?.coalesced ?? 0, retries: stats?.retries ?? 0 },
          ...(operation.codes.size ? { errors: Object.fromEntries(operation.codes) } : {}),
          ...(state.writeErrors?.size ? { writeErrors: Object.fromEntries(state.writeErrors) } : {}),
          // As metrics and traces say it: a limit, the cost or the budget estimate refuses an operation once
          // its execution begins (yoga's onExecute), before anything executes.
          ...(outcome === 'refused' ? { refused: true } : {}),
          ...(operation.cut ? { cut: true } : {}),
        },
        `${state.operationType ?? 'request'} ${name} ${operation.status ?? '-'} ${durationMs} ms`,
      );
    },
  };

  const executing = (args: {
    contextValue: { request: Request };
    document: DocumentNode;
    operationName?: string | null;
  }) => {
    const state = stateOf(args.contextValue.request);
    state.executed = true;
    nameOperation(state, args.document, args.operationName);
    return state;
  };

  // This plugin comes before yoga's error masking, so it sees each error with its cause and stack: in a
  // result, or in each chunk or event of a stream.
  const watching =
    (state: LogState) =>
    ({ result }: { result: unknown }) => {
      if (!isAsyncIterable(result)) {
        noteIncidents(state, result, options);
        return undefined;
      }
      return { onNext: ({ result: chunk }: { result: unknown }) => noteIncidents(state, chunk, options) };
    };

  const plugin: Plugin<GraphQLContext> = {
    ...(handling ? { instrumentation: { request: ({ request }, wrapped) => handling.run(request, wrapped) } } : {}),
    onParams({ request, params }) {
      // Only a well-formed name: the client sends this string, and it may be anything.
      const name = params.operationName;
      if (typeof name === 'string' && graphqlName.test(name)) stateOf(request).operationName = name;
    },
    onParse() {
      return ({ result, context }) => {
        if (!context.request || result instanceof Error || !result) return;
        nameOperation(stateOf(context.request), result, context.params?.operationName);
      };
    },
    onExecute({ args }) {
      const state = executing(args);
      const watch = watching(state);
      return {
        onExecuteDone(done) {
          const streamed = watch(done);
          noteWriteErrors(state, args.contextValue.writeErrors ?? [], options);
          return streamed;
        },
      };
    },
    // A subscription executes through `subscribe`, not `execute`: without this its line said `refused`.
    onSubscribe({ args }) {
      return { onSubscribeResult: watching(executing(args)) };
    },
  };
  const requestId = handling
    ? () => {
        const request = handling.getStore();
        return request && requestIdOf(request);
      }
    : undefined;
  return { plugin, observer, yoga: yogaLogger(logger, requestId) };
}

/**
 * Yoga's `logging`: its debug, info and warn lines pass through. Its error channel receives every error
 * that masking replaced (client mistakes included, some twice, stacks attached): those are reported by
 * `createOperationLog` at the level they deserve, so only unexpected exceptions raised outside execution,
 * which the plugin never sees, are logged here, once, with their stack.
 */
export function yogaLogger(logger: YogaLogger, requestId?: () => string | undefined): YogaLogger {
  const seen = new WeakSet<object>();
  // Yoga writes strings: its line gets the request's `reqId` as its first argument, the object pino merges.
  const line =
    (level: 'debug' | 'info' | 'warn') =>
    (...args: unknown[]) => {
      const reqId = requestId?.();
      if (reqId !== undefined && typeof args[0] === 'string') logger[level]({ reqId }, ...args);
      else logger[level](...args);
    };
  return {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: (...args: unknown[]) => {
      for (const value of args) {
        if (typeof value !== 'object' || value === null) {
          logger.error({ thrown: typeof value }, 'Unexpected non-Error value thrown (masked as INTERNAL_SERVER_ERROR)');
          continue;
        }
        if (seen.has(value)) continue;
        seen.add(value);
        // Field errors (they have a path) are the plugin's.
        if (isGraphQLError(value) && value.path) continue;
        if (codeOf(toClientError(value, maskedMessage)) !== 'INTERNAL_SERVER_ERROR') continue;
        const reqId = requestId?.();
        logger.error(
          { ...(reqId === undefined ? {} : { reqId }), err: rootCause(value) },
          'Unexpected error outside execution (masked as INTERNAL_SERVER_ERROR)',
        );
      }
    },
  };
}

/** Whether the logger writes debug lines (pino says; a logger that cannot say is assumed to). */
function writesDebug(logger: YogaLogger): boolean {
  const isLevelEnabled: unknown = Reflect.get(logger, 'isLevelEnabled');
  return typeof isLevelEnabled !== 'function' || Reflect.apply(isLevelEnabled, logger, ['debug']) === true;
}

function nameOperation(state: LogState, document: DocumentNode, operationName: string | null | undefined) {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return;
  state.operationType = operation.operation;
  state.operationName = operation.name ? shownOperationName(operation.name.value) : 'anonymous';
}

/** Classifies each error of an execution result as yoga is about to mask it, and keeps what needs a line. */
function noteIncidents(state: LogState, chunk: unknown, options: { ownCredential?: boolean }) {
  for (const error of errorsOf(chunk)) {
    const clientError = toClientError(error, maskedMessage);
    const code = codeOf(clientError);
    const extensions = isGraphQLError(clientError) ? clientError.extensions : {};
    const path = isGraphQLError(error) ? error.path : undefined;
    const atlas = atlasFacts(extensions['atlas'], rootCause(error));
    if (code === 'INTERNAL_SERVER_ERROR') {
      // Outside a field (variables, say) yoga reports it through `yogaLogger`.
      if (!path) continue;
      const cause = rootCause(error);
      addIncident(state, 'error', `bug ${describe(cause)} ${schemaPath(path)}`, {
        message: `Unexpected error resolving ${schemaPath(path)} (masked as INTERNAL_SERVER_ERROR)`,
        fields: { code, path, err: cause },
      });
    } else if (code === undefined) {
      // graphql's own field errors carry no code and say nothing of the caller's data: a contract broken
      // between Atlas and the schema (a null for a non-null field, a date Atlas sent malformed).
      if (!path || !isGraphQLError(error)) continue;
      addIncident(state, 'error', `uncoded ${error.message} ${schemaPath(path)}`, {
        message: `Field error without a code at ${schemaPath(path)}: ${error.message}`,
        fields: { path },
      });
    } else {
      const retryAfter = extensions['retryAfter'];
      // Without an Atlas operation (a value that did not fit its scalar), the field says where.
      const field = atlas.operation === undefined && path ? schemaPath(path) : undefined;
      noteAtlasIncident(state, code, atlas, extensions['atlas'] !== undefined, options, {
        ...(field ? { field } : {}),
        ...(typeof retryAfter === 'number' ? { retryAfter } : {}),
      });
    }
  }
}

/**
 * Atlas failing or refusing, whether a query's field or a mutation's payload says so: an error line when an
 * operator must act (the gateway's own credential refused, its set-up wrong), a warn line for the rest.
 */
function noteAtlasIncident(
  state: LogState,
  code: string,
  atlas: AtlasFacts,
  fromAtlas: boolean,
  options: { ownCredential?: boolean },
  extra: Record<string, unknown> = {},
): void {
  // Atlas retired what the field reads (its VERSION_GONE is expected, not a set-up to mend): the client should
  // read the Flex cluster instead, so a warn line says which operation is still asked for.
  if (code === 'SERVERLESS_BACKUP_SUNSET') {
    addIncident(state, 'warn', `retired ${JSON.stringify(atlas)}`, {
      message: `${atlasSummary(atlas, code)}: a client asked for serverless backups, which Atlas retired; the Flex cluster's fields hold them now`,
      fields: { code, atlas },
    });
    return;
  }
  if (
    code === 'UPSTREAM_AUTH_FAILED' ||
    (code === 'UNAUTHENTICATED' && options.ownCredential === true && fromAtlas) ||
    (atlas.errorCode !== undefined && configurationErrorCodes.has(atlas.errorCode))
  ) {
    addIncident(state, 'error', `operator ${code} ${JSON.stringify(atlas)}`, {
      message: `${atlasSummary(atlas, code)}: the gateway's credential or configuration needs attention`,
      fields: { code, atlas },
    });
  } else if (upstreamCodes.has(code) || (upstreamWhenFromAtlas.has(code) && fromAtlas)) {
    addIncident(state, 'warn', `upstream ${code} ${JSON.stringify(atlas)} ${String(extra['field'] ?? '')}`, {
      message: atlasSummary(atlas, code),
      fields: { code, atlas, ...extra },
    });
  }
}

/**
 * Errors a mutation answered as data: counted for the access line; Atlas refusing the credential or a role
 * is an incident as it is for a query (an operator may have to grant the role).
 */
function noteWriteErrors(
  state: LogState,
  errors: NonNullable<GraphQLContext['writeErrors']>,
  options: { ownCredential?: boolean },
) {
  for (const { code, atlas } of errors) {
    state.writeErrors ??= new Map();
    state.writeErrors.set(code, (state.writeErrors.get(code) ?? 0) + 1);
    // Refused by the gateway before any call (`atlas` null): counted only.
    if (!atlas) continue;
    const facts: AtlasFacts = { operation: atlas.operation, status: atlas.status, errorCode: atlas.errorCode };
    noteAtlasIncident(state, code, facts, true, options);
  }
}

function addIncident(
  state: LogState,
  level: Level,
  key: string,
  incident: { message: string; fields: Record<string, unknown> },
) {
  const known = state.incidents.get(key);
  if (known) known.count++;
  else state.incidents.set(key, { level, ...incident, count: 1 });
}

function atlasSummary(atlas: AtlasFacts, code: string): string {
  const outcome = [atlas.status, atlas.errorCode, atlas.failure, atlas.cause].filter((v) => v !== undefined);
  return `Atlas ${atlas.operation ?? 'call'} failed${outcome.length ? `: ${outcome.join(' ')}` : ''} (${code})`;
}

/** What the client's `extensions.atlas` says, plus the transport's failure kind; never Atlas's detail text. */
function atlasFacts(atlas: unknown, thrown: unknown): AtlasFacts {
  const facts: AtlasFacts = {};
  // An error that names its cause (a write whose outcome is unknown, after a reset or Atlas's 500) is told
  // by that cause.
  const cause =
    thrown instanceof Error && !isAtlasFailure(thrown) && isAtlasFailure(thrown.cause) ? thrown.cause : thrown;
  if (isRecord(atlas)) {
    if (typeof atlas['operation'] === 'string') facts.operation = atlas['operation'];
    if (typeof atlas['status'] === 'number') facts.status = atlas['status'];
    if (typeof atlas['errorCode'] === 'string') facts.errorCode = atlas['errorCode'];
  }
  if (cause instanceof AtlasTransportError) {
    facts.operation ??= cause.operationId;
    facts.failure = cause.failure;
    if (cause.causeCode) facts.cause = cause.causeCode;
  } else if (cause instanceof AtlasApiError) {
    facts.operation ??= cause.operationId;
    facts.status ??= cause.status;
    facts.errorCode ??= cause.errorCode;
  } else if (cause instanceof AtlasAuthError && cause.failure !== 'missing-caller-token') {
    // The service account's token endpoint: what it answered, or, unanswered, why it could not be used.
    facts.operation ??= 'oauthToken';
    facts.status ??= cause.status;
    facts.errorCode ??= cause.errorCode;
    if (facts.status === undefined) facts.failure = cause.failure;
    if (cause.causeCode) facts.cause = cause.causeCode;
  }
  return facts;
}

function isAtlasFailure(value: unknown): value is AtlasApiError | AtlasTransportError {
  return value instanceof AtlasApiError || value instanceof AtlasTransportError;
}

/** The thrown value under graphql's wrappers, where the useful stack is. */
function rootCause(error: unknown): unknown {
  let cause = error;
  while (isGraphQLError(cause) && cause.originalError) cause = cause.originalError;
  return cause;
}

function describe(value: unknown): string {
  return value instanceof Error ? `${value.name}: ${value.message}` : typeof value;
}

/** A response path without list indices, so a failure repeated over a list is one incident. */
function schemaPath(path: readonly (string | number)[]): string {
  return path.filter((segment) => typeof segment === 'string').join('.');
}
