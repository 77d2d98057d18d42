// The fault switch, observed from the wire: each fault kind as a raw node:http client and fetch
// see it, scripts, match filters, the seeded PRNG, and close() with a hung request outstanding.
import { request, type IncomingHttpHeaders } from 'node:http';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEMO, FAULT_CANARY, startSimulator, type AtlasSimulator, type FaultKind } from '../../src/simulator/index.js';
import { asObject, operation, simulatorsOfFile } from './helpers.js';

const GROUPS = '/api/atlas/v2/groups';
const GROUPS_ACCEPT = operation('listGroups').mediaType;
const AUTHED = { Authorization: `Bearer ${DEMO.token}`, Accept: GROUPS_ACCEPT };
const SA = { clientId: 'mdb_sa_id_faults', clientSecret: 'fault-secret' };

const simulator = simulatorsOfFile();

interface RawResult {
  status: number | null;
  headers: IncomingHttpHeaders;
  body: string;
  /** Response fully received (all Content-Length bytes). */
  complete: boolean;
  error: (Error & { code?: string }) | null;
}

/** One request on its own connection, reporting whatever arrived before an error or the timeout. */
function raw(
  baseUrl: string,
  path: string,
  options: { headers?: Record<string, string>; method?: string; body?: string; timeoutMs?: number } = {},
): Promise<RawResult> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const result: RawResult = { status: null, headers: {}, body: '', complete: false, error: null };
    let done = false;
    const finish = (error: (Error & { code?: string }) | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      result.error = error;
      resolve(result);
    };
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers ?? AUTHED,
        agent: false,
      },
      (res) => {
        result.status = res.statusCode ?? null;
        result.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (result.body += chunk));
        res.on('end', () => {
          result.complete = res.complete;
          finish(res.complete ? null : new Error('incomplete'));
        });
        res.on('aborted', () => finish(new Error('aborted')));
        res.on('error', (err) => finish(err));
      },
    );
    const timer = setTimeout(() => {
      finish(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' }));
      req.destroy();
    }, options.timeoutMs ?? 5000);
    req.on('error', (err) => finish(err));
    req.end(options.body);
  });
}

function json(result: RawResult): Record<string, unknown> {
  return asObject(JSON.parse(result.body));
}

