/**
 * One poll for all: a poller reads one Atlas object (or one project's job lists) for every subscriber of
 * one credential, and tells them only what changed.
 *
 * - Each tick is its own unit of work (src/atlas/session.ts): a fresh session with the credential, the
 *   deadline and the call budget, and fresh loaders, so a stream lives for hours without outliving a
 *   deadline, and what one tick read never goes stale in the next.
 * - The interval starts at the configured one and doubles, up to the slowest, while nothing has changed
 *   for a while or Atlas keeps failing; a change brings it back. A `Retry-After` from Atlas holds back every
 *   poller of the credential until it has passed (the rate limit is Atlas's, not the poller's).
 * - A failure is an event (once per distinct failure, not once per tick); the stream goes on, except when
 *   the failure cannot heal by waiting (the object is gone, the credential is refused).
 * - The poller stops when its last subscriber leaves or the object reaches a terminal state.
 * - Shared with other replicas (a `channel`, ./sharing.ts): each turn it claims the lease; holding it, it
 *   polls and publishes what it told; else it tells its subscribers what the holder publishes, for one
 *   Redis command a turn and no Atlas call (failures go to the operator's log of the holder only).
 */
import { AtlasApiError, AtlasAuthError, AtlasTransportError, isNotFound } from '../atlas/errors.js';
import type { Loaders } from '../loaders/index.js';
import {
  errorFromWire,
  errorToWire,
  parseMessage,
  type PollChannel,
  type PollMessage,
  type PollRole,
} from './sharing.js';
import type { LiveEvent, LiveSubscription } from './subscription.js';

/** What one tick of a poller found. */
export interface PollOutcome<V> {
  /** What subscribers are told, in order: only what changed since the last tick. */
  values: V[];
  /** True when the object is done: the last value is the last event, and the poller stops. */
  final: boolean;
  /** A failure to report beside the values (a part of what the tick reads failed). */
  error?: unknown;
}

/** What a poller reads, and how it tells a change. */
export interface PollSource<V> {
  poll(loaders: Loaders): Promise<PollOutcome<V>>;
  /** What a subscriber joining now is told first, without a call: the object as last read. */
  current(): V | undefined;
  /** The next tick reports what it reads even if unchanged (after a failure: the stream has recovered). */
  reset(): void;
  /** What another replica's poller needs to go on from this one's last tick, as JSON (./sharing.ts). */
  saved(): unknown;
  /**
   * Goes on from another replica's `saved()`, as if this source had read it. True when that tells something
   * this source had not read itself (so its events are news here, not what this replica already told).
   */
  restore(saved: unknown): boolean;
}

export interface PollTiming {
  /** Milliseconds between ticks while the object changes. */
  intervalMs: number;
  /** The slowest the interval grows to. */
  maxIntervalMs: number;
  /** Unchanged this long, the interval starts doubling. */
  idleAfterMs: number;
}

/** A unit of work: the loaders of a fresh session, and the epoch milliseconds its deadline falls at. */
export interface UnitOfWork {
  loaders: Loaders;
  opened: number;
  deadline: number;
  /** A tick's unit: says the tick is over (`failed`: it read nothing), so its trace can end. */
  end?(failed: boolean): void;
}

export interface PollerOptions<V> {
  source: PollSource<V>;
  timing: PollTiming;
  /**
   * Opens a unit of work for the poller's credential: for a tick (`tick`, ended with `end`), or for the
   * fields under an event once the tick's unit is too old.
   */
  openUnit(tick: boolean): UnitOfWork;
  /** Epoch milliseconds before which the credential's pollers must not call Atlas (a `Retry-After`). */
  notBefore(): number;
  /** Records a `Retry-After` (seconds) for every poller of the credential. */
  holdBack(seconds: number): void;
  /** Called once, when the poller stops for good. */
  onStop(): void;
  /** Told each failure subscribers are told of (once per distinct failure), for the operator's log. */
  onFailure?(error: unknown): void;
  /** The poll shared with the other replicas' pollers of the same credential and target; none: this process alone. */
  channel?: PollChannel;
}

/** A lease lasts twice the wait it covers and this much more (room for the holder's tick itself). */
export const LEASE_GRACE_MS = 500;
/** A follower looks again this long after the holder's lease would lapse (a live holder renews before). */
const FOLLOW_MARGIN_MS = 5;

/** Seconds Atlas (or its token endpoint) asked to wait, when it did. */
export function retryAfterOf(error: unknown): number | undefined {
  if (error instanceof AtlasApiError || error instanceof AtlasAuthError) return error.retryAfter;
  return undefined;
}

/**
 * Failures that waiting will not heal: the object (or project) is gone, the credential is refused or
 * missing, the credential may not read it. The stream ends with them.
 */
