import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AtlasApiError, AtlasTransportError } from '../../src/atlas/errors.js';
import { classifyAtlasError, toClientError } from '../../src/graph/errors.js';

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

  it('masks anything unexpected', () => {
    const located = new GraphQLError('x', { originalError: new Error('secret internal state') });
    const error = toClientError(located, 'Unexpected error.') as GraphQLError;
    expect(error.message).toBe('Unexpected error.');
    expect(JSON.stringify(error.toJSON())).not.toContain('secret internal state');
  });
});
