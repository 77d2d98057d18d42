/**
 * Every error a client can see, and the one table that turns Atlas failures into them.
 * Resolvers let Atlas errors propagate; the server's `maskError` (see gateway.ts) calls
 * `toClientError`, so a failing field nulls only itself and carries a precise code.
 */
import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
import {
  AtlasApiError,
  AtlasAuthError,
  AtlasBudgetError,
  AtlasRateBudgetError,
  AtlasTransportError,
  type AtlasError,
  isAtlasError,
} from '../atlas/errors.js';
import { InvalidPathParameterError } from '../atlas/client.js';
import { resources, writes, type ResourceName } from '../loaders/resources.js';
import { IdempotencyKeyBusyError, IdempotencyKeyReusedError, WriteOutcomeUnknownError } from '../loaders/writes.js';
import type { MutationError, MutationErrorCode } from '../generated/resolvers-types.js';
import { UpstreamValueError, upstreamValueMessage } from './scalars.js';

export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_BAD_RESPONSE'
  | 'UPSTREAM_AUTH_FAILED'
  | 'UPSTREAM_BUDGET_EXCEEDED'
  | 'SERVERLESS_BACKUP_SUNSET'
  /** A write's answer was lost and reconciliation could not tell whether it happened (src/loaders/writes.ts). */
  | 'OUTCOME_UNKNOWN';

interface Mapping {
  code: ErrorCode;
  message: string;
}

/** Atlas errorCodes whose meaning overrides their HTTP status. */
const byAtlasErrorCode: Record<string, Mapping> = {
  // Atlas reports some per-feature rate limits as 400.
  RATE_LIMITED_TOKEN_BUCKET: { code: 'RATE_LIMITED', message: 'Atlas rate limit reached' },
  RATE_LIMITED: { code: 'RATE_LIMITED', message: 'Atlas rate limit reached' },
  INVITATIONS_RATE_LIMITED_IP: { code: 'RATE_LIMITED', message: 'Atlas rate limit reached' },
  IP_ADDRESS_NOT_ON_ACCESS_LIST: {
    code: 'FORBIDDEN',
    message: "The gateway's IP address is not on the Atlas API access list of its credential",
  },
  // A version the gateway sends that Atlas does not serve: a gateway bug or a sunset, never the caller's fault.
  INVALID_VERSION_DATE: { code: 'UPSTREAM_ERROR', message: 'Atlas refused the API version the gateway sent' },
  VERSION_GONE: { code: 'UPSTREAM_ERROR', message: 'Atlas has sunset this API version' },
  TIMEOUT_WHILE_PAGING: { code: 'UPSTREAM_TIMEOUT', message: 'Atlas timed out counting the results' },
};

const byStatus: Record<number, Mapping> = {
  400: { code: 'BAD_USER_INPUT', message: 'Atlas rejected the request' },
  401: { code: 'UNAUTHENTICATED', message: 'Atlas did not accept the credential' },
  403: { code: 'FORBIDDEN', message: 'The Atlas credential lacks access to this resource' },
  404: { code: 'NOT_FOUND', message: 'Atlas has no such resource' },
  429: { code: 'RATE_LIMITED', message: 'Atlas rate limit reached' },
  502: { code: 'UPSTREAM_UNAVAILABLE', message: 'Atlas is unavailable' },
  503: { code: 'UPSTREAM_UNAVAILABLE', message: 'Atlas is unavailable' },
  504: { code: 'UPSTREAM_TIMEOUT', message: 'Atlas timed out' },
};

const byTransportFailure: Record<AtlasTransportError['failure'], Mapping> = {
  timeout: { code: 'UPSTREAM_TIMEOUT', message: 'Atlas did not answer in time' },
  unavailable: { code: 'UPSTREAM_UNAVAILABLE', message: 'Atlas could not be reached' },
  'bad-response': { code: 'UPSTREAM_BAD_RESPONSE', message: 'Atlas sent a response the gateway cannot read' },
};

