/**
 * The writes of one unit of work (a mutation): each sent once, what it changed forgotten, and a lost answer
 * reconciled instead of sent again. Atlas has no idempotency key, so a POST sent twice can start two restores.
 *
 * - **Once.** A write goes through the session like a read, and the transport never retries a POST or a
 *   DELETE (src/atlas/retry.ts), whatever fails.
 * - **Fresh reads after.** The unit of work's loaders forget the list (and item) the write touched, and the
 *   transport forgets the shared answers (cache, in-flight GETs) under that list's path, for every credential.
 * - **A lost answer** (a reset or a timeout after the request left, a 500/502/504, a 2xx body that is
 *   unreadable or names no job) is reconciled: the list the job would be in is read, fresh, for the one job
 *   that matches the request (`writes` in ./resources.ts: same snapshot, target and type, created from just
 *   before the request started). One found: that is the answer. None, or several: `WriteOutcomeUnknownError`,
 *   which says what to check. A cancel is reconciled by reading the job back.
 * - **Idempotency key.** With a client's key, the first outcome is remembered for a window
 *   (src/atlas/idempotency.ts, scoped by credential): a repeat of the same request answers it without a
 *   call to Atlas; the same key with another request is refused (`IdempotencyKeyReusedError`). A request
 *   Atlas refused, or that never left, is not remembered: repeating it is safe.
 */
import { createHash } from 'node:crypto';
import { atlasIdPattern, type AtlasClient } from '../atlas/client.js';
import { AtlasApiError, AtlasTransportError } from '../atlas/errors.js';
import type { IdempotencyRecord, IdempotencyStore } from '../atlas/idempotency.js';
import type { Loaders } from './index.js';
import { ATLAS_MAX_PAGE_SIZE } from './pages.js';
import type { LoadCounter } from './planner.js';
import {
  listedId,
  listedKey,
  listPath,
  parentKey,
  resources,
  stamp,
  writeEntry,
  writePath,
  writes,
  type CancelWrite,
  type CreateWrite,
  type ItemKey,
  type ListKey,
  type ResourceModels,
  type ResourceName,
  type ResourceOfWrite,
  type WriteName,
} from './resources.js';

/**
 * How far apart the gateway's clock and Atlas's may be (both NTP-synchronized): a job stamped up to this long
 * before the request started (or after its failure was seen) may still be the request's own. Small on
 * purpose: a job of the same request made a little earlier outside the gateway must not pass for this one's
 * (one the gateway answered a write with never does: `credit`). A larger difference only makes a lost answer
 * OUTCOME_UNKNOWN, never a wrong job.
 */
export const CLOCK_SKEW_MS = 2_000;
/** Pages of 500 read when looking for a lost job (lists are newest first; it is at the top). */
const RECONCILE_PAGES = 4;
/** Atlas answers that may come after the write was done: the job may exist. */
const ambiguousStatuses = new Set([500, 502, 504]);

export interface WriteResult<N extends ResourceName> {
  value: ResourceModels[N];
  key: ItemKey<N>;
  /** The first outcome of the same idempotency key, answered without a call to Atlas. */
  replayed: boolean;
  /** Found by reconciliation after Atlas's answer was lost. */
  reconciled: boolean;
}

/**
 * The write may or may not have happened: its answer was lost, and reconciliation did not find exactly one
 * job it could have created (or could not read the list). `check` is the list to look at, `startedAt` when
 * the request was sent.
 */
export class WriteOutcomeUnknownError extends Error {
  override readonly name = 'WriteOutcomeUnknownError';
  constructor(
    readonly write: WriteName,
    readonly operationId: string,
    /** What was lost: the transport failure or Atlas's 5xx. */
    readonly failure: unknown,
    readonly startedAt: number,
    /** The Atlas list (or item) path where the job would be. */
    readonly check: { resource: ResourceName; path: string; key: object },
    /** Jobs found that match the request (0, or more than one); undefined when the list could not be read. */
    readonly candidates: number | undefined,
  ) {
    // The failure is its cause: a log line about it can say what was lost (a reset, Atlas's 500).
    super(`The outcome of ${operationId} is unknown`, { cause: failure });
  }
}

