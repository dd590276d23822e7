import { statSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { type CollectStrategy, collectSequential, tableError } from '../collect/collect-plan.ts';
import { listProcesses, type SocketOwners } from '../collect/socket-owners.ts';
import type { SocketProto } from '../types.ts';
import { type SharedScanResult, scanSharedFds } from './shared-fd-scan.ts';

export interface WorkerCollectOptions {
  /** Below this many open fds in all, a worker's start-up (~30 ms) costs more than it saves. */
  minFds?: number;
  /** A process with more fds than this is listed once and its fds shared out in chunks. */
  bigAbove?: number;
}

interface TableMessage {
  table: SocketProto;
  text?: string;
  error?: { code?: string; name?: string; message: string };
}
interface DoneMessage extends SharedScanResult {
  done: true;
}

/**
 * Node reads a file on its thread pool one 4 KB /proc chunk per event-loop turn, so an async
 * read cannot overlap a sync scan. Instead a worker thread reads the tables (kernel time on the
 * second core), then joins the fd scan, which both threads share through a SharedArrayBuffer
 * (scanSharedFds); the main thread parses each table as soon as it arrives.
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
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    // esbuild (vitest) may wrap named functions in __name(): give the worker a no-op one.
    const source = `const __name = (f) => f;\n(${workerMain.toString()})(${scanSharedFds.toString()});`;
    worker = new Worker(source, {
      eval: true,
      workerData: {
        procRoot: request.procRoot,
        tables: request.tables,
        units,
        control,
        fdNumbers,
        offsets,
        capacities,
        port: port2,
      },
      transferList: [port2],
    });
  } catch {
    port1.close();
    return collectSequential(request, fs);
  }
  worker.unref();
  let done: DoneMessage | undefined;
  let failure: unknown;
  const handle = (message: TableMessage | DoneMessage) => {
    if ('done' in message) {
      done = message;
      return;
    }
    if (failure) return;
    try {
      const text = message.error
        ? tableError(message.error, request.procRoot, message.table)
        : message.text;
      request.onTable(message.table, text);
    } catch (error) {
      failure = error;
    }
  };
  const poll = () => {
    for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) handle(m.message);
  };
  const mine = scanSharedFds({
    procRoot: request.procRoot,
    units,
    control,
    fdNumbers,
    offsets,
    capacities,
    readdir: (path) => fs.listDir(path),
    readlink: (path) => fs.readLink(path),
    between: poll,
  });
  poll();
  if (!done) {
    const exited = await new Promise<boolean>((resolve) => {
      port1.on('message', (message) => {
        handle(message);
        if (done) resolve(false);
      });
      worker.once('error', () => resolve(true));
      worker.once('exit', () => resolve(!done));
    });
    if (exited && !done) {
      // The worker died: its share of the work is lost, so do it all here.
      port1.close();
      return collectSequential(request, fs);
    }
  }
  port1.close();
  if (failure) throw failure;
  const owners: SocketOwners = {
    byInode: new Map(),
    unreadable: mine.unreadable + (done as DoneMessage).unreadable,
  };
  for (const part of [mine, done as DoneMessage]) {
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

/**
 * The worker's code, run from its source text (eval) so it works from dist and from sources
 * alike: read the tables, post each, then share the fd scan.
 */
function workerMain(scan: typeof scanSharedFds): void {
  const { readSync, openSync, closeSync, readdirSync, readlinkSync } =
    require('node:fs') as typeof import('node:fs');
  const { workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const { procRoot, tables, port } = workerData as {
    procRoot: string;
    tables: string[];
    port: import('node:worker_threads').MessagePort;
  };
  for (const table of tables) {
    try {
      const fd = openSync(`${procRoot}/net/${table}`, 'r');
      let buffer = Buffer.allocUnsafe(1 << 20);
      let length = 0;
      try {
        for (;;) {
          if (buffer.length - length < 65536) {
            const bigger = Buffer.allocUnsafe(buffer.length * 2);
            buffer.copy(bigger, 0, 0, length);
            buffer = bigger;
          }
          const bytes = readSync(fd, buffer, length, buffer.length - length, null);
          if (bytes === 0) break;
          length += bytes;
        }
      } finally {
        closeSync(fd);
      }
      port.postMessage({ table, text: buffer.toString('utf8', 0, length) });
    } catch (error) {
      const { code, name, message } = error as { code?: string; name?: string; message: string };
      port.postMessage({ table, error: { code, name, message } });
    }
  }
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
  port.postMessage({ done: true, ...result });
  port.close();
}
