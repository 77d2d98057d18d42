/**
 * A replica polling for itself (`alone`: its lease connection to Redis gone) while its subscriber connection
 * still hears the new owner's messages. The order those messages arrive in, against this replica's own
 * reads, is what the test must fix, so the channel here is scripted; the same situation over real Redis
 * servers is test/redis/shared-pollers.test.ts ("another replica takes over within the lease...").
 */
import { describe, expect, it, vi } from 'vitest';
import type { Loaders } from '../../src/loaders/index.js';
import { Poller, type PollSource } from '../../src/live/poller.js';
import type { PollChannel } from '../../src/live/sharing.js';
import { LiveSubscription } from '../../src/live/subscription.js';

/** Atlas's object as a state name; a tick reports it when it differs from the last one known. */
function stateSource(atlas: { state: string }): PollSource<string> {
  let known: string | undefined;
  return {
    async poll() {
      const state = atlas.state;
      const changed = state !== known;
      known = state;
      return { values: changed ? [state] : [], final: state === 'FINISHED' };
    },
    current: () => known,
    reset() {
      known = undefined;
    },
    saved: () => known,
    restore(saved) {
      const news = saved !== known;
      known = saved as string;
      return news;
    },
  };
}

/**
 * A poller of `source` on its own timing, with one subscriber whose values are kept in `told`; `notBefore`
 * is read live (a Retry-After a test sets), `channel` makes it shared.
 */
function startPoller(
  source: PollSource<string>,
  options: { intervalMs: number; notBefore?: () => number; channel?: PollChannel },
) {
  const { intervalMs, notBefore = () => 0, channel } = options;
  const poller = new Poller<string>({
    source,
    timing: { intervalMs, maxIntervalMs: intervalMs, idleAfterMs: 60_000 },
    openUnit: () => ({ loaders: {} as Loaders, opened: Date.now(), deadline: Date.now() + 10_000 }),
    notBefore,
    holdBack: () => {},
    onStop: () => {},
    ...(channel ? { channel } : {}),
  });
  const told: string[] = [];
  const subscription = new LiveSubscription<string>(() => poller.remove(subscription));
  const reading = (async () => {
    for await (const event of subscription) if (event.kind === 'value') told.push(event.value);
  })();
  poller.add(subscription);
  return { poller, told, subscription, reading };
}

/** `source`, recording when each of its polls (an Atlas call) starts. */
function timed(source: PollSource<string>) {
  const polledAt: number[] = [];
  const counted: PollSource<string> = {
    ...source,
    poll: async (loaders) => {
      polledAt.push(Date.now());
      return source.poll(loaders);
    },
  };
  return { counted, polledAt };
}

describe('a poller polling alone', () => {
  it("tells its subscribers each change once, whatever the owner's messages it still hears say", async () => {
    const atlas = { state: 'QUEUED' };
    let hear: ((seq: number, message: string) => void) | undefined;
    const channel: PollChannel = {
      async listen(onMessage) {
        hear = onMessage;
      },
      claim: async () => ({ role: 'alone' }),
      publish: async () => undefined,
      latest: async () => undefined,
      leave: async () => {},
    };
    const { told, reading } = startPoller(stateSource(atlas), { intervalMs: 10, channel });
    await vi.waitFor(() => expect(told).toEqual(['QUEUED']));

    atlas.state = 'IN_PROGRESS';
    await vi.waitFor(() => expect(told).toEqual(['QUEUED', 'IN_PROGRESS']));
    // The owner, a tick behind this replica's own read, publishes what it read, then catches up.
    hear?.(1, JSON.stringify({ events: [], state: 'QUEUED' }));
    hear?.(
      2,
      JSON.stringify({ events: [{ kind: 'value', value: 'IN_PROGRESS', final: false }], state: 'IN_PROGRESS' }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));

    atlas.state = 'FINISHED';
    await reading;
    expect(told).toEqual(['QUEUED', 'IN_PROGRESS', 'FINISHED']);
  });
});

describe('a Retry-After met by a sibling poller', () => {
  it('holds back a poller whose next tick was already due, until the hold ends', async () => {
    let notBefore = 0;
    const { counted, polledAt } = timed(stateSource({ state: 'QUEUED' }));
    const { subscription } = startPoller(counted, { intervalMs: 1_000, notBefore: () => notBefore });
    await vi.waitFor(() => expect(polledAt).toHaveLength(1));
    // Once the first tick is over, its next one is due a second later; then another poller of the credential
    // is told to wait 1.5 s.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const heldFrom = Date.now();
    notBefore = heldFrom + 1_500;
    await vi.waitFor(() => expect(polledAt).toHaveLength(2), { timeout: 5_000 });
    expect(polledAt[1]! - heldFrom).toBeGreaterThanOrEqual(1_495);
    await subscription.return();
  });
});

describe('a Retry-After met while following another replica', () => {
  it('holds back a follower that takes the lease over during the hold, and still tells it from Redis', async () => {
    let notBefore = 0;
    let role: 'follower' | 'owner' = 'follower';
    let onReleased: (() => void) | undefined;
    const { counted, polledAt } = timed(stateSource({ state: 'QUEUED' }));
    const channel: PollChannel = {
      async listen(_, released) {
        onReleased = released;
      },
      claim: async () => (role === 'follower' ? { role, lapsesInMs: 60_000, latest: 1 } : { role, latest: 1 }),
      publish: async () => undefined,
      latest: async () => ({ seq: 1, message: JSON.stringify({ events: [], state: 'QUEUED' }) }),
      leave: async () => {},
    };
    const { poller, told, subscription, reading } = startPoller(counted, {
      intervalMs: 10,
      notBefore: () => notBefore,
      channel,
    });
    // Told from the holder's last message, without a call of its own.
    await vi.waitFor(() => expect(told).toEqual(['QUEUED']));
    expect(poller.role).toBe('follower');
    // A sibling poller of the credential meets a Retry-After; then the holder lets the lease go.
    const heldFrom = Date.now();
    notBefore = heldFrom + 1_500;
    role = 'owner';
    onReleased?.();
    await vi.waitFor(() => expect(poller.role).toBe('owner'));
    // Its first call of its own (it polls every 10 ms once the hold is over).
    await vi.waitFor(() => expect(polledAt.length).toBeGreaterThanOrEqual(1), { timeout: 5_000 });
    expect(polledAt[0]! - heldFrom).toBeGreaterThanOrEqual(1_495);
    await subscription.return();
    await reading;
  });
});
