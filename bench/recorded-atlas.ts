/**
 * An Atlas that answers from memory (see bench/recorded.ts, which records the answers): an undici
 * Dispatcher the gateway is given instead of its connection pool, so it opens no socket to Atlas.
 * Kept apart from the recorder so that a server process loading it loads nothing of src/.
 */
import { readFileSync } from 'node:fs';
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

/** One recorded answer, with its headers in both of undici's handler APIs' forms, made once. */
interface Recorded {
  status: 200 | 404;
  statusText: string;
  payload: Buffer;
  headers: Record<string, string>;
  /** The same headers as the legacy API takes them: name, value, name, value, as bytes. */
  rawHeaders: Buffer[];
}

function recorded(status: 200 | 404, payload: Buffer): Recorded {
  const headers = { 'content-type': 'application/json', 'content-length': String(payload.length) };
  const rawHeaders = Object.entries(headers).flatMap((pair) => pair.map((text) => Buffer.from(text)));
  return { status, statusText: status === 200 ? 'OK' : 'Not Found', payload, headers, rawHeaders };
}

const notFound = recorded(
  404,
  Buffer.from(JSON.stringify({ error: 404, errorCode: 'RESOURCE_NOT_FOUND', reason: 'Not Found' })),
);

/** Answers each request from `answers` (404 for anything else), one event-loop turn later, as a socket would. */
export class RecordedAtlas extends Dispatcher {
  private readonly answers: Map<string, Recorded>;

  constructor(answers: Answers) {
    super();
    this.answers = new Map(Object.entries(answers).map(([uri, text]) => [uri, recorded(200, Buffer.from(text))]));
  }

  /** The answers bench/recorded.ts wrote to `file`. */
  static fromFile(file: string): RecordedAtlas {
    return new RecordedAtlas(JSON.parse(readFileSync(file, 'utf8')) as Answers);
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const { status, statusText, payload, headers, rawHeaders } = this.answers.get(String(options.path)) ?? notFound;
    setImmediate(() => {
      if (handler.onRequestStart === undefined) {
        const legacy = handler as LegacyHandlerCalls;
        legacy.onConnect(() => {});
        legacy.onHeaders(status, rawHeaders, () => {}, statusText);
        legacy.onData(payload);
        legacy.onComplete([]);
        return;
      }
      const calls = handler as HandlerCalls;
      calls.onRequestStart(controller, {});
      // A fresh headers object per answer, as undici gives: the handler may keep it.
      calls.onResponseStart(controller, status, { ...headers }, statusText);
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