export function isPermanent(error: unknown): boolean {
  if (isNotFound(error)) return true;
  if (error instanceof AtlasApiError) return error.status === 401 || error.status === 403;
  return error instanceof AtlasAuthError && error.failure === 'missing-caller-token';
}

/** Tells one failure from another, so a failure that persists is reported once. */
function signatureOf(error: unknown): string {
  if (error instanceof AtlasApiError) return `api ${error.status} ${error.errorCode}`;
  if (error instanceof AtlasTransportError) return `transport ${error.failure}`;
  if (error instanceof AtlasAuthError) return `auth ${error.failure}`;
  return error instanceof Error ? error.name : 'unknown';
}

export class Poller<V> {
  private readonly subscribers = new Set<LiveSubscription<V>>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;
  private started = false;
  private delayMs: number;
  private lastChangeAt = Date.now();
  /** The signature of the failure last reported; undefined while Atlas answers. */
  private failing: string | undefined;
  /** That failure's event, for subscribers joining while it lasts. */
  private failure: LiveEvent<V> | undefined;
  /** The unit of work fields under the object as last told resolve with (opened when first needed). */
  private lastUnit: UnitOfWork | undefined;
  /** Subscribers have been told the object: one joining now is told it too. */
  private told = false;
  /** Ticks run so far (tests and the bench compare them with the calls Atlas received). */
  ticks = 0;

  // Sharing with other replicas (options.channel).
  /** This turn's part; undefined before the first claim. */
  private part: PollRole | undefined;
  private listening = false;
  /** The sequence number of the last message told here (published by this poller, or received). */
  private seen = 0;
  /** A follower's wait before it looks at the lease again. */
  private followWaitMs = 0;
  /** The holder let the lease go during a turn: look again at once. */
  private releasedMeanwhile = false;
  /** What this tick told, to be published (set only while a holder's tick tells it). */
  private outgoing: LiveEvent<V>[] | undefined;
  /** The source's state as last published: a tick that told nothing and changed nothing publishes nothing. */
  private publishedState: string | undefined;
  /** Resolves once the channel is left (the lease released: the others can take it at once). */
  private leaving: Promise<void> | undefined;

  constructor(private readonly options: PollerOptions<V>) {
    this.delayMs = options.timing.intervalMs;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  get active(): boolean {
    return !this.stopped;
  }

  /**
   * The wait between this poller's own ticks as it stands (the configured interval, doubled while nothing
   * changes or Atlas fails); a Retry-After or a follower's wait may make a turn longer. Read by stats().
   */
  get intervalMs(): number {
    return this.delayMs;
  }

  /** This replica's part in a shared poll (undefined when not shared, or before the first turn). */
  get role(): PollRole | undefined {
    return this.part;
  }

  add(subscriber: LiveSubscription<V>): void {
    this.subscribers.add(subscriber);
    const current = this.options.source.current();
    // A late joiner learns at once what the others know (the object as last read, or the failure that
    // lasts); Atlas is not asked again for it.
    if (this.failure) subscriber.push(this.failure);
    else if (current !== undefined && this.told) subscriber.push(this.valueEvent(current, false, this.lastUnit));
    if (!this.started) {
      this.started = true;
      this.tick();
    }
  }

  remove(subscriber: LiveSubscription<V>): void {
    if (!this.subscribers.delete(subscriber)) return;
    if (this.subscribers.size === 0) this.stop();
  }

  /** Ends every stream with `last` and stops; resolves when a tick in flight is over and the lease let go. */
  async shutdown(last: LiveEvent<V>): Promise<void> {
    const inFlight = this.inFlight;
    for (const subscriber of [...this.subscribers]) subscriber.end(last);
    this.stop();
    await inFlight;
    await this.leaving;
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const channel = this.options.channel;
    // Once the turn under way has published what it told, the lease goes (another replica with
    // subscribers takes the poll over at once).
    if (channel) this.leaving = (this.inFlight ?? Promise.resolve()).then(() => channel.leave());
    this.options.onStop();
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped) return;
    this.inFlight = this.turn().finally(() => {
      this.inFlight = undefined;
      this.schedule();
    });
  }

  private async turn(): Promise<void> {
    const channel = this.options.channel;
    if (!channel) return this.held() ? undefined : this.poll(undefined);
    if (!this.listening) {
      this.listening = true;
      await channel.listen(
        (seq, message) => this.receive(seq, message, false),
        () => this.released(),
      );
      if (this.stopped) return;
    }
    const claim = await channel.claim(this.leaseMs(this.delayMs));
    if (this.stopped) return;
    const first = this.part === undefined;
    this.part = claim.role;
    // A poller starting where another replica already polls goes on from its last message.
    if (first && claim.role !== 'alone') await this.catchUp(channel, true);
    if (this.stopped) return;
    if (claim.role === 'follower') {
      this.followWaitMs = claim.lapsesInMs;
      // A message that did not arrive (a subscriber connection that dropped) is read from the one kept.
      if (claim.latest > this.seen) await this.catchUp(channel, false);
      return;
    }
    // Holding the lease (or alone) during a hold: no call; `schedule` waits the hold out and keeps the lease.
    if (this.held()) return;
    await this.poll(claim.role === 'owner' ? channel : undefined);
  }

