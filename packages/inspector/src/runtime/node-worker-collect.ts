import { closeSync, openSync, statSync } from 'node:fs';
import { type CollectStrategy, tableError } from '../collect/collect-plan.ts';
import type { SocketProto } from '../types.ts';
import { tablePiece } from './line-pieces.ts';
import { nodeScanWorker } from './node-scan-worker.ts';
import { readLinesSync } from './read-all.ts';
import { collectShared, type SharedCollectHooks } from './shared-collect.ts';
import { scanWorkerMinFds } from './shared-fd-scan.ts';

export interface WorkerCollectOptions {
  /** Below this many open fds in all, no worker (default scanWorkerMinFds). */
  minFds?: number;
  /** A process with more fds than this is listed once and its fds shared out in chunks. */
  bigAbove?: number;
}

/** Node and Bun: a worker_threads worker shares the fd scan (see collectShared). */
export function createWorkerCollect(options: WorkerCollectOptions = {}): CollectStrategy {
  const hooks: SharedCollectHooks = {
    minFds: options.minFds ?? scanWorkerMinFds,
    bigAbove: options.bigAbove ?? 1000,
    fdCount(path) {
      try {
        return statSync(path).size;
      } catch {
        return 0;
      }
    },
    startWorker: nodeScanWorker,
    readTableSync,
  };
  return (request, fs) => collectShared(request, fs, hooks);
}

export const workerCollect: CollectStrategy = createWorkerCollect();

/**
 * A /proc/net table in pieces of whole lines, each parsed as soon as it is read: the parser gets
 * optimized during the first pieces instead of halfway through one long parse. Bytes, not text:
 * decoding 4 MB of table to strings cost Node ~25 ms and as much garbage to collect.
 */
function readTableSync(
  procRoot: string,
  table: SocketProto,
  onText: (bytes: Uint8Array | undefined, more: boolean) => void,
): void {
  let fd: number;
  try {
    fd = openSync(`${procRoot}/net/${table}`, 'r');
  } catch (error) {
    onText(tableError(error, procRoot, table), false);
    return;
  }
  try {
    readLinesSync(fd, tablePiece, onText);
  } catch (error) {
    onText(tableError(error, procRoot, table), false);
  } finally {
    closeSync(fd);
  }
}
