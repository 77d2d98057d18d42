// An in-process HTTP server that behaves like the Atlas Administration API v2 backup endpoints.
// `npm start` uses it as a demo backend and the integration tests and benchmarks count the calls it
// receives. Routes, parameter rules and version media types come from the spec subset; authentication
// (static tokens, OAuth2 service accounts, Digest) is in auth.ts and the fault switch in faults.ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  OAUTH_REVOKE_PATH,
  OAUTH_TOKEN_PATH,
  SimulatorAuth,
  type PlainResponse,
  type SimulatorAuthControl,
  type SimulatorAuthOptions,
} from './auth.js';
import { SimulatedApiError, errors, type FieldViolation } from './errors.js';
import { createClock, type SimulatorClock, type SimulatorClockOptions } from './clock.js';
import {
  AFTER_PROCESSING_FAULTS,
  FaultSwitch,
  writeFault,
  type FaultKind,
  type FaultPlan,
  type SimulatorFaultControl,
} from './faults.js';
import { advanceJobs, setSeededJobsInMotion } from './progress.js';
import { handlers, type HandlerResult } from './routes/index.js';
import {
  SERVERLESS_BACKUP_MODES,
  SERVERLESS_BACKUP_OPERATIONS,
  serverlessBackupGone,
  type ServerlessBackupMode,
} from './routes/serverless.js';
import {
  ATLAS_RATE_LIMITS,
  SimulatedRateLimiter,
  endpointSetOf,
  shapeOf,
  type RateLimitedRequest,
  type RateLimitVerdict,
  type SimulatorRateLimit,
} from './rate-limit.js';
import { createSeedData } from './seed/index.js';
import { isObject, loadSpec, projectToSchema, resultsItemSchema, type LoadedSpec, type OperationSpec } from './spec.js';
import type { SimulatorData } from './store.js';

export { createSeedData, DEMO, addRestoreJobs } from './seed/index.js';
export type { SimulatorData } from './store.js';
export type { BucketShape, EndpointSetName, RateLimitScope, SimulatorRateLimit } from './rate-limit.js';
export { ATLAS_BACKUP_BUCKET, ATLAS_RATE_LIMITS, ENDPOINT_SET_SCOPES, endpointSetOf } from './rate-limit.js';
export type { SimulatorAuthControl, SimulatorAuthOptions } from './auth.js';
export { DIGEST_REALM, OAUTH_REVOKE_PATH, OAUTH_TOKEN_PATH } from './auth.js';
export type { ServerlessBackupMode } from './routes/serverless.js';
export { SERVERLESS_BACKUP_MODES, SERVERLESS_BACKUP_OPERATIONS } from './routes/serverless.js';
export type { FaultKind, FaultMatch, FaultPlan, SimulatorFaultControl } from './faults.js';
export { FAULT_CANARY, FAULT_KINDS, checkFaultPlan } from './faults.js';
export type { ClockMode, SimulatorClock, SimulatorClockOptions } from './clock.js';
export { JOB_TIMINGS } from './progress.js';

