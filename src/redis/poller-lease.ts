/**
 * Live pollers shared by replicas: the seam of src/live/sharing.ts over Redis. For each (credential cache
 * key, target) there is
 *
 * - a lease, `<prefix>poll:<credential>:<target>:lease`, holding the id of the poller that polls Atlas:
 *   taken with SET NX PX, renewed by its holder at each tick (compare and renew, one Lua script), released
 *   when it stops (compare and delete, telling the others), so a holder that dies loses it within its TTL
 *   (about two poll intervals);
 * - the last message its holder published, `...:latest` (a hash of `seq` and `message`, kept a minute past
 *   the lease), for a poller that starts while another replica polls, or takes over;
 * - a pub/sub channel, `<prefix>poll:<credential>:<target>`, carrying each message as `seq\nholder\nJSON`
 *   (a release as sequence 0). Publishing checks the lease, numbers the message (above every number
 *   before it, from Redis's own clock, so a restarted Redis does not go back), keeps it and publishes it in
 *   one script: a replica that lost the lease mid-tick publishes nothing.
 *
 * The cache key is the credential's (`static`, `sa:<client id>`, `digest:<public key>`), never a secret.
 * Forward mode is not shared: its keys are HMACs under a key each process draws for itself, so no two
 * replicas would ever meet on one (src/server/gateway.ts does not wire sharing there at all).
 *
 * Redis away: `claim` answers `alone` at once and each replica polls for itself; once Redis is back, the
 * next claim shares again (the subscriber connection subscribes again to what it listens to).
 *
 * Not @graphql-yoga/redis-event-target: it sends PUBLISH, SUBSCRIBE and UNSUBSCRIBE without handling
 * their promises, and on this gateway's connection (no offline queue: commands fail at once while Redis is
 * away) each failure would be an unhandled rejection, which ends a Node process; it cannot tell when a
 * SUBSCRIBE took effect (a follower reads the kept message only after that, so none falls between); and
 * publishing here must be one script with the lease check and the kept copy, not a bare PUBLISH. What it
 * would add over ioredis's own pub/sub (a map of channels to listeners) is the few lines below.
 *
 * This file does not import src/live/ (the layer above it): its shapes match src/live/sharing.ts's, which
 * src/server/gateway.ts checks where it hands one to the other.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisConnection } from './connection.js';

// KEYS[1] the lease, KEYS[2] the kept message; ARGV[1] the poller's id, ARGV[2] the lease's TTL (ms),
// ARGV[3] the kept message's TTL (ms). -> { 1 } holding it, else { 0, ms until it lapses, last seq }.
const claimLua = `
local holder = redis.call('GET', KEYS[1])
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  holder = ARGV[1]
elseif holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
  return { 1, 0, '0' }
end
return { 0, redis.call('PTTL', KEYS[1]), redis.call('HGET', KEYS[2], 'seq') or '0' }`;

// KEYS as above; ARGV[1] the poller's id, ARGV[2] the message, ARGV[3] the kept message's TTL, ARGV[4]
// the channel. -> the message's sequence number (microseconds of Redis's clock, or one more than the
// last), or nil when the lease is another's.
const publishLua = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return false end
local t = redis.call('TIME')
local seq = tonumber(t[1]) * 1000000 + tonumber(t[2])
local last = tonumber(redis.call('HGET', KEYS[2], 'seq') or '0') or 0
if seq <= last then seq = last + 1 end
local text = string.format('%.0f', seq)
redis.call('HSET', KEYS[2], 'seq', text, 'message', ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PUBLISH', ARGV[4], text .. '\\n' .. ARGV[1] .. '\\n' .. ARGV[2])
return text`;

// KEYS[1] the lease; ARGV[1] the poller's id, ARGV[2] the channel. Deletes the lease if it is the poller's.
const releaseLua = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], '0\\n' .. ARGV[1] .. '\\n')
  return 1
end
return 0`;

const scripts = { pollLeaseClaim: claimLua, pollLeasePublish: publishLua, pollLeaseRelease: releaseLua };
type ScriptName = keyof typeof scripts;

/** How long the last message outlives its holder's lease. */
const KEPT_MS = 60_000;
/** How long a first SUBSCRIBE waits for the subscriber connection to be ready. */
const SUBSCRIBER_READY_MS = 1_000;

export type PollLeaseClaim = { role: 'owner' | 'alone' } | { role: 'follower'; lapsesInMs: number; latest: number };

interface Listener {
  readonly id: string;
  onMessage(seq: number, message: string): void;
  onReleased(): void;
}

export class RedisPollLeases {
  /** Listeners by channel; the subscriber connection is subscribed to each channel here. */
  private readonly channels = new Map<string, Set<Listener>>();
  private subscriber: Redis | undefined;
  private closed = false;

  constructor(readonly redis: RedisConnection) {
    for (const [name, lua] of Object.entries(scripts)) {
      if (!(name in redis.client))
        redis.client.defineCommand(name, { numberOfKeys: name === 'pollLeaseRelease' ? 1 : 2, lua });
    }
  }

  /** The channel of one poller of this process. */
  open(credentialKey: string, target: string): RedisPollChannel {
    return new RedisPollChannel(this, this.redis.key('poll', credentialKey, target));
  }

  /** True while messages published now reach this process. */
  get listening(): boolean {
    return this.subscriber?.status === 'ready';
  }

