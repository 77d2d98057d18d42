/**
 * One stream of what happens between the gateway and Atlas. The transport writes it (with the sessions'
 * budget refusals and the credentials' token mints and digest challenges); the sessions' call statistics
 * (the call report), the lifecycle log line, metrics, traces and readiness read it, so none of them is
 * threaded through the layers as a parameter.
 *
 * `unit` is the unit of work (src/atlas/session.ts) a request was sent for, when there is one. Events
 * carry no credential, header, query string or body.
 */
import type { AtlasAuthFailure, AtlasTransportFailure } from './errors.js';

export type AtlasEvent =
  /** A request left for Atlas (first attempts, retries, re-sends after a 401 alike). */
  | { kind: 'request'; operationId: string; method: string; unit: unknown; retry: boolean; reauthentication: boolean }
  /** Atlas answered a request (any status), or it failed without an answer (`status` undefined). */
  | {
      kind: 'response';
      operationId: string;
      method: string;
      unit: unknown;
      status: number | undefined;
      durationMs: number;
    }
  /** An identical call of another unit of work (in flight, or cached) answered this one: no Atlas cost. */
  | { kind: 'shared'; operationId: string; unit: unknown; from: 'in-flight' | 'cache' }
  /** Atlas reported its rate-limit headroom. */
  | { kind: 'rate-limit'; operationId: string; unit: unknown; limit: number; remaining: number }
  /** Atlas announced the deprecation or sunset of an operation's version (once per operation and version). */
  | { kind: 'lifecycle'; operationId: string; deprecation?: string; sunset?: string }
  /**
   * A call is over (src/atlas/calls.ts): one per `transport.request`, its attempts folded in, so that a
   * trace can show it as one client span. `status` is the last attempt's (a shared failure's from its
   * error; none for a shared success or when nothing was answered).
   */
  | {
      kind: 'call';
      operationId: string;
      method: string;
      unit: unknown;
      /** Epoch milliseconds (fractional) when the call began. */
      startTime: number;
      durationMs: number;
      status: number | undefined;
      failure: AtlasCallFailure | undefined;
      retries: number;
      reauthentications: number;
      /** Answered by another unit's identical call, in flight or cached. */
      shared: boolean;
    }
  /**
   * A unit of work that is no GraphQL operation began: a subscription's poll tick (src/live/poller.ts),
   * named by what it polls (`restoreJob`, `activity`), so that a trace can hold its calls under one span.
   */
  | { kind: 'unit-start'; unit: unknown; watching: string }
  /** That unit of work is over; `failed` when it read nothing (the poll failed). */
  | { kind: 'unit-end'; unit: unknown; failed: boolean }
  /** The unit of work's call budget refused a call: nothing was sent. */
  | { kind: 'budget-refused'; operationId: string; unit: unknown }
  /**
   * The service account asked Atlas's token endpoint for a token: a mint (none usable, or Atlas refused the
   * last one) or a background renewal. `usable` says whether a valid token is held afterwards.
   */
  | { kind: 'token'; renewal: boolean; outcome: 'minted' | AtlasAuthFailure; durationMs: number; usable: boolean }
  /** An API-key call met a digest challenge; `signedAgain` when the call is re-sent with it (else: wrong key). */
  | { kind: 'digest-challenge'; stale: boolean; signedAgain: boolean };

/** How a call failed: Atlas's status said so, the transport's failure, or the gateway refused to send it. */
export type AtlasCallFailure = 'status' | AtlasTransportFailure | 'auth' | 'rate-budget' | 'budget' | 'other';

export type AtlasEventListener = (event: AtlasEvent) => void;

export class AtlasEvents {
  private readonly listeners = new Set<AtlasEventListener>();

  /** Adds a reader; the returned function removes it. */
  subscribe(listener: AtlasEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: AtlasEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