export interface SimulatorOptions {
  host?: string; // default '127.0.0.1'
  port?: number; // default 0 (ephemeral)
  // Static `Authorization: Bearer <t>` tokens that never expire; default ['demo-token'], or none when
  // `auth` is given (so a strict setup accepts only minted tokens and digest unless asked otherwise).
  bearerTokens?: string[];
  // Static bearer tokens whose holder has only a read role (Project Read Only): reads answer as for
  // `bearerTokens`, writes (POST, DELETE) 403 USER_UNAUTHORIZED, as Atlas refuses a role it lacks.
  readOnlyTokens?: string[];
  latencyMs?: number; // delay added before every response; default 0; mutable via setLatency(ms)
  data?: SimulatorData; // default createSeedData()
  auth?: SimulatorAuthOptions; // service accounts (OAuth2 client credentials) and API keys (Digest)
  faults?: FaultPlan; // initial fault plan; change it with `faults.set()`
  // The simulated Atlas's time (clock.ts): real time by default (`npm start`: a created restore finishes
  // in about a minute); `{ mode: 'manual' }` stands still until `clock.advance(ms)`, for tests.
  clock?: SimulatorClockOptions;
  // The demo's: the seed's unfinished jobs (a running restore, queued and running exports, Flex jobs) move
  // on the clock from the start, as created ones do, so a subscription shows progress at once. Default
  // false: tests count on the seed staying as seeded.
  seededJobsMove?: boolean;
  // The serverless *backup* operations (listServerlessBackupSnapshots, getServerlessBackupSnapshot,
  // listServerlessRestoreJobs, getServerlessRestoreJob, createServerlessRestoreJob):
  // 'available' (default) serves them as Atlas did before their sunset; 'sunset' plays the Atlas of
  // today (after 2026-01-22) and answers each of them 410 VERSION_GONE, once auth, route and Accept
  // version have been checked and before parameters or existence are. The serverless *instance*
  // operations keep working in both modes (they sunset in January 2027). Change it at run time with
  // `setServerlessBackup(mode)`. `npm run simulator` reads SIMULATOR_SERVERLESS_BACKUP (default `sunset`
  // there, as `npm start`); this default stays `available` because many gateway tests read the seed's
  // serverless backups.
  serverlessBackup?: ServerlessBackupMode;
  // Atlas's token buckets, one per endpoint set × scope (see rate-limit.ts): `capacity`, `refill` and
  // `periodSeconds` apply to each set's buckets (`sets` gives a set other figures; ATLAS_RATE_LIMITS holds
  // Atlas's observed ones). Default none: nothing is refused and no answer carries RateLimit-* headers
  // (Atlas "may not always" send them, notes §3.1), so a client never slows down in benchmarks. With
  // one, every answer that drew on a bucket reports that bucket. `rateLimiter.refused` counts the 429s.
  rateLimit?: SimulatorRateLimit;
  // Tests only: plays an Atlas that breaks its own contract (a malformed id, a non-ISO date, a size that
  // is not a number). Called with a copy of every successful Atlas API body, after it is trimmed to the
  // spec; what it returns is sent as is. Error answers and the OAuth endpoints are left alone.
  transformResponse?: ResponseTransform;
}

export type ResponseTransform = (
  body: Record<string, unknown>,
  call: { operationId: string; path: string },
) => Record<string, unknown>;

export interface SimulatedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  operationId: string | null; // 'oauthToken' / 'oauthRevoke' for the OAuth endpoints
  status: number; // 0 when no complete response was sent (reset, hang, truncated)
  fault?: FaultKind; // set when the fault switch answered this request
  // When the request arrived, on the simulator's clock (epoch ms). The log is in the order answers were
  // sent; tests read gaps between calls from this (a Retry-After waited out) instead of timing themselves.
  at: number;
}

