/** Atlas response headers the transport reads: RateLimit-* (reported), Deprecation/Sunset (logged once). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticBearer } from '../../src/atlas/auth/credential.js';
import {
  MAX_RETRY_AFTER_SECONDS,
  parseLifecycle,
  parseRateLimit,
  parseRetryAfter,
  retryAfterInBody,
} from '../../src/atlas/headers.js';
import { openSession } from '../../src/atlas/session.js';
import { createTransport } from '../../src/atlas/transport.js';
import { atlasOperations } from '../../src/generated/atlas-operations.js';

let server: Server;
let origin = '';
let remaining = 1200;
beforeAll(async () => {
  server = createServer((_req, res) => {
    remaining -= 1;
    res.writeHead(200, {
      'content-type': atlasOperations.getBackupSchedule.mediaType,
      'ratelimit-limit': '1200',
      'ratelimit-remaining': String(remaining),
      deprecation: 'Mon, 5 Aug 2024 00:00:00 GMT',
      sunset: 'Thu, 1 Jul 2027 00:00:00 GMT',
    });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('Atlas response headers', () => {
  it('parses them leniently, as Atlas writes them', () => {
    expect(parseLifecycle({ deprecation: 'Mon, 5 Aug 2024 00:00:00 GMT' })).toEqual({
      deprecation: '2024-08-05',
      sunset: undefined,
    });
    expect(parseLifecycle({})).toBeUndefined();
    expect(parseRateLimit({ 'ratelimit-limit': '1200', 'ratelimit-remaining': '7' })).toEqual({
      limit: 1200,
      remaining: 7,
    });
    expect(parseRateLimit({})).toBeUndefined();
    expect(parseRetryAfter('55')).toBe(55);
    expect(parseRetryAfter(new Date(Date.now() + 30_000).toUTCString())).toBeGreaterThanOrEqual(29);
  });

  it("reads a 429 body's wait: a token bucket's parameters[1] and the detail's words, the longer; an hour at most", () => {
    const bucket = 'RATE_LIMITED_TOKEN_BUCKET';
    const detail = 'Rate limit exceeded for api/atlas/v2/groups. Please retry after 55 seconds. Request capacity: 10.';
    expect(retryAfterInBody({ errorCode: bucket, parameters: ['api/atlas/v2/groups', 42, 10, 5, 60] })).toBe(42);
    expect(retryAfterInBody({ errorCode: bucket, parameters: ['api/atlas/v2/groups', '42'] })).toBe(42);
    expect(retryAfterInBody({ errorCode: bucket, parameters: ['api/atlas/v2/groups', 42], detail })).toBe(55);
    expect(retryAfterInBody({ errorCode: bucket, parameters: ['api/atlas/v2/groups', 0], detail })).toBe(55);
    expect(retryAfterInBody({ errorCode: bucket, parameters: ['api/atlas/v2/groups', 'soon'], detail })).toBe(55);
    expect(retryAfterInBody({ errorCode: bucket, detail })).toBe(55);
    expect(retryAfterInBody({ errorCode: bucket, parameters: ['x', -3] })).toBeUndefined();
    // An older limit's parameters are [path, requests, minutes]: not a wait.
    const older = { errorCode: 'RATE_LIMITED', parameters: ['api/atlas/v2/groups', 100, 1] };
    expect(
      retryAfterInBody({ ...older, detail: 'You have been limited to 100 requests every 1 minutes.' }),
    ).toBeUndefined();
    expect(retryAfterInBody({ ...older, detail })).toBe(55);
    expect(retryAfterInBody({ detail: 'Too many requests.' })).toBeUndefined();
    expect(retryAfterInBody({})).toBeUndefined();
    // A wait past an hour (a misread body, a broken proxy) is taken as an hour.
    expect(retryAfterInBody({ errorCode: bucket, parameters: ['x', 999_999_999] })).toBe(MAX_RETRY_AFTER_SECONDS);
    expect(parseRetryAfter('999999')).toBe(MAX_RETRY_AFTER_SECONDS);
    expect(MAX_RETRY_AFTER_SECONDS).toBe(3_600);
  });

  it('reports the lowest RateLimit-Remaining and logs a deprecation once per operation', async () => {
    const notices: unknown[] = [];
    const transport = createTransport({
      baseUrl: origin,
      timeoutMs: 1_000,
      connections: 2,
      userAgent: 't',
    });
    transport.events.subscribe((event) => {
      if (event.kind === 'lifecycle')
        notices.push({ operationId: event.operationId, deprecation: event.deprecation, sunset: event.sunset });
    });
    const session = openSession(transport, { credential: staticBearer('t'), budget: 10, deadlineMs: 5_000 });
    const request = (path: string) =>
      session.request({
        operationId: 'getBackupSchedule',
        method: 'GET',
        path,
        mediaType: atlasOperations.getBackupSchedule.mediaType,
      });
    await request('/a');
    await request('/b');
    await request('/c');
    const { calls, retries, reauthenticated, rateLimit } = session.stats;
    expect({ calls, retries, reauthenticated, rateLimit }).toEqual({
      calls: 3,
      retries: 0,
      reauthenticated: 0,
      rateLimit: { limit: 1200, remaining: 1197 },
    });
    expect(notices).toEqual([{ operationId: 'getBackupSchedule', deprecation: '2024-08-05', sunset: '2027-07-01' }]);
    await transport.close();
  });
});
