import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CommonJS (`main`) and ESM (`module`). Node loads `main` for everyone, but Vite
    // prefers `module`, which would give tests a second graphql beside the one @apollo/subgraph requires.
    // Pin the one Node uses in production.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    // Tests start real servers on 127.0.0.1; a generous timeout covers the slow 2-core CI machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'gateway', include: ['test/**/*.test.ts'], exclude: ['test/clients/**'] } },
      // The graph's tests again, every document compiled (graphql-jit) from its first execution instead of its
      // second: src/server/plugins/compiled-execution.ts.
      {
        extends: true,
        test: {
          name: 'graph: compiled',
          include: ['test/graph/**/*.test.ts', 'test/federation/**/*.test.ts', 'test/readme-examples.test.ts'],
          env: { GATEWAY_COMPILE_FROM: '1' },
        },
      },
      // The real clients (Apollo, urql, Relay) against both edges the gateway ships: test/clients/stack.ts.
      {
        extends: true,
        test: {
          name: 'clients: development',
          include: ['test/clients/**/*.test.ts'],
          env: { CLIENT_TEST_EDGE: 'development' },
        },
      },
      {
        extends: true,
        test: {
          name: 'clients: production',
          include: ['test/clients/**/*.test.ts'],
          env: { CLIENT_TEST_EDGE: 'production' },
        },
      },
    ],
  },
});
