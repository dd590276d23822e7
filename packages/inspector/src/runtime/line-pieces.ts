/** Bytes asked per read of a table (the kernel gives one page per read, ~27 rows of /proc/net/tcp). */
export const tablePiece = 64 * 1024;

/** How {@link readLinePieces} gets at a file: its own buffers and reads. */
export interface LinePieceSource<B extends Uint8Array> {
  alloc(size: number): B;
  /** Reads up to `length` bytes into `buffer` at `offset`: how many came, 0 at the end. */
  read(buffer: B, offset: number, length: number): number;
}

/**
 * Everything left in a file, handed to `onLines` in pieces of whole lines as it is read (`piece`
 * bytes asked per read; a line longer than that grows the buffer). The first call has `more`
 * false. Each piece is a view of one buffer that the next read reuses: use it (or copy it)
 * before returning. Cutting after a newline byte never splits a UTF-8 character. No text is
 * decoded (the parsers read bytes). Runtime-neutral: Node and Deno each bring their reads.
 */
export function readLinePieces<B extends Uint8Array>(
  source: LinePieceSource<B>,
  piece: number,
  onLines: (bytes: Uint8Array, more: boolean) => void,
): void {
  let buffer = source.alloc(2 * piece);
  let length = 0;
  let more = false;
  for (;;) {
    if (buffer.length - length < piece) {
      const bigger = source.alloc(buffer.length * 2);
      bigger.set(buffer.subarray(0, length));
      buffer = bigger;
    }
    const bytes = source.read(buffer, length, piece);
    if (bytes === 0) {
      if (length > 0 || !more) onLines(buffer.subarray(0, length), more);
      return;
    }
    length += bytes;
    const cut = buffer.lastIndexOf(10, length - 1) + 1;
    if (cut === 0) continue;
    onLines(buffer.subarray(0, cut), more);
    more = true;
    buffer.copyWithin(0, cut, length);
    length -= cut;
  }
}
