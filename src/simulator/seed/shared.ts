// Seed helpers shared by the families: cloud providers, a byte unit and fake host ids. Each family
// file (projects, clusters, cloud-backup, exports, legacy-backup, serverless, flex) declares its
// well-known ids (its part of DEMO) and builds its part of the store; index.ts assembles both.
import { objectId } from '../object-ids.js';

export type Provider = 'AWS' | 'AZURE' | 'GCP';

export const GB = 1024 * 1024 * 1024;

/** The short host part of a fake Atlas hostname: `<name>.<hostId>.mongodb.net`. */
export function hostId(name: string): string {
  return objectId(`host:${name}`).slice(0, 5);
}
