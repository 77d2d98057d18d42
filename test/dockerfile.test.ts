/** No Docker engine runs here, so the Dockerfile is checked statically for what the image must do. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';

const lines = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

describe('Dockerfile', () => {
  it('builds in one stage and runs from another, on Node 22 LTS', () => {
    const froms = lines.filter((l) => l.startsWith('FROM '));
    expect(froms).toEqual(['FROM node:22-slim AS build', 'FROM node:22-slim AS runtime']);
  });

  it('ships production dependencies only, the compiled server and the files it reads at run time', () => {
    const runtime = lines.slice(lines.indexOf('FROM node:22-slim AS runtime'));
    expect(runtime.some((l) => /^RUN npm ci --omit=dev/.test(l))).toBe(true);
    for (const dir of ['dist', 'schema', 'examples', 'spec']) {
      expect(runtime.some((l) => l.startsWith('COPY') && l.endsWith(`./${dir}`))).toBe(true);
    }
    expect(runtime).toContain('CMD ["node", "dist/index.js"]');
  });

  it('runs as a non-root user in production mode', () => {
    const runtime = lines.slice(lines.indexOf('FROM node:22-slim AS runtime'));
    expect(runtime).toContain('USER node');
    expect(runtime.some((l) => l.startsWith('ENV') && l.includes('NODE_ENV=production'))).toBe(true);
  });

  describe('HEALTHCHECK', () => {
    const healthcheck = lines.find((l) => l.startsWith('HEALTHCHECK '));
    /** The exec-form command (`CMD [...]`), as Docker runs it. */
    const command = JSON.parse(healthcheck?.replace(/^HEALTHCHECK .*?CMD /, '') ?? 'null') as unknown;
    const argv = Array.isArray(command) && command.every((a) => typeof a === 'string') ? command : [];

    it('asks /health on the port from PORT, not a fixed one', () => {
      expect(argv.slice(0, 2)).toEqual(['node', '-e']);
      const script = argv[2] ?? '';
      expect(script).toContain('process.env.PORT');
      expect(script).toContain('/health');
      expect(script).not.toMatch(/:\d{2,5}\b/);
    });

    /** Runs the HEALTHCHECK command with this environment; resolves with its exit code. */
    function runHealthcheck(port: number): Promise<number | null> {
      const [file = 'node', ...args] = argv;
      const env = { ...process.env, PORT: String(port) };
      return new Promise((resolve) =>
        execFile(file === 'node' ? process.execPath : file, args, { env, timeout: 10_000 }, (error) =>
          resolve(error ? (typeof error.code === 'number' ? error.code : null) : 0),
        ),
      );
    }

    it('passes against a server answering /health on a random PORT, fails on 503 or nothing listening', async () => {
      let healthy = true;
      const server = createServer((request, response) => {
        response.statusCode = request.url === '/health' ? (healthy ? 200 : 503) : 404;
        response.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      try {
        expect(await runHealthcheck(port)).toBe(0);
        healthy = false;
        expect(await runHealthcheck(port)).toBe(1);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      expect(await runHealthcheck(port)).toBe(1);
    });
  });
});
