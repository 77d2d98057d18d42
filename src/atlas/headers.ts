/** Reading Atlas response headers. */

type HeaderValue = string | string[] | undefined;

function first(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `Retry-After` as seconds: either delta-seconds or an HTTP date. */
export function parseRetryAfter(header: HeaderValue): number | undefined {
  const value = first(header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/**
 * The wait a 429's body gives (Atlas's token-bucket answer: `parameters[1]` is the seconds to wait, and its
 * `detail` says "Please retry after 55 seconds"), for when the `Retry-After` header is missing: Atlas "may
 * not always" send it (notes §3.1).
 */
export function retryAfterInBody(body: { parameters?: unknown; detail?: unknown }): number | undefined {
  const seconds = Array.isArray(body.parameters) ? body.parameters[1] : undefined;
  if (typeof seconds === 'number' && Number.isSafeInteger(seconds) && seconds >= 0) return seconds;
  if (typeof seconds === 'string' && /^\d{1,9}$/.test(seconds)) return Number(seconds);
  const said = typeof body.detail === 'string' ? /retry after (\d{1,9}) seconds?/i.exec(body.detail) : null;
  return said ? Number(said[1]) : undefined;
}

/** `RateLimit-Limit` / `RateLimit-Remaining` (Atlas sends them on most answers, not on digest challenges). */
export function parseRateLimit(headers: Record<string, HeaderValue>): { limit: number; remaining: number } | undefined {
  const limit = Number(first(headers['ratelimit-limit']));
  const remaining = Number(first(headers['ratelimit-remaining']));
  if (!Number.isFinite(limit) || !Number.isFinite(remaining) || first(headers['ratelimit-limit']) === undefined) {
    return undefined;
  }
  return { limit, remaining };
}

/**
 * `Deprecation` and `Sunset` as Atlas sends them ("Mon, 5 Aug 2024 00:00:00 GMT": the day is not
 * zero-padded, which `Date.parse` accepts). Undefined when neither is present.
 */
export function parseLifecycle(
  headers: Record<string, HeaderValue>,
): { deprecation?: string; sunset?: string } | undefined {
  const deprecation = first(headers['deprecation']);
  const sunset = first(headers['sunset']);
  if (deprecation === undefined && sunset === undefined) return undefined;
  const iso = (value: string | undefined) => {
    if (value === undefined) return undefined;
    const time = Date.parse(value);
    return Number.isNaN(time) ? value : new Date(time).toISOString().slice(0, 10);
  };
  return { deprecation: iso(deprecation), sunset: iso(sunset) };
}
