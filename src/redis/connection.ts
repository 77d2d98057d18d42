/**
 * The one Redis connection a gateway process shares among what replicas share (response cache, rate
 * budget; pollers' leases and idempotency keys use it too). Redis is an accelerator, never a dependency of
 * correctness: commands never queue while it is away (they fail at once, and each user falls back to what
 * one process can do alone), a slow Redis times out in milliseconds, and the connection keeps retrying in
 * the background. `healthy` is what `/ready` and the metrics report. The URL (it may hold a password) is
 * never logged.
 */
import { Redis } from 'ioredis';

export interface RedisConnectionOptions {
  url: string;
  /** Prefix of every key this gateway writes, so several deployments can share one Redis. */
  keyPrefix: string;
  /** Milliseconds a command may take before it counts as failed. */
  commandTimeoutMs?: number;
  /** How often a PING checks that a connected Redis still answers (default 1 s). */
  heartbeatMs?: number;
  /**
   * Told the first outcome (connected, or not: a Redis unreachable from the start, or refusing the password,
   * is said too), then once each time Redis goes away and comes back. `reason` is the failure's code
   * (`ECONNREFUSED`, `WRONGPASS`), never the URL.
   */
  onStateChange?: (healthy: boolean, reason?: string) => void;
}

/** What an ioredis error says went wrong, without its message (which may name the host). */
function reasonOf(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Redis's own replies start with their code: `WRONGPASS invalid username-password pair`.
  return /^[A-Z]{3,}\b/.exec(error.message)?.[0];
}

/** How long a connection closed without an error waits for its reconnection's verdict before saying CLOSED. */
const QUIET_CLOSE_WAIT_MS = 1_000;

export class RedisConnection {
  readonly client: Redis;
  readonly keyPrefix: string;
  /** Undefined until the first connection attempt ends. */
  private wasHealthy: boolean | undefined;
  private closed = false;
  /** Connected, but its last PING went unanswered (a Redis stopped or cut off keeps its socket open). */
  private stalled = false;
  private readonly heartbeat: NodeJS.Timeout;
  /** Set while a connection closed without an error waits for the reconnection to say why (see `closedQuietly`). */
  private quietClose: NodeJS.Timeout | undefined;

  constructor(options: RedisConnectionOptions) {
    this.keyPrefix = options.keyPrefix;
    this.client = new Redis(options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 250,
      connectTimeout: 2_000,
      // Reconnect forever, at most every 2 s: a replica outlives a Redis restart.
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    });
    const report = (healthy: boolean, reason?: string) => {
      clearTimeout(this.quietClose);
      this.quietClose = undefined;
      // Closing is no outage to report.
      if (healthy === this.wasHealthy || this.closed) return;
      this.wasHealthy = healthy;
      options.onStateChange?.(healthy, reason);
    };
    // A Redis shutting down (SIGTERM, a restart) closes its connections without an error: the reason is
    // what the first reconnection meets (ECONNREFUSED, 100 ms later), or CLOSED if it says nothing in time.
    const closedQuietly = () => {
      if (this.wasHealthy === false || this.quietClose || this.closed) return;
      this.quietClose = setTimeout(() => report(false, 'CLOSED'), QUIET_CLOSE_WAIT_MS);
      this.quietClose.unref();
    };
    this.client.on('ready', () => {
      this.stalled = false;
      // Back before the reconnection said why it was away: the outage is told all the same.
      if (this.quietClose) report(false, 'CLOSED');
      report(true);
    });
    this.client.on('end', () => report(false, 'CLOSED'));
    this.client.on('close', closedQuietly);
    // Without a listener an unreachable Redis would crash the process; its errors are the state above. An
    // error comes before its connection's `close`, so a failure is reported with its reason.
    this.client.on('error', (error) => report(false, reasonOf(error)));
    // Connection events miss a Redis that stops answering on an open connection (hung, paused, cut off by a
    // partition): commands would each wait out their timeout, and nothing would say so. A PING tells.
    this.heartbeat = setInterval(() => {
      if (this.client.status !== 'ready') return;
      this.client.ping().then(
        () => {
          this.stalled = false;
          report(true);
        },
        (error: unknown) => {
          this.stalled = true;
          report(false, reasonOf(error) ?? 'TIMEOUT');
        },
      );
    }, options.heartbeatMs ?? 1_000);
    this.heartbeat.unref();
  }

  /** True while commands can be sent and are answered. */
  get healthy(): boolean {
    return this.client.status === 'ready' && !this.stalled;
  }

  /** Resolves once connected, or false after `ms` (start-up does not wait longer for an optional Redis). */
  async ready(ms = 2_000): Promise<boolean> {
    if (this.healthy) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.healthy), ms);
      this.client.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  key(...parts: string[]): string {
    return `${this.keyPrefix}${parts.join(':')}`;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.quietClose);
    this.client.disconnect(false);
  }
}