export interface AtlasSimulator {
  url: string; // e.g. 'http://127.0.0.1:41234' (no trailing slash); Atlas paths are under /api/atlas/v2
  data: SimulatorData; // the live store (tests may add objects to it)
  calls: SimulatedCall[]; // every request received, in order
  resetCalls(): void;
  callCount(filter?: { operationId?: string; method?: string; pathPrefix?: string }): number;
  setLatency(ms: number): void;
  /** The rate limiter, when `rateLimit` was given. */
  rateLimiter?: SimulatedRateLimiter;
  /** Switches the serverless backup operations between 'available' and 'sunset' (see SimulatorOptions). */
  setServerlessBackup(mode: ServerlessBackupMode): void;
  auth: SimulatorAuthControl;
  faults: SimulatorFaultControl;
  /**
   * The simulated time. Created jobs (snapshots, restores, exports, Flex restores and downloads) move through
   * their states as it passes (progress.ts, `JOB_TIMINGS`); `advance`/`set` also bring `data` up to date.
   */
  clock: SimulatorClock;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const OAUTH_OPERATIONS: Record<string, string> = {
  [OAUTH_TOKEN_PATH]: 'oauthToken',
  [OAUTH_REVOKE_PATH]: 'oauthRevoke',
};
/** Faults Atlas itself answers: with a limiter, they spend a token and report the bucket. */
const FAULTS_ANSWERED_BY_ATLAS: ReadonlySet<FaultKind> = new Set(['status500', 'status503', 'truncated']);
/** Query parameters never copied into the call log, whatever path they were sent to. */
const SECRET_QUERY_PARAMS = new Set(['access_token', 'token', 'client_secret', 'password', 'api_key', 'apikey']);

interface Route {
  op: OperationSpec;
  params: Record<string, string>;
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Every operation whose template matches the path, keeping only those with the most literal segments. */
function matchPath(operations: OperationSpec[], path: string): Route[] {
  const segments = path.split('/').filter((s) => s !== '');
  const candidates: Route[] = [];
  let bestLiterals = -1;
  for (const op of operations) {
    if (op.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    let matched = true;
    op.segments.forEach((seg, i) => {
      const actual = segments[i] ?? '';
      if ('literal' in seg) {
        if (seg.literal !== actual) matched = false;
        else literals++;
      } else {
        const decoded = decodeSegment(actual);
        if (decoded === null || decoded === '') matched = false;
        else params[seg.param] = decoded;
      }
    });
    if (!matched || literals < bestLiterals) continue;
    if (literals > bestLiterals) candidates.length = 0;
    bestLiterals = literals;
    candidates.push({ op, params });
  }
  return candidates;
}

/** Checks path and query parameters against the operation's parameter schemas in the spec. */
function validateParams(route: Route, query: URLSearchParams): FieldViolation[] {
  const violations: FieldViolation[] = [];
  for (const p of route.op.params) {
    if (p.in === 'header') continue;
    const value = p.in === 'path' ? route.params[p.name] : query.get(p.name);
    if (value === undefined || value === null) {
      if (p.required) violations.push({ field: p.name, description: 'is required' });
      continue;
    }
    if (p.type === 'integer') {
      const n = Number(value);
      if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n)) {
        violations.push({ field: p.name, description: `must be an integer, got "${value}"` });
      } else if ((p.minimum !== null && n < p.minimum) || (p.maximum !== null && n > p.maximum)) {
        const range =
          p.maximum === null
            ? `at least ${p.minimum ?? ''}`
            : p.minimum === null
              ? `at most ${p.maximum}`
              : `between ${p.minimum} and ${p.maximum}`;
        violations.push({ field: p.name, description: `must be ${range}, got ${value}` });
      }
    } else if (p.type === 'boolean') {
      if (value !== 'true' && value !== 'false') {
        violations.push({ field: p.name, description: `must be true or false, got "${value}"` });
      }
    } else if (p.pattern !== null && !p.pattern.test(value)) {
      violations.push({ field: p.name, description: `must match ${p.patternSource ?? ''}, got "${value}"` });
    }
  }
  return violations;
}

/** Trims a success body to the operation's response schema (and list items to the item schema). */
function shapeBody(spec: LoadedSpec, op: OperationSpec, body: Record<string, unknown>): Record<string, unknown> {
  if (op.responseSchema === null) return body;
  const itemSchema = resultsItemSchema(spec, op.responseSchema);
  const shaped = projectToSchema(spec, op.responseSchema, body);
  const results = shaped['results'];
  if (itemSchema !== null && Array.isArray(results)) {
    shaped['results'] = results.map((r: unknown) => (isObject(r) ? projectToSchema(spec, itemSchema, r) : r));
  }
  return shaped;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function checkServerlessBackupMode(mode: unknown): ServerlessBackupMode {
  if (!SERVERLESS_BACKUP_MODES.includes(mode as ServerlessBackupMode)) {
    throw new Error(
      `simulator: serverlessBackup must be one of ${SERVERLESS_BACKUP_MODES.join(', ')}, got ${String(mode)}`,
    );
  }
  return mode as ServerlessBackupMode;
}

function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim() ?? '';
}

function rateLimitHeaders(verdict: RateLimitVerdict | undefined): Record<string, number> {
  if (verdict === undefined) return {};
  return { 'RateLimit-Limit': verdict.shape.capacity, 'RateLimit-Remaining': verdict.remaining };
}

function bearerOf(header: string | undefined): string {
  return /^Bearer (\S+)$/.exec(header ?? '')?.[1] ?? '';
}

function loggedQuery(query: URLSearchParams): Record<string, string> {
  return Object.fromEntries([...query].filter(([key]) => !SECRET_QUERY_PARAMS.has(key.toLowerCase())));
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<AtlasSimulator> {
  const spec = loadSpec();
  const missing = spec.operations.filter((op) => op.method === 'GET' && handlers[op.operationId] === undefined);
  if (missing.length > 0) {
    throw new Error(`simulator: no handler for ${missing.map((op) => op.operationId).join(', ')}`);
  }
  const operations = spec.operations.filter((op) => handlers[op.operationId] !== undefined);
  const readOnlyTokens = new Set(options.readOnlyTokens ?? []);
  const auth = new SimulatorAuth(options.auth, [
    ...(options.bearerTokens ?? (options.auth ? [] : ['demo-token'])),
    ...readOnlyTokens,
  ]);
  const faults = new FaultSwitch(options.faults);
  const data = options.data ?? createSeedData();
  const clock = createClock(options.clock);
  if (options.seededJobsMove) setSeededJobsInMotion(data, clock.now());
  const calls: SimulatedCall[] = [];
  let latencyMs = options.latencyMs ?? 0;
  const rateLimiter = options.rateLimit ? new SimulatedRateLimiter(options.rateLimit, clock.now) : undefined;
  let serverlessBackup = checkServerlessBackupMode(options.serverlessBackup ?? 'available');
  let baseUrl = '';

  function delay(): Promise<void> | undefined {
    return latencyMs > 0 ? new Promise((resolve) => setTimeout(resolve, latencyMs)) : undefined;
  }

  /**
   * Answers with the fault and logs it. The secret-free path is all the log keeps of the request.
   * `limited`: the request is one of Atlas's API operations, so a limiter's bucket applies to it.
   */
  async function injectFault(
    fault: FaultKind,
    req: IncomingMessage,
    res: ServerResponse,
    call: Omit<SimulatedCall, 'status' | 'fault'>,
    contentType: string,
    limited: RateLimitedRequest | null,
  ): Promise<void> {
    if (fault !== 'hang') await delay();
    // The bucket a 429 plays empty: the request's, or (OAuth, unknown paths) the backup set's.
    const set = endpointSetOf(limited?.operationId ?? '');
    const bucket = shapeOf(rateLimiter && limited ? rateLimiter.limit : ATLAS_RATE_LIMITS, set);
    const spent =
      rateLimiter && limited && FAULTS_ANSWERED_BY_ATLAS.has(fault) ? rateLimiter.spend(limited) : undefined;
    const status = writeFault(fault, req, res, {
      path: call.path,
      contentType,
      baseHeaders: rateLimitHeaders(spent),
      bucket,
      retryAfterSeconds: fault === 'status429' || fault === 'status503' ? faults.retryAfterSeconds(fault) : undefined,
    });
    calls.push({ ...call, status, fault });
  }

  async function handleOAuth(
    req: IncomingMessage,
    res: ServerResponse,
    call: Omit<SimulatedCall, 'status' | 'fault'>,
    bodyText: string,
  ): Promise<void> {
    let response: PlainResponse;
    if (call.method !== 'POST') {
      response = {
        status: 405,
        headers: { 'Content-Type': 'application/json', Allow: 'POST' },
        body: JSON.stringify({ error: 'invalid_request', error_description: 'Use POST.' }),
      };
    } else {
      const endpoint = call.operationId === 'oauthToken' ? 'token' : 'revoke';
      const client = auth.authenticateClient(endpoint, req.headers.authorization);
      if (typeof client !== 'string') {
        response = client;
      } else {
        const fault = faults.next(call);
        if (fault !== null) return injectFault(fault, req, res, call, 'application/json', null);
        const contentType = req.headers['content-type'];
        response =
          endpoint === 'token' ? auth.mint(client, contentType, bodyText) : auth.revoke(client, contentType, bodyText);
      }
    }
    await delay();
    calls.push({ ...call, status: response.status });
    res.writeHead(response.status, { ...response.headers, 'Content-Length': Buffer.byteLength(response.body) });
    res.end(response.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = clock.now();
    const method = (req.method ?? 'GET').toUpperCase();
    // Parse by hand: `new URL()` would resolve `..` segments that Atlas (and our tests) treat as names.
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const path = rawPath.length > 1 ? rawPath.replace(/\/+$/, '') : rawPath;
    const query = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));
    const bodyText = await readBody(req);

    const oauthOperation = OAUTH_OPERATIONS[path];
    if (oauthOperation !== undefined) {
      // Form bodies and Basic credentials are never logged; the query is dropped for the same reason.
      return handleOAuth(req, res, { method, path, query: {}, operationId: oauthOperation, at }, bodyText);
    }

    const route = matchPath(operations, path).find((c) => c.op.method === method);
    const call = { method, path, query: loggedQuery(query), operationId: route?.op.operationId ?? null, at };
    const bucketRequest = (r: Route): RateLimitedRequest => ({
      operationId: r.op.operationId,
      groupId: r.params['groupId'],
      user: auth.userOf(req.headers.authorization),
    });

    // 1. auth, then faults (a request with bad credentials still gets its 401), 2. route, 3. version,
    // 4. sunset operations (410), 5. parameters, 6. existence (in the handler).
    const challenge = auth.authenticateApi(method, rawUrl, req.headers.authorization);
    const fault = challenge === null ? faults.next(call) : null;
    // Faults that lose the answer of a processed request are applied after the handler (below).
    if (fault !== null && !AFTER_PROCESSING_FAULTS.has(fault)) {
      const contentType = route === undefined ? 'application/json' : `${route.op.mediaType};charset=utf-8`;
      return injectFault(fault, req, res, call, contentType, route === undefined ? null : bucketRequest(route));
    }

    let result: HandlerResult;
    let mediaType: string | null = null;
    // The bucket this request drew on; none for a 401 or an unknown path, or without a limiter.
    let limited: RateLimitVerdict | undefined;
    const extraHeaders: Record<string, string> = {};
    try {
      if (challenge !== null) {
        extraHeaders['WWW-Authenticate'] = challenge;
        throw errors.unauthorized();
      }
      if (route === undefined) throw errors.notFoundPath(path);
      if (rateLimiter) {
        const verdict = rateLimiter.take(bucketRequest(route));
        limited = verdict;
        if (!verdict.allowed) {
          extraHeaders['Retry-After'] = String(verdict.retryAfterSeconds);
          const { capacity, refill, periodSeconds } = verdict.shape;
          throw errors.rateLimitedTokenBucket(
            path.slice(1),
            verdict.retryAfterSeconds,
            capacity,
            refill,
            periodSeconds,
          );
        }
      }
      const op = route.op;
      if ((req.headers.accept ?? '').trim() !== op.mediaType) throw errors.invalidVersion();
      if (op.requestMediaType !== null && mediaTypeOf(req.headers['content-type']) !== op.requestMediaType) {
        throw errors.invalidVersion();
      }
      if (method !== 'GET' && readOnlyTokens.has(bearerOf(req.headers.authorization))) {
        // The code Atlas sends for a missing role is not recorded (notes §4.2: USER_UNAUTHORIZED, status unconfirmed).
        throw new SimulatedApiError(403, 'USER_UNAUTHORIZED', 'Current user is not authorized to perform this action.');
      }
      if (serverlessBackup === 'sunset' && SERVERLESS_BACKUP_OPERATIONS.has(op.operationId)) {
        throw serverlessBackupGone(path, op.mediaType);
      }
      const violations = validateParams(route, query);
      if (violations.length > 0) throw errors.validation(violations);
      let body: unknown = undefined;
      if (op.requestMediaType !== null) {
        try {
          body = bodyText === '' ? undefined : (JSON.parse(bodyText) as unknown);
        } catch {
          throw errors.malformedBody();
        }
      }
      const handler = handlers[op.operationId];
      if (handler === undefined) throw errors.notFoundPath(path);
      const nowMs = clock.now();
      // Created jobs reach the state the clock says before anything reads or depends on them.
      advanceJobs(data, nowMs);
      result = handler({ op, params: route.params, query, body, data, baseUrl, path, nowMs });
      if (result.body !== undefined) result = { ...result, body: shapeBody(spec, op, result.body) };
      if (options.transformResponse !== undefined && result.body !== undefined && result.status < 400) {
        // A copy: the shaped body still shares nested objects with the live store.
        const body = options.transformResponse(structuredClone(result.body), { operationId: op.operationId, path });
        result = { ...result, body };
      }
      mediaType = op.mediaType;
    } catch (err) {
      if (!(err instanceof SimulatedApiError)) throw err;
      result = { status: err.status, body: err.toBody() };
    }

    if (fault !== null) {
      // Processed (the POST created its job, or refused it); the answer never arrives.
      return injectFault(fault, req, res, call, 'application/json', null);
    }

    await delay();

    const headers: Record<string, string | number> = { ...extraHeaders, ...rateLimitHeaders(limited) };
    let payload = '';
    if (result.status >= 400) {
      headers['Content-Type'] = 'application/json';
      const code = result.body?.['errorCode'];
      if (typeof code === 'string') headers['X-Error-Code'] = code;
    } else if (mediaType !== null && result.status !== 204) {
      headers['Content-Type'] = `${mediaType};charset=utf-8`;
    }
    if (result.body !== undefined && result.status !== 204) payload = JSON.stringify(result.body);
    // A 204 carries no body and therefore no Content-Length.
    if (result.status !== 204) headers['Content-Length'] = Buffer.byteLength(payload);
    calls.push({ ...call, status: result.status });
    res.writeHead(result.status, headers);
    res.end(payload);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A bug in the simulator: answer like Atlas's 500 rather than hanging the client.
      const body = new SimulatedApiError(
        500,
        'UNEXPECTED_ERROR',
        err instanceof Error ? err.message : String(err),
      ).toBody();
      if (!res.headersSent)
        res.writeHead(500, { 'Content-Type': 'application/json', 'X-Error-Code': 'UNEXPECTED_ERROR' });
      res.end(JSON.stringify(body));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === 'string') throw new Error('simulator: server has no TCP address');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;

  return {
    url: baseUrl,
    data,
    calls,
    resetCalls() {
      calls.length = 0;
    },
    callCount(filter = {}) {
      return calls.filter(
        (c) =>
          (filter.operationId === undefined || c.operationId === filter.operationId) &&
          (filter.method === undefined || c.method === filter.method.toUpperCase()) &&
          (filter.pathPrefix === undefined || c.path.startsWith(filter.pathPrefix)),
      ).length;
    },
    rateLimiter,
    setLatency(ms: number) {
      latencyMs = Math.max(0, ms);
    },
    setServerlessBackup(mode: ServerlessBackupMode) {
      serverlessBackup = checkServerlessBackupMode(mode);
    },
    auth: auth.control(),
    clock: {
      mode: clock.mode,
      now: () => clock.now(),
      advance(ms) {
        clock.advance(ms);
        advanceJobs(data, clock.now());
      },
      set(epochMs) {
        clock.set(epochMs);
        advanceJobs(data, clock.now());
      },
    },
    faults: {
      set: (plan) => faults.set(plan),
      clear: () => faults.clear(),
      injected: () => faults.injected(),
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
