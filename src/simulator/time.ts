// Time for the simulator: units, the seed's frozen "now", and Atlas's instant format. Nothing here
// reads the clock, so the seed is identical on every run; only objects created through POST use the
// real time (see `now()` in routes/shared.ts).

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The fixed "now" of the seed data. Everything seeded is placed relative to it. */
export const SEED_INSTANT_MS = Date.UTC(2026, 7, 20, 12, 0, 0);

/** Atlas formats instants without milliseconds: `2026-08-20T12:00:00Z`. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An instant `ms` before the seed instant. */
export function ago(ms: number): string {
  return iso(SEED_INSTANT_MS - ms);
}

export function epochSeconds(isoString: string): number {
  return Math.floor(Date.parse(isoString) / 1000);
}
