import type { SocketEntry } from '../types.ts';

/** One JSON array of entries, in DESIGN.md's field order (`hidden` only when an owner is unknown). */
export function entriesToJSON(entries: readonly SocketEntry[]): string {
  return JSON.stringify(entries);
}
