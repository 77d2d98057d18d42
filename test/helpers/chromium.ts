/**
 * Debian's Chromium for browser tests, driven by playwright-core (which never downloads a browser).
 * /usr/bin/chromium, or CHROMIUM_PATH; scripts/ensure-chromium.sh installs it with apt-get when missing.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ENSURE_CHROMIUM = fileURLToPath(new URL('../../scripts/ensure-chromium.sh', import.meta.url));
export const INSTALL_TIMEOUT_MS = 10 * 60_000;

/**
 * Flags for a headless Chromium on a machine with no internet. Every name but loopback (and the names a
 * test maps to loopback) resolves to nothing, so a page behaves as offline even where CI has internet.
 */
export function chromiumArgs(mapToLoopback: readonly string[] = []): string[] {
  const rules = [
    ...mapToLoopback.map((host) => `MAP ${host} 127.0.0.1`),
    'MAP * ~NOTFOUND',
    'EXCLUDE localhost',
    'EXCLUDE 127.0.0.1',
  ];
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--host-resolver-rules=${rules.join(', ')}`,
  ];
}

/** Runs scripts/ensure-chromium.sh, streaming apt-get's output, without blocking the event loop. */
export function ensureChromium(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [ENSURE_CHROMIUM], { stdio: 'inherit', timeout: INSTALL_TIMEOUT_MS });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`scripts/ensure-chromium.sh failed (${signal ? `killed by ${signal}` : `exit ${code}`})`)),
    );
  });
}

/** Installs Chromium if needed and launches it headless. */
export async function launchChromium(mapToLoopback: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) await ensureChromium();
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: chromiumArgs(mapToLoopback) });
}
