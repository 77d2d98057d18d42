import { describe, expect, it } from 'vitest';
import { RetryPolicy } from '../../src/atlas/retry.js';

const status = (code: number, retryAfterSeconds?: number) => ({
  kind: 'status' as const,
  status: code,
  retryAfterSeconds,
});
const plenty = 60_000;

describe('retry policy', () => {
  it.each([429, 500, 502, 503, 504])('retries a GET answered %i', (code) => {
    expect(new RetryPolicy().decide('GET', status(code), 0, plenty)).toMatchObject({ retry: true });
  });

  it.each([400, 401, 403, 404, 406, 410])('does not retry a GET answered %i', (code) => {
    expect(new RetryPolicy().decide('GET', status(code), 0, plenty)).toEqual({ retry: false, reason: 'not retryable' });
  });

  it('retries a reset connection but not a timeout or an unreadable body', () => {
    const policy = new RetryPolicy();
    expect(policy.decide('GET', { kind: 'connection' }, 0, plenty).retry).toBe(true);
    expect(policy.decide('GET', { kind: 'timeout' }, 0, plenty).retry).toBe(false);
    expect(policy.decide('GET', { kind: 'bad-response' }, 0, plenty).retry).toBe(false);
  });

  it.each(['POST', 'DELETE'])('never retries %s, whatever failed', (method) => {
    const policy = new RetryPolicy();
    for (const failure of [status(500), status(503), status(429, 1), { kind: 'connection' as const }]) {
      expect(policy.decide(method, failure, 0, plenty)).toEqual({ retry: false, reason: 'not idempotent' });
    }
  });

  it('stops after maxRetries', () => {
    const policy = new RetryPolicy({ maxRetries: 2 });
    expect(policy.decide('GET', status(500), 1, plenty).retry).toBe(true);
    expect(policy.decide('GET', status(500), 2, plenty)).toEqual({ retry: false, reason: 'retries exhausted' });
  });

  it('backs off exponentially with full jitter, capped', () => {
    const top = new RetryPolicy({ maxRetries: 5, baseDelayMs: 100, maxDelayMs: 300, random: () => 0.999999 });
    const delays = [0, 1, 2].map((n) => {
      const d = top.decide('GET', status(503), n, plenty);
      return d.retry ? Math.round(d.delayMs) : -1;
    });
    expect(delays).toEqual([100, 200, 300]);
    const bottom = new RetryPolicy({ baseDelayMs: 100, random: () => 0 });
    expect(bottom.decide('GET', status(503), 1, plenty)).toEqual({ retry: true, delayMs: 0 });
  });

  it('waits at least Retry-After on a 429, with jitter on top', () => {
    const policy = new RetryPolicy({ baseDelayMs: 100, random: () => 0.5 });
    expect(policy.decide('GET', status(429, 2), 0, plenty)).toEqual({ retry: true, delayMs: 2050 });
  });

  it('fails fast when Retry-After is beyond the deadline', () => {
    const policy = new RetryPolicy();
    expect(policy.decide('GET', status(429, 55), 0, 25_000)).toEqual({ retry: false, reason: 'deadline' });
  });

  it('spends a retry budget that first attempts refill', () => {
    const policy = new RetryPolicy({ budgetReserve: 3, budgetRatio: 0.5, random: () => 0 });
    const granted = () => policy.decide('GET', status(500), 0, plenty).retry;
    expect([granted(), granted(), granted(), granted()]).toEqual([true, true, true, false]);
    policy.recordCall();
    expect(granted()).toBe(false); // half a retry earned
    policy.recordCall();
    expect(granted()).toBe(true);
    expect(policy.granted).toBe(4);
  });
});
