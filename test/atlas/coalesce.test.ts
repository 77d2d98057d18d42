/**
 * In-flight sharing of identical Atlas calls (src/atlas/coalesce.ts), including across the moves of the
 * calls in flight to a fresh Map that keep superseded tables from holding answers.
 */
import { describe, expect, it } from 'vitest';
import { InFlightCalls } from '../../src/atlas/coalesce.js';

/** A call whose answer the test gives when it likes, counting how often it was started. */
function deferredCall<T>() {
  let settle!: { resolve: (value: T) => void; reject: (error: Error) => void };
  const promise = new Promise<T>((resolve, reject) => (settle = { resolve, reject }));
  const call = { started: 0, run: () => (call.started++, promise), ...settle };
  return call;
}

describe('InFlightCalls', () => {
  it('answers an identical call in flight from the first one, and only then', async () => {
    const calls = new InFlightCalls();
    const first = deferredCall<string>();
    const a = calls.share('/groups/1 v1 cred', first.run);
    const b = calls.share('/groups/1 v1 cred', first.run);
    const other = calls.share('/groups/2 v1 cred', async () => 'two');
    first.resolve('one');
    expect(await a).toEqual({ value: 'one', shared: false });
    expect(await b).toEqual({ value: 'one', shared: true });
    expect(await other).toEqual({ value: 'two', shared: false });
    expect(first.started).toBe(1);
    // Over: the next identical call is sent again.
    expect(await calls.share('/groups/1 v1 cred', async () => 'again')).toEqual({ value: 'again', shared: false });
  });

  it('shares a failure with the callers waiting, then forgets the key', async () => {
    const calls = new InFlightCalls();
    const failing = deferredCall<string>();
    const a = calls.share('k', failing.run);
    const b = calls.share('k', failing.run);
    failing.reject(new Error('HTTP 503'));
    await expect(a).rejects.toThrow('HTTP 503');
    await expect(b).rejects.toThrow('HTTP 503');
    expect(failing.started).toBe(1);
    expect(await calls.share('k', async () => 'ok')).toEqual({ value: 'ok', shared: false });
  });

  it('keeps sharing a call that stays in flight while hundreds of others come and go', async () => {
    const calls = new InFlightCalls();
    const slow = deferredCall<string>();
    const waiting = calls.share('/slow', slow.run);
    // More removals than one Map serves: the slow call moves to a fresh Map at least once, unanswered.
    for (let i = 0; i < 700; i++) await calls.share(`/fast/${i}`, async () => i);
    const late = calls.share('/slow', slow.run);
    slow.resolve('slow answer');
    expect(await waiting).toEqual({ value: 'slow answer', shared: false });
    expect(await late).toEqual({ value: 'slow answer', shared: true });
    expect(slow.started).toBe(1);
  });

  it('after forget(prefix), a new caller starts its own call while those waiting keep the old one', async () => {
    const calls = new InFlightCalls();
    const before = deferredCall<string>();
    const kept = deferredCall<string>();
    const waiting = calls.share('/groups/1/clusters/a', before.run);
    const elsewhere = calls.share('/groups/2/clusters/b', kept.run);
    for (let i = 0; i < 300; i++) await calls.share(`/other/${i}`, async () => i);
    calls.forget('/groups/1/');
    const fresh = calls.share('/groups/1/clusters/a', async () => 'after the write');
    const sharer = calls.share('/groups/2/clusters/b', kept.run);
    before.resolve('before the write');
    kept.resolve('untouched');
    expect(await waiting).toEqual({ value: 'before the write', shared: false });
    expect(await fresh).toEqual({ value: 'after the write', shared: false });
    expect(await elsewhere).toEqual({ value: 'untouched', shared: false });
    expect(await sharer).toEqual({ value: 'untouched', shared: true });
    expect(kept.started).toBe(1);
  });
});
