/** Reading Atlas response headers. */

type HeaderValue = string | string[] | undefined;

function first(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The longest wait Atlas is taken at its word for: an hour, far beyond its buckets' refill periods (a minute).
 * A wait past it (a misread body, a broken proxy's header) would stop every call of its scope for as long, and
 * a timer that long overflows (Node runs it at once).
 */
export const MAX_RETRY_AFTER_SECONDS = 3_600;

/** `Retry-After` as seconds (at most MAX_RETRY_AFTER_SECONDS): either delta-seconds or an HTTP date. */
export function parseRetryAfter(header: HeaderValue): number | undefined {
  const value = first(header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Math.min(Number(value), MAX_RETRY_AFTER_SECONDS);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, Math.ceil((date - Date.now()) / 1000)), MAX_RETRY_AFTER_SECONDS);
}

/**
 * The wait a 429's body gives (Atlas's token-bucket answer: `parameters[1]` is the seconds to wait, and its
 * `detail` says "Please retry after 55 seconds"), for when the `Retry-After` header is missing: Atlas "may
 * not always" send it (notes §3.1).
 */
export function retryAfterInBody(body: {
  errorCode?: unknown;
  parameters?: unknown;
  detail?: unknown;
}): number | undefined {
  const words = typeof body.detail === 'string' ? /retry after (\d{1,9}) seconds?/i.exec(body.detail) : null;
  const inDetail = words ? Number(words[1]) : undefined;
  // Only the token bucket's parameters are [path, seconds, ...]; older limits' are [path, requests, minutes].
  const parameter = Array.isArray(body.parameters) ? body.parameters[1] : undefined;
  const inParameters =
    body.errorCode !== 'RATE_LIMITED_TOKEN_BUCKET'
      ? undefined
      : typeof parameter === 'number' && Number.isSafeInteger(parameter) && parameter >= 0
        ? parameter
        : typeof parameter === 'string' && /^\d{1,9}$/.test(parameter)
          ? Number(parameter)
          : undefined;
  const seconds = Math.max(inParameters ?? -1, inDetail ?? -1);
  return seconds < 0 ? undefined : Math.min(seconds, MAX_RETRY_AFTER_SECONDS);
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
