/**
 * The process's pollers, one per (credential, watched thing), shared by every subscriber of that
 * credential and reference-counted by them; and the subscription limits. Pollers are keyed by the
 * credential's `cacheKey` (an HMAC of the caller's token in forward mode), so two callers never share one,
 * nor what it read. Sits below the graph (which turns its events into GraphQL payloads and error codes)
 * and above loaders and atlas (a tick is a session and its loaders, like an operation). With `sharing`,
 * replicas share each poller too: one of them polls, the others relay (./sharing.ts).
 */
import { AtlasClient } from '../atlas/client.js';
import type { AtlasCredential } from '../atlas/auth/credential.js';
import { AtlasApiError, AtlasAuthError, AtlasBudgetError, AtlasTransportError } from '../atlas/errors.js';
import { openSession } from '../atlas/session.js';
import type { AtlasTransport } from '../atlas/transport.js';
import { createLoaders } from '../loaders/index.js';
import { itemPath, listPath, type ClusterItemKey, type ResourceModels } from '../loaders/resources.js';
import { activitySource, type ActivityChange } from './activity.js';
import { LiveLimitError, LiveShutdownError } from './errors.js';
import { itemSource } from './item.js';
import { Poller, type PollSource, type PollTiming, type UnitOfWork } from './poller.js';
import type { PollRole, PollSharing } from './sharing.js';
import type { WatchedResource } from './states.js';
import { LiveSubscription } from './subscription.js';

export interface LiveOptions {
  /** Milliseconds between the ticks of a poller of one object while it changes. */
  intervalMs: number;
  /** The slowest a poller gets when nothing changes (or Atlas keeps failing). */
  maxIntervalMs: number;
  /** Unchanged this long, a poller starts slowing down (its interval doubles each tick, up to the slowest). */
  idleAfterMs: number;
  /** Milliseconds between the ticks of a project's activity poller (a tick lists every job list). */
  activityIntervalMs: number;
  /** Open subscriptions in the process. */
  maxSubscriptions: number;
  /** Open subscriptions on one connection (one WebSocket; one HTTP connection for SSE). */
  maxSubscriptionsPerConnection: number;
  /** Each tick's unit of work: its Atlas call budget and deadline, as an operation's. */
  budget: number;
  deadlineMs: number;
  /** How long shutdown waits for subscribers to read their last event. */
  drainMs: number;
  /** Each failure a poller reports (once per distinct failure), described without ids, paths or secrets. */
  onFailure?(failure: PollFailure): void;
  /**
   * One poller per (credential, target) across replicas (./sharing.ts; src/redis/poller-lease.ts): the
   * replica holding the lease polls, the others relay what it publishes. None: each process polls alone.
   */
  sharing?: PollSharing;
}

/** What the operator's log may say of a poll's failure. */
export interface PollFailure {
  /** The watched resource (`restoreJob`, ...), or `activity`. */
  watching: string;
  operation?: string;
  status?: number;
  errorCode?: string;
  failure?: string;
  retryAfter?: number;
}

function describeFailure(watching: string, error: unknown): PollFailure {
  if (error instanceof AtlasApiError) {
    const { operationId: operation, status, errorCode, retryAfter } = error;
    return { watching, operation, status, errorCode, ...(retryAfter === undefined ? {} : { retryAfter }) };
  }
  if (error instanceof AtlasTransportError) return { watching, operation: error.operationId, failure: error.failure };
  if (error instanceof AtlasAuthError) return { watching, failure: error.failure };
  if (error instanceof AtlasBudgetError) return { watching, operation: error.operationId, failure: 'budget' };
  return { watching, failure: error instanceof Error ? error.name : 'unknown' };
}

export interface LiveStats {
  subscriptions: number;
  /**
   * Each running poller: what it watches (a path, never the credential), its ticks (Atlas reads),
   * subscribers and current interval (tests follow its back-off by it, not by counting ticks in a sleep);
   * when shared across replicas, its part this turn (`owner` polls, `follower` relays, `alone`: Redis away).
   */
  pollers: { target: string; ticks: number; subscribers: number; intervalMs: number; role?: PollRole }[];
}

export class LiveHub {
  private readonly pollers = new Map<string, Poller<unknown>>();
  private readonly perConnection = new WeakMap<object, number>();
  /** Per credential: epoch milliseconds before which Atlas asked not to be called again. */
  private readonly heldBack = new Map<string, number>();
  private subscriptions = 0;
  private closing: Promise<void> | undefined;
  private drained: (() => void) | undefined;

  constructor(
    private readonly transport: AtlasTransport,
    private readonly options: LiveOptions,
  ) {}

  /** Follows one job or snapshot. Throws LiveLimitError or LiveShutdownError when refused. */
  watchItem<N extends WatchedResource>(
    resource: N,
    key: ClusterItemKey,
    credential: AtlasCredential,
    connection?: object,
  ): LiveSubscription<ResourceModels[N]> {
    const target = itemPath(resource, key);
    // What the resource's loader answers is the resource's model (src/loaders/resources.ts).
    const source = () => itemSource(resource, key) as PollSource<ResourceModels[N]>;
    return this.watch(resource, target, credential, connection, source, {
      intervalMs: this.options.intervalMs,
      maxIntervalMs: this.options.maxIntervalMs,
      idleAfterMs: this.options.idleAfterMs,
    });
  }

