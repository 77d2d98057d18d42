// Atlas `ApiError` responses. Handlers throw SimulatedApiError; the server turns it into the JSON body
// Atlas sends (`detail`, `error`, `errorCode`, `parameters`, `reason`) plus `X-Error-Code`. Named apart
// from the gateway's `AtlasError` (src/atlas/errors.ts), which is what a client makes of such a body.
import { STATUS_CODES } from 'node:http';

export interface FieldViolation {
  field: string;
  description: string;
}

export class SimulatedApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly detail: string,
    readonly parameters: unknown[] = [],
    readonly fields: FieldViolation[] | null = null,
  ) {
    super(`${status} ${errorCode}: ${detail}`);
  }

  toBody(): Record<string, unknown> {
    return {
      detail: this.detail,
      error: this.status,
      errorCode: this.errorCode,
      parameters: this.parameters,
      reason: STATUS_CODES[this.status] ?? 'Error',
      ...(this.fields === null ? {} : { badRequestDetail: { fields: this.fields } }),
    };
  }
}

export const errors = {
  unauthorized: (): SimulatedApiError =>
    // Same body as Atlas's recorded 401s.
    new SimulatedApiError(401, 'UNEXPECTED_ERROR', 'You are not authorized for this resource.'),
  notFoundPath: (path: string): SimulatedApiError =>
    new SimulatedApiError(404, 'RESOURCE_NOT_FOUND', `Cannot find resource ${path}.`, [path]),
  invalidVersion: (): SimulatedApiError =>
    new SimulatedApiError(406, 'INVALID_VERSION_DATE', 'Invalid accept header or version date.'),
  validation: (fields: FieldViolation[]): SimulatedApiError =>
    new SimulatedApiError(
      400,
      'VALIDATION_ERROR',
      `Invalid request: ${fields.map((f) => `${f.field} ${f.description}`).join('; ')}.`,
      fields.map((f) => f.field),
      fields,
    ),
  groupNotFound: (groupId: string): SimulatedApiError =>
    new SimulatedApiError(404, 'GROUP_NOT_FOUND', `No group with ID ${groupId} exists.`, [groupId]),
  clusterNotFound: (name: string, groupId: string): SimulatedApiError =>
    new SimulatedApiError(404, 'CLUSTER_NOT_FOUND', `No cluster named ${name} exists in group ${groupId}.`, [
      name,
      groupId,
    ]),
  serverlessNotFound: (name: string, groupId: string): SimulatedApiError =>
    new SimulatedApiError(
      404,
      'SERVERLESS_INSTANCE_NOT_FOUND',
      `No serverless instance named ${name} exists in group ${groupId}.`,
      [name, groupId],
    ),
  resourceNotFound: (kind: string, id: string): SimulatedApiError =>
    new SimulatedApiError(404, 'RESOURCE_NOT_FOUND', `Cannot find resource ${kind} ${id}.`, [kind, id]),
  backupConfigNotFound: (name: string): SimulatedApiError =>
    new SimulatedApiError(404, 'BACKUP_CONFIG_NOT_FOUND', `No backup configuration exists for cluster ${name}.`, [
      name,
    ]),
  wrongApi: (errorCode: string, detail: string, name: string): SimulatedApiError =>
    new SimulatedApiError(400, errorCode, detail, [name]),
  /** A Flex cluster's name sent to `/clusters/{clusterName}...` (Atlas's recorded text). */
  flexInClusterApi: (name: string): SimulatedApiError =>
    new SimulatedApiError(
      400,
      'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API',
      `Flex cluster ${name} cannot be used in the Cluster API.`,
      [name],
    ),
  /** A dedicated cluster's (or serverless instance's) name sent to `/flexClusters/{name}...` (Atlas's recorded text). */
  nonFlexInFlexApi: (name: string): SimulatedApiError =>
    new SimulatedApiError(
      400,
      'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API',
      `Cannot use non-flex cluster ${name} in the flex API.`,
      [name],
    ),
  /**
   * 410 for an operation whose resource version was sunset (the spec's `x-sunset`). Atlas documents
   * VERSION_GONE for this; the detail text is the simulator's own (no recording of it exists).
   */
  versionGone: (path: string, version: string, sunset: string, replacement: string): SimulatedApiError =>
    new SimulatedApiError(
      410,
      'VERSION_GONE',
      `Version ${version} of resource ${path} was sunset on ${sunset} and is no longer available. ${replacement}`,
      [path, version, sunset],
    ),
  missingAttribute: (name: string): SimulatedApiError =>
    new SimulatedApiError(400, 'MISSING_ATTRIBUTE', `The required attribute ${name} was not specified.`, [name]),
  invalidAttribute: (name: string): SimulatedApiError =>
    new SimulatedApiError(400, 'INVALID_ATTRIBUTE', `Invalid attribute ${name} specified.`, [name]),
  featureUnsupported: (detail: string): SimulatedApiError => new SimulatedApiError(400, 'FEATURE_UNSUPPORTED', detail),
  /**
   * 409: the create operations declare it without documenting its causes or codes; the simulator answers it
   * for a second job on what a running one holds (a restore's target, an export's snapshot and bucket), with
   * codes of its own.
   */
  conflict: (errorCode: string, detail: string, parameters: unknown[]): SimulatedApiError =>
    new SimulatedApiError(409, errorCode, detail, parameters),
  /** 405: `cancelBackupRestoreJob` for a job that cannot be cancelled (the spec's example code is for shard jobs). */
  notCancellable: (errorCode: string, detail: string, parameters: unknown[]): SimulatedApiError =>
    new SimulatedApiError(405, errorCode, detail, parameters),
  // Fault-switch answers (see faults.ts).
  serverError: (): SimulatedApiError => new SimulatedApiError(500, 'UNEXPECTED_ERROR', 'Unexpected error.'),
  serviceUnavailable: (): SimulatedApiError =>
    new SimulatedApiError(
      503,
      'SERVICE_UNAVAILABLE',
      'The service is temporarily unavailable. Please try again later.',
    ),
  /** The token-bucket 429 of the standardized v2 rate limiting; `path` has no leading slash, as Atlas writes it. */
  rateLimitedTokenBucket: (
    path: string,
    retryAfterSeconds: number,
    capacity: number,
    refillRate: number,
    refillSeconds: number,
  ): SimulatedApiError =>
    new SimulatedApiError(
      429,
      'RATE_LIMITED_TOKEN_BUCKET',
      `Rate limit exceeded for ${path}. Please retry after ${retryAfterSeconds} seconds. ` +
        `Request capacity: ${capacity}. Refill rate: ${refillRate} per ${refillSeconds} seconds.`,
      [path, retryAfterSeconds, capacity, refillRate, refillSeconds],
    ),
  /** The OAuth token endpoint's own limit, with its older `RATE_LIMITED` body. */
  tokenEndpointRateLimited: (path: string, limit: number): SimulatedApiError =>
    new SimulatedApiError(429, 'RATE_LIMITED', `Resource ${path} is limited to ${limit} requests every 1 minutes.`, [
      path,
      limit,
      1,
    ]),
  malformedBody: (): SimulatedApiError =>
    new SimulatedApiError(
      400,
      'VALIDATION_ERROR',
      'The request body is not a valid JSON object.',
      [],
      [{ field: 'body', description: 'must be a JSON object' }],
    ),
};
