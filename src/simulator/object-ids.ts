// Deterministic Atlas-looking identifiers. The seed must be identical on every run (tests compare two
// seeds, benchmarks compare runs), so every id is a hash of a label: no clock, no random source.
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