describe('fault kinds on the wire', () => {
  let sim: AtlasSimulator;
  beforeAll(async () => {
    sim = await simulator();
  });
  beforeEach(() => {
    sim.faults.clear();
    sim.resetCalls();
  });

  it('status500: Atlas 500 UNEXPECTED_ERROR', async () => {
    sim.faults.set({ script: ['status500'] });
    const res = await raw(sim.url, GROUPS);
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-error-code']).toBe('UNEXPECTED_ERROR');
    expect(json(res)).toMatchObject({ error: 500, errorCode: 'UNEXPECTED_ERROR', reason: 'Internal Server Error' });
    expect(sim.calls).toEqual([
      {
        method: 'GET',
        path: GROUPS,
        query: {},
        operationId: 'listGroups',
        status: 500,
        fault: 'status500',
        at: expect.any(Number),
      },
    ]);
  });

  it('status503: SERVICE_UNAVAILABLE, Retry-After only when configured', async () => {
    sim.faults.set({ script: ['status503'] });
    const plain = await raw(sim.url, GROUPS);
    expect(plain.status).toBe(503);
    expect(json(plain)).toMatchObject({ error: 503, errorCode: 'SERVICE_UNAVAILABLE', reason: 'Service Unavailable' });
    expect(plain.headers['retry-after']).toBeUndefined();

    sim.faults.set({ script: ['status503'], retryAfterSeconds: 7 });
    const withRetry = await raw(sim.url, GROUPS);
    expect(withRetry.status).toBe(503);
    expect(withRetry.headers['retry-after']).toBe('7');
  });

  it('status429: RATE_LIMITED_TOKEN_BUCKET with Retry-After and RateLimit-Remaining: 0', async () => {
    sim.faults.set({ script: ['status429', 'status429'] });
    const res = await raw(sim.url, `${GROUPS}?itemsPerPage=5`);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.headers['ratelimit-limit']).toBe('1200');
    expect(res.headers['ratelimit-remaining']).toBe('0');
    expect(res.headers['x-error-code']).toBe('RATE_LIMITED_TOKEN_BUCKET');
    const body = json(res);
    expect(body).toMatchObject({
      error: 429,
      errorCode: 'RATE_LIMITED_TOKEN_BUCKET',
      reason: 'Too Many Requests',
      parameters: ['api/atlas/v2/groups', 1, 1200, 500, 60],
    });
    expect(body['detail']).toBe(
      'Rate limit exceeded for api/atlas/v2/groups. Please retry after 1 seconds. Request capacity: 1200. Refill rate: 500 per 60 seconds.',
    );

    sim.faults.set({ script: ['status429'], retryAfterSeconds: 30 });
    const longer = await raw(sim.url, GROUPS);
    expect(longer.headers['retry-after']).toBe('30');
    expect(asObject(JSON.parse(longer.body))['parameters']).toEqual(['api/atlas/v2/groups', 30, 1200, 500, 60]);
  });

  it('reset: the connection is torn down without a response', async () => {
    sim.faults.set({ script: ['reset', 'reset'] });
    const res = await raw(sim.url, GROUPS);
    expect(res.status).toBeNull();
    expect(res.error?.code).toBe('ECONNRESET');
    await expect(fetch(`${sim.url}${GROUPS}`, { headers: AUTHED })).rejects.toThrow(TypeError);
    expect(sim.calls.map((c) => [c.status, c.fault])).toEqual([
      [0, 'reset'],
      [0, 'reset'],
    ]);
  });

  it('hang: no answer until the client gives up; the server keeps serving', async () => {
    sim.faults.set({ script: ['hang', 'hang'] });
    const hangs = sim.faults.injected().hang;
    // Both at once, each giving up after 1 s: time enough for a loaded machine to deliver them, so that each
    // takes one of the two hangs (and the request after them none).
    const [res, fetched] = await Promise.all([
      raw(sim.url, GROUPS, { timeoutMs: 1_000 }),
      fetch(`${sim.url}${GROUPS}`, { headers: AUTHED, signal: AbortSignal.timeout(1_000) }).catch((e: unknown) => e),
    ]);
    expect(res.status).toBeNull();
    expect(res.error?.code).toBe('CLIENT_TIMEOUT');
    expect(fetched).toMatchObject({ name: 'TimeoutError' });
    await vi.waitFor(() => expect(sim.faults.injected().hang - hangs).toBe(2), { timeout: 5_000 });
    const next = await raw(sim.url, GROUPS);
    expect(next.status).toBe(200);
    expect(sim.calls.map((c) => [c.status, c.fault])).toEqual([
      [0, 'hang'],
      [0, 'hang'],
      [200, undefined],
    ]);
  });

  it('malformed: a 200 with the Atlas media type and an HTML body', async () => {
    sim.faults.set({ script: ['malformed', 'malformed'] });
    const res = await raw(sim.url, GROUPS);
    expect(res.status).toBe(200);
    expect(res.complete).toBe(true);
    expect(res.headers['content-type']).toBe(`${GROUPS_ACCEPT};charset=utf-8`);
    expect(res.body).toContain(FAULT_CANARY);
    expect(res.body.startsWith('<html>')).toBe(true);
    expect(() => JSON.parse(res.body) as unknown).toThrow(SyntaxError);
    const viaFetch = await fetch(`${sim.url}${GROUPS}`, { headers: AUTHED });
    await expect(viaFetch.json()).rejects.toThrow(SyntaxError);
    expect(sim.calls.map((c) => [c.status, c.fault])).toEqual([
      [200, 'malformed'],
      [200, 'malformed'],
    ]);
  });

  it('truncated: a 200 whose body stops short of Content-Length, then the socket ends', async () => {
    sim.faults.set({ script: ['truncated', 'truncated'] });
    const res = await raw(sim.url, GROUPS);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(`${GROUPS_ACCEPT};charset=utf-8`);
    expect(res.complete).toBe(false);
    expect(res.error).not.toBeNull();
    const declared = Number(res.headers['content-length']);
    expect(res.body.length).toBeGreaterThan(0);
    expect(declared).toBeGreaterThan(Buffer.byteLength(res.body));
    const viaFetch = await fetch(`${sim.url}${GROUPS}`, { headers: AUTHED });
    expect(viaFetch.status).toBe(200);
    await expect(viaFetch.text()).rejects.toThrow(TypeError);
    expect(sim.calls.map((c) => [c.status, c.fault])).toEqual([
      [0, 'truncated'],
      [0, 'truncated'],
    ]);
  });

  it('counts injected faults by kind', async () => {
    const before = sim.faults.injected();
    sim.faults.set({ script: ['status500', 'ok', 'status503', 'malformed', 'status500'] });
    for (let i = 0; i < 6; i++) await raw(sim.url, GROUPS);
    const after = sim.faults.injected();
    expect(Object.keys(after).sort()).toEqual(
      [
        'hang',
        'malformed',
        'processedThenHang',
        'processedThenReset',
        'reset',
        'status429',
        'status500',
        'status503',
        'truncated',
      ].sort(),
    );
    expect(after.status500 - before.status500).toBe(2);
    expect(after.status503 - before.status503).toBe(1);
    expect(after.malformed - before.malformed).toBe(1);
    expect(after.reset - before.reset).toBe(0);
  });
});