/** The idempotency key was used before for a different request. */
export class IdempotencyKeyReusedError extends Error {
  override readonly name = 'IdempotencyKeyReusedError';
  constructor() {
    super('This idempotency key was used for a different request');
  }
}

/** The same request with the same idempotency key is still running elsewhere. */
export class IdempotencyKeyBusyError extends Error {
  override readonly name = 'IdempotencyKeyBusyError';
  constructor() {
    super('A request with this idempotency key is still running');
  }
}

export interface WriterOptions {
  /** Counts the calls the writes ask for, as the loaders count theirs (the call report's `requested`). */
  counter?: LoadCounter;
  /** The process's idempotency store and how long an outcome is remembered; none: keys are not remembered. */
  idempotency?: { store: IdempotencyStore; windowMs: number };
  /** Epoch milliseconds by which the unit of work ends (how long a key is held, and waited for). */
  deadline: number;
  now?: () => number;
}

type Item = Record<string, unknown>;

export class Writer {
  private readonly now: () => number;

  constructor(
    private readonly client: AtlasClient,
    private readonly loaders: Loaders,
    private readonly options: WriterOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** POSTs a create under `parent` with `body`; answers the item it created (or found after a lost answer). */
  async create<W extends CreateWrite>(
    write: W,
    parent: ListKey<ResourceOfWrite<W>>,
    body: Item,
    idempotencyKey?: string,
  ): Promise<WriteResult<ResourceOfWrite<W>>> {
    type N = ResourceOfWrite<W>;
    const { resource, operation } = writeEntry(write);
    // Built (and its parameters checked against the spec's patterns) before anything is claimed or sent.
    const path = writePath(write, parent);
    const found = (value: Item, reconciled: boolean, replayed = false): WriteResult<N> => {
      const model = stamp(resource, parent, value) as ResourceModels[N];
      const key = listedKey(resource, parent, model) as ItemKey<N> | undefined;
      // Every item a write creates has an Atlas id: an answer naming another kind of id names no job.
      if (!key || !atlasIdPattern.test((key as { id?: string }).id ?? '')) {
        throw new AtlasTransportError(operation, 'bad-response', 'MISSING_ID');
      }
      return { value: model, key, replayed, reconciled };
    };
    return this.once(write, [path, body], idempotencyKey, {
      // The job as it is now: the first outcome's copy, under the same id, would take a client's normalized
      // cache back to the state it had then. Only when that read fails is the copy answered.
      replay: async (value) => {
        const first = found(value, false, true);
        const now = await this.loaders[resource].load(first.key).catch(() => undefined);
        return now ? { ...first, value: now as ResourceModels[N] } : first;
      },
      retrace: async (startedAt) => found(await this.reconcile(write, parent, body, startedAt, undefined), true),
      send: async () => {
        const startedAt = this.now();
        // Until its job is credited, a create is pending on its list: a sibling that lost its answer waits for it.
        const pending = this.pendingOn(resource, parent);
        let result: WriteResult<N>;
        try {
          try {
            this.asked();
            const answer = await this.client.send(operation, path, body);
            // A 2xx without a body, or one naming no job (no object, no id, an id that is none of Atlas's): the
            // job exists, but only the list can say which it is.
            if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
              throw new AtlasTransportError(operation, 'bad-response', 'EMPTY');
            }
            result = found(answer, false);
          } catch (error) {
            if (!mayHaveHappened(error)) throw error;
            await this.forget(resource, parent);
            return found(await this.reconcile(write, parent, body, startedAt, error, pending.mark), true);
          }
          // Before anything else reads the list: a request that lost its answer must not be told this job.
          await this.credit(resource, parent, result.key);
        } finally {
          pending.settle();
        }
        await this.forget(resource, parent);
        return result;
      },
    });
  }

