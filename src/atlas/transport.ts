/**
 * The one way the gateway talks HTTP to Atlas: an undici Agent (keep-alive pool), the operation's
 * version media type, the request's credential (renewed once on 401), per-call timeout and operation
 * deadline, retries of idempotent reads (src/atlas/retry.ts), and Atlas error bodies turned into
 * AtlasApiError. Redirects are never followed (undici's `dispatch` does not), so a credential cannot
 * leak to another host; response headers never reach the GraphQL client.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, type Dispatcher } from 'undici';
import type { AtlasCredential } from './auth/credential.js';
import { MemoryResponseCache, type ResponseCache } from './cache.js';
import { InFlightCalls } from './coalesce.js';
import { AtlasApiError, AtlasTransportError } from './errors.js';
import { AtlasEvents } from './events.js';
import { parseLifecycle, parseRateLimit, parseRetryAfter, retryAfterInBody } from './headers.js';
import { rateScope, type RateBudget } from './rate-budget.js';
import { RetryPolicy, type AttemptFailure, type RetryOptions } from './retry.js';
import { CallTally } from './calls.js';

export interface TransportOptions {
  /** Origin of the Atlas API, e.g. https://cloud.mongodb.com (no path). */
  baseUrl: string;
  /** Milliseconds one attempt may wait for response headers, and between body chunks. */
  timeoutMs: number;
  /** Maximum open connections to Atlas. */
  connections: number;
  userAgent: string;
  /** Injected by tests and benchmarks; otherwise the transport owns an Agent. */
  dispatcher?: Dispatcher;
  /**
   * Keep successful GET answers this many milliseconds, keyed by credential and URL (0 = off, the
   * default): frontends polling one restore job then share one Atlas call per interval.
   */
  cacheTtlMs?: number;
  /** Where those answers are kept (default: in this process's memory). */
  cache?: ResponseCache;
  /** Atlas's rate limit mirrored on the gateway's side (src/atlas/rate-budget.ts); none: Atlas's 429s decide. */
  rateBudget?: RateBudget;
  retry?: RetryOptions;
  /** The stream this transport reports to (default: its own; read it as `transport.events`). */
  events?: AtlasEvents;
}

export interface TransportRequest {
  operationId: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** Path with parameters already validated and encoded. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** `application/vnd.atlas.<date>+json`, exactly as the spec gives it for this operation. */
  mediaType: string;
  body?: unknown;
  credential: AtlasCredential;
  /** Epoch milliseconds by which the whole request, retries included, must be over. */
  deadline?: number;
  /** The unit of work the request is for, passed back in its events (src/atlas/events.ts). */
  unit?: unknown;
}

/** An answer, and whether it came from another caller's identical call (in flight or cached). */
export interface TransportResult<T> {
  body: T;
  shared: boolean;
}

export interface AtlasTransport {
  request<T>(request: TransportRequest): Promise<TransportResult<T>>;
  /** The connection pool to Atlas; the service-account credential mints its tokens through it too. */
  readonly dispatcher: Dispatcher;
  /** What happens between the gateway and Atlas, for whoever reads it. */
  readonly events: AtlasEvents;
  /**
   * After a write: forgets every shared GET answer (cached, or in flight for new callers) whose path starts
   * with `pathPrefix`, whatever the credential, since the write changed what they hold for everyone.
   */
  forget(pathPrefix: string): Promise<void>;
  close(): Promise<void>;
}

/** Failures of the connection itself: nothing was answered, so a read may be sent again. */
const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** The operation's deadline passed while a request was in flight (it may have reached Atlas). */
const DEADLINE_IN_FLIGHT = 'DEADLINE_IN_FLIGHT';
const timeoutCodes = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', DEADLINE_IN_FLIGHT]);
/** The answer's status and headers came, then its body was cut short (the connection failed mid-answer). */
const BODY_CUT_SHORT = 'BODY_CUT_SHORT';
const truncatedCodes = new Set([
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  BODY_CUT_SHORT,
]);

