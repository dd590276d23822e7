import { closeSync, openSync, read, readdirSync, readlinkSync } from 'node:fs';
import { workerCollect } from './node-worker-collect.ts';
import type { ProcFs } from './proc-fs.ts';
import { readAllSync } from './read-all-sync.ts';

// /proc files report size 0, so read them in large chunks: each read() makes the kernel walk
// its socket hash again, and fewer calls mean less kernel time.
const chunkSize = 1 << 20;

function readAsync(fd: number, buffer: Buffer, offset: number): Promise<number> {
  return new Promise((resolve, reject) => {
    read(fd, buffer, offset, buffer.length - offset, null, (error, bytes) =>
      error ? reject(error) : resolve(bytes),
    );
  });
}

/** Node: node:fs, with the big /proc reads on libuv's thread pool (a second core). */
export const nodeProcFs: ProcFs = {
  async readText(path) {
    const fd = openSync(path, 'r');
    try {
      let buffer = Buffer.allocUnsafe(chunkSize);
      let length = 0;
      for (;;) {
        if (buffer.length - length < chunkSize / 2) {
          const bigger = Buffer.allocUnsafe(buffer.length * 2);
          buffer.copy(bigger, 0, 0, length);
          buffer = bigger;
        }
        const bytes = await readAsync(fd, buffer, length);
        if (bytes === 0) break;
        length += bytes;
      }
      return buffer.toString('utf8', 0, length);
    } finally {
      closeSync(fd);
    }
  },
  readTextSync(path) {
    const fd = openSync(path, 'r');
    try {
      return readAllSync(fd, 64 * 1024, 'utf8');
    } finally {
      closeSync(fd);
    }
  },
  listDir(path) {
    return readdirSync(path);
  },
  readLink(path) {
    try {
      return readlinkSync(path);
    } catch {
      return undefined;
    }
  },
  collect: workerCollect,
};

export default nodeProcFs;
