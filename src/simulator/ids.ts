// Deterministic ids and timestamps: the seed must be identical on every run (tests compare two
// seeds, benchmarks compare runs), so nothing here reads the clock or a random source.
import { createHash } from 'node:crypto';

/** A 24-hex Atlas object id derived from a label; same label, same id. */
export function objectId(label: string): string {
  return createHash('sha256').update(label).digest('hex').slice(0, 24);
}

/** A lowercase hex digest of a label, for fake file hashes and tokens. */
export function hexDigest(label: string, algorithm: 'sha1' | 'sha256' = 'sha1'): string {
  return createHash(algorithm).update(label).digest('hex');
}

/** A UUID-shaped value derived from a label (Azure tenant ids and the like). */
export function uuidFrom(label: string): string {
  const h = hexDigest(label, 'sha256');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

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