  /**
   * Whether a Retry-After holds the credential's pollers now: one a sibling met after this poller's timer
   * was set, or while it followed another replica, is waited out too.
   */
  private held(): boolean {
    return this.options.notBefore() > Date.now();
  }

  /** One read of Atlas; with `channel` (holding the lease), what it told is published. */
  private async poll(channel: PollChannel | undefined): Promise<void> {
    this.ticks++;
    const unit = this.options.openUnit(true);
    let outcome: PollOutcome<V> | undefined;
    let error: unknown;
    try {
      outcome = await this.options.source.poll(unit.loaders);
    } catch (failure) {
      error = failure;
    }
    unit.end?.(outcome === undefined);
    const told: LiveEvent<V>[] = [];
    this.outgoing = told;
    if (outcome) this.deliver(outcome, unit);
    else this.fail(error);
    this.outgoing = undefined;
    if (channel) await this.publish(channel, told);
  }

  private async publish(channel: PollChannel, told: LiveEvent<V>[]): Promise<void> {
    const state = this.options.source.saved();
    const stateText = JSON.stringify(state);
    if (told.length === 0 && stateText === this.publishedState) return;
    const message: PollMessage = {
      events: told.map((event) =>
        event.kind === 'value'
          ? { kind: 'value', value: event.value, final: event.final }
          : { kind: 'error', error: errorToWire(event.error), final: event.final },
      ),
      state,
      ...(this.failure?.kind === 'error' ? { failure: errorToWire(this.failure.error) } : {}),
    };
    const seq = await channel.publish(JSON.stringify(message));
    if (seq === undefined) return;
    this.seen = Math.max(this.seen, seq);
    this.publishedState = stateText;
  }

  private async catchUp(channel: PollChannel, joining: boolean): Promise<void> {
    const latest = await channel.latest();
    if (latest) this.receive(latest.seq, latest.message, joining);
  }

  /**
   * Another replica's tick: its state becomes this source's, and its events are told here. `joining`: the
   * message kept when this poller started; its subscribers are told the object as last read (or the failure
   * that lasts), not the changes that message reported.
   */
  private receive(seq: number, text: string, joining: boolean): void {
    // Polling alone (its lease connection gone, its subscriber connection maybe not), this replica tells its
    // own reads: the holder's messages, behind or ahead of them, would move its state back and forth and
    // tell a change twice. Unread, they wait as the last message kept, for when it shares again.
    if (this.part === 'alone') return;
    if (this.stopped || seq <= this.seen) return;
    this.seen = seq;
    const message = parseMessage(text);
    if (!message) return;
    const news = this.options.source.restore(message.state);
    // Fields under what the message tells resolve with a unit of work of this replica, opened when needed.
    this.lastUnit = undefined;
    if (joining) return this.join(message);
    for (const wire of message.events) {
      if (wire.kind === 'error') this.relayFailure(errorFromWire(wire.error), wire.final);
      // What this replica told already (it polled for itself while Redis was away) is not told twice;
      // an end always is.
      else if (news || wire.final) {
        this.failing = this.failure = undefined;
        this.told = true;
        this.lastChangeAt = Date.now();
        this.broadcast({ kind: 'value', value: wire.value as V, final: wire.final, loaders: () => this.loadersFor() });
      }
      if (wire.final) return this.stop();
    }
  }

  private join(message: PollMessage): void {
    const final = message.events.some((event) => event.final);
    // A stream ended by a failure (a refused credential, a job gone) is not ended again from memory: what
    // was refused a minute ago may be allowed now. This poller asks Atlas, and tells what it reads.
    if (final && message.failure) return this.options.source.reset();
    if (message.failure) {
      this.relayFailure(errorFromWire(message.failure), final);
    } else {
      const current = this.options.source.current();
      if (current === undefined) return;
      this.told = true;
      this.broadcast(this.valueEvent(current, final, undefined));
    }
    if (final) this.stop();
  }

  private relayFailure(error: Error, final: boolean): void {
    const retryAfter = retryAfterOf(error);
    if (retryAfter !== undefined) this.options.holdBack(retryAfter);
    this.failing = signatureOf(error);
    // Once Atlas answers again, subscribers get the object even if it did not change meanwhile.
    this.options.source.reset();
    this.failure = { kind: 'error', error, final };
    this.broadcast(this.failure);
  }

