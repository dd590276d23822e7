import { closeSync, openSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { type CollectStrategy, tableError } from '../collect/collect-plan.ts';
import type { SocketProto } from '../types.ts';
import { readLinesSync } from './read-all.ts';
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
/** Bytes asked per read of a table: ~1,700 rows, enough for the parser to get optimized. */
const tablePiece = 256 * 1024;

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

function startWorker(): ScanWorker {
  const worker = new Worker(`${scanSource()}(${workerMain.toString()})(scanSharedFds, require);`, {
    eval: true,
  });
  worker.unref();
  const result = new Promise<SharedScanResult | undefined>((resolve) => {
    worker.once('message', (message: SharedScanResult) => resolve(message));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  return {
    start: (data: ScanWorkerData) => worker.postMessage(data),
    result,
    stop: () => worker.terminate(),
  };
}

/**
 * A /proc/net table in pieces of whole lines, each parsed while the next is read: the parser gets
 * optimized during the first pieces (each read makes the kernel seek to where the last one ended).
 */
function readTableSync(
  procRoot: string,
  table: SocketProto,
  onText: (text: string | undefined, more: boolean) => void,
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

/**
 * The worker's code, run from its source text (eval) so it works from dist, sources and the CLI
 * bundle alike (`require` comes in as `load`: a bundler rewrites a free `require`): it boots,
 * waits for its data, and posts back what it could not store in the table.
 */
function workerMain(scan: typeof scanSharedFds, load: NodeJS.Require): void {
  const { readdirSync, readlinkSync } = load('node:fs') as typeof import('node:fs');
  const { parentPort } = load('node:worker_threads') as typeof import('node:worker_threads');
  parentPort?.once('message', (data: ScanWorkerData) => {
    const result = scan({
      ...data,
      readdir: (path: string) => readdirSync(path),
      readlink: (path: string) => {
        try {
          return readlinkSync(path);
        } catch {
          return undefined;
        }
      },
    });
    parentPort.postMessage(result);
  });
}