interface Exchange {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * One HTTP exchange through undici's dispatch API, the body gathered as its chunks arrive. undici's
 * `request` makes the same exchange and wraps the body in a Node stream read back through promises: about
 * 7 µs more per call on loopback, and the example dashboard makes 26 calls. The handler is a class rather
 * than an object of closures: its methods are shared by every call instead of made (and compiled) per call.
 */
class ExchangeHandler implements Dispatcher.DispatchHandler {
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private readonly chunks: Buffer[] = [];
  private deadlineTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly resolve: (exchange: Exchange) => void,
    private readonly reject: (error: Error) => void,
    private readonly report: AttemptReport,
    /** Epoch milliseconds at which the exchange is aborted, when the operation's deadline binds it. */
    private readonly abortAt?: number,
  ) {}

  // undici tells a new-style handler from a legacy one by this method. undici's own timeouts run on coarse
  // timers (up to about a second late); where the operation's deadline is nearer than the call's timeout, a
  // timer of the gateway's own ends the exchange on time.
  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.abortAt === undefined) return;
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = setTimeout(
      () => controller.abort(Object.assign(new Error('operation deadline reached'), { code: DEADLINE_IN_FLIGHT })),
      Math.max(0, this.abortAt - Date.now()),
    );
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    clearTimeout(this.deadlineTimer);
    const chunks = this.chunks;
    const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
    this.ended(this.status);
    this.resolve({ status: this.status, headers: this.headers, text });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  /** The exchange failed: undici says so, or the dispatcher refused the request outright. */
  fail(error: Error): void {
    clearTimeout(this.deadlineTimer);
    // A connection that fails after the status came (undici: UND_ERR_SOCKET, "other side closed") cut an
    // answer short: Atlas answered, so not "unreachable".
    const code = (error as { code?: unknown }).code;
    const cutShort = this.status !== 0 && typeof code === 'string' && connectionCodes.has(code);
    this.ended(undefined);
    this.reject(
      transportFailure(
        this.report.req.operationId,
        cutShort
          ? Object.assign(new Error('the answer was cut short', { cause: error }), { code: BODY_CUT_SHORT })
          : error,
      ),
    );
  }

  /** The attempt is over: Atlas's status, or undefined when nothing (or not all of it) was answered. */
  private ended(status: number | undefined): void {
    const { events, req, tally, started } = this.report;
    tally.answered(status);
    events.emit({
      kind: 'response',
      operationId: req.operationId,
      method: req.method,
      unit: req.unit,
      status,
      durationMs: performance.now() - started,
    });
  }
}

/**
 * What an attempt reports as its exchange ends: a `response` event, and its status to its call's tally. The
 * handler writes them, so that the attempt needs no async function of its own around the exchange.
 */
interface AttemptReport {
  events: AtlasEvents;
  req: TransportRequest;
  tally: CallTally;
  /** performance.now() when the request left. */
  started: number;
}

