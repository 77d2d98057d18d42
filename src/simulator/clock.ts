// The simulator's clock: what "now" is for the Atlas it plays. Objects created through POST are stamped
// with it, and the jobs they start move through their states against it (progress.ts). `npm start` runs
// it on real time (a restore finishes in about a minute); tests freeze it and move it themselves, so a
// state change happens exactly when the test says. Nothing is scheduled: a job's state is brought up to
// the clock when a request reads it, so advancing the clock costs nothing until the next request.

export type ClockMode = 'real' | 'manual';

export interface SimulatorClockOptions {
  /** `real` (default): follows the wall clock. `manual`: stands still until `advance` or `set`. */
  mode?: ClockMode;
  /** Epoch milliseconds the clock starts at (default: the wall clock's now). */
  startMs?: number;
}

/** The `clock` handle on a running simulator. */
export interface SimulatorClock {
  readonly mode: ClockMode;
  /** Epoch milliseconds, as the simulated Atlas sees them. */
  now(): number;
  /** Moves the simulated time forward by `ms` (in both modes); jobs due by then change on the next request. */
  advance(ms: number): void;
  /** Moves the simulated time to `epochMs` (never backwards: created jobs would travel back in their states). */
  set(epochMs: number): void;
}

export function createClock(options: SimulatorClockOptions = {}): SimulatorClock {
  const mode = options.mode ?? 'real';
  if (mode !== 'real' && mode !== 'manual')
    throw new Error(`simulator: clock mode must be real or manual, got ${String(mode)}`);
  const wall = Date.now();
  const start = options.startMs ?? wall;
  // Real mode keeps an offset from the wall clock; manual mode keeps the time itself.
  let offset = start - wall;
  let manual = start;
  const now = () => (mode === 'real' ? Date.now() + offset : manual);
  return {
    mode,
    now,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new Error('simulator: clock.advance takes a non-negative number of ms');
      if (mode === 'real') offset += ms;
      else manual += ms;
    },
    set(epochMs) {
      const current = now();
      if (!Number.isFinite(epochMs) || epochMs < current) {
        throw new Error('simulator: clock.set cannot move the clock backwards');
      }
      if (mode === 'real') offset += epochMs - current;
      else manual = epochMs;
    },
  };
}
