/** No Docker engine runs here, so the Dockerfile is checked statically for what the image must do. */
import { readFileSync } from 'node:fs';
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
});
