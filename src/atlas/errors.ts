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

export type AtlasError = AtlasApiError | AtlasTransportError | AtlasBudgetError;

export function isAtlasError(error: unknown): error is AtlasError {
  return error instanceof AtlasApiError || error instanceof AtlasTransportError || error instanceof AtlasBudgetError;
}

export function isNotFound(error: unknown): error is AtlasApiError {
  return error instanceof AtlasApiError && error.status === 404;
}
