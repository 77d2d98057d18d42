/**
 * The entry point (`npm start`, `node dist/index.js`) as an operator meets it: a listener that cannot start
 * stops the process with one line saying which address and why, not an unhandled 'error' and its stack.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { startSimulator } from '../src/simulator/index.js';

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

describe('shutdown', () => {
  it('ends within SHUTDOWN_TIMEOUT_MS of a cut request, not when its hung Atlas call would have answered', async () => {
    // An Atlas that never answers (the call would time out after ATLAS_TIMEOUT_MS, 10 s): a request in flight
    // at SIGTERM outlasts the 1 s drain and is cut.
    const slow = await startSimulator({
      bearerTokens: ['slow-token'],
      faults: { script: ['hang'], match: { operationId: 'listGroups' } },
    });
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      env: {
        PATH: process.env['PATH'] ?? '',
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: '0',
        MONGODB_ATLAS_BASE_URL: slow.url,
        MONGODB_ATLAS_ACCESS_TOKEN: 'slow-token',
        SHUTDOWN_DELAY_MS: '0',
        SHUTDOWN_TIMEOUT_MS: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start-up line: ${output}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const found = /gateway on (http:\/\/127\.0\.0\.1:\d+\/graphql)/.exec(output)?.[1];
          if (found) {
            clearTimeout(timer);
            resolve(found);
          }
        });
      });
      const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(Date.now())));
      const request = fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ projects { nodes { name } } }' }),
      }).catch(() => undefined);
      // The request is in flight: Atlas has its call (and holds it), however long a loaded machine took.
      await vi.waitFor(() => expect(slow.faults.injected().hang).toBe(1), { timeout: 10_000 });
      const signalled = Date.now();
      child.kill('SIGTERM');
      // Before: the process waited for the call to end (the transport closed its pool gracefully).
      expect((await exited) - signalled).toBeLessThan(5_000);
      await request;
      expect(output).toContain('connections still open after SHUTDOWN_TIMEOUT_MS were closed');
      // The cut request still has its access line.
      const lines = output.split('\n').filter((line) => line.includes('"durationMs"'));
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ operation: 'anonymous', cut: true });
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await slow.close();
    }
  });
});

describe('demo mode (`npm start` with no credential)', () => {
  it('plays Atlas with its rate limits: the call report shows the bucket a real project would', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      env: { PATH: process.env['PATH'] ?? '', HOST: '127.0.0.1', PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const found = /on (http:\/\/127\.0\.0\.1:\d+\/graphql)/.exec(output)?.[1];
          if (found) resolve(found);
        });
        child.once('exit', () => reject(new Error(`exited: ${output}`)));
      });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-atlas-call-report': '1' },
        body: JSON.stringify({ query: '{ projects(first: 1) { nodes { name clusters(first: 1) { totalCount } } } }' }),
      });
      const { errors, extensions } = (await response.json()) as { errors?: unknown; extensions?: Record<string, any> };
      expect(errors).toBeUndefined();
      expect(extensions?.['atlasCalls']).toMatchObject({ calls: 2, rateLimitLimit: 1_200 });
      expect(extensions?.['atlasCalls']?.['rateLimitRemaining']).toBeLessThan(1_200);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});

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
