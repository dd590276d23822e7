import { closeSync, openSync, readdirSync, readlinkSync } from 'node:fs';
import { workerCollect } from './node-worker-collect.ts';
import type { ProcFs } from './proc-fs.ts';
import { readAll, readAllSync } from './read-all.ts';
import { isDenied } from './shared-fd-scan.ts';

/** Node: node:fs, with the big /proc reads on libuv's thread pool (a second core). */
export const nodeProcFs: ProcFs = {
  async readText(path) {
    const fd = openSync(path, 'r');
    try {
      return await readAll(fd, 1 << 20, 'utf8');
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
    } catch (error) {
      return isDenied(error) ? null : undefined;
    }
  },
  collect: workerCollect,
};

export default nodeProcFs;