const byAuthFailure: Record<AtlasAuthError['failure'], Mapping> = {
  'missing-caller-token': {
    code: 'UNAUTHENTICATED',
    message: 'Send your Atlas access token as `Authorization: Bearer <token>`',
  },
  'invalid-client': {
    code: 'UPSTREAM_AUTH_FAILED',
    message: "Atlas refused the gateway's service account (client id or secret)",
  },
  'token-refused': { code: 'UPSTREAM_AUTH_FAILED', message: 'Atlas refused to issue an access token to the gateway' },
  'token-rate-limited': { code: 'RATE_LIMITED', message: "Atlas rate-limited the gateway's token requests" },
  'token-endpoint-failed': { code: 'UPSTREAM_AUTH_FAILED', message: 'The Atlas token endpoint could not be used' },
};

const fallback: Mapping = { code: 'UPSTREAM_ERROR', message: 'Atlas failed' };

/** The mapping for one Atlas failure: errorCode first, then status, then a generic upstream error. */
export function classifyAtlasError(error: AtlasError): Mapping {
  if (error instanceof AtlasTransportError) return byTransportFailure[error.failure];
  if (error instanceof AtlasAuthError) return byAuthFailure[error.failure];
  if (error instanceof AtlasBudgetError) {
    return {
      code: 'UPSTREAM_BUDGET_EXCEEDED',
      message: `This operation needs more than its budget of ${error.budget} Atlas calls`,
    };
  }
  if (error instanceof AtlasRateBudgetError) {
    return {
      code: 'RATE_LIMITED',
      message: "The gateway's Atlas rate budget has no call left for this field before the operation's deadline",
    };
  }
  return byAtlasErrorCode[error.errorCode] ?? byStatus[error.status] ?? fallback;
}

/** Atlas left out a value the graph cannot answer without (an object's id): Atlas's fault, like an unfit value. */
export class AtlasOmissionError extends Error {
  override readonly name = 'AtlasOmissionError';
  constructor(readonly what: string) {
    super(`Atlas omitted ${what}`);
  }
}

/** The day Atlas sunset the serverless backup endpoints (the spec's `x-sunset`). */
export const SERVERLESS_BACKUP_SUNSET_DATE = '2026-01-22';

/**
 * Whether Atlas answered a serverless backup read as gone: 410 (VERSION_GONE, what Atlas documents for a
 * sunset version), or a 404 on the snapshot *list* that does not say the instance or project is missing
 * (a removed route). A 404 on one snapshot cannot be told from a missing snapshot, so it stays null.
 */
export function isServerlessBackupGone(error: unknown): error is AtlasApiError {
  if (!(error instanceof AtlasApiError)) return false;
  const { get, list } = resources.serverlessSnapshot;
  if (error.operationId !== get && error.operationId !== list) return false;
  if (error.status === 410 || error.errorCode === 'VERSION_GONE') return true;
  return error.operationId === list && error.status === 404 && !parentMissingCodes.has(error.errorCode);
}
const parentMissingCodes = new Set(['SERVERLESS_INSTANCE_NOT_FOUND', 'GROUP_NOT_FOUND', 'CLUSTER_NOT_FOUND']);

/** A serverless backup read Atlas answered as gone, with the instance it was for (whose Flex successor has its name). */
export class ServerlessBackupSunsetError extends Error {
  override readonly name = 'ServerlessBackupSunsetError';
  constructor(
    readonly atlasError: AtlasApiError,
    readonly instance: { projectId: string; name: string },
    /** Whether a Flex cluster of the instance's name is in its project; undefined when that could not be read. */
    readonly hasFlexSuccessor: boolean | undefined,
  ) {
    super('serverless backup endpoints sunset');
  }
}

