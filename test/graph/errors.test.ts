import { GraphQLError, Source } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AtlasApiError, AtlasTransportError } from '../../src/atlas/errors.js';
import { classifyAtlasError, isServerlessBackupGone, toClientError } from '../../src/graph/errors.js';
import { WriteOutcomeUnknownError } from '../../src/loaders/writes.js';

const apiError = (status: number, errorCode: string, retryAfter?: number) =>
  new AtlasApiError('getBackupRestoreJob', status, errorCode, 'Reason', 'Some detail.', [], retryAfter);

describe('Atlas error mapping table', () => {
  it.each([
    [400, 'VALIDATION_ERROR', 'BAD_USER_INPUT'],
    [401, 'UNAUTHORIZED', 'UNAUTHENTICATED'],
    [403, 'USER_UNAUTHORIZED', 'FORBIDDEN'],
    [403, 'IP_ADDRESS_NOT_ON_ACCESS_LIST', 'FORBIDDEN'],
    [404, 'RESOURCE_NOT_FOUND', 'NOT_FOUND'],
    [404, 'GROUP_NOT_FOUND', 'NOT_FOUND'],
    [429, 'RATE_LIMITED_TOKEN_BUCKET', 'RATE_LIMITED'],
    [400, 'INVITATIONS_RATE_LIMITED_IP', 'RATE_LIMITED'],
    [406, 'INVALID_VERSION_DATE', 'UPSTREAM_ERROR'],
    [410, 'VERSION_GONE', 'UPSTREAM_ERROR'],
    [500, 'UNEXPECTED_ERROR', 'UPSTREAM_ERROR'],
    [500, 'TIMEOUT_WHILE_PAGING', 'UPSTREAM_TIMEOUT'],
    [503, 'SERVICE_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE'],
    [504, 'HTTP_504', 'UPSTREAM_TIMEOUT'],
  ])('%i %s -> %s', (status, errorCode, code) => {
    expect(classifyAtlasError(apiError(status, errorCode)).code).toBe(code);
  });

  it.each([
    ['timeout', 'UPSTREAM_TIMEOUT'],
    ['unavailable', 'UPSTREAM_UNAVAILABLE'],
    ['bad-response', 'UPSTREAM_BAD_RESPONSE'],
  ] as const)('transport %s -> %s', (failure, code) => {
    expect(classifyAtlasError(new AtlasTransportError('getGroup', failure)).code).toBe(code);
  });
});

