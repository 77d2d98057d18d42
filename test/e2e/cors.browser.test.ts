/**
 * The CORS threat, in a real browser: a web app on another site (http://app.example, mapped to loopback)
 * opened in Chromium tries to read the graph from the gateway. With the production default (no foreign
 * origin) it can read nothing and costs no Atlas call, whether it sends a JSON POST, a urql-style GET or a
 * blind no-cors probe; once its origin is on the allow-list it reads the graph with the same requests.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO } from '../../src/simulator/index.js';
import { INSTALL_TIMEOUT_MS, launchChromium } from '../helpers/chromium.js';
import { startStack, type TestStack } from '../../support/stack.js';

const APP_HOST = 'app.example';
const projectQuery = `{ project(id: "${DEMO.projects.payments.id}") { name } }`;

/** What the page's own script got back: the data, or the browser's refusal to hand the answer over. */
type Outcome = { data: unknown } | { blocked: string } | { opaque: true };

/** The requests a frontend makes, run inside the page (so the browser applies its own rules). */
async function attempts(page: Page, gatewayUrl: string) {
  return page.evaluate(
    async ({ url, query }) => {
      const read = async (request: Promise<Response>): Promise<Outcome> => {
        try {
          const response = await request;
          if (response.type === 'opaque') return { opaque: true };
          return { data: ((await response.json()) as { data?: unknown }).data };
        } catch (error) {
          return { blocked: String(error) };
        }
      };
      return {
        post: await read(
          fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json' },
            body: JSON.stringify({ query }),
          }),
        ),
        // urql's default for short queries: a GET with only an `accept` header (no preflight).
        get: await read(
          fetch(`${url}?query=${encodeURIComponent(query)}`, { headers: { accept: 'application/json' } }),
        ),
        // A probe that does not need to read the answer: is it even executed?
        probe: await read(fetch(`${url}?query=${encodeURIComponent(query)}`, { mode: 'no-cors' })),
      };
    },
    { url: gatewayUrl, query: projectQuery },
  );
}

describe('a page on another site in Chromium', () => {
  let browser: Browser | undefined;
  let app: Server;
  let appOrigin = '';
  const stacks: TestStack[] = [];

  beforeAll(async () => {
    browser = await launchChromium([APP_HOST]);
    app = createServer((_, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<!doctype html><title>Backup console</title><p>A frontend on another origin.</p>');
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    appOrigin = `http://${APP_HOST}:${(app.address() as AddressInfo).port}`;
  }, INSTALL_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(stacks.map((stack) => stack.close()));
    await new Promise<void>((resolve) => app?.close(() => resolve()));
  });

  async function fromTheApp(corsOrigins: string[]) {
    if (!browser) throw new Error('Chromium not started');
    const stack = await startStack({ gateway: { corsOrigins } });
    stacks.push(stack);
    const page = await browser.newPage();
    try {
      await page.goto(`${appOrigin}/`);
      expect(await page.title()).toBe('Backup console');
      stack.simulator.resetCalls();
      return { outcome: await attempts(page, stack.url), atlasCalls: stack.simulator.calls.length };
    } finally {
      await page.close();
    }
  }

  test('cannot read the graph, nor make it call Atlas, under the production default', async () => {
    const { outcome, atlasCalls } = await fromTheApp([]);
    expect(outcome.post).toEqual({ blocked: expect.stringMatching(/Failed to fetch/) });
    expect(outcome.get).toEqual({ blocked: expect.stringMatching(/Failed to fetch/) });
    expect(outcome.probe).toEqual({ opaque: true });
    // Refused before execution (CROSS_ORIGIN_REFUSED), not merely hidden from the page.
    expect(atlasCalls).toBe(0);
  }, 60_000);

  test('reads the graph once its origin is allowed, by POST and by GET', async () => {
    const { outcome, atlasCalls } = await fromTheApp([appOrigin]);
    const expected = { data: { project: { name: DEMO.projects.payments.name } } };
    expect(outcome.post).toEqual(expected);
    expect(outcome.get).toEqual(expected);
    expect(atlasCalls).toBeGreaterThan(0);
  }, 60_000);
});