  /** DELETEs (cancels) one item; answers the item as Atlas has it afterwards. */
  async cancel(
    write: CancelWrite,
    key: ItemKey<ResourceOfWrite<CancelWrite>>,
    idempotencyKey?: string,
  ): Promise<WriteResult<ResourceOfWrite<CancelWrite>>> {
    type N = ResourceOfWrite<CancelWrite>;
    const { resource } = writes[write];
    const { operation, doneWhen = [] } = writeEntry(write);
    const path = writePath(write, key);
    const parent = parentKey(resource, key);
    const readBack = async (failure: unknown, startedAt: number): Promise<WriteResult<N>> => {
      await this.forget(resource, parent, key);
      let value: ResourceModels[N];
      try {
        value = await this.loaders[resource].load(key);
      } catch (error) {
        if (failure === undefined) throw error;
        throw new WriteOutcomeUnknownError(write, operation, failure, startedAt, { resource, path, key }, undefined);
      }
      if (failure !== undefined && !doneWhen.some((field) => Reflect.get(value, field) === true)) {
        throw new WriteOutcomeUnknownError(write, operation, failure, startedAt, { resource, path, key }, 0);
      }
      return { value, key, replayed: false, reconciled: failure !== undefined };
    };
    return this.once(write, [path], idempotencyKey, {
      // A cancel's replay reads the job again: cancelling changed it, and reading does not.
      replay: async () => ({ ...(await readBack(undefined, this.now())), replayed: true }),
      retrace: (startedAt) => readBack(new Error('answer lost'), startedAt),
      send: async () => {
        const startedAt = this.now();
        try {
          this.asked();
          await this.client.send(operation, path);
        } catch (error) {
          if (!mayHaveHappened(error)) throw error;
          return readBack(error, startedAt);
        }
        return readBack(undefined, startedAt);
      },
    });
  }

