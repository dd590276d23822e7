import { readSync } from 'node:fs';

/**
 * Everything left in `fd`, read synchronously into a buffer of `initial` bytes that doubles
 * while less than a quarter of it is free (/proc files report size 0).
 */
export function readAllSync(fd: number, initial: number, encoding: BufferEncoding): string {
  let buffer = Buffer.allocUnsafe(initial);
  let length = 0;
  for (;;) {
    if (buffer.length - length < initial / 4) {
      const bigger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(bigger, 0, 0, length);
      buffer = bigger;
    }
    const bytes = readSync(fd, buffer, length, buffer.length - length, null);
    if (bytes === 0) break;
    length += bytes;
  }
  return buffer.toString(encoding, 0, length);
}
