import { tableError } from '../collect/collect-plan.ts';
import type { SocketProto } from '../types.ts';

/** Bytes asked per read of a table (the kernel gives one page per read, ~27 rows of /proc/net/tcp). */
export const tablePiece = 64 * 1024;

/** An open table, as a runtime reads it. */
export interface TableFile {
  /** Reads up to `length` bytes into `buffer` at `offset`: how many came, 0 at the end. */
  read(buffer: Uint8Array, offset: number, length: number): number;
  close(): void;
}

/**
 * A /proc/net table in pieces of whole lines, each handed to `onBytes` as soon as it is read
 * (readLinePieces: views of one reused buffer), so that each is parsed as it comes: the parser
 * gets optimized during the first pieces instead of halfway through one long parse, and no 4 MB
 * of text (20,000 sockets) is read whole or decoded. A missing IPv6 table gives undefined;
 * anything else that fails throws tableError's SocketError. Node and Deno bring `open`.
 */
export function readTablePieces(
  procRoot: string,
  table: SocketProto,
  open: (path: string) => TableFile,
  onBytes: (bytes: Uint8Array | undefined, more: boolean) => void,
  piece = tablePiece,
): void {
  let file: TableFile;
  try {
    file = open(`${procRoot}/net/${table}`);
  } catch (error) {
    onBytes(tableError(error, procRoot, table), false);
    return;
  }
  try {
    readLinePieces(file.read, piece, onBytes);
  } catch (error) {
    onBytes(tableError(error, procRoot, table), false);
  } finally {
    file.close();
  }
}

/**
 * Everything left in a file, handed to `onLines` in pieces of whole lines as it is read (`piece`
 * bytes asked per read; a line longer than that grows the buffer). The first call has `more`
 * false. Each piece is a view of one buffer that the next read reuses: use it (or copy it)
 * before returning. Cutting after a newline byte never splits a UTF-8 character. No text is
 * decoded (the parsers read bytes). Runtime-neutral: `read` is a TableFile's.
 */
export function readLinePieces(
  read: TableFile['read'],
  piece: number,
  onLines: (bytes: Uint8Array, more: boolean) => void,
): void {
  let buffer = new Uint8Array(2 * piece);
  let length = 0;
  let more = false;
  for (;;) {
    if (buffer.length - length < piece) {
      const bigger = new Uint8Array(buffer.length * 2);
      bigger.set(buffer.subarray(0, length));
      buffer = bigger;
    }
    const bytes = read(buffer, length, piece);
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
