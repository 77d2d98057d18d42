/**
 * One poller per watched thing across replicas: the seam the live layer polls through when replicas share
 * (src/redis/poller-lease.ts implements it over Redis), and what one replica's poller tells the others.
 *
 * - A lease: of the replicas with subscribers to one (credential, target), the one holding it polls Atlas
 *   and publishes what each tick told its own subscribers; the others (followers) relay what arrives to
 *   theirs, and take the lease when it lapses or is released (its holder stopped, or its last subscriber
 *   left), so the poll goes on while any replica has a subscriber.
 * - The last message is kept beside the lease: a follower starting late tells its first subscribers the
 *   object as last read (as a late joiner is told in one process), and a new holder goes on from the
 *   previous holder's state (what it told, so nothing is told twice).
 * - Sharing unavailable (Redis away): every replica polls for itself, as with no sharing at all, and shares
 *   again once it is back. Nothing here is needed for correctness; it saves Atlas calls.
 *
 * The live layer knows nothing of Redis: a channel carries strings, and this file encodes them.
 */
import {
  AtlasApiError,
  AtlasAuthError,
  AtlasBudgetError,
  AtlasRateBudgetError,
  AtlasTransportError,
} from '../atlas/errors.js';
import type { AtlasAuthFailure, AtlasTransportFailure } from '../atlas/errors.js';

/** What this replica does for one poll this turn. */
export type PollRole =
  /** It holds the lease: it polls Atlas and publishes what it told. */
  | 'owner'
  /** Another replica holds it: this one relays that replica's messages. */
  | 'follower'
  /** Sharing is unavailable (Redis away): it polls for itself. */
  | 'alone';

export type PollClaim =
  | { role: 'owner' | 'alone' }
  | {
      role: 'follower';
      /** Milliseconds until the holder's lease lapses unless renewed. */
      lapsesInMs: number;
      /** The sequence number of the last message kept (0: none). */
      latest: number;
    };

/** One (credential, target)'s share of the poll, for one poller of this process. */
export interface PollChannel {
  /**
   * Starts receiving the holder's messages (never this channel's own). `onReleased`: the holder let the
   * lease go (it stopped), so another may take it now. Resolves once messages published from then on
   * will arrive (or at once when they cannot).
   */
  listen(onMessage: (seq: number, message: string) => void, onReleased: () => void): Promise<void>;
  /** Takes the lease if free, renews it if held (for `ttlMs`), or tells who holds it. Never rejects. */
  claim(ttlMs: number): Promise<PollClaim>;
  /**
   * Publishes `message` and keeps it as the last one, if this channel still holds the lease. Resolves its
   * sequence number (greater than any before it), or undefined when not published. Never rejects.
   */
  publish(message: string): Promise<number | undefined>;
  /** The last message kept, if any. Never rejects. */
  latest(): Promise<{ seq: number; message: string } | undefined>;
  /** Stops listening and releases the lease if held (telling the others). Never rejects. */
  leave(): Promise<void>;
}

/** Opens the channel of one poller, named by the credential's cache key (never a secret) and the target. */
export interface PollSharing {
  open(credentialKey: string, target: string): PollChannel;
}

/** An error as it crosses replicas: what the graph layer makes its code and message from. */
type WireError =
  | {
      type: 'api';
      op: string;
      status: number;
      code: string;
      reason?: string;
      detail?: string;
      params?: unknown[];
      retryAfter?: number;
    }
  | { type: 'transport'; op: string; failure: AtlasTransportFailure; cause?: string }
  | { type: 'budget'; op: string; budget: number }
  | { type: 'rate-budget'; op: string; retryAfter: number }
  | { type: 'auth'; failure: AtlasAuthFailure; status?: number; code?: string; retryAfter?: number }
  | { type: 'other'; name: string };

export type WireEvent =
  { kind: 'value'; value: unknown; final: boolean } | { kind: 'error'; error: WireError; final: boolean };

/** What one tick of the holder told its subscribers, and what another replica needs to go on from it. */
export interface PollMessage {
  events: WireEvent[];
  /** The source's state after the tick (PollSource.saved). */
  state?: unknown;
  /** The failure that lasts, if any (for subscribers joining while it does). */
  failure?: WireError;
}

export function errorToWire(error: unknown): WireError {
  if (error instanceof AtlasApiError) {
    const { operationId: op, status, errorCode: code, reason, detail, parameters: params, retryAfter } = error;
    return { type: 'api', op, status, code, reason, detail, params, retryAfter };
  }
  if (error instanceof AtlasTransportError) {
    return { type: 'transport', op: error.operationId, failure: error.failure, cause: error.causeCode };
  }
  if (error instanceof AtlasBudgetError) return { type: 'budget', op: error.operationId, budget: error.budget };
  if (error instanceof AtlasRateBudgetError) {
    return { type: 'rate-budget', op: error.operationId, retryAfter: error.retryAfter };
  }
  if (error instanceof AtlasAuthError) {
    const { failure, status, errorCode: code, retryAfter } = error;
    return { type: 'auth', failure, status, code, retryAfter };
  }
  // Anything else is told as an unexpected error: its message is not carried.
  return { type: 'other', name: error instanceof Error ? error.name : 'Error' };
}

export function errorFromWire(wire: WireError): Error {
  switch (wire.type) {
    case 'api':
      return new AtlasApiError(wire.op, wire.status, wire.code, wire.reason, wire.detail, wire.params, wire.retryAfter);
    case 'transport':
      return new AtlasTransportError(wire.op, wire.failure, wire.cause);
    case 'budget':
      return new AtlasBudgetError(wire.op, wire.budget);
    case 'rate-budget':
      return new AtlasRateBudgetError(wire.op, wire.retryAfter);
    case 'auth':
      return new AtlasAuthError(wire.failure, wire.status, wire.code, wire.retryAfter);
    case 'other': {
      const error = new Error('A poll failed on another replica');
      error.name = wire.name;
      return error;
    }
  }
}

/** A message as received; undefined when it cannot be read (from another version of the gateway). */
export function parseMessage(text: string): PollMessage | undefined {
  try {
    const message = JSON.parse(text) as PollMessage;
    return Array.isArray(message.events) ? message : undefined;
  } catch {
    return undefined;
  }
}
