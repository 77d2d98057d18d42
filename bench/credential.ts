/**
 * The Atlas credential of the bench: the token its gateways send and its simulators accept. A module of its own,
 * without imports, so that the simulator's process (bench/upstream.ts) loads nothing else for it.
 */
type GatewayOptions = Parameters<(typeof import('../src/server/gateway.js'))['createGateway']>[0];

/** The Atlas token every bench gateway sends and every bench simulator accepts (bench/upstream.ts's default). */
export const BENCH_TOKEN = 'bench-token';

/**
 * The bench gateways' Atlas credential: BENCH_TOKEN, or with `forward` each request's own bearer token (clients
 * with tokens of their own, bench/cpu.ts).
 */
export function benchAtlasAuth(forward: boolean): GatewayOptions['atlas']['auth'] {
  return forward ? { mode: 'forward' } : { mode: 'token', token: BENCH_TOKEN };
}
