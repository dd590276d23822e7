import { closeSync, openSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { type CollectStrategy, tableError } from '../collect/collect-plan.ts';
import type { SocketProto } from '../types.ts';
import { readAllSync } from './read-all.ts';
import {
  collectShared,
  type ScanWorker,
  type ScanWorkerData,
  type SharedCollectHooks,
  scanSource,
} from './shared-collect.ts';
import type { SharedScanResult, scanSharedFds } from './shared-fd-scan.ts';

export interface WorkerCollectOptions {
  /** Below this many open fds in all, a worker's start-up (~30 ms) costs more than it saves. */
  minFds?: number;
  /** A process with more fds than this is listed once and its fds shared out in chunks. */
  bigAbove?: number;
}

/** Node and Bun: a worker_threads worker shares the fd scan (see collectShared). */
export function createWorkerCollect(options: WorkerCollectOptions = {}): CollectStrategy {
  const hooks: SharedCollectHooks = {
    minFds: options.minFds ?? 4000,
    bigAbove: options.bigAbove ?? 1000,
    fdCount(path) {
      try {
        return statSync(path).size;
      } catch {
        return 0;
      }
    },
    startWorker,
    readTableSync,
  };
  return (request, fs) => collectShared(request, fs, hooks);
}

export const workerCollect: CollectStrategy = createWorkerCollect();

function startWorker(data: ScanWorkerData): ScanWorker {
  const worker = new Worker(`${scanSource()}(${workerMain.toString()})(scanSharedFds);`, {
    eval: true,
    workerData: data,
  });
  worker.unref();
  const result = new Promise<SharedScanResult | undefined>((resolve) => {
    worker.once('message', (message: SharedScanResult) => resolve(message));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  return { result, stop: () => worker.terminate() };
}

/** A /proc/net table in one or a few big reads (each read makes the kernel walk its hash again). */
function readTableSync(procRoot: string, table: SocketProto): string | undefined {
  let fd: number;
  try {
    fd = openSync(`${procRoot}/net/${table}`, 'r');
  } catch (error) {
    return tableError(error, procRoot, table);
  }
  try {
    // The tables are ASCII: latin1 decodes them with a plain copy.
    return readAllSync(fd, 1 << 22, 'latin1');
  } catch (error) {
    return tableError(error, procRoot, table);
  } finally {
    closeSync(fd);
  }
}

/**
 * The worker's code, run from its source text (eval) so it works from dist and from sources
 * alike: its share of the fd scan, posted back when done.
 */
function workerMain(scan: typeof scanSharedFds): void {
  const { readdirSync, readlinkSync } = require('node:fs') as typeof import('node:fs');
  const { workerData, parentPort } =
    require('node:worker_threads') as typeof import('node:worker_threads');
  const result = scan({
    ...workerData,
    readdir: (path: string) => readdirSync(path),
    readlink: (path: string) => {
      try {
        return readlinkSync(path);
      } catch {
        return undefined;
      }
    },
  });
  parentPort?.postMessage(result);
}
