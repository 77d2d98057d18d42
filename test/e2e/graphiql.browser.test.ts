/**
 * End to end in a real browser: Debian's Chromium, driven by playwright-core, opens GraphiQL on the gateway
 * (assets served by the gateway, no CDN), runs the pre-filled example query and shows the demo data, with no request
 * leaving loopback. Saves a screenshot to test-artifacts/graphiql.png.
 *
 * Chromium is the distribution's (/usr/bin/chromium, or CHROMIUM_PATH); scripts/ensure-chromium.sh installs
 * it with apt-get when it is missing. Playwright never downloads a browser.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, ConsoleMessage, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO } from '../../src/simulator/index.js';
import { INSTALL_TIMEOUT_MS, launchChromium } from '../helpers/chromium.js';
import { startStack, type TestStack } from '../../support/stack.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const SCREENSHOT = `${ARTIFACTS}graphiql.png`;
const FAILURE_SCREENSHOT = `${ARTIFACTS}graphiql-failure.png`;

/**
 * Console errors that do not matter (none known today). Each entry needs a reason; anything else fails the test.
 */
const HARMLESS_CONSOLE_ERRORS: RegExp[] = [];

/** True for loopback addresses and for URLs that never touch the network (data:, blob: of a loopback page...). */
function staysOnLoopback(url: string): boolean {
  const parsed = new URL(url);
  if (parsed.protocol === 'data:' || parsed.protocol === 'about:') return true;
  // blob:http://127.0.0.1:1234/uuid - Monaco's web workers; its origin is the page's.
  const target = parsed.protocol === 'blob:' ? new URL(parsed.pathname) : parsed;
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(target.protocol)) return false;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname);
}

/** Monaco renders spaces as no-break spaces and wraps long lines; compare on collapsed whitespace. */
function squash(text: string): string {
  return text.replace(/\s+/g, ' ');
}

function isExampleQuery(request: Request): boolean {
  if (request.method() !== 'POST') return false;
  try {
    return /\bquery BackupDashboard\b/.test((request.postDataJSON() as { query?: string } | null)?.query ?? '');
  } catch {
    return false;
  }
}

describe('GraphiQL in Chromium', () => {
  let stack: TestStack | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    stack = await startStack();
    // A new (non-persistent) context gets a fresh, empty profile: no stored GraphiQL tabs or queries.
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    // On the context, so Monaco's workers' requests are seen too.
    context.on('request', (request) => void requests.push(request.url()));
    context.on('weberror', (error) => void consoleErrors.push(`page error: ${error.error().message}`));
    page = await context.newPage();
    page.on('websocket', (socket) => void requests.push(socket.url()));
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      const { url } = message.location();
      if (!HARMLESS_CONSOLE_ERRORS.some((pattern) => pattern.test(text)))
        consoleErrors.push(url ? `${text} (${url})` : text);
    });
  }, INSTALL_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  test('loads offline, runs the pre-filled example query and shows the demo data', async () => {
    if (!stack) throw new Error('stack not started');
    const { url, simulator } = stack;
    mkdirSync(ARTIFACTS, { recursive: true });
    rmSync(FAILURE_SCREENSHOT, { force: true });
    try {
      const response = await page.goto(url, { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
      expect(await page.title()).toBe('Atlas Backup GraphQL');

      // The query editor (Monaco) holds the example from examples/backup-dashboard.graphql.
      await page
        .locator('.graphiql-query-editor')
        .filter({ hasText: 'query BackupDashboard' })
        .waitFor({ timeout: 20_000 });

      // The deployments view (examples/deployments.graphql) waits in a second tab, named after its operation.
      await page.locator('.graphiql-tab').filter({ hasText: 'Deployments' }).waitFor({ timeout: 20_000 });

      // Only the example's run may reach Atlas: loading the page (schema introspection) must not.
      simulator.resetCalls();
      const executed = page.waitForResponse((r) => isExampleQuery(r.request()), { timeout: 20_000 });
      const execute = page.locator('button.graphiql-execute-button');
      expect(await execute.getAttribute('aria-label')).toMatch(/^Execute query/);
      await execute.click();

      const httpResponse = await executed;
      expect(httpResponse.status()).toBe(200);
      expect(await httpResponse.request().headerValue('content-type')).toMatch(/^application\/json/);
      const body = (await httpResponse.json()) as { data?: { projects?: { totalCount?: number } }; errors?: unknown };
      expect(body.errors).toBeUndefined();
      expect(body.data?.projects?.totalCount).toBe(3);

      // The result pane shows it (Monaco renders only the lines in view; these are at the top).
      const resultPane = page.locator('.graphiql-response .result-window');
      await resultPane.filter({ hasText: DEMO.projects.payments.name }).waitFor({ timeout: 20_000 });
      const shown = squash(await resultPane.innerText());
      expect(shown).toContain('"totalCount": 3');
      expect(shown).toContain(`"name": "${DEMO.projects.payments.name}"`);
      expect(shown).toContain(`"name": "${DEMO.clusters.paymentsProd.name}"`);
      expect(shown).not.toContain('"errors"');

      await page.screenshot({ path: SCREENSHOT });

      // The simulator served the run: projects, their clusters, restore jobs and exports, all successfully.
      for (const operationId of ['listGroups', 'listClusters', 'listBackupRestoreJobs', 'listBackupExports']) {
        expect(simulator.callCount({ operationId }), operationId).toBeGreaterThan(0);
      }
      expect(simulator.calls.filter((call) => call.status >= 400)).toEqual([]);

      expect(requests.some((request) => request.startsWith(url))).toBe(true);
      // One assertion, so a failure lists both.
      expect({ offLoopback: requests.filter((request) => !staysOnLoopback(request)), consoleErrors }).toEqual({
        offLoopback: [],
        consoleErrors: [],
      });
    } catch (error) {
      await page.screenshot({ path: FAILURE_SCREENSHOT }).catch(() => undefined);
      throw error;
    }
  }, 60_000);
});
