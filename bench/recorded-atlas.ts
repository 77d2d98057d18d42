/**
 * An Atlas that answers from memory (see bench/recorded.ts, which records the answers): an undici
 * Dispatcher the gateway is given instead of its connection pool, so it opens no socket to Atlas.
 * Kept apart from the recorder so that a server process loading it loads nothing of src/.
 */
import { Dispatcher } from 'undici';

/** Request URI (path and query, as the transport sends it) -> the simulator's JSON answer. */
export type Answers = Record<string, string>;

/** The legacy handler interface undici's `request` gives a dispatcher (the one RequestHandler implements). */
interface RequestHandlerCalls {
  onConnect(abort: (error?: Error) => void): void;
  onHeaders(status: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean;
  onData(chunk: Buffer): boolean;
  onComplete(trailers: Buffer[]): void;
}

const notFound = Buffer.from(JSON.stringify({ error: 404, errorCode: 'RESOURCE_NOT_FOUND', reason: 'Not Found' }));

/** Answers each request from `answers` (404 for anything else), one event-loop turn later, as a socket would. */
export class RecordedAtlas extends Dispatcher {
  private readonly bodies: Map<string, Buffer>;

  constructor(answers: Answers) {
    super();
    this.bodies = new Map(Object.entries(answers).map(([uri, text]) => [uri, Buffer.from(text)]));
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const calls = handler as unknown as RequestHandlerCalls;
    const body = this.bodies.get(String(options.path));
    const status = body ? 200 : 404;
    const payload = body ?? notFound;
    setImmediate(() => {
      calls.onConnect(() => {});
      const headers = [
        Buffer.from('content-type'),
        Buffer.from('application/json'),
        Buffer.from('content-length'),
        Buffer.from(String(payload.length)),
      ];
      calls.onHeaders(status, headers, () => {}, status === 200 ? 'OK' : 'Not Found');
      calls.onData(payload);
      calls.onComplete([]);
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
