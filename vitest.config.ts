import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests start real servers on 127.0.0.1; a generous timeout covers the slow 2-core CI machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