  /**
   * Runs a write under an idempotency key, if one was given: `send` the first time, `replay` the remembered
   * outcome, `retrace` a remembered unknown outcome (reconcile again, from the first request's start).
   */
  private async once<R extends { value: unknown }>(
    write: WriteName,
    request: unknown[],
    idempotencyKey: string | undefined,
    steps: { send(): Promise<R>; replay(value: Item): R | Promise<R>; retrace(startedAt: number): Promise<R> },
  ): Promise<R> {
    const idempotency = this.options.idempotency;
    if (idempotencyKey === undefined || !idempotency) return steps.send();
    const { store, windowMs } = idempotency;
    // Scoped by credential: one caller's key never answers another's request.
    const key = `${this.client.credentialKey}\n${idempotencyKey}`;
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([write, ...request]))
      .digest('base64url');
    const msLeft = Math.max(1_000, this.options.deadline - this.now());
    const claim = await store.claim(key, fingerprint, { holdMs: msLeft, waitMs: msLeft });
    const remember = (record: IdempotencyRecord) => store.settle(key, record, windowMs);
    switch (claim.status) {
      case 'mismatch':
        throw new IdempotencyKeyReusedError();
      case 'busy':
        throw new IdempotencyKeyBusyError();
      case 'settled': {
        const { record } = claim;
        if (record.outcome === 'done') return steps.replay(record.value);
        const result = await steps.retrace(record.startedAt);
        await remember({ outcome: 'done', value: result.value as Item });
        return result;
      }
      case 'claimed':
        try {
          const result = await steps.send();
          await remember({ outcome: 'done', value: result.value as Item });
          return result;
        } catch (error) {
          if (error instanceof WriteOutcomeUnknownError)
            await remember({ outcome: 'unknown', startedAt: error.startedAt });
          else await store.release(key);
          throw error;
        }
    }
  }

  private asked(): void {
    if (this.options.counter) this.options.counter.requested++;
  }

  /** Forgets what the unit of work and the shared cache hold of the list (and item) a write touched. */
  private async forget(resource: ResourceName, parent: object, item?: object): Promise<void> {
    if (item) this.loaders.invalidate(resource, item as ItemKey<ResourceName>);
    else this.loaders.invalidateList(resource, parent as ListKey<ResourceName>);
    await this.client.forget(listPath(resource, parent));
  }

  /** Reads the list the job would be in (fresh) for the one job the request could have created. */
  private async reconcile(
    write: CreateWrite,
    parent: object,
    body: Item,
    startedAt: number,
    failure: unknown,
    /** This request's own pending mark, when it is a create that lost its answer (not a repeat's retrace). */
    own?: Promise<void>,
  ): Promise<Item> {
    const { resource, operation, createdAt, echoes = [], marks = {} } = writeEntry(write);
    const path = listPath(resource, parent);
    const unknown = (candidates: number | undefined) =>
      new WriteOutcomeUnknownError(
        write,
        operation,
        failure ?? new Error('answer lost'),
        startedAt,
        { resource, path, key: parent },
        candidates,
      );
    // Atlas stamps whole seconds.
    const from = Math.floor(startedAt / 1000) * 1000 - CLOCK_SKEW_MS;
    const until = this.now() + CLOCK_SKEW_MS;
    const bornOf = (item: Item) => (createdAt ? Date.parse(String(item[createdAt] ?? '')) : objectIdTime(item['id']));
    const matches = (item: Item) => {
      // A job without its id cannot be answered, nor told apart from another.
      if (listedId(resource, item) === undefined) return false;
      const born = bornOf(item);
      if (!(born >= from && born <= until)) return false;
      if (Object.entries(marks).some(([field, value]) => item[field] !== value)) return false;
      return echoes.every((field) => body[field] === undefined || sameJson(item[field], body[field]));
    };
    const candidates: Item[] = [];
    for (let pageNum = 1; pageNum <= RECONCILE_PAGES; pageNum++) {
      let page;
      try {
        this.asked();
        page = await this.client.list(resources[resource].list, path, { pageNum, itemsPerPage: ATLAS_MAX_PAGE_SIZE });
      } catch {
        throw unknown(undefined);
      }
      candidates.push(...page.results.filter(matches));
      // Newest first: a page reaching back before the request's start has shown every job created since.
      if (!page.hasNext || page.results.some((item) => bornOf(item) < from)) break;
    }
    // A create on the same list still waiting for its answer may own a candidate it has not credited yet.
    if (candidates.length > 0 && !(await this.siblingsSettled(resource, parent, own))) throw unknown(candidates.length);
    const uncredited = await this.uncredited(resource, parent, candidates);
    const [only] = uncredited;
    if (uncredited.length !== 1 || !only) throw unknown(uncredited.length);
    return only;
  }

  /** Where a job the gateway answered a write with is remembered (a key no client's idempotency key can be). */
  private creditKey(resource: ResourceName, parent: object, id: string): string {
    return `${CREDITED}\n${listPath(resource, parent)}/${id}`;
  }

  /**
   * Remembers that a write was answered with this job, for as long as idempotency keys are: a request whose
   * answer was lost (a double click's second POST, failing) reconciles among the jobs no request was told.
   * Best effort: the job exists whatever the store says, and the write must be answered with it.
   */
  private async credit(resource: ResourceName, parent: object, key: object): Promise<void> {
    const idempotency = this.options.idempotency;
    const id = Reflect.get(key, 'id');
    if (!idempotency || typeof id !== 'string') return;
    const creditKey = this.creditKey(resource, parent, id);
    try {
      // A reconciliation weighing this job holds its key a moment: wait for it rather than skip the credit.
      const claim = await idempotency.store.claim(creditKey, CREDITED, { holdMs: 1_000, waitMs: 1_000 });
      if (claim.status === 'claimed') await idempotency.store.settle(creditKey, credited, idempotency.windowMs);
    } catch {
      // The store failed (it answers from memory when Redis is away); the pending mark still covered the job.
    }
  }

  /** Marks a create pending on its list in this process, until `settle`. */
  private pendingOn(resource: ResourceName, parent: object): { mark: Promise<void>; settle(): void } {
    const list = listPath(resource, parent);
    let settle = () => {};
    const done = new Promise<void>((resolve) => (settle = resolve));
    const all = pendingCreatesOf(this.options.idempotency?.store);
    const onList = all.get(list) ?? new Set<Promise<void>>();
    all.set(list, onList.add(done));
    return {
      mark: done,
      settle() {
        settle();
        onList.delete(done);
        if (onList.size === 0 && all.get(list) === onList) all.delete(list);
      },
    };
  }

  /**
   * Waits, within the unit of work's deadline, for the other creates pending on the list (their jobs are
   * credited when they settle); false when one is still pending at the deadline.
   */
  private async siblingsSettled(resource: ResourceName, parent: object, own?: Promise<void>): Promise<boolean> {
    const onList = pendingCreatesOf(this.options.idempotency?.store).get(listPath(resource, parent));
    // This request's own mark settles after its reconciliation: leave it out.
    const others = [...(onList ?? [])].filter((mark) => mark !== own);
    if (others.length === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.max(0, this.options.deadline - this.now()));
    });
    const settled = await Promise.race([Promise.all(others).then(() => true as const), late]);
    clearTimeout(timer);
    return settled;
  }

  /**
   * The candidates no other request was answered with, or is being answered with now; the one this request
   * is answered with (when there is exactly one) is credited to it, the others released.
   */
  private async uncredited(resource: ResourceName, parent: object, candidates: Item[]): Promise<Item[]> {
    const idempotency = this.options.idempotency;
    if (!idempotency) return candidates;
    const holdMs = Math.max(1_000, this.options.deadline - this.now());
    const open: { item: Item; key: string }[] = [];
    for (const item of candidates) {
      const key = this.creditKey(resource, parent, String(listedId(resource, item)));
      const claim = await idempotency.store.claim(key, CREDITED, { holdMs, waitMs: 0 });
      if (claim.status === 'claimed') open.push({ item, key });
    }
    const [only] = open;
    if (open.length === 1 && only) await idempotency.store.settle(only.key, credited, idempotency.windowMs);
    else await Promise.all(open.map(({ key }) => idempotency.store.release(key)));
    return open.map(({ item }) => item);
  }
}

