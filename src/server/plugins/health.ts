/**
 * Liveness and readiness, for load balancers and orchestrators, answered from state the gateway already
 * keeps: no probe ever calls Atlas (Atlas rate-limits, and a probe every few seconds per replica would
 * spend the budget the operations need).
 *
 * - `GET /health` (liveness, yoga's own): 200 while the process serves HTTP, draining included (restarting
 *   a draining replica would cut its in-flight operations).
 * - `GET /ready` (readiness): 503 while draining, while the gateway's own Atlas credential cannot
 *   authenticate (the service account's last token request failed and no valid token is left; Atlas
 *   refused the API key or access token for good), or while a check added by another part of the gateway
 *   (`addCheck`: Redis, when configured) says not ready. The body names the failing checks, nothing more.
 *
 * A credential Atlas refused is not asked again on each probe. A service account mints again in the
 * background, backing off (1 s, doubling, at most 60 s) while it fails; an API key or access token has
 * nothing to mint, so after the same back-off readiness lets traffic through again and the next call tells.
 */
import type { Plugin } from 'graphql-yoga';
import type { AtlasEvent, AtlasEvents } from '../../atlas/events.js';
import { pathOf } from './results.js';

/** A check's verdict: `degraded` still serves (and says so in /ready and the metrics). */
export type CheckState = 'ready' | 'degraded' | 'not-ready';

/** Must answer from state kept up to date elsewhere (a connection's status), never by doing I/O. */
export type ReadinessCheck = () => CheckState | boolean;

export interface ReadinessOptions {
  /**
   * Whether the gateway authenticates with a credential of its own (false in forward mode, where each
   * caller's token is the caller's affair and cannot make the gateway unready).
   */
  ownCredential: boolean;
  /** Asks the credential to authenticate again (a service account mints); called while it is failing. */
  reauthenticate?: () => Promise<unknown>;
  /** First back-off after a failure, in milliseconds (tests shorten it). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface ReadinessReport {
  ready: boolean;
  draining: boolean;
  /** Each check's state, `atlas-credential` first. */
  checks: Record<string, CheckState>;
}

export class Readiness {
  private draining = false;
  private credential: CheckState = 'ready';
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly drainHooks: (() => void)[] = [];
  private backoffMs: number;
  private recheck: NodeJS.Timeout | undefined;

  constructor(private readonly options: ReadinessOptions) {
    this.backoffMs = options.initialBackoffMs ?? 1_000;
  }

  /**
   * Adds a check /ready consults at each probe, e.g. `readiness.addCheck('redis', () => redis.status ===
   * 'ready' ? 'ready' : 'degraded')`. Returns the function that removes it.
   */
  addCheck(name: string, check: ReadinessCheck): () => void {
    this.checks.set(name, check);
    return () => this.checks.delete(name);
  }

  /** Runs when draining starts (e.g. end subscription streams so their clients reconnect elsewhere). */
  onDrain(hook: () => void): void {
    this.drainHooks.push(hook);
  }

  /** From now on /ready answers 503 and responses ask clients to close their connections. */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    for (const hook of this.drainHooks) hook();
  }

  get isDraining(): boolean {
    return this.draining;
  }

  report(): ReadinessReport {
    const checks: Record<string, CheckState> = { 'atlas-credential': this.credential };
    for (const [name, check] of this.checks) {
      let state: CheckState;
      try {
        const value = check();
        state = value === true ? 'ready' : value === false ? 'not-ready' : value;
      } catch {
        state = 'not-ready';
      }
      checks[name] = state;
    }
    const ready = !this.draining && Object.values(checks).every((state) => state !== 'not-ready');
    return { ready, draining: this.draining, checks };
  }

  /** Follows what the Atlas event stream says of the gateway's own credential. */
  observe(events: AtlasEvents): () => void {
    return events.subscribe((event) => this.onEvent(event));
  }

  close(): void {
    clearTimeout(this.recheck);
    this.recheck = undefined;
  }

  private onEvent(event: AtlasEvent) {
    if (!this.options.ownCredential) return;
    if (event.kind === 'token') {
      if (event.outcome === 'minted' || event.usable) this.authenticated();
      else this.refused();
    } else if (event.kind === 'call' && event.status !== undefined && !event.shared) {
      // A 401 that survived the renewal is Atlas refusing the credential; any other answer accepted it.
      if (event.status === 401) this.refused();
      else this.authenticated();
    }
  }

  private authenticated() {
    this.credential = 'ready';
    this.backoffMs = this.options.initialBackoffMs ?? 1_000;
    this.close();
  }

  private refused() {
    this.credential = 'not-ready';
    if (this.recheck) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 60_000);
    this.recheck = setTimeout(() => {
      this.recheck = undefined;
      if (this.draining) return;
      if (!this.options.reauthenticate) {
        // Nothing to ask without a call: let traffic through; the next answer tells.
        this.credential = 'ready';
        return;
      }
      // A failed mint reports itself (a token event) and schedules the next try.
      this.options.reauthenticate().catch(() => {
        if (this.credential === 'not-ready') this.refused();
      });
    }, delay);
    this.recheck.unref();
  }
}

/**
 * Answers /ready before anything else runs, and asks clients to reconnect while draining. `/health` is
 * yoga's own (200, empty body, before any plugin), which is all liveness needs.
 */
export function useReadiness(readiness: Readiness, endpoint = '/ready'): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (pathOf(request.url) !== endpoint || (request.method !== 'GET' && request.method !== 'HEAD')) return;
      const report = readiness.report();
      const named = (wanted: CheckState) =>
        Object.entries(report.checks)
          .filter(([, state]) => state === wanted)
          .map(([name]) => name);
      const failing = named('not-ready');
      const degraded = named('degraded');
      const body = {
        status: report.ready ? 'ready' : 'not ready',
        ...(report.draining ? { draining: true } : {}),
        ...(failing.length ? { failing } : {}),
        ...(degraded.length ? { degraded } : {}),
      };
      endResponse(
        new fetchAPI.Response(JSON.stringify(body), {
          status: report.ready ? 200 : 503,
          headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
        }),
      );
    },
    onResponse({ response }) {
      // Keep-alive connections would keep bringing requests to a replica that is going away.
      if (readiness.isDraining) response.headers.set('connection', 'close');
    },
  };
}
