import { read, readSync } from 'node:fs';

// /proc files report size 0: read into a buffer that doubles while less than a quarter of it is
// free. Each read() of a /proc/net table makes the kernel walk its socket hash again.

/** `buffer`, or a copy twice its size when less than a quarter of it is free after `length`. */
function withRoom(buffer: Buffer, length: number): Buffer {
  if (buffer.length - length >= buffer.length / 4) return buffer;
  const bigger = Buffer.allocUnsafe(buffer.length * 2);
  buffer.copy(bigger, 0, 0, length);
  return bigger;
}

/** Everything left in `fd`, read synchronously, starting with a buffer of `initial` bytes. */
export function readAllSync(fd: number, initial: number, encoding: BufferEncoding): string {
  let buffer: Buffer = Buffer.allocUnsafe(initial);
  let length = 0;
  for (;;) {
    buffer = withRoom(buffer, length);
    const bytes = readSync(fd, buffer, length, buffer.length - length, null);
    if (bytes === 0) return buffer.toString(encoding, 0, length);
    length += bytes;
  }
}

/** The same on libuv's thread pool (another core), one read() at a time. */
export async function readAll(
  fd: number,
  initial: number,
  encoding: BufferEncoding,
): Promise<string> {
  let buffer: Buffer = Buffer.allocUnsafe(initial);
  let length = 0;
  for (;;) {
    buffer = withRoom(buffer, length);
    const target = buffer;
    const bytes = await new Promise<number>((resolve, reject) => {
      read(fd, target, length, target.length - length, null, (error, count) =>
        error ? reject(error) : resolve(count),
      );
    });
    if (bytes === 0) return buffer.toString(encoding, 0, length);
    length += bytes;
  }
}
