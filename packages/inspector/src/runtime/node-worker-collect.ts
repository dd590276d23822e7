import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { type CollectStrategy, collectSequential, tableError } from '../collect/collect-plan.ts';
import { listProcesses, type SocketOwners, scanSocketOwners } from '../collect/socket-owners.ts';
import type { SocketProto } from '../types.ts';
import { type SharedScanResult, scanSharedFds } from './shared-fd-scan.ts';

export interface WorkerCollectOptions {
  /** Below this many open fds in all, a worker's start-up (~30 ms) costs more than it saves. */
  minFds?: number;
  /** A process with more fds than this is listed once and its fds shared out in chunks. */
  bigAbove?: number;
}

/**
 * A worker thread shares the fd scan with this thread through a SharedArrayBuffer
 * (scanSharedFds). While it boots, this thread reads the tables with big sync reads (kernel
 * time; a Node async read gives only one 4 KB /proc chunk per event-loop turn) and parses them,
 * then joins the scan.
 */
export function createWorkerCollect(options: WorkerCollectOptions = {}): CollectStrategy {
  const { minFds = 4000, bigAbove = 1000 } = options;
  return (request, fs) => collectWithWorker(request, fs, minFds, bigAbove);
}

export const workerCollect: CollectStrategy = createWorkerCollect();

async function collectWithWorker(
  request: Parameters<CollectStrategy>[0],
  fs: Parameters<CollectStrategy>[1],
  minFds: number,
  bigAbove: number,
): ReturnType<CollectStrategy> {
  if (!request.owners || request.pids) return collectSequential(request, fs);
  const bigUnits: [string, number][] = [];
  const smallUnits: [string, number][] = [];
  const offsets: number[] = [];
  const capacities: number[] = [];
  let total = 0;
  let shared = 0;
  for (const pid of listProcesses(request.procRoot, fs)) {
    if (pid.charCodeAt(0) < 48 || pid.charCodeAt(0) > 57) continue;
    // Since Linux 6.2 the size of /proc/<pid>/fd is its number of open fds; 0 before.
    let size = 0;
    try {
      size = statSync(`${request.procRoot}/${pid}/fd`).size;
    } catch {}
    total += size;
    if (size > bigAbove) {
      offsets.push(shared);
      capacities.push(size + 256);
      shared += size + 256;
      bigUnits.push([pid, bigUnits.length]);
    } else smallUnits.push([pid, -1]);
  }
  if (total < minFds) return collectSequential(request, fs);

  const units = [...bigUnits, ...smallUnits];
  const control = new Int32Array(new SharedArrayBuffer(4 * (1 + 3 * bigUnits.length)));
  const fdNumbers = new Int32Array(new SharedArrayBuffer(4 * Math.max(shared, 1)));
  let worker: Worker;
  try {
    // esbuild (vitest) may wrap named functions in __name(): give the worker a no-op one.
    const source = `const __name = (f) => f;\n(${workerMain.toString()})(${scanSharedFds.toString()});`;
    worker = new Worker(source, {
      eval: true,
      workerData: { procRoot: request.procRoot, units, control, fdNumbers, offsets, capacities },
    });
  } catch {
    return collectSequential(request, fs);
  }
  worker.unref();
  const settled = new Promise<SharedScanResult | undefined>((resolve) => {
    worker.once('message', (message: SharedScanResult) => resolve(message));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  // While the worker boots (~30 ms) and starts scanning, this thread reads and parses the tables.
  try {
    for (const table of request.tables) request.onTable(table, readTableSync(request.procRoot, table));
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  const mine = scanSharedFds({
    procRoot: request.procRoot,
    units,
    control,
    fdNumbers,
    offsets,
    capacities,
    readdir: (path) => fs.listDir(path),
    readlink: (path) => fs.readLink(path),
    between: () => {},
  });
  const done = await settled;
  // The worker died: its share of the scan is lost, so do the scan again here.
  if (!done) return scanSocketOwners(request.procRoot, fs);
  const owners: SocketOwners = {
    byInode: new Map(),
    unreadable: mine.unreadable + done.unreadable,
  };
  for (const part of [mine, done]) {
    for (let i = 0; i < part.inodes.length; i++) {
      const inode = part.inodes[i] as number;
      const owner = { pid: part.pids[i] as number, command: null, fd: part.fds[i] as number };
      const list = owners.byInode.get(inode);
      if (list) list.push(owner);
      else owners.byInode.set(inode, [owner]);
    }
  }
  return owners;
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
    let buffer = Buffer.allocUnsafe(1 << 22);
    let length = 0;
    for (;;) {
      if (buffer.length - length < 1 << 16) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const bytes = readSync(fd, buffer, length, buffer.length - length, null);
      if (bytes === 0) break;
      length += bytes;
    }
    // The tables are ASCII: latin1 decodes them with a plain copy.
    return buffer.toString('latin1', 0, length);
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
    between: () => {},
  });
  parentPort?.postMessage(result);
}
