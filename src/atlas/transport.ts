/**
 * The one way the gateway talks HTTP to Atlas: an undici Agent (keep-alive pool), the operation's
 * version media type, a credential, timeouts, and Atlas error bodies turned into AtlasApiError.
 * Redirects are never followed (`dispatcher.request` does not), so a credential cannot leak to
 * another host.
 */
import { Agent, type Dispatcher } from 'undici';
import { AtlasApiError, AtlasTransportError } from './errors.js';

/** Supplies the `Authorization` header for Atlas calls. */
export interface AtlasCredential {
  /** Distinguishes credentials in caches without revealing them (never the secret itself). */
  readonly cacheKey: string;
  authorization(): Promise<string>;
}

/** A static bearer token (a service-account access token minted elsewhere, or the simulator's). */
export function bearerToken(token: string, cacheKey = 'bearer'): AtlasCredential {
  const header = `Bearer ${token}`;
  return { cacheKey, authorization: async () => header };
}

export interface TransportOptions {
  /** Origin of the Atlas API, e.g. https://cloud.mongodb.com (no path). */
  baseUrl: string;
  credential: AtlasCredential;
  /** Milliseconds to wait for response headers, and between body chunks. */
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
}

/** An answer, and whether it came from another caller's identical call (in flight or cached). */
export interface TransportResult<T> {
  body: T;
  shared: boolean;
}

export interface AtlasTransport {
  request<T>(request: TransportRequest): Promise<TransportResult<T>>;
  close(): Promise<void>;
}

const unavailableCodes = new Set([
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
const timeoutCodes = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export function createTransport(options: TransportOptions): AtlasTransport {
  const origin = new URL(options.baseUrl).origin;
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher = options.dispatcher ?? new Agent({ connections: options.connections, keepAliveTimeout: 10_000 });

  // Identical GETs with the same credential share one call while it is in flight (and, when a TTL is
  // set, for that long after). The key starts with the credential's cache key, never the secret, so
  // nothing is shared across credentials.
  const inflight = new Map<string, Promise<unknown>>();
  const cache = new Map<string, { expires: number; body: unknown }>();
  const cacheTtlMs = options.cacheTtlMs ?? 0;

  async function request<T>(req: TransportRequest): Promise<TransportResult<T>> {
    if (req.method !== 'GET') return { body: await send<T>(req), shared: false };
    const key = `${options.credential.cacheKey} ${req.mediaType} ${req.path}${queryString(req.query)}`;
    const cached = cache.get(key);
    if (cached && cached.expires > Date.now()) return { body: cached.body as T, shared: true };
    const pending = inflight.get(key);
    if (pending) return { body: (await pending) as T, shared: true };
    const call = send<T>(req);
    inflight.set(key, call);
    try {
      const body = await call;
      if (cacheTtlMs > 0) remember(key, body);
      return { body, shared: false };
    } finally {
      inflight.delete(key);
    }
  }

  const maxCached = 10_000;
  function remember(key: string, body: unknown) {
    cache.delete(key);
    cache.set(key, { expires: Date.now() + cacheTtlMs, body });
    // Maps iterate in insertion order: drop the oldest entries beyond the cap.
    for (const oldest of cache.keys()) {
      if (cache.size <= maxCached) break;
      cache.delete(oldest);
    }
  }

  async function send<T>(req: TransportRequest): Promise<T> {
    const headers: Record<string, string> = {
      accept: req.mediaType,
      authorization: await options.credential.authorization(),
      'user-agent': options.userAgent,
    };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = req.mediaType;
    }
    let response: Dispatcher.ResponseData;
    try {
      response = await dispatcher.request({
        origin,
        path: req.path + queryString(req.query),
        method: req.method,
        headers,
        body,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
    } catch (error) {
      throw transportFailure(req.operationId, error);
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw transportFailure(req.operationId, error);
    }
    const contentType = String(response.headers['content-type'] ?? '');
    if (response.statusCode >= 200 && response.statusCode < 300) {
      if (response.statusCode === 204 || text === '') return undefined as T;
      if (!contentType.includes('json')) throw new AtlasTransportError(req.operationId, 'bad-response');
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new AtlasTransportError(req.operationId, 'bad-response');
      }
    }
    throw apiError(req.operationId, response, text);
  }

  return {
    request,
    async close() {
      cache.clear();
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}

function queryString(query: TransportRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function transportFailure(operationId: string, error: unknown): AtlasTransportError {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  if (code && timeoutCodes.has(code)) return new AtlasTransportError(operationId, 'timeout', code);
  if (code && unavailableCodes.has(code)) return new AtlasTransportError(operationId, 'unavailable', code);
  return new AtlasTransportError(operationId, 'unavailable', code);
}

/** Reads an Atlas `ApiError` body; a body that is not one still yields an error with the status. */
function apiError(operationId: string, response: Dispatcher.ResponseData, text: string): AtlasApiError {
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) parsed = value as Record<string, unknown>;
  } catch {
    // Not an ApiError (a proxy's HTML page, say): keep only the status; never echo the body.
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return new AtlasApiError(
    operationId,
    response.statusCode,
    str(parsed.errorCode) ?? `HTTP_${response.statusCode}`,
    str(parsed.reason),
    str(parsed.detail),
    Array.isArray(parsed.parameters) ? parsed.parameters : undefined,
    parseRetryAfter(response.headers['retry-after']),
  );
}

/** `Retry-After` as seconds: either delta-seconds or an HTTP date. */
export function parseRetryAfter(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
