/**
 * Subscription clients as frontends use them, against a gateway served over HTTP: graphql-sse (distinct
 * connections mode: one `text/event-stream` response per subscription, which is yoga's SSE) and graphql-ws
 * (one WebSocket carrying many subscriptions). `Stream` collects what one subscription receives.
 */
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { vi } from 'vitest';
import WebSocket from 'ws';

/** A result as either client hands it over (graphql-ws formats errors, graphql-sse parses them). */
export interface Result {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; extensions?: unknown }[];
}

export interface Request {
  query: string;
  variables?: Record<string, unknown>;
  /** A trusted document's id, as Apollo's persisted-query link sends it (`persistedQuery.sha256Hash`). */
  extensions?: Record<string, unknown>;
}

/** An SSE client; `headers` go on each subscription's request (forward mode's token). */
export function sseClient(url: string, headers: Record<string, string> = {}): SseClient<false> {
  return createSseClient({ url, headers, retryAttempts: 0 });
}

/** A WebSocket client; `connectionParams` is the `connection_init` payload (forward mode's token). */
export function wsClient(url: string, connectionParams?: Record<string, unknown>): WsClient {
  return createWsClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    // One socket for every subscription of the client, opened at the first and kept until disposed.
    lazy: true,
    lazyCloseTimeout: 60_000,
  });
}

/** What one subscription received: its results, whether it completed, and the error it failed with. */
export class Stream {
  readonly results: Result[] = [];
  completed = false;
  failure: unknown;
  private readonly iterator: AsyncIterableIterator<Result>;
  readonly done: Promise<void>;

  constructor(client: Pick<SseClient<false>, 'iterate'> | Pick<WsClient, 'iterate'>, request: Request) {
    const iterator: AsyncIterableIterator<Result> = client.iterate(request);
    this.iterator = iterator;
    this.done = (async () => {
      try {
        for await (const result of iterator) this.results.push(result);
      } catch (error) {
        this.failure = error;
      }
      this.completed = true;
    })();
  }

  /** The payload of each result under the subscription field. */
  payloads<T = Record<string, unknown>>(field: string): T[] {
    return this.results.map((result) => result.data?.[field] as T);
  }

  /** Waits until `count` results have arrived. */
  async received(count: number, timeout = 5_000): Promise<Result[]> {
    await vi.waitFor(
      () => {
        if (this.results.length < count) throw new Error(`${this.results.length} of ${count} results`);
      },
      { timeout, interval: 10 },
    );
    return this.results;
  }

  /** Waits for the stream to end (completed by the server, or failed). */
  async ended(timeout = 5_000): Promise<void> {
    await vi.waitFor(
      () => {
        if (!this.completed) throw new Error('still open');
      },
      { timeout, interval: 10 },
    );
  }

  /** Leaves the subscription (the client's `complete`, or closing its SSE response). */
  async stop(): Promise<void> {
    await this.iterator.return?.();
    await this.done;
  }
}

/** Opens a raw socket with these headers: resolves with the handshake's outcome. */
export function handshake(url: string, headers: Record<string, string>): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', { headers });
    socket.once('open', () => {
      socket.close();
      resolve('open');
    });
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('error', () => undefined);
  });
}