function serverlessBackupSunset(
  error: AtlasApiError,
  instance?: ServerlessBackupSunsetError['instance'],
  flex?: boolean,
) {
  const readFlex = instance
    ? `project(id: "${instance.projectId}") { flexCluster(name: "${instance.name}") { snapshots { nodes { id } } } }`
    : '';
  const where = instance
    ? flex === true
      ? `read these backups from the Flex cluster "${instance.name}" of the same project (the instance's \`flexSuccessor\`): ${readFlex}`
      : flex === false
        ? `no Flex cluster "${instance.name}" is in project ${instance.projectId} (the instance may have become a ` +
          `dedicated cluster: project(id: "${instance.projectId}") { deployment(name: "${instance.name}") { family } })`
        : `whether project ${instance.projectId} has a Flex cluster "${instance.name}" could not be read just now; ` +
          `if it has, it holds these backups: ${readFlex}`
    : 'read these backups from the Flex cluster of the same name: project(id:) { flexCluster(name:) { snapshots { nodes { id } } } }';
  return {
    message:
      `Atlas sunset the serverless backup endpoints on ${SERVERLESS_BACKUP_SUNSET_DATE}. Atlas migrated serverless ` +
      `instances to Flex clusters that keep their names; ${where}.`,
    extensions: {
      ...atlasExtensions(error, 'SERVERLESS_BACKUP_SUNSET'),
      sunset: SERVERLESS_BACKUP_SUNSET_DATE,
      ...(instance && flex
        ? { successor: { type: 'FlexCluster', projectId: instance.projectId, name: instance.name } }
        : {}),
    },
  };
}

export function badUserInput(message: string, argument?: string, details: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'BAD_USER_INPUT', ...(argument ? { argument } : {}), ...details },
  });
}

function atlasExtensions(error: AtlasError, code: ErrorCode): Record<string, unknown> {
  if (error instanceof AtlasBudgetError) return { code, atlas: { operation: error.operationId }, budget: error.budget };
  if (error instanceof AtlasTransportError) return { code, atlas: { operation: error.operationId } };
  if (error instanceof AtlasRateBudgetError) {
    // Nothing was sent: no Atlas status to report, only when to try again.
    return { code, atlas: { operation: error.operationId }, retryAfter: error.retryAfter };
  }
  if (error instanceof AtlasAuthError) {
    const atlas = error.status
      ? { operation: 'oauthToken', status: error.status, errorCode: error.errorCode }
      : undefined;
    return {
      code,
      ...(atlas ? { atlas } : {}),
      ...(error.retryAfter !== undefined ? { retryAfter: error.retryAfter } : {}),
    };
  }
  const atlas: Record<string, unknown> = {
    operation: error.operationId,
    status: error.status,
    errorCode: error.errorCode,
  };
  if (error.reason) atlas.reason = error.reason;
  if (error.detail) atlas.detail = error.detail;
  if (error.parameters?.length) atlas.parameters = error.parameters;
  return { code, atlas, ...(error.retryAfter !== undefined ? { retryAfter: error.retryAfter } : {}) };
}

/**
 * graphql ships as CommonJS and ESM; @apollo/subgraph loads one and yoga the other, so a GraphQLError
 * may come from either copy and `instanceof` is not reliable. Recognize them by name.
 */
export function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === 'GraphQLError';
}

/** graphql's words for a null in a non-null field, naming the field as `Type.field`. */
const nullForNonNull = /^Cannot return null for non-nullable field (\w+\.\w+)\.$/;

/**
 * graphql-jit (compiled execution) raises errors of its own kind: named GraphQLError, with `locations` but
 * no `nodes` and no `extensions`. Rebuilt as graphql's own, so masking, the operation log and yoga's HTTP
 * status meet one kind of error.
 */
function ofGraphQL(error: GraphQLError): GraphQLError {
  if (error.extensions) return error;
  return locatedAs(new GraphQLError(error.message, { path: error.path, originalError: error.originalError }), error);
}

/** `error` with the locations of `from` when it has none of its own (graphql computes them only from nodes). */
function locatedAs(error: GraphQLError, from: GraphQLError | undefined): GraphQLError {
  if (error.locations || !from?.locations) return error;
  return Object.defineProperty(error, 'locations', { value: from.locations, enumerable: true });
}

