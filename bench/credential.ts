/**
 * The Atlas credential of the bench: the token its gateways send and its simulators accept. A module of its own,
 * so that the simulator's process (bench/upstream.ts) loads nothing else for it.
 */

/**
 * The Atlas token every bench gateway sends (bench/in-process.ts's gatewayOptionsFor, unless in forward mode) and
 * every bench simulator accepts (bench/upstream.ts's default).
 */
export const BENCH_TOKEN = 'bench-token';
