// The fault switch: makes chosen requests fail the way a flaky Atlas or a proxy in front of it does
// (5xx, 429, reset connections, hung sockets, non-JSON and truncated bodies), so client retry and
// error-mapping code can be tested. Faults are drawn from a seeded PRNG, so a plan replays exactly.
// Most faults answer instead of the handler: the request does nothing. The `processedThen*` faults let the
// request do what it asks (a POST creates its job), then lose the answer: the connection is reset, or
// never answered. That is the ambiguous failure a client must not answer by sending the POST again.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors, type SimulatedApiError } from './errors.js';
import type { SimulatorRateLimit } from './rate-limit.js';

export const FAULT_KINDS = [
  'status500',
  'status503',
  'status429',
  'reset',
  'hang',
  'malformed',
  'truncated',
  'processedThenReset',
  'processedThenHang',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults that let the request be processed and then lose its answer. */
export const AFTER_PROCESSING_FAULTS: ReadonlySet<FaultKind> = new Set(['processedThenReset', 'processedThenHang']);

export interface FaultMatch {
  operationId?: string;
  method?: string;
  pathPrefix?: string;
}

export interface FaultPlan {
  /** Scripted faults consumed one per matching request before rates apply; 'ok' lets one through. */
  script?: (FaultKind | 'ok')[];
  /** Probability per matching request of each fault (0..1, summed ≤ 1). */
  rates?: Partial<Record<FaultKind, number>>;
  /** Retry-After seconds sent with 429 (default 1) and 503 (default: none). */
  retryAfterSeconds?: number;
  /**
   * Only requests matching this are faulted. Default: every /api/atlas/v2 request. The OAuth
   * endpoints are only faulted when `pathPrefix` covers them or `operationId` names them
   * (`oauthToken`, `oauthRevoke`).
   */
  match?: FaultMatch;
  /** Seed of the deterministic PRNG used for rates (default 1). */
  seed?: number;
}

/** The `faults` handle on a running simulator. */
export interface SimulatorFaultControl {
  /** Replace the fault plan. */
  set(plan: FaultPlan): void;
  clear(): void;
  /** Faults injected so far, by kind. */
  injected(): Record<FaultKind, number>;
}

/** Text inside the `malformed` body; a client that echoes upstream bodies into its errors will show it. */
export const FAULT_CANARY = 'SECRET-CANARY-IN-BODY';

const V2 = '/api/atlas/v2';

/** mulberry32: tiny, fast and good enough to spread faults; the point is reproducibility. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function isFaultKind(value: unknown): value is FaultKind {
  return typeof value === 'string' && (FAULT_KINDS as readonly string[]).includes(value);
}

/** Throws a TypeError describing the first problem; plans often come from JSON (SIMULATOR_FAULTS). */
export function checkFaultPlan(plan: unknown): asserts plan is FaultPlan {
  const fail = (what: string): never => {
    throw new TypeError(`simulator: invalid fault plan: ${what}`);
  };
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan)) fail('must be an object');
  const p = plan as Record<string, unknown>;
  for (const key of Object.keys(p)) {
    if (!['script', 'rates', 'retryAfterSeconds', 'match', 'seed'].includes(key)) fail(`unknown field ${key}`);
  }
  if (p['script'] !== undefined) {
    if (!Array.isArray(p['script'])) fail('script must be an array');
    for (const entry of p['script'] as unknown[]) {
      if (entry !== 'ok' && !isFaultKind(entry)) fail(`unknown script entry ${JSON.stringify(entry)}`);
    }
  }
  if (p['rates'] !== undefined) {
    const rates = p['rates'];
    if (typeof rates !== 'object' || rates === null || Array.isArray(rates)) fail('rates must be an object');
    let sum = 0;
    for (const [kind, rate] of Object.entries(rates as Record<string, unknown>)) {
      if (!isFaultKind(kind)) fail(`unknown fault kind ${kind}`);
      if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) fail(`rate of ${kind} must be within 0..1`);
      sum += rate as number;
    }
    // Tolerance for sums such as 0.1 + 0.2 + 0.7.
    if (sum > 1 + 1e-9) fail('rates must sum to at most 1');
  }
  const retryAfter = p['retryAfterSeconds'];
  if (retryAfter !== undefined && (typeof retryAfter !== 'number' || !Number.isInteger(retryAfter) || retryAfter < 0)) {
    fail('retryAfterSeconds must be a non-negative integer');
  }
  if (p['seed'] !== undefined && (typeof p['seed'] !== 'number' || !Number.isFinite(p['seed']))) {
    fail('seed must be a number');
  }
  if (p['match'] !== undefined) {
    const match = p['match'];
    if (typeof match !== 'object' || match === null || Array.isArray(match)) fail('match must be an object');
    for (const [key, value] of Object.entries(match as Record<string, unknown>)) {
      if (!['operationId', 'method', 'pathPrefix'].includes(key)) fail(`unknown match field ${key}`);
      if (typeof value !== 'string') fail(`match.${key} must be a string`);
    }
  }
}

export interface FaultTarget {
  method: string;
  /** Request path without query string or trailing slash. */
  path: string;
  operationId: string | null;
}

function zeroCounts(): Record<FaultKind, number> {
  return Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
}

export class FaultSwitch {
  private plan: FaultPlan | null = null;
  private script: (FaultKind | 'ok')[] = [];
  private random = prng(1);
  private readonly counts = zeroCounts();