/**
 * The scalar that refused a value Atlas sent, from an error raised while completing a field (it has a
 * path, so the value is an output, i.e. Atlas's), or undefined. Our scalars throw UpstreamValueError.
 * graphql's own (Int, Float, String, Boolean, ID) say "Int cannot represent non-integer value: …", quoting
 * the value (yoga's executor rethrows it as a plain Error). The compiled executor (graphql-jit) keeps only
 * a refusal's message, so ours is known there by its text.
 */
function unfitScalar(cause: unknown, located: GraphQLError | undefined): string | undefined {
  if (cause instanceof UpstreamValueError) return cause.scalar;
  if (!located?.path || !(cause instanceof Error) || (isGraphQLError(cause) && cause.extensions?.code)) {
    return undefined;
  }
  return (
    /^(Int|Float|String|Boolean|ID) cannot represent /.exec(cause.message)?.[1] ??
    (isGraphQLError(cause) ? upstreamValueMessage.exec(cause.message)?.[1] : undefined)
  );
}

/**
 * Turns any error raised while executing into what the client sees. Atlas errors get their code and
 * details, and so does an Atlas value that does not fit its scalar; GraphQL errors raised on purpose
 * (bad input, a scalar's refusal) keep their message and code; anything else is masked.
 */
export function toClientError(error: unknown, message: string): Error {
  const located = isGraphQLError(error) ? ofGraphQL(error) : undefined;
  // Walk to the root cause, remembering the first deliberate code on the way (graphql wraps a scalar's
  // refusal twice while coercing variables).
  let cause: unknown = located ? (located.originalError ?? located) : error;
  let code = located?.extensions?.code;
  while (isGraphQLError(cause)) {
    code ??= cause.extensions?.code;
    if (!cause.originalError) break;
    cause = cause.originalError;
  }
  const locate = (text: string, extensions: Record<string, unknown>) =>
    locatedAs(
      new GraphQLError(text, {
        nodes: located?.nodes,
        source: located?.source,
        positions: located?.positions,
        path: located?.path,
        extensions,
      }),
      located,
    );
  if (cause instanceof ServerlessBackupSunsetError || isServerlessBackupGone(cause)) {
    const gone =
      cause instanceof ServerlessBackupSunsetError
        ? serverlessBackupSunset(cause.atlasError, cause.instance, cause.hasFlexSuccessor)
        : serverlessBackupSunset(cause);
    return locate(gone.message, gone.extensions);
  }
  if (cause instanceof WriteOutcomeUnknownError) {
    const unknown = outcomeUnknown(cause);
    return locate(unknown.message, unknown.extensions);
  }
  if (isAtlasError(cause)) {
    const mapping = classifyAtlasError(cause);
    const detail = cause instanceof AtlasApiError && cause.detail ? `: ${cause.detail}` : '';
    return locate(`${mapping.message}${detail}`, atlasExtensions(cause, mapping.code));
  }
  const unfit = unfitScalar(cause, located);
  if (unfit) {
    // The path says which field; the value is never echoed.
    const field = located?.path ? ` for ${located.path.join('.')}` : '';
    return locate(`Atlas sent a value that is not a valid ${unfit}${field}`, {
      code: 'UPSTREAM_BAD_RESPONSE' satisfies ErrorCode,
    });
  }
  if (cause instanceof AtlasOmissionError) {
    const field = located?.path ? ` for ${located.path.join('.')}` : '';
    return locate(`Atlas omitted the ${cause.what}${field}`, { code: 'UPSTREAM_BAD_RESPONSE' satisfies ErrorCode });
  }
  // A null where the schema promises a value: Atlas left out a field its spec calls optional. graphql says so
  // in its own words, as a plain Error from yoga's executor and as its own kind of error from graphql-jit.
  const omitted = cause instanceof Error ? nullForNonNull.exec(cause.message)?.[1] : undefined;
  if (omitted && located?.path) {
    return locate(`Atlas omitted ${omitted} for ${located.path.join('.')}`, {
      code: 'UPSTREAM_BAD_RESPONSE' satisfies ErrorCode,
    });
  }
  if (cause instanceof InvalidPathParameterError) {
    if (cause.missing) {
      const field = located?.path ? ` for ${located.path.join('.')}` : '';
      return locate(`Atlas omitted the ${cause.parameter} the next call needs${field}`, {
        code: 'UPSTREAM_BAD_RESPONSE' satisfies ErrorCode,
      });
    }
    return locate(`Invalid value for ${cause.parameter}`, { code: 'BAD_USER_INPUT' });
  }
  if (located && typeof code === 'string') {
    const extensions = isGraphQLError(cause) ? cause.extensions : {};
    // Yoga keeps the JSON parser's own error under `originalError` (its message quotes the body back): not
    // the client's business, whose answer already says the body is not JSON.
    const { originalError: _parserError, ...kept } = { ...extensions, ...located.extensions };
    return locate(located.message, { ...kept, code });
  }
  // graphql's own errors (syntax, validation, variables) say nothing secret. One outside any field without a
  // code yet is about the request itself (variables that do not fit, graphql's refusal of the value wrapped
  // in it): the caller's to mend.
  if (located && isGraphQLError(cause)) {
    if (!located.path) return locate(located.message, { ...located.extensions, code: 'BAD_USER_INPUT' });
    if (!located.originalError) return located;
  }
  return yogaMaskError(error, message, false);
}

