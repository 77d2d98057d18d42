/**
 * The request body limit, in place of yoga's own (the gateway sets `maxRequestBodySize: false`). Yoga pipes
 * every body through a TransformStream to count its bytes, and node's stream pipeline under it makes an
 * AbortController and a DOMException (a stack trace) per request: about 9% of the example dashboard's
 * instructions (bench/history/3-dashboard-cpu.md, "The request body limit, and answers kept alive by a long-lived
 * Map").
 * A body with a Content-Length needs no counting: the header is checked first, and node's HTTP parser hands
 * the server exactly that many bytes. Only a body without one (chunked) is counted, as it is read, and
 * refused once it passes the limit.
 *
 * Same answers as yoga's: 413 `REQUEST_ENTITY_TOO_LARGE` for a body over the limit, 400 `BAD_REQUEST` for a
 * Content-Length that is not one non-negative integer (a comma-joined pair is how request smuggling starts).
 */
import { createGraphQLError, type Plugin } from 'graphql-yoga';

const contentLengthPattern = /^\d+$/;

const tooLarge = () =>
  createGraphQLError('Request body too large', {
    extensions: { http: { status: 413 }, code: 'REQUEST_ENTITY_TOO_LARGE' },
  });

export function useRequestBodyLimit(limitBytes: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const contentLength = request.headers.get('content-length');
      if (contentLength !== null) {
        if (!contentLengthPattern.test(contentLength)) {
          throw createGraphQLError('Content-Length header is invalid.', {
            extensions: { http: { status: 400 }, code: 'BAD_REQUEST' },
          });
        }
        if (Number(contentLength) > limitBytes) throw tooLarge();
        return;
      }
      if (!requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser(async (unbounded) => parse(await readWithin(unbounded, limitBytes, fetchAPI.Request)));
    },
  };
}

/** The same request with its body read whole, or a 413 as soon as the body passes `limitBytes`. */
async function readWithin(request: Request, limitBytes: number, RequestClass: typeof Request): Promise<Request> {
  const reader = request.body!.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    bytes += read.value.byteLength;
    if (bytes > limitBytes) {
      // Stop reading; the rest of the body is the connection's to discard.
      void reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(read.value);
  }
  return new RequestClass(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body: Buffer.concat(chunks),
  });
}
