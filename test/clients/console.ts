/**
 * Captures what client libraries print: Apollo Client and urql Graphcache report cache problems
 * ("Cache data may be lost", "Invalid key", "Heuristic Fragment Matching") only as console warnings in
 * development, so a test that wants none must read the console.
 */
import { format } from 'node:util';
import { afterEach, beforeEach, vi } from 'vitest';

export interface ConsoleCapture {
  /** Every `console.warn` and `console.error` line since the capture started. */
  messages: string[];
  restore(): void;
}

export function captureConsole(): ConsoleCapture {
  const messages: string[] = [];
  const record =
    (level: string) =>
    (...args: unknown[]) => {
      messages.push(`${level}: ${format(...args)}`);
    };
  const warn = vi.spyOn(console, 'warn').mockImplementation(record('warn'));
  const error = vi.spyOn(console, 'error').mockImplementation(record('error'));
  return {
    messages,
    restore() {
      warn.mockRestore();
      error.mockRestore();
    },
  };
}

/** Captures the console around every test of the calling file; the function returns the current test's capture. */
export function captureConsoleInEachTest(): () => ConsoleCapture {
  let capture: ConsoleCapture | undefined;
  beforeEach(() => {
    capture = captureConsole();
  });
  afterEach(() => capture?.restore());
  return () => {
    if (!capture) throw new Error('no console capture outside a test');
    return capture;
  };
}

/** A deep copy without `__typename` (clients add it to every selection; the raw HTTP answer lacks it). */
export function withoutTypename(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTypename);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== '__typename')
        .map(([key, v]) => [key, withoutTypename(v)]),
    );
  }
  return value;
}

/** A `fetch` that counts the requests it sends (to show an answer came from the cache). */
export function countingFetch(): { fetch: typeof fetch; requests: { method: string; url: string }[] } {
  const requests: { method: string; url: string }[] = [];
  return {
    requests,
    fetch: (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      requests.push({ method: init?.method ?? (input instanceof Request ? input.method : 'GET'), url });
      return fetch(input, init);
    },
  };
}