/**
 * Atlas refusals a mutation answers as data (`MutationError`), by status: the request was processed and
 * refused, nothing was created. Everything else (401, 429, 5xx, timeouts) stays a GraphQL error.
 */
const mutationRefusals: Record<number, { code: MutationErrorCode; message: string }> = {
  400: { code: 'REFUSED', message: 'Atlas refused the request' },
  403: { code: 'FORBIDDEN', message: 'The Atlas credential lacks the role this needs' },
  404: { code: 'NOT_FOUND', message: 'Atlas has no such resource' },
  405: { code: 'NOT_CANCELLABLE', message: 'Atlas does not allow this for this job' },
  409: { code: 'CONFLICT', message: 'Atlas refused: another job holds what this one needs' },
};
/** The operations that cancel: a 405 there says the job cannot be cancelled; on a create it is a refusal. */
const cancelOperations = new Set<string>(
  Object.values(writes)
    .filter((write) => write.kind === 'cancel')
    .map((write) => write.operation),
);
/** 400s that are about the request's shape, not Atlas's rules. */
const invalidInputCodes = new Set(['VALIDATION_ERROR', 'INVALID_ATTRIBUTE', 'MISSING_ATTRIBUTE']);

/**
 * What a mutation answers as data for an expected failure, or undefined for an unexpected one (rethrown, to
 * become a GraphQL error). `inputs` are the mutation's input fields and values, in the order a match is
 * preferred; `atlasFields` names the input field each Atlas body field came from. Atlas's `parameters`
 * name the field (MISSING_ATTRIBUTE `targetProjectId`) or quote its value (CLUSTER_NOT_FOUND `name`).
 */
