/**
 * The Atlas credential of the bench: the token its gateways send and its simulators accept. A module of its own,
 * with a type-only import (erased), so that the simulator's process (bench/upstream.ts) loads nothing else for it.
 */
import type { AtlasAuth } from '../src/server/gateway.js';

/** The Atlas token every bench gateway sends and every bench simulator accepts (bench/upstream.ts's default). */
export const BENCH_TOKEN = 'bench-token';

/**
 * The bench gateways' Atlas credential: BENCH_TOKEN, or with `forward` each request's own bearer token (clients
 * with tokens of their own, bench/cpu.ts).
 */
export function benchAtlasAuth(forward: boolean): AtlasAuth {
  return forward ? { mode: 'forward' } : { mode: 'token', token: BENCH_TOKEN };
}
