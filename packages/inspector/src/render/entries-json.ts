import type { SocketEntry } from '../types.ts';

/** Entries per piece of {@link entriesToJSONPieces}: ~40 KB of text, a line each. */
const entriesPerPiece = 128;

/**
 * One JSON array of entries, in DESIGN.md's field order (`hidden` only when an owner is unknown):
 * the pieces of {@link entriesToJSONPieces}, a line each.
 */
export function entriesToJSON(entries: readonly SocketEntry[]): string {
  return [...entriesToJSONPieces(entries)].join('\n');
}

/**
 * {@link entriesToJSON} in pieces of `size` entries (the last may hold fewer), to be written as
 * they come with a newline after each: a big table never exists as one string. With 20,000
 * sockets that string is 6 MB, and writing it meant two more copies (flattened, then encoded),
 * all in fresh memory. A newline after every entry instead would cost ~10 ms more on Node and
 * Bun with 20,000 sockets (a second pass over the text).
 */
export function* entriesToJSONPieces(
  entries: readonly SocketEntry[],
  size = entriesPerPiece,
): Generator<string, void, undefined> {
  if (entries.length === 0) {
    yield '[]';
    return;
  }
  for (let start = 0; start < entries.length; start += size) {
    const end = Math.min(entries.length, start + size);
    // The native serializer, a slice at a time; the brackets come off where the array goes on.
    const text = JSON.stringify(entries.slice(start, end));
    const head = start === 0 ? text : text.slice(1);
    yield end === entries.length ? head : `${head.slice(0, -1)},`;
  }
}
