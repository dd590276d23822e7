import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { CollectStrategy } from '../collect/collect-plan.ts';
import type { TableFile } from './line-pieces.ts';
import { nodeScanWorker } from './node-scan-worker.ts';
import { collectShared, type SharedCollectHooks } from './shared-collect.ts';
import { scanWorkerMinFds } from './shared-fd-scan.ts';

export interface WorkerCollectOptions {
  /** Below this many open fds in all, no worker (default scanWorkerMinFds). */
  minFds?: number;
  /** A process with more fds than this is not listed: its fd numbers are shared out in chunks. */
  bigAbove?: number;
  /** Gets an inet table as a sock_diag dump (SharedCollectHooks.dumpTable; default: /proc/net). */
  dumpTable?: SharedCollectHooks['dumpTable'];
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
    openTable: openNodeTable,
    dumpTable: options.dumpTable,
  };
  return (request, fs) => collectShared(request, fs, hooks);
}

export const workerCollect: CollectStrategy = createWorkerCollect();

/** Node's way to read a table (readTablePieces). */
export function openNodeTable(path: string): TableFile {
  const fd = openSync(path, 'r');
  return {
    read: (buffer, offset, length) => readSync(fd, buffer, offset, length, null),
    close: () => closeSync(fd),
  };
}
