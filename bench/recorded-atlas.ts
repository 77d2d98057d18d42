/**
 * An Atlas that answers from memory (see bench/recorded.ts, which records the answers): an undici
 * Dispatcher the gateway is given instead of its connection pool, so it opens no socket to Atlas.
 * Kept apart from the recorder so that a server process loading it loads nothing of src/.
 */
import { Dispatcher } from 'undici';

/** Request URI (path and query, as the transport sends it) -> the simulator's JSON answer. */
export type Answers = Record<string, string>;

/** The handler calls the transport's exchange expects of a dispatcher (undici's new handler API). */
type HandlerCalls = Required<
  Pick<Dispatcher.DispatchHandler, 'onRequestStart' | 'onResponseStart' | 'onResponseData' | 'onResponseEnd'>
>;
/**
 * undici's legacy handler API, which its `request` still hands a dispatcher: older builds of the gateway
 * (the baseline that `npm run bench:against-base` compares with) read Atlas through it.
 */
type LegacyHandlerCalls = Required<
  Pick<Dispatcher.DispatchHandler, 'onConnect' | 'onHeaders' | 'onData' | 'onComplete'>
>;

/** Nothing to abort, pause or resume: the answer is whole in memory. */
const controller = {
  abort() {},
  pause() {},
  resume() {},
  aborted: false,
  paused: false,
  reason: null,
} as unknown as Dispatcher.DispatchController;

const notFound = Buffer.from(JSON.stringify({ error: 404, errorCode: 'RESOURCE_NOT_FOUND', reason: 'Not Found' }));

/** Answers each request from `answers` (404 for anything else), one event-loop turn later, as a socket would. */
export class RecordedAtlas extends Dispatcher {
  private readonly bodies: Map<string, Buffer>;

  constructor(answers: Answers) {
    super();
    this.bodies = new Map(Object.entries(answers).map(([uri, text]) => [uri, Buffer.from(text)]));
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const body = this.bodies.get(String(options.path));
    const status = body ? 200 : 404;
    const statusText = status === 200 ? 'OK' : 'Not Found';
    const payload = body ?? notFound;
    const headers = { 'content-type': 'application/json', 'content-length': String(payload.length) };
    setImmediate(() => {
      if (handler.onRequestStart === undefined) {
        const legacy = handler as LegacyHandlerCalls;
        legacy.onConnect(() => {});
        // The legacy API takes the headers raw: name, value, name, value, as bytes.
        const rawHeaders = Object.entries(headers).flatMap((pair) => pair.map((text) => Buffer.from(text)));
        legacy.onHeaders(status, rawHeaders, () => {}, statusText);
        legacy.onData(payload);
        legacy.onComplete([]);
        return;
      }
      const calls = handler as HandlerCalls;
      calls.onRequestStart(controller, {});
      calls.onResponseStart(controller, status, headers, statusText);
      calls.onResponseData(controller, payload);
      calls.onResponseEnd(controller, {});
    });
    return true;
  }

  override close(): Promise<void> {
    return Promise.resolve();
  }

  override destroy(): Promise<void> {
    return Promise.resolve();
  }
}