  /** The holder let the lease go: a follower claims it now rather than at its next look. */
  private released(): void {
    if (this.stopped || this.part !== 'follower') return;
    if (this.inFlight) {
      this.releasedMeanwhile = true;
      return;
    }
    clearTimeout(this.timer);
    this.tick();
  }

  private schedule(): void {
    if (this.stopped) return;
    let wait: number;
    if (this.part === 'follower') {
      // Looks again when the holder's lease would lapse: a live holder has renewed it by then.
      wait = this.releasedMeanwhile
        ? 0
        : Math.min(this.followWaitMs + FOLLOW_MARGIN_MS, Math.max(this.options.timing.maxIntervalMs, 10));
      this.releasedMeanwhile = false;
    } else {
      wait = Math.max(this.delayMs, this.options.notBefore() - Date.now());
      // The lease covers the wait and the next tick: a holder that stops renewing loses it within about
      // two waits (and holding back after a Retry-After, it keeps it, so no other replica polls meanwhile).
      if (this.part === 'owner') void this.options.channel?.claim(this.leaseMs(wait));
    }
    this.timer = setTimeout(() => this.tick(), wait);
    // Pollers never keep the process alive on their own; the HTTP server does.
    this.timer.unref();
  }

  private leaseMs(wait: number): number {
    return 2 * wait + LEASE_GRACE_MS;
  }

  private deliver(outcome: PollOutcome<V>, unit: UnitOfWork): void {
    if (this.stopped) return;
    // The unit of the tick that last told the object stays the one a late joiner's fields resolve with
    // while fresh: its loaders hold what that event's fields read; a quiet tick's hold none of it. Once
    // stale, it is let go (a fresh unit's loaders serve then, loadersFor).
    if (outcome.values.length > 0 || !this.lastUnit || !isFresh(this.lastUnit, Date.now())) this.lastUnit = unit;
    this.told = true;
    const { intervalMs, maxIntervalMs, idleAfterMs } = this.options.timing;
    const now = Date.now();
    if (outcome.values.length > 0) {
      this.lastChangeAt = now;
      this.delayMs = intervalMs;
    } else if (now - this.lastChangeAt >= idleAfterMs) {
      this.delayMs = Math.min(maxIntervalMs, this.delayMs * 2);
    }
    if (!outcome.error) this.failing = this.failure = undefined;
    outcome.values.forEach((value, i) => {
      const final = outcome.final && i === outcome.values.length - 1;
      this.tell(this.valueEvent(value, final, unit));
    });
    if (outcome.error) this.fail(outcome.error);
    if (outcome.final) this.stop();
  }

  private fail(error: unknown): void {
    if (this.stopped) return;
    const retryAfter = retryAfterOf(error);
    if (retryAfter !== undefined) this.options.holdBack(retryAfter);
    this.delayMs = Math.min(this.options.timing.maxIntervalMs, this.delayMs * 2);
    const final = isPermanent(error);
    const signature = signatureOf(error);
    if (signature !== this.failing || final) {
      this.failing = signature;
      // Once Atlas answers again, subscribers get the object even if it did not change meanwhile.
      this.options.source.reset();
      this.failure = { kind: 'error', error, final };
      this.tell(this.failure);
      this.options.onFailure?.(error);
    }
    if (final) this.stop();
  }

  /** Tells subscribers what this replica's own tick found (and keeps it for the others, when holding the lease). */
  private tell(event: LiveEvent<V>): void {
    this.outgoing?.push(event);
    this.broadcast(event);
  }

  private broadcast(event: LiveEvent<V>): void {
    for (const subscriber of this.subscribers) subscriber.push(event);
  }

  private valueEvent(value: V, final: boolean, unit: UnitOfWork | undefined): LiveEvent<V> {
    return { kind: 'value', value, final, loaders: () => this.loadersFor(unit) };
  }

  /**
   * The loaders fields under an event resolve with: its tick's, while less than half of that unit's time
   * is spent (what the tick read, and what other subscribers' fields read, answers without a call);
   * after that (or for what another replica read) a fresh unit's, shared by whoever resolves then.
   */
  private loadersFor(unit?: UnitOfWork): Loaders {
    const now = Date.now();
    if (unit && isFresh(unit, now)) return unit.loaders;
    if (!this.lastUnit || !isFresh(this.lastUnit, now)) this.lastUnit = this.options.openUnit(false);
    return this.lastUnit.loaders;
  }
}

/** A unit of work serves fields until half its time is spent. */
function isFresh(unit: UnitOfWork, now: number): boolean {
  return now < unit.opened + (unit.deadline - unit.opened) / 2;
}
