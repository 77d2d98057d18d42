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
  /** Told once when Redis goes away and once when it is back (never with the URL). */
  onStateChange?: (healthy: boolean) => void;
}

export class RedisConnection {
  readonly client: Redis;
  readonly keyPrefix: string;
  private wasHealthy = false;

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
    const report = (healthy: boolean) => {
      if (healthy === this.wasHealthy) return;
      this.wasHealthy = healthy;
      options.onStateChange?.(healthy);
    };
    this.client.on('ready', () => report(true));
    this.client.on('end', () => report(false));
    this.client.on('close', () => report(false));
    // Without a listener an unreachable Redis would crash the process; its errors are the state above.
    this.client.on('error', () => report(false));
  }

  /** True while commands can be sent. */
  get healthy(): boolean {
    return this.client.status === 'ready';
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
    this.client.disconnect(false);
  }
}