describe('toClientError', () => {
  it('keeps the path and puts the Atlas details under extensions', () => {
    const located = new GraphQLError('x', {
      path: ['project', 'cluster'],
      originalError: apiError(429, 'RATE_LIMITED', 55),
    });
    const error = toClientError(located, 'Unexpected error.') as GraphQLError;
    expect(error.path).toEqual(['project', 'cluster']);
    expect(error.extensions).toEqual({
      code: 'RATE_LIMITED',
      retryAfter: 55,
      atlas: {
        operation: 'getBackupRestoreJob',
        status: 429,
        errorCode: 'RATE_LIMITED',
        reason: 'Reason',
        detail: 'Some detail.',
      },
    });
  });

  it("codes graphql's own errors outside any field BAD_USER_INPUT, keeping where and the HTTP status", () => {
    const source = new Source('query ($n: Int!) { projects(first: $n) { totalCount } }');
    // graphql's refusal of a variable's value, wrapped in the variable's error as graphql does.
    const refusal = new GraphQLError('Int cannot represent non-integer value: "x"');
    const variableError = new GraphQLError(
      'Variable "$n" got invalid value "x"; Int cannot represent non-integer value: "x"',
      {
        source,
        positions: [7],
        originalError: refusal,
        extensions: { http: { status: 400 } },
      },
    );
    const error = toClientError(variableError, 'Unexpected error.') as GraphQLError;
    expect([error.message, error.locations, error.extensions]).toEqual([
      variableError.message,
      [{ line: 1, column: 8 }],
      { http: { status: 400 }, code: 'BAD_USER_INPUT' },
    ]);
    // A field's own error of graphql's (no code, a path) is not the caller's: it passes as it is.
    const fieldError = new GraphQLError('Expected Iterable, but did not find one for field "Cluster.snapshots".', {
      path: ['cluster', 'snapshots'],
    });
    expect(toClientError(fieldError, 'Unexpected error.')).toBe(fieldError);
  });

  it('answers a null Atlas left in a field the schema requires UPSTREAM_BAD_RESPONSE, as either executor says it', () => {
    const path = ['projects', 'nodes', 0, 'name'];
    const said = 'Cannot return null for non-nullable field Project.name.';
    // yoga's executor rethrows graphql's error as a plain Error; graphql-jit raises it as an error of its own.
    for (const located of [
      new GraphQLError(said, { path, originalError: new Error(said) }),
      new GraphQLError(said, { path }),
    ]) {
      const error = toClientError(located, 'Unexpected error.') as GraphQLError;
      expect([error.message, error.path, error.extensions]).toEqual([
        'Atlas omitted Project.name for projects.nodes.0.name',
        path,
        { code: 'UPSTREAM_BAD_RESPONSE' },
      ]);
    }
  });

  it.each([
    [
      new AtlasTransportError('cancelBackupRestoreJob', 'bad-response', 'JSON'),
      "Atlas's answer could not be read (bad-response JSON)",
    ],
    [
      new AtlasTransportError('cancelBackupRestoreJob', 'unavailable', 'ECONNRESET'),
      'the connection failed (unavailable ECONNRESET)',
    ],
    [apiError(500, 'UNEXPECTED_ERROR'), 'Atlas answered 500 UNEXPECTED_ERROR'],
  ])('says what was lost when a write outcome is unknown: %s', (failure, lost) => {
    const unknown = new WriteOutcomeUnknownError(
      'cancelRestore',
      'cancelBackupRestoreJob',
      failure,
      Date.parse('2026-11-30T08:00:00Z'),
      { resource: 'restoreJob', path: '/x', key: { groupId: 'g', clusterName: 'c', id: 'j' } },
      0,
    );
    const client = toClientError(
      new GraphQLError('wrapped', { originalError: unknown }),
      'Unexpected error.',
    ) as GraphQLError;
    expect(client.extensions?.['code']).toBe('OUTCOME_UNKNOWN');
    expect(client.message).toContain(`: ${lost} after the request was sent`);
  });

  it('masks anything unexpected', () => {
    const located = new GraphQLError('x', { originalError: new Error('secret internal state') });
    const error = toClientError(located, 'Unexpected error.') as GraphQLError;
    expect(error.message).toBe('Unexpected error.');
    expect(JSON.stringify(error.toJSON())).not.toContain('secret internal state');
  });
});

describe('serverless backup answers read as the sunset', () => {
  const answer = (operationId: string, status: number, errorCode: string) =>
    new AtlasApiError(operationId, status, errorCode, 'Reason', 'Some detail.', [], undefined);

  it.each([
    ['getServerlessBackupSnapshot', 410, 'VERSION_GONE', true],
    ['listServerlessBackupSnapshots', 410, 'VERSION_GONE', true],
    // A removed route answers a list with a generic 404; a missing instance or project says so.
    ['listServerlessBackupSnapshots', 404, 'RESOURCE_NOT_FOUND', true],
    ['listServerlessBackupSnapshots', 404, 'SERVERLESS_INSTANCE_NOT_FOUND', false],
    ['listServerlessBackupSnapshots', 404, 'GROUP_NOT_FOUND', false],
    // One snapshot's 404 cannot be told from a missing snapshot: it stays "no such snapshot" (null).
    ['getServerlessBackupSnapshot', 404, 'RESOURCE_NOT_FOUND', false],
    // Other families' 410s are not this sunset.
    ['listFlexBackupSnapshots', 410, 'VERSION_GONE', false],
    ['getServerlessBackupSnapshot', 500, 'UNEXPECTED_ERROR', false],
  ])('%s %i %s -> %s', (operationId, status, errorCode, gone) => {
    expect(isServerlessBackupGone(answer(operationId, status, errorCode))).toBe(gone);
  });

  it('maps to SERVERLESS_BACKUP_SUNSET with the sunset date, where no instance is known', () => {
    const error = toClientError(answer('getServerlessBackupSnapshot', 410, 'VERSION_GONE'), 'x') as GraphQLError;
    expect(error.extensions).toMatchObject({ code: 'SERVERLESS_BACKUP_SUNSET', sunset: '2026-01-22' });
    expect(error.extensions['successor']).toBeUndefined();
    expect(error.message).toMatch(/Flex cluster of the same name/);
  });
});