/** One exchange; its failures are AtlasTransportErrors, and it is reported as it ends (AttemptReport). */
function exchangeThrough(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  report: AttemptReport,
  abortAt?: number,
): Promise<Exchange> {
  return new Promise<Exchange>((resolve, reject) => {
    const handler = new ExchangeHandler(resolve, reject, report, abortAt);
    try {
      dispatcher.dispatch(options, handler);
    } catch (error) {
      handler.fail(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

export function createTransport(options: TransportOptions): AtlasTransport {
  const origin = new URL(options.baseUrl).origin;
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher = options.dispatcher ?? new Agent({ connections: options.connections, keepAliveTimeout: 10_000 });
  const retryPolicy = new RetryPolicy(options.retry);
  const noticed = new Set<string>();

  const events = options.events ?? new AtlasEvents();
  // Identical GETs with the same credential share one call while it is in flight (and, when a TTL is
  // set, for that long after). The key holds the credential's cache key, never the secret; it starts with
  // the path, so that a write can forget what it changed by prefix, for every credential.
  const inFlight = new InFlightCalls();
  // Writes so far, by prefix: an answer read before one of them is not cached after it.
  let writes = 0;
  const forgotten: { prefix: string; write: number }[] = [];
  const forgottenSince = (write: number, uri: string) =>
    forgotten.some((entry) => entry.write > write && uri.startsWith(entry.prefix));
  const cacheTtlMs = options.cacheTtlMs ?? 0;
  const cache = cacheTtlMs > 0 ? (options.cache ?? new MemoryResponseCache()) : undefined;
  const rateBudget = options.rateBudget;
  // Operation versions Atlas answered 410 VERSION_GONE (retired, as the serverless backup reads were on
  // 2026-01-22): it answers every later request the same, so the answer is kept and no request is sent again.
  // Kept per credential (a caller's own token still meets Atlas's 401 first), and only what is true of every
  // request: Atlas's detail and parameters name the first request's path.
  const goneVersions = new Map<string, { reason: string | undefined }>();
  const goneKey = (req: TransportRequest) => `${req.operationId} ${req.mediaType} ${req.credential.cacheKey}`;

  /**
   * One call: answered by an identical one (cached, or in flight), or sent. Each call ends with one `call`
   * event, its attempts folded in (src/atlas/calls.ts).
   */
  async function request<T>(req: TransportRequest): Promise<TransportResult<T>> {
    const tally = new CallTally();
    let shared = false;
    let error: unknown;
    try {
      const gone = goneVersions.size > 0 ? goneVersions.get(goneKey(req)) : undefined;
      if (gone) {
        events.emit({ kind: 'shared', operationId: req.operationId, unit: req.unit, from: 'cache' });
        throw new AtlasApiError(req.operationId, 410, 'VERSION_GONE', gone.reason, undefined, undefined, undefined);
      }
      const uri = req.path + queryString(req.query);
      if (req.method !== 'GET') return { body: await send<T>(req, uri, tally), shared };
      const key = `${uri} ${req.mediaType} ${req.credential.cacheKey}`;
      const writesBefore = writes;
      if (cache) {
        const cached = await cache.get(key);
        if (cached !== undefined) {
          events.emit({ kind: 'shared', operationId: req.operationId, unit: req.unit, from: 'cache' });
          // What was stored under this key is this same request's answer.
          return { body: cached as T, shared: (shared = true) };
        }
      }
      const joining = inFlight.has(key);
      let outcome: { value: T; shared: boolean };
      try {
        outcome = await inFlight.share(key, () => send<T>(req, uri, tally));
      } catch (failure) {
        // The call it joined ended at its first caller's deadline; this caller's own may be later: its own call.
        if (joining && endedAtDeadline(failure) && (req.deadline ?? Number.POSITIVE_INFINITY) > Date.now()) {
          return { body: await send<T>(req, uri, tally), shared };
        }
        throw failure;
      }
      shared = outcome.shared;
      if (shared) events.emit({ kind: 'shared', operationId: req.operationId, unit: req.unit, from: 'in-flight' });
      else if (cache && !forgottenSince(writesBefore, uri)) await cache.set(key, outcome.value, cacheTtlMs);
      return { body: outcome.value, shared };
    } catch (caught) {
      error = caught;
      throw caught;
    } finally {
      events.emit(tally.over(req, shared, error));
    }
  }

  async function forget(pathPrefix: string): Promise<void> {
    forgotten.push({ prefix: pathPrefix, write: ++writes });
    // Only reads that started before a write need the record; a few hundred writes cover them.
    if (forgotten.length > 500) forgotten.splice(0, forgotten.length - 500);
    inFlight.forget(pathPrefix);
    await cache?.deleteByPrefix(pathPrefix);
  }

  /** Sends one request: renews the credential once on 401, retries what may be retried, parses the answer. */
  async function send<T>(req: TransportRequest, uri: string, tally: CallTally): Promise<T> {
    const deadline = req.deadline ?? Number.POSITIVE_INFINITY;
    let renewed = false;
    let retries = 0;
    // What the next request to leave is, for its event: a retry, or a re-send after a 401.
    let retry = false;
    let reauthentication = false;
    retryPolicy.recordCall();
    const scope = rateBudget ? rateScope(req.credential.cacheKey, req.operationId, req.path) : '';
    for (;;) {
      // Every attempt spends a token of Atlas's bucket, retries and re-sends included.
      if (rateBudget) await rateBudget.acquire(scope, req.operationId, deadline);
      const authorization = req.credential.authorize({ method: req.method, uri });
      const sent = typeof authorization === 'object' ? await authorization : authorization;
      let exchange: Exchange;
      try {
        exchange = await attempt(req, uri, sent, deadline, { retry, reauthentication }, tally);
        retry = reauthentication = false;
      } catch (error) {
        const failure = error instanceof AtlasTransportError ? attemptFailure(error) : undefined;
        if (!failure) throw error;
        const decision = retryPolicy.decide(req.method, failure, retries, deadline - Date.now());
        if (!decision.retry) throw error;
        retries = await backOff(retries, decision.delayMs);
        retry = true;
        reauthentication = false;
        continue;
      }
      observe(req, exchange, scope);
      if (exchange.status === 401 && renewed) {
        req.credential.renewalRefused?.(sent, header(exchange.headers['www-authenticate']));
      }
      if (exchange.status === 401 && !renewed && req.credential.renew) {
        renewed = true;
        const challenge = header(exchange.headers['www-authenticate']);
        if (await req.credential.renew(sent, challenge)) {
          reauthentication = true;
          continue;
        }
      }
      if (exchange.status >= 200 && exchange.status < 300) return parseSuccess<T>(req.operationId, exchange);
      const error = apiError(req.operationId, exchange);
      if (error.status === 410 && error.errorCode === 'VERSION_GONE') {
        // Bounded: forward mode keeps one entry per caller's token.
        if (goneVersions.size >= 1_000) goneVersions.clear();
        goneVersions.set(goneKey(req), { reason: error.reason });
      }
      if (error.status === 429 && error.retryAfter !== undefined) {
        rateBudget?.observe(scope, { retryAfterSeconds: error.retryAfter });
      }
      const failure: AttemptFailure = {
        kind: 'status',
        status: error.status,
        retryAfterSeconds: error.retryAfter,
        errorCode: error.errorCode,
      };
      const decision = retryPolicy.decide(req.method, failure, retries, deadline - Date.now());
      if (!decision.retry) throw error;
      retries = await backOff(retries, decision.delayMs);
      retry = true;
    }
  }

  async function backOff(retries: number, delayMs: number): Promise<number> {
    await sleep(delayMs);
    return retries + 1;
  }

  /** One HTTP exchange; the body is read whole (Atlas pages are at most 500 items). */
  function attempt(
    req: TransportRequest,
    uri: string,
    authorization: string | undefined,
    deadline: number,
    resend: { retry: boolean; reauthentication: boolean },
    tally: CallTally,
  ): Promise<Exchange> {
    const msLeft = deadline - Date.now();
    if (msLeft <= 0) return Promise.reject(new AtlasTransportError(req.operationId, 'timeout', 'DEADLINE'));
    // Where the deadline is nearer than the call's timeout, the gateway's own timer ends the call at the
    // deadline (ExchangeHandler); undici's, coarse, could end it early or late, so theirs stays the timeout.
    const deadlineBinds = msLeft < options.timeoutMs;
    const headers: Record<string, string> = { accept: req.mediaType, 'user-agent': options.userAgent };
    if (authorization !== undefined) headers['authorization'] = authorization;
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = req.mediaType;
    }
    // Reported before the answer: a request that fails (404, 500, reset, timeout) still reached Atlas.
    events.emit({
      kind: 'request',
      operationId: req.operationId,
      method: req.method,
      unit: req.unit,
      retry: resend.retry,
      reauthentication: resend.reauthentication,
    });
    tally.attempt(resend);
    return exchangeThrough(
      dispatcher,
      {
        origin,
        path: uri,
        method: req.method,
        headers,
        body,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      },
      { events, req, tally, started: performance.now() },
      // Only where the deadline, not the call's own timeout, bounds the call: most calls need no timer.
      deadlineBinds ? deadline : undefined,
    );
  }

  /** Reads an answer's headers; `scope` is the call's rate-budget bucket (computed once per call, in `send`). */
  function observe(req: TransportRequest, exchange: Exchange, scope: string) {
    const rateLimit = parseRateLimit(exchange.headers);
    if (rateLimit && rateBudget) rateBudget.observe(scope, { remaining: rateLimit.remaining });
    if (rateLimit) events.emit({ kind: 'rate-limit', operationId: req.operationId, unit: req.unit, ...rateLimit });
    const lifecycle = parseLifecycle(exchange.headers);
    if (lifecycle) {
      const key = `${req.operationId} ${req.mediaType} ${lifecycle.deprecation ?? ''} ${lifecycle.sunset ?? ''}`;
      if (!noticed.has(key)) {
        noticed.add(key);
        events.emit({ kind: 'lifecycle', operationId: req.operationId, ...lifecycle });
      }
    }
  }

  return {
    request,
    dispatcher,
    events,
    forget,
    async close() {
      await cache?.close();
      // Destroyed, not closed: closing waits for calls in flight, and at shutdown those belong to requests the
      // drain has cut (their clients are gone), which a hung Atlas would keep alive past SHUTDOWN_TIMEOUT_MS.
      if (ownsDispatcher) await dispatcher.destroy();
    },
  };
}

/** A call that ended because its operation's deadline came (before it was sent, or while in flight). */
function endedAtDeadline(error: unknown): boolean {
  return (
    error instanceof AtlasTransportError && (error.causeCode === 'DEADLINE' || error.causeCode === DEADLINE_IN_FLIGHT)
  );
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseSuccess<T>(operationId: string, exchange: Exchange): T {
  if (exchange.status === 204 || exchange.text === '') return undefined as T;
  if (!String(exchange.headers['content-type'] ?? '').includes('json')) {
    throw new AtlasTransportError(operationId, 'bad-response', 'CONTENT_TYPE');
  }
  try {
    return JSON.parse(exchange.text) as T;
  } catch {
    throw new AtlasTransportError(operationId, 'bad-response', 'JSON');
  }
}

function attemptFailure(error: AtlasTransportError): AttemptFailure | undefined {
  if (error.failure === 'unavailable') return { kind: 'connection' };
  if (error.failure === 'timeout') return { kind: 'timeout' };
  // A body cut short is the connection failing mid-answer, not Atlas answering badly: a read is sent again,
  // as after a reset (writes never are: RetryPolicy). Still cut short after the retries, it stays a bad response.
  if (error.failure === 'bad-response' && truncatedCodes.has(error.causeCode ?? '')) return { kind: 'connection' };
  if (error.failure === 'bad-response') return { kind: 'bad-response' };
  return undefined;
}

/** `?name=value&...` in the query's order, undefined values left out (what URLSearchParams gives, cheaper). */
function queryString(query: TransportRequest['query']): string {
  if (!query) return '';
  let text = '';
  for (const name in query) {
    const value = query[name];
    if (value === undefined) continue;
    text += `${text ? '&' : '?'}${encodeQueryPart(name)}=${encodeQueryPart(String(value))}`;
  }
  return text;
}

/** application/x-www-form-urlencoded, as URLSearchParams writes it (space as `+`). */
function encodeQueryPart(text: string): string {
  return /^[\w.*-]*$/.test(text) ? text : new URLSearchParams([['', text]]).toString().slice(1);
}

function transportFailure(operationId: string, error: unknown): AtlasTransportError {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  if (code && timeoutCodes.has(code)) return new AtlasTransportError(operationId, 'timeout', code);
  if (code && truncatedCodes.has(code)) return new AtlasTransportError(operationId, 'bad-response', code);
  if (code && connectionCodes.has(code)) return new AtlasTransportError(operationId, 'unavailable', code);
  return new AtlasTransportError(operationId, 'unavailable', code);
}

/** Reads an Atlas `ApiError` body; a body that is not one still yields an error with the status. */
function apiError(operationId: string, exchange: Exchange): AtlasApiError {
  // A body that is not an ApiError (a proxy's HTML page, say) keeps only the status; it is never echoed.
  const parsed = parseJsonObject(exchange.text) ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return new AtlasApiError(
    operationId,
    exchange.status,
    str(parsed.errorCode) ?? `HTTP_${exchange.status}`,
    str(parsed.reason),
    str(parsed.detail),
    // Atlas's parameters are names and values (strings, numbers); anything else is not passed on to clients.
    Array.isArray(parsed.parameters)
      ? parsed.parameters.filter((p: unknown) => typeof p === 'string' || typeof p === 'number')
      : undefined,
    retryAfterOf(exchange, parsed),
  );
}

/** How long Atlas asks to wait: its `Retry-After`, or on a 429 what its body says, whichever is longer (notes §3.4). */
function retryAfterOf(exchange: Exchange, body: Record<string, unknown>): number | undefined {
  const header = parseRetryAfter(exchange.headers['retry-after']);
  const inBody = exchange.status === 429 ? retryAfterInBody(body) : undefined;
  return header === undefined ? inBody : inBody === undefined ? header : Math.max(header, inBody);
}

/** The JSON object in `text`, or undefined when it is not one. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
