/**
 * The entry point (`npm start`, `node dist/index.js`) as an operator meets it: a listener that cannot start
 * stops the process with one line saying which address and why, not an unhandled 'error' and its stack.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** Runs the entry with `env` until it exits; its exit code and what it wrote. */
function run(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running: ${output}`));
    }, 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('start-up', () => {
  it('stops with one line when its port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const { code, output } = await run({ HOST: '127.0.0.1', PORT: String(port) });
      expect(code).toBe(1);
      expect(output).toContain(`Cannot listen for GraphQL on 127.0.0.1:${port} (EADDRINUSE)`);
      expect(output).not.toMatch(/^\s+at /m);
    } finally {
      taken.close();
    }
  });

  it('stops with one line when its host is no address of this machine', async () => {
    // TEST-NET-1 (RFC 5737): an address no machine here has, and no name to look up.
    const { code, output } = await run({ HOST: '192.0.2.1', PORT: '0' });
    expect(code).toBe(1);
    expect(output).toContain('Cannot listen for GraphQL on 192.0.2.1:0 (EADDRNOTAVAIL)');
    expect(output).not.toMatch(/^\s+at /m);
  });
});