describe('fault plans', () => {
  let sim: AtlasSimulator;
  beforeAll(async () => {
    sim = await simulator({ bearerTokens: [DEMO.token], auth: { serviceAccounts: [SA] } });
  });
  beforeEach(() => {
    sim.faults.clear();
    sim.resetCalls();
  });

  async function statuses(n: number, path = GROUPS): Promise<(number | null)[]> {
    const out: (number | null)[] = [];
    for (let i = 0; i < n; i++) out.push((await raw(sim.url, path)).status);
    return out;
  }

  it('consumes the script in order, one entry per request; ok lets one through', async () => {
    sim.faults.set({ script: ['status503', 'ok', 'status500', 'status429'] });
    expect(await statuses(6)).toEqual([503, 200, 500, 429, 200, 200]);
  });

  it('a request with bad credentials gets its 401 and does not consume the script', async () => {
    sim.faults.set({ script: ['status500'] });
    const denied = await raw(sim.url, GROUPS, { headers: { Accept: GROUPS_ACCEPT } });
    expect(denied.status).toBe(401);
    expect(denied.headers['www-authenticate']).toMatch(/^Digest realm="MMS Public API"/);
    expect((await raw(sim.url, GROUPS)).status).toBe(500);
    expect(sim.calls.map((c) => c.fault)).toEqual([undefined, 'status500']);
  });

  it('faults only matching requests, and the OAuth endpoints only when asked', async () => {
    const token = (): Promise<RawResult> =>
      raw(sim.url, '/api/oauth/token', {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${SA.clientId}:${SA.clientSecret}`).toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });

    sim.faults.set({ rates: { status503: 1 } });
    expect((await token()).status).toBe(200);
    expect((await raw(sim.url, GROUPS)).status).toBe(503);

    sim.faults.set({ rates: { status503: 1 }, match: { operationId: 'getGroup' } });
    expect((await raw(sim.url, GROUPS)).status).toBe(200);
    expect((await raw(sim.url, `${GROUPS}/${DEMO.clusters.paymentsProd.groupId}`, { headers: AUTHED })).status).toBe(
      503,
    );

    sim.faults.set({ rates: { status500: 1 }, match: { method: 'post' } });
    expect((await raw(sim.url, GROUPS)).status).toBe(200);

    sim.faults.set({ script: ['status503'], match: { pathPrefix: '/api/oauth' } });
    expect((await raw(sim.url, GROUPS)).status).toBe(200);
    const faulted = await token();
    expect(faulted.status).toBe(503);
    expect((await token()).status).toBe(200);

    sim.faults.set({ script: ['reset'], match: { operationId: 'oauthToken' } });
    expect((await token()).error?.code).toBe('ECONNRESET');
    expect(sim.calls.filter((c) => c.operationId === 'oauthToken').map((c) => [c.status, c.fault])).toEqual([
      [200, undefined],
      [503, 'status503'],
      [200, undefined],
      [0, 'reset'],
    ]);
  });

  it('rates are deterministic for a seed', async () => {
    // Keep-alive fetches make 1000 requests quick; the count depends only on the PRNG sequence.
    async function run(seed: number): Promise<number[]> {
      sim.faults.set({ rates: { status500: 0.05 }, seed });
      const faulted: number[] = [];
      for (let i = 0; i < 1000; i++) {
        const res = await fetch(`${sim.url}${GROUPS}?itemsPerPage=1`, { headers: AUTHED });
        await res.arrayBuffer();
        if (res.status === 500) faulted.push(i);
        else expect(res.status).toBe(200);
      }
      return faulted;
    }
    const before = sim.faults.injected().status500;
    const first = await run(42);
    expect(first.length).toBeGreaterThanOrEqual(25);
    expect(first.length).toBeLessThanOrEqual(80);
    expect(sim.faults.injected().status500 - before).toBe(first.length);
    const second = await run(42);
    expect(second).toEqual(first);
    const otherSeed = await run(7);
    expect(otherSeed).not.toEqual(first);
    expect(otherSeed.length).toBeGreaterThanOrEqual(25);
    expect(otherSeed.length).toBeLessThanOrEqual(80);
  });

  it('rates of several kinds split one draw', async () => {
    sim.faults.set({ rates: { status500: 0.5, status503: 0.5 }, seed: 3 });
    const got = await statuses(40);
    expect(got.every((s) => s === 500 || s === 503)).toBe(true);
    expect(got.filter((s) => s === 500).length).toBeGreaterThan(5);
    expect(got.filter((s) => s === 503).length).toBeGreaterThan(5);
  });

  it('clear() stops faults; set() rejects invalid plans', async () => {
    sim.faults.set({ rates: { status500: 1 } });
    sim.faults.clear();
    expect(await statuses(3)).toEqual([200, 200, 200]);
    expect(() => sim.faults.set({ rates: { status500: 0.7, status503: 0.5 } })).toThrow(/sum to at most 1/);
    expect(() => sim.faults.set({ rates: { boom: 0.1 } as unknown as Record<FaultKind, number> })).toThrow(
      /unknown fault kind/,
    );
    expect(() => sim.faults.set({ script: ['status404' as FaultKind] })).toThrow(/unknown script entry/);
    expect(() => sim.faults.set({ rates: { reset: 1.5 } })).toThrow(/within 0\.\.1/);
  });
});

describe('fault plan lifecycle', () => {
  it('applies the initial plan from options', async () => {
    const sim = await simulator({ faults: { script: ['status429'], retryAfterSeconds: 4 } });
    const res = await raw(sim.url, GROUPS);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('4');
    expect((await raw(sim.url, GROUPS)).status).toBe(200);
  });

  it('close() finishes promptly while a request hangs', async () => {
    const sim = await startSimulator({ faults: { rates: { hang: 1 } } });
    const pending = raw(sim.url, GROUPS, { timeoutMs: 10_000 });
    const deadline = Date.now() + 2000;
    while (sim.callCount() === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sim.calls[0]?.fault).toBe('hang');
    const started = Date.now();
    await sim.close();
    expect(Date.now() - started).toBeLessThan(1000);
    const res = await pending;
    expect(res.status).toBeNull();
    expect(res.error?.code).not.toBe('CLIENT_TIMEOUT');
  });
});
