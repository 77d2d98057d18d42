/**
 * The gateway the client tests run against, configured from the environment as `npm start` configures it:
 * development defaults (demo edge: introspection, GraphiQL, local origins), or with
 * `CLIENT_TEST_EDGE=production` the production edge (no introspection, no GraphiQL, no foreign origin, no
 * suggestions, no call report). vitest.config.ts runs test/clients once for each.
 */
import { startStack, type TestStack } from '../../support/stack.js';

export const edge = process.env['CLIENT_TEST_EDGE'] === 'production' ? 'production' : 'development';

export function startClientStack(): Promise<TestStack> {
  return startStack({ env: edge === 'production' ? { NODE_ENV: 'production' } : {} });
}