export function mutationErrorOf(
  error: unknown,
  inputs: readonly (readonly [string, unknown])[],
  atlasFields: Readonly<Record<string, string>>,
  roleHint: string,
): MutationError | undefined {
  if (error instanceof IdempotencyKeyReusedError) {
    return {
      code: 'IDEMPOTENCY_KEY_REUSED',
      message: 'This idempotencyKey was used for a different request; nothing was sent. Use a new key.',
      field: 'idempotencyKey',
      atlas: null,
    };
  }
  if (error instanceof IdempotencyKeyBusyError) {
    return {
      code: 'IDEMPOTENCY_KEY_IN_USE',
      message: 'A request with this idempotencyKey is still running; nothing was sent. Repeat it shortly.',
      field: 'idempotencyKey',
      atlas: null,
    };
  }
  if (!(error instanceof AtlasApiError) || byAtlasErrorCode[error.errorCode]) return undefined;
  const refusal =
    error.status === 405 && !cancelOperations.has(error.operationId)
      ? mutationRefusals[400]
      : mutationRefusals[error.status];
  if (!refusal) return undefined;
  const code = error.status === 400 && invalidInputCodes.has(error.errorCode) ? 'INVALID_INPUT' : refusal.code;
  const prefix = code === 'FORBIDDEN' ? `${refusal.message} (${roleHint})` : refusal.message;
  return {
    code,
    message: error.detail ? `${prefix}: ${error.detail}` : prefix,
    field: fieldOf(error.parameters ?? [], inputs, atlasFields),
    atlas: {
      operation: error.operationId,
      status: error.status,
      errorCode: error.errorCode,
      detail: error.detail ?? null,
    },
  };
}

function fieldOf(
  parameters: readonly unknown[],
  inputs: readonly (readonly [string, unknown])[],
  atlasFields: Readonly<Record<string, string>>,
): string | null {
  for (const parameter of parameters) {
    if (typeof parameter !== 'string') continue;
    const named = atlasFields[parameter];
    if (named) return named;
    const quoted = inputs.find(([, value]) => value === parameter);
    if (quoted) return quoted[0];
  }
  return null;
}

/** The graph field that lists what each write creates, named in OUTCOME_UNKNOWN's advice. */
const listFieldOf: Partial<Record<ResourceName, string>> = {
  snapshot: 'Cluster.snapshots',
  restoreJob: 'Cluster.restoreJobs',
  export: 'Cluster.exports',
  flexRestoreJob: 'FlexCluster.restoreJobs',
};

function outcomeUnknown(error: WriteOutcomeUnknownError) {
  const { failure, check, candidates } = error;
  const since = new Date(error.startedAt).toISOString();
  const key = check.key as { groupId?: string; clusterName?: string; id?: string };
  const lost =
    failure instanceof AtlasApiError
      ? `Atlas answered ${failure.status} ${failure.errorCode}`
      : failure instanceof AtlasTransportError
        ? `${failure.failure === 'bad-response' ? "Atlas's answer could not be read" : 'the connection failed'} (${failure.failure}${failure.causeCode ? ` ${failure.causeCode}` : ''})`
        : 'the answer was lost';
  const listField = listFieldOf[check.resource] ?? check.resource;
  const where = `project ${key.groupId ?? ''}, ${key.clusterName ?? ''}`;
  const found =
    key.id !== undefined
      ? `the job ${key.id} does not read as cancelled`
      : candidates === undefined
        ? `the gateway could not read ${listField} to find out`
        : candidates === 0
          ? `no matching job is in ${listField} yet`
          : `${candidates} jobs in ${listField} match it`;
  const advice =
    key.id !== undefined
      ? `Read the job again (${listField}) before cancelling again; cancelling twice is harmless.`
      : `Check ${listField} (${where}) for a job created since ${since} before sending this again: a second ` +
        'request may start a second job. Sent with an idempotencyKey, the same request with the same key looks ' +
        'again without sending.';
  return {
    message: `The outcome of ${error.operationId} is unknown: ${lost} after the request was sent, and ${found}. ${advice}`,
    extensions: {
      code: 'OUTCOME_UNKNOWN' satisfies ErrorCode,
      requestStartedAt: since,
      ...(candidates === undefined ? {} : { candidates }),
      check: {
        field: listField,
        projectId: key.groupId,
        clusterName: key.clusterName,
        ...(key.id !== undefined ? { atlasId: key.id } : {}),
      },
      ...(isAtlasError(failure) ? { atlas: atlasExtensions(failure, 'OUTCOME_UNKNOWN').atlas } : {}),
    },
  };
}