  constructor(plan?: FaultPlan) {
    if (plan !== undefined) this.set(plan);
  }

  set(plan: FaultPlan): void {
    checkFaultPlan(plan);
    // Copies, so later changes to the caller's object do not alter a running plan.
    this.plan = structuredClone(plan);
    this.script = [...(plan.script ?? [])];
    this.random = prng(plan.seed ?? 1);
  }

  clear(): void {
    this.plan = null;
    this.script = [];
  }

  injected(): Record<FaultKind, number> {
    return { ...this.counts };
  }

  /** Decides the fault for one authenticated request (consuming a script entry or a PRNG draw), or null. */
  next(target: FaultTarget): FaultKind | null {
    const plan = this.plan;
    if (plan === null || !matches(plan.match ?? {}, target)) return null;
    const scripted = this.script.shift();
    if (scripted !== undefined) return scripted === 'ok' ? null : this.count(scripted);
    const rates = plan.rates;
    if (rates === undefined) return null;
    const u = this.random();
    let cumulative = 0;
    for (const kind of FAULT_KINDS) {
      const rate = rates[kind] ?? 0;
      if (rate <= 0) continue;
      cumulative += rate;
      if (u < cumulative) return this.count(kind);
    }
    return null;
  }

  retryAfterSeconds(kind: 'status429' | 'status503'): number | undefined {
    const configured = this.plan?.retryAfterSeconds;
    return kind === 'status429' ? (configured ?? 1) : configured;
  }

  private count(kind: FaultKind): FaultKind {
    this.counts[kind]++;
    return kind;
  }
}

function matches(match: FaultMatch, target: FaultTarget): boolean {
  if (match.method !== undefined && match.method.toUpperCase() !== target.method) return false;
  if (match.operationId !== undefined && match.operationId !== target.operationId) return false;
  if (match.pathPrefix !== undefined) return target.path.startsWith(match.pathPrefix);
  // An explicit operationId has matched by now, including the OAuth endpoints' ids.
  if (match.operationId !== undefined) return true;
  return target.path === V2 || target.path.startsWith(`${V2}/`);
}

export interface FaultResponseContext {
  /** Request path, as quoted in the 429 body. */
  path: string;
  /** Content-Type a success of this operation would carry. */
  contentType: string;
  /**
   * The RateLimit-* headers of the bucket the request drew on, when one applies (empty otherwise: no
   * limiter, an OAuth endpoint). `status429` sends its own.
   */
  baseHeaders: Record<string, string | number>;
  /** The bucket a `status429` plays as empty: quoted in its body and its RateLimit-Limit. */
  bucket: SimulatorRateLimit;
  retryAfterSeconds: number | undefined;
}

/**
 * Answers (or refuses to answer) a request with the fault. Returns the status to record in the
 * call log: 0 when no complete HTTP response was sent.
 */
export function writeFault(
  kind: FaultKind,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: FaultResponseContext,
): number {
  const sendError = (error: SimulatedApiError, extra: Record<string, string | number>): number => {
    const payload = JSON.stringify(error.toBody());
    res.writeHead(error.status, {
      ...ctx.baseHeaders,
      'Content-Type': 'application/json',
      'X-Error-Code': error.errorCode,
      'Content-Length': Buffer.byteLength(payload),
      ...extra,
    });
    res.end(payload);
    return error.status;
  };
  switch (kind) {
    case 'status500':
      return sendError(errors.serverError(), {});
    case 'status503': {
      const retryAfter = ctx.retryAfterSeconds;
      return sendError(errors.serviceUnavailable(), retryAfter === undefined ? {} : { 'Retry-After': retryAfter });
    }
    case 'status429': {
      const retryAfter = ctx.retryAfterSeconds ?? 1;
      const { capacity, refill, periodSeconds } = ctx.bucket;
      const error = errors.rateLimitedTokenBucket(
        ctx.path.replace(/^\/+/, ''),
        retryAfter,
        capacity,
        refill,
        periodSeconds,
      );
      return sendError(error, {
        'Retry-After': retryAfter,
        'RateLimit-Limit': capacity,
        'RateLimit-Remaining': 0,
      });
    }
    case 'reset':
    case 'processedThenReset':
      // RST rather than FIN, as when a load balancer drops the connection.
      req.socket.resetAndDestroy();
      return 0;
    case 'hang':
    case 'processedThenHang':
      // Never answer. The socket stays open until the client gives up or close() destroys it.
      return 0;
    case 'malformed': {
      // What a misbehaving proxy sends: a 200 that claims the Atlas media type but carries HTML.
      const payload = `<html><head><title>Bad Gateway</title></head><body>upstream proxy error ${FAULT_CANARY}</body></html>`;
      res.writeHead(200, { 'Content-Type': ctx.contentType, 'Content-Length': Buffer.byteLength(payload) });
      res.end(payload);
      return 200;
    }
    case 'truncated': {
      const partial = '{"links":[{"href":"https://cloud.mongodb.com/api/atlas/v2","rel":"self"}],"results":[{"id":"';
      res.writeHead(200, {
        ...ctx.baseHeaders,
        'Content-Type': ctx.contentType,
        'Content-Length': Buffer.byteLength(partial) + 4096,
      });
      // Close once the partial body is flushed, so the client sees the connection end mid-body.
      res.write(partial, () => res.socket?.end());
      return 0;
    }
  }
}