  run(name: ScriptName, keys: string[], ...args: (string | number)[]): Promise<unknown> {
    const command = Reflect.get(this.redis.client, name) as (...a: (string | number)[]) => Promise<unknown>;
    return command.call(this.redis.client, ...keys, ...args);
  }

  async subscribe(channel: string, listener: Listener): Promise<void> {
    if (this.closed) return;
    let listeners = this.channels.get(channel);
    if (!listeners) this.channels.set(channel, (listeners = new Set()));
    listeners.add(listener);
    const subscriber = this.connect();
    // Starting up (Redis reachable, this connection not yet ready): wait for it a moment. Redis away: not at all.
    if (subscriber.status !== 'ready' && this.redis.healthy) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, SUBSCRIBER_READY_MS);
        function done() {
          clearTimeout(timer);
          subscriber.off('ready', done);
          resolve();
        }
        subscriber.once('ready', done);
      });
    }
    // Subscribing again is harmless, and its reply says the subscription is in effect.
    if (subscriber.status === 'ready') await subscriber.subscribe(channel).catch(() => 0);
  }

  unsubscribe(channel: string, listener: Listener): void {
    const listeners = this.channels.get(channel);
    if (!listeners?.delete(listener) || listeners.size > 0) return;
    this.channels.delete(channel);
    if (this.subscriber?.status === 'ready') this.subscriber.unsubscribe(channel).catch(() => 0);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.channels.clear();
    this.subscriber?.disconnect(false);
  }

  /**
   * The subscriber connection (one per process, opened at the first listener): a connection that has
   * subscribed can run nothing else. It subscribes again to every channel each time it is (re)connected.
   */
  private connect(): Redis {
    if (this.subscriber) return this.subscriber;
    const subscriber = this.redis.client.duplicate({ autoResubscribe: false, enableOfflineQueue: false });
    subscriber.on('ready', () => {
      const names = [...this.channels.keys()];
      if (names.length > 0) subscriber.subscribe(...names).catch(() => 0);
    });
    subscriber.on('message', (channel: string, text: string) => this.dispatch(channel, text));
    // Its state shows in `listening`; without a listener an unreachable Redis would crash the process.
    subscriber.on('error', () => undefined);
    this.subscriber = subscriber;
    return subscriber;
  }

  private dispatch(channel: string, text: string): void {
    const listeners = this.channels.get(channel);
    if (!listeners) return;
    const first = text.indexOf('\n');
    const second = text.indexOf('\n', first + 1);
    if (first < 0 || second < 0) return;
    const seq = Number(text.slice(0, first));
    const from = text.slice(first + 1, second);
    const message = text.slice(second + 1);
    if (!Number.isSafeInteger(seq)) return;
    for (const listener of [...listeners]) {
      // A poller's own messages are what it told already.
      if (listener.id === from) continue;
      if (seq === 0) listener.onReleased();
      else listener.onMessage(seq, message);
    }
  }
}

/** One poller's share: its id is its own, so its lease and messages are told from another poller's. */
export class RedisPollChannel {
  private readonly id = randomUUID();
  private readonly lease: string;
  private readonly kept: string;
  private listener: Listener | undefined;
  /** The kept message's TTL: a minute past the lease last claimed. */
  private keptMs = KEPT_MS;

  constructor(
    private readonly leases: RedisPollLeases,
    private readonly channel: string,
  ) {
    this.lease = `${channel}:lease`;
    this.kept = `${channel}:latest`;
  }

  async listen(onMessage: (seq: number, message: string) => void, onReleased: () => void): Promise<void> {
    this.listener = { id: this.id, onMessage, onReleased };
    await this.leases.subscribe(this.channel, this.listener);
  }

  async claim(ttlMs: number): Promise<PollLeaseClaim> {
    if (!this.leases.redis.healthy) return { role: 'alone' };
    const ttl = Math.max(1, Math.round(ttlMs));
    this.keptMs = ttl + KEPT_MS;
    try {
      const [held, lapsesInMs, latest] = (await this.leases.run(
        'pollLeaseClaim',
        [this.lease, this.kept],
        this.id,
        ttl,
        this.keptMs,
      )) as [number, number, string];
      if (held === 1) return { role: 'owner' };
      // Without the subscriber connection a follower would hear nothing until its next look: poll meanwhile.
      if (!this.leases.listening) return { role: 'alone' };
      return { role: 'follower', lapsesInMs: Math.max(0, lapsesInMs), latest: Number(latest) || 0 };
    } catch {
      return { role: 'alone' };
    }
  }

  async publish(message: string): Promise<number | undefined> {
    if (!this.leases.redis.healthy) return undefined;
    try {
      const seq = await this.leases.run(
        'pollLeasePublish',
        [this.lease, this.kept],
        this.id,
        message,
        this.keptMs,
        this.channel,
      );
      return typeof seq === 'string' ? Number(seq) : undefined;
    } catch {
      return undefined;
    }
  }

  async latest(): Promise<{ seq: number; message: string } | undefined> {
    if (!this.leases.redis.healthy) return undefined;
    try {
      const [seq, message] = await this.leases.redis.client.hmget(this.kept, 'seq', 'message');
      return seq && typeof message === 'string' ? { seq: Number(seq), message } : undefined;
    } catch {
      return undefined;
    }
  }

  async leave(): Promise<void> {
    if (this.listener) this.leases.unsubscribe(this.channel, this.listener);
    this.listener = undefined;
    if (!this.leases.redis.healthy) return;
    await this.leases.run('pollLeaseRelease', [this.lease], this.id, this.channel).catch(() => 0);
  }
}
