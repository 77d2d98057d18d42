/**
 * A proxy in front of the simulator that answers some requests itself, the way Atlas answers what the
 * simulator does not play (a retired endpoint's 410, a count that times out). Started before the stack, so
 * the gateway's base URL can be the proxy's; the simulator it forwards to is set once the stack is up.
 */
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An answer of Atlas's error shape; or `delayAnswerMs`: forward the request at once, and hold Atlas's answer
 * that long (a write done, its answer slow); or `holdAnswerUntil`: the same, until the promise settles (a
 * test releases it once what should happen meanwhile has happened, however long that takes); or undefined
 * to forward the request.
 */
export type ProxyRule = (
  req: IncomingMessage,
) =>
  | { status: number; errorCode: string; detail: string; parameters?: unknown[] }
  | { delayAnswerMs: number }
  | { holdAnswerUntil: Promise<unknown> }
  | undefined;

export async function startAtlasProxy(rule: ProxyRule) {
  let upstream: URL | undefined;
  /** Every request's URL and the status the proxy answered itself (undefined: forwarded). */
  const seen: { url: string; answered?: number }[] = [];
  const server = createServer((req, res) => {
    const decided = rule(req);
    const own = decided && 'status' in decided ? decided : undefined;
    const delayMs = decided && 'delayAnswerMs' in decided ? decided.delayAnswerMs : 0;
    const hold = decided && 'holdAnswerUntil' in decided ? decided.holdAnswerUntil : undefined;
    seen.push({ url: req.url ?? '', answered: own?.status });
    if (own) {
      res.writeHead(own.status, { 'content-type': 'application/json' });
      const { status, errorCode, detail, parameters } = own;
      res.end(JSON.stringify({ error: status, errorCode, reason: 'Error', detail, ...(parameters ? { parameters } : {}) }));
      return;
    }
    const forward = request(
      { host: upstream?.hostname, port: upstream?.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        const send = () => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        };
        if (hold) void hold.finally(send);
        else setTimeout(send, delayMs);
      },
    );
    // The simulator closing under a held answer (a test that failed midway) ends this answer, not the run.
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    forwardTo(simulatorUrl: string) {
      upstream = new URL(simulatorUrl);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