/**
 * Creates waiting for Atlas's answer, by list path, per gateway (its idempotency store): a reconciliation
 * waits for its siblings to credit their jobs. Replicas see only their own; across replicas the credits
 * in a shared store remain the guard.
 */
const pendingCreates = new WeakMap<object, Map<string, Set<Promise<void>>>>();
const withoutStore = {};
function pendingCreatesOf(store: IdempotencyStore | undefined): Map<string, Set<Promise<void>>> {
  const owner = store ?? withoutStore;
  let all = pendingCreates.get(owner);
  if (!all) pendingCreates.set(owner, (all = new Map()));
  return all;
}

/** The fingerprint and record of a credited job in the idempotency store. */
const CREDITED = 'credited job';
const credited: IdempotencyRecord = { outcome: 'done', value: {} };

/** Whether Atlas may have done a write whose request failed this way (so it must not be sent again blindly). */
function mayHaveHappened(error: unknown): boolean {
  if (error instanceof AtlasTransportError) return error.mayHaveReachedAtlas;
  return error instanceof AtlasApiError && ambiguousStatuses.has(error.status);
}

/** The creation time (epoch ms) in an ObjectId's first four bytes, or NaN. */
function objectIdTime(id: unknown): number {
  return typeof id === 'string' && atlasIdPattern.test(id) ? parseInt(id.slice(0, 8), 16) * 1000 : Number.NaN;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