  /** Follows a project's backup jobs. Throws LiveLimitError or LiveShutdownError when refused. */
  watchActivity(groupId: string, credential: AtlasCredential, connection?: object): LiveSubscription<ActivityChange> {
    const target = `activity ${listPath('cluster', { groupId })}`;
    const intervalMs = this.options.activityIntervalMs;
    return this.watch('activity', target, credential, connection, () => activitySource(groupId), {
      intervalMs,
      maxIntervalMs: Math.max(intervalMs, this.options.maxIntervalMs),
      idleAfterMs: this.options.idleAfterMs,
    });
  }

  /** Open subscriptions and running pollers, cheaply (metrics read them at each scrape). */
  figures(): { subscriptions: number; pollers: number } {
    return { subscriptions: this.subscriptions, pollers: this.pollers.size };
  }

  stats(): LiveStats {
    return {
      subscriptions: this.subscriptions,
      pollers: [...this.pollers].map(([key, poller]) => ({
        target: key.slice(key.indexOf('\n') + 1),
        ticks: poller.ticks,
        subscribers: poller.subscriberCount,
        intervalMs: poller.intervalMs,
        ...(this.options.sharing ? { role: poller.role ?? 'alone' } : {}),
      })),
    };
  }

  /**
   * Ends every stream with a last event saying the gateway is shutting down, stops the pollers, waits for
   * their ticks in flight (so the credential is not revoked under them), then for subscribers to read their
   * last event (at most `drainMs`). New subscriptions are refused from the start.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const last = { kind: 'error', error: new LiveShutdownError(), final: true } as const;
      await Promise.allSettled([...this.pollers.values()].map((poller) => poller.shutdown(last)));
      if (this.subscriptions > 0) {
        await new Promise<void>((resolve) => {
          this.drained = resolve;
          setTimeout(resolve, this.options.drainMs).unref();
        });
      }
      // The last subscriber has just read its end: let the transports write their `complete` first.
      await new Promise((resolve) => setImmediate(resolve));
    })();
    return this.closing;
  }

  private watch<V>(
    watching: string,
    target: string,
    credential: AtlasCredential,
    connection: object | undefined,
    source: () => PollSource<V>,
    timing: PollTiming,
  ): LiveSubscription<V> {
    if (this.closing) throw new LiveShutdownError();
    const { maxSubscriptions, maxSubscriptionsPerConnection } = this.options;
    if (this.subscriptions >= maxSubscriptions) throw new LiveLimitError('process', maxSubscriptions);
    const onConnection = connection ? (this.perConnection.get(connection) ?? 0) : 0;
    if (onConnection >= maxSubscriptionsPerConnection) {
      throw new LiveLimitError('connection', maxSubscriptionsPerConnection);
    }

    const key = `${credential.cacheKey}\n${target}`;
    let poller = this.pollers.get(key) as Poller<V> | undefined;
    if (!poller) {
      const created: Poller<V> = new Poller<V>({
        source: source(),
        timing,
        openUnit: (tick) => this.openUnit(credential, tick ? watching : undefined),
        notBefore: () => this.heldBack.get(credential.cacheKey) ?? 0,
        holdBack: (seconds) => this.holdBack(credential.cacheKey, seconds),
        onStop: () => {
          if (this.pollers.get(key) === created) this.pollers.delete(key);
        },
        onFailure: (error) => this.options.onFailure?.(describeFailure(watching, error)),
        // Named by the credential's cache key, never its secret: replicas with the same credential share.
        channel: this.options.sharing?.open(credential.cacheKey, target),
      });
      poller = created;
      this.pollers.set(key, created as Poller<unknown>);
    }

    this.subscriptions++;
    if (connection) this.perConnection.set(connection, onConnection + 1);
    const owner = poller;
    const subscription: LiveSubscription<V> = new LiveSubscription<V>(() => {
      this.subscriptions--;
      if (connection) this.perConnection.set(connection, (this.perConnection.get(connection) ?? 1) - 1);
      owner.remove(subscription);
      if (this.subscriptions === 0) this.drained?.();
    });
    owner.add(subscription);
    return subscription;
  }

  /** A unit of work; a tick's (`watching` given) says when it begins and ends, for traces (one per tick). */
  private openUnit(credential: AtlasCredential, watching?: string): UnitOfWork {
    const { budget, deadlineMs } = this.options;
    const session = openSession(this.transport, { credential, budget, deadlineMs });
    const opened = Date.now();
    const unit: UnitOfWork = {
      loaders: createLoaders(new AtlasClient(session), session.stats),
      opened,
      deadline: session.deadline,
    };
    if (watching === undefined) return unit;
    const events = this.transport.events;
    events.emit({ kind: 'unit-start', unit: session, watching });
    unit.end = (failed) => events.emit({ kind: 'unit-end', unit: session, failed });
    return unit;
  }

  private holdBack(credentialKey: string, seconds: number): void {
    const until = Date.now() + seconds * 1000;
    const now = Date.now();
    for (const [key, at] of this.heldBack) if (at <= now) this.heldBack.delete(key);
    if (until > (this.heldBack.get(credentialKey) ?? 0)) this.heldBack.set(credentialKey, until);
  }
}
