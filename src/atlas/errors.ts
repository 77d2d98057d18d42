/**
 * Errors of the Atlas layer. Messages never contain credentials or raw upstream bodies: only
 * fields of a parsed Atlas `ApiError`, or fixed text.
 */

/** Atlas answered with a non-2xx status; the fields are those of its `ApiError` body. */
export class AtlasApiError extends Error {
  override readonly name = 'AtlasApiError';
  constructor(
    readonly operationId: string,
    readonly status: number,
    readonly errorCode: string,
    readonly reason: string | undefined,
    readonly detail: string | undefined,
    readonly parameters: unknown[] | undefined,
    /** Seconds to wait before retrying, from `Retry-After` (429, 503). */
    readonly retryAfter: number | undefined,
  ) {
    super(`Atlas ${operationId} failed with ${status} ${errorCode}`);
  }
}

export type AtlasTransportFailure =
  /** No answer within the configured timeout. */
  | 'timeout'
  /** The connection failed or was reset. */
  | 'unavailable'
  /** Atlas answered 2xx with a body that is not the JSON the operation returns. */
  | 'bad-response';

/**
 * Failures that happen before a request leaves: no connection was made (refused, unknown host, unreachable,
 * connect timeout), or the operation's deadline had passed. Atlas cannot have acted on such a request.
 */
const neverSentCauses = new Set([
  'DEADLINE',
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The call did not produce an Atlas answer the gateway can use. */
export class AtlasTransportError extends Error {
  override readonly name = 'AtlasTransportError';
  constructor(
    readonly operationId: string,
    readonly failure: AtlasTransportFailure,
    readonly causeCode?: string,
  ) {
    super(`Atlas ${operationId}: ${failure}${causeCode ? ` (${causeCode})` : ''}`);
  }

  /**
   * Whether Atlas may have received, and acted on, the request: true unless it never left (see
   * `neverSentCauses`). A reset or a timeout after the request was sent leaves the outcome of a write
   * unknown; an unreadable 2xx body means the write happened.
   */
  get mayHaveReachedAtlas(): boolean {
    return this.causeCode === undefined || !neverSentCauses.has(this.causeCode);
  }
}

/** The operation already made as many Atlas calls as its budget allows; this one was not sent. */
export class AtlasBudgetError extends Error {
  override readonly name = 'AtlasBudgetError';
  constructor(
    readonly operationId: string,
    readonly budget: number,
  ) {
    super(`Atlas call budget of ${budget} calls for this operation exhausted before ${operationId}`);
  }
}

/**
 * The Atlas rate budget (src/atlas/rate-budget.ts) has no token for this call before the operation's
 * deadline: not sent, so Atlas spent nothing and answered nothing.
 */
export class AtlasRateBudgetError extends Error {
  override readonly name = 'AtlasRateBudgetError';
  constructor(
    readonly operationId: string,
    /** Seconds until the budget has a token again. */
    readonly retryAfter: number,
  ) {
    super(`Atlas rate budget has no call left for ${operationId} within the deadline`);
  }
}

export type AtlasAuthFailure =
  /** Forward mode: the caller sent no `Authorization: Bearer` token to pass on. */
  | 'missing-caller-token'
  /** The token endpoint refused the service account's client id or secret. */
  | 'invalid-client'
  /** The token endpoint refused for another reason (the 100-active-token cap answers 403 access_denied). */
  | 'token-refused'
  /** The token endpoint rate-limited the service account. */
  | 'token-rate-limited'
  /** The token endpoint did not answer usably (timeout, reset, 5xx, unreadable body). */
  | 'token-endpoint-failed';

/** The gateway could not obtain a credential to call Atlas with; no Atlas API call was sent. */
export class AtlasAuthError extends Error {
  override readonly name = 'AtlasAuthError';
  constructor(
    readonly failure: AtlasAuthFailure,
    /** HTTP status of the token endpoint, when it answered. */
    readonly status?: number,
    /** The OAuth `error` (invalid_client, access_denied) or Atlas errorCode it sent. */
    readonly errorCode?: string,
    readonly retryAfter?: number,
    /** Why the token endpoint could not be reached or read (`ECONNREFUSED`, a timeout's code), when it did not answer. */
    readonly causeCode?: string,
  ) {
    super(`Atlas authentication failed: ${failure}${status ? ` (${status}${errorCode ? ` ${errorCode}` : ''})` : ''}`);
  }
}

export type AtlasError = AtlasApiError | AtlasTransportError | AtlasBudgetError | AtlasAuthError | AtlasRateBudgetError;

export function isAtlasError(error: unknown): error is AtlasError {
  return (
    error instanceof AtlasApiError ||
    error instanceof AtlasTransportError ||
    error instanceof AtlasBudgetError ||
    error instanceof AtlasAuthError ||
    error instanceof AtlasRateBudgetError
  );
}

export function isNotFound(error: unknown): error is AtlasApiError {
  return error instanceof AtlasApiError && error.status === 404;
}
