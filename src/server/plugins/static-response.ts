/**
 * A fixed body served the way browsers and proxies cache well: rendered once, compressed once per content
 * coding (br, gzip) on first demand and kept, picked by `Accept-Encoding`, with a strong `ETag` per coding and
 * `304 Not Modified` when `If-None-Match` names it. Used for GraphiQL's page and assets, and for `GET /`.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

export type ContentCoding = 'br' | 'gzip' | 'identity';

/** Preference when the client weighs codings equally: smallest first. */
const codings: readonly ContentCoding[] = ['br', 'gzip', 'identity'];

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * Brotli quality 9 with a 16 MB window: GraphiQL's 5.3 MB bundle becomes 1.23 MB in about 0.5 s on a
 * thread-pool thread (all its assets, 8.9 MB: 2.09 MB). Quality 11 saves another 9% but takes about 10 s,
 * too long for the first visitor to wait.
 */
async function compress(coding: 'br' | 'gzip', body: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const compressed = await (coding === 'br'
    ? brotli(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 9,
          [constants.BROTLI_PARAM_LGWIN]: 24,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      })
    : gzipAsync(body, { level: 9 }));
  // A copy on a plain ArrayBuffer: what fetch's BodyInit takes (zlib's Buffer may sit on a shared pool).
  return new Uint8Array(compressed);
}

/**
 * The coding to send: the one the client weighs highest (RFC 9110 §12.5.3: `q` weights, `*` for codings not
 * named, identity acceptable unless refused by `identity;q=0` or `*;q=0`), br before gzip on a tie.
 * No header means identity.
 */
export function chooseCoding(acceptEncoding: string | null): ContentCoding {
  if (acceptEncoding === null) return 'identity';
  const weights = new Map<string, number>();
  for (const entry of acceptEncoding.split(',')) {
    const [name = '', ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    if (!name) continue;
    const q = params.find((param) => param.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(name === 'x-gzip' ? 'gzip' : name, Number.isFinite(weight) ? weight : 0);
  }
  const star = weights.get('*');
  // An unnamed identity stays acceptable, as the last resort.
  const weightOf = (coding: ContentCoding) =>
    weights.get(coding) ?? (coding === 'identity' ? (star === 0 ? 0 : 0.001) : (star ?? 0));
  let best: ContentCoding = 'identity';
  let bestWeight = 0;
  for (const coding of codings) {
    const weight = weightOf(coding);
    if (weight > bestWeight) [best, bestWeight] = [coding, weight];
  }
  // Nothing acceptable: RFC 9110 lets the server send identity rather than 406.
  return best;
}

/** True when `If-None-Match` names `etag` (weak comparison, as RFC 9110 §13.1.2 asks) or is `*`. */
export function ifNoneMatchHits(ifNoneMatch: string | null, etag: string): boolean {
  if (ifNoneMatch === null) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
}

export interface StaticResponseOptions {
  /** Called once, on first demand. */
  render(): string | Uint8Array;
  contentType: string;
  cacheControl: string;
  /** Request headers besides Accept-Encoding that chose this body (for `Vary`). */
  vary?: readonly string[];
}

export interface StaticResponse {
  /** The answer to a GET or HEAD: 200 in the best coding the client accepts, or 304 when it has it. */
  respond(request: Request, ResponseClass: typeof Response): Promise<Response>;
  /** The identity body, its ETag, and the content hash inside the ETag (for content-addressed URLs). */
  identity(): Encoded & { hash: string };
}

export interface Encoded {
  body: Uint8Array<ArrayBuffer>;
  etag: string;
}

export function staticResponse(options: StaticResponseOptions): StaticResponse {
  let identity: (Encoded & { hash: string }) | undefined;
  // One promise per coding, so concurrent first requests share one compression.
  const encoded = new Map<ContentCoding, Promise<Encoded>>();
  const vary = [...(options.vary ?? []), 'Accept-Encoding'].join(', ');

  const identityBody = (): Encoded & { hash: string } => {
    if (!identity) {
      const rendered = options.render();
      const body = typeof rendered === 'string' ? new TextEncoder().encode(rendered) : new Uint8Array(rendered);
      // Strong: the tag changes whenever a byte does (a new GraphiQL version, title or default query).
      const hash = createHash('sha256').update(body).digest('base64url').slice(0, 27);
      identity = { body, etag: `"${hash}"`, hash };
    }
    return identity;
  };

  const variant = (coding: ContentCoding): Promise<Encoded> => {
    let promise = encoded.get(coding);
    if (!promise) {
      const base = identityBody();
      promise =
        coding === 'identity'
          ? Promise.resolve(base)
          : compress(coding, base.body).then((body) =>
              // A coding that does not shrink the body (tiny bodies) is not worth the client's decoding.
              body.length < base.body.length ? { body, etag: `${base.etag.slice(0, -1)}-${coding}"` } : base,
            );
      encoded.set(coding, promise);
      promise.catch(() => encoded.delete(coding)); // a failed compression is retried by the next request
    }
    return promise;
  };

  return {
    async respond(request, ResponseClass) {
      const requested = chooseCoding(request.headers.get('accept-encoding'));
      const chosen = await variant(requested);
      // Compression may have fallen back to identity: name the coding actually sent.
      const coding: ContentCoding = chosen === identityBody() ? 'identity' : requested;
      const headers: Record<string, string> = {
        etag: chosen.etag,
        'cache-control': options.cacheControl,
        vary,
      };
      if (ifNoneMatchHits(request.headers.get('if-none-match'), chosen.etag)) {
        return new ResponseClass(null, { status: 304, headers });
      }
      headers['content-type'] = options.contentType;
      headers['content-length'] = String(chosen.body.length);
      // The gateway's pages (GraphiQL, the landing page) are never framed: a framed GraphiQL runs its
      // `?query=` with the page's origin at one lured click.
      if (options.contentType.startsWith('text/html')) {
        headers['x-frame-options'] = 'DENY';
        headers['content-security-policy'] = "frame-ancestors 'none'";
      }
      if (coding !== 'identity') headers['content-encoding'] = coding;
      return new ResponseClass(request.method === 'HEAD' ? null : chosen.body, { status: 200, headers });
    },
    identity: identityBody,
  };
}
