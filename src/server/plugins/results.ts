/**
 * What the plugins that watch results (the operation log, the operation observer of metrics and traces)
 * share: telling a streamed result from a single one, and reading the codes out of results and refusals.
 */

/**
 * The longest operation name shown as it is. Names come from documents, which callers write, and GraphQL
 * sets no length: a 90 kB name fits under the body limit, and repeated in every metric series, span name
 * and access line it cost megabytes per request. 100 characters is far past any name a person writes.
 */
export const MAX_OPERATION_NAME_LENGTH = 100;

/** An operation name for a span or a log line: a longer one is cut at the limit and marked with `…`. */
export function shownOperationName(name: string): string {
  return name.length > MAX_OPERATION_NAME_LENGTH ? `${name.slice(0, MAX_OPERATION_NAME_LENGTH)}…` : name;
}

/** A streamed result (`@defer`, `@stream`, subscriptions), as opposed to a single one. */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The errors of a result or of a streamed chunk (`@defer`/`@stream` put theirs under `incremental`). */
export function errorsOf(chunk: unknown): unknown[] {
  if (!isRecord(chunk)) return [];
  const errors = Array.isArray(chunk['errors']) ? [...(chunk['errors'] as unknown[])] : [];
  const incremental = chunk['incremental'];
  if (Array.isArray(incremental)) {
    for (const part of incremental as unknown[]) {
      if (isRecord(part) && Array.isArray(part['errors'])) errors.push(...(part['errors'] as unknown[]));
    }
  }
  return errors;
}

/** Adds one to a code's count. */
export function count(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

export function codeOf(error: unknown): string | undefined {
  if (!isRecord(error) || !isRecord(error['extensions'])) return undefined;
  const code = error['extensions']['code'];
  return typeof code === 'string' ? code : undefined;
}

/**
 * Codes of a refusal answered before yoga ran (a plugin's own JSON error body). Read from a copy of the
 * body, and only for small JSON answers.
 */
export async function refusalCodes(response: Response): Promise<string[]> {
  const type = response.headers.get('content-type') ?? '';
  const length = Number(response.headers.get('content-length') ?? '0');
  if (!type.includes('json') || !response.body || length > 4_096) return [];
  try {
    const body: unknown = await response.clone().json();
    return errorsOf(body).map((error) => codeOf(error) ?? 'UNCODED');
  } catch {
    return [];
  }
}

/**
 * Passes a streamed result through, watching each chunk, and says when the stream is over (or abandoned).
 * Not an async generator: a generator waiting for the source's next chunk queues `return()` behind that
 * wait, so a client leaving a quiet subscription would keep its poller (and its place under the limits)
 * until the next change. `return()` here reaches the source at once.
 */
export function observe<T>(
  source: AsyncIterable<T>,
  onChunk: (chunk: T) => void,
  onEnd: () => void,
): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      try {
        const step = await iterator.next();
        if (step.done) end();
        else onChunk(step.value);
        return step;
      } catch (error) {
        end();
        throw error;
      }
    },
    async return(value?: unknown) {
      try {
        return (await iterator.return?.(value)) ?? { done: true, value: undefined };
      } finally {
        end();
      }
    },
    async throw(error?: unknown) {
      try {
        if (iterator.throw) return await iterator.throw(error);
        throw error;
      } finally {
        end();
      }
    },
  };
}

/** The path of an absolute URL, without parsing it (the adapter's URL object is built lazily, on first read). */
export function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  const end = url.slice(start).search(/[?#]/);
  return end < 0 ? url.slice(start) : url.slice(start, start + end);
}
