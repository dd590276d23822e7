import { type CollectStrategy, collectSequential } from '../collect/collect-plan.ts';
import { listProcesses, type SocketOwners, scanSocketOwners } from '../collect/socket-owners.ts';
import type { SocketProto } from '../types.ts';
import { type SharedScanContext, type SharedScanResult, scanSharedFds } from './shared-fd-scan.ts';

/** What a scan worker gets: everything of SharedScanContext but the functions. */
export type ScanWorkerData = Omit<SharedScanContext, 'readdir' | 'readlink'>;

/** A started scan worker: its share of the scan, or undefined when it died. */
export interface ScanWorker {
  result: Promise<SharedScanResult | undefined>;
  stop(): Promise<unknown> | undefined;
}

/** What a runtime supplies to share the fd scan with a worker. */
export interface SharedCollectHooks {
  /** Below this many open fds in all, a worker's start-up costs more than it saves. */
  minFds: number;
  /** A process with more fds than this is listed once and its fds shared out in chunks. */
  bigAbove: number;
  /** Open fds of a process from the size of /proc/<pid>/fd (Linux 6.2+), 0 when unknown. */
  fdCount(path: string): number;
  /** Starts a worker running scanSharedFds on `data`; undefined when it cannot. */
  startWorker(data: ScanWorkerData): ScanWorker | undefined;
  /** A table's text, undefined for a missing IPv6 table (tableError). */
  readTableSync(procRoot: string, table: SocketProto): string | undefined;
}

/** The worker's scan function as source text (esbuild under vitest may wrap it in __name). */
export function scanSource(): string {
  return `const __name = (f) => f;\nconst scanSharedFds = ${scanSharedFds.toString()};\n`;
}

/**
 * A worker shares the fd scan with this thread through a SharedArrayBuffer (scanSharedFds).
 * While it boots, this thread reads the tables with big sync reads (kernel time) and parses
 * them, then joins the scan.
 */
export async function collectShared(
  request: Parameters<CollectStrategy>[0],
  fs: Parameters<CollectStrategy>[1],
  hooks: SharedCollectHooks,
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
    const size = hooks.fdCount(`${request.procRoot}/${pid}/fd`);
    total += size;
    if (size > hooks.bigAbove) {
      offsets.push(shared);
      capacities.push(size + 256);
      shared += size + 256;
      bigUnits.push([pid, bigUnits.length]);
    } else smallUnits.push([pid, -1]);
  }
  if (total < hooks.minFds) return collectSequential(request, fs);

  const data: ScanWorkerData = {
    procRoot: request.procRoot,
    units: [...bigUnits, ...smallUnits],
    control: new Int32Array(new SharedArrayBuffer(4 * (1 + 3 * bigUnits.length))),
    fdNumbers: new Int32Array(new SharedArrayBuffer(4 * Math.max(shared, 1))),
    offsets,
    capacities,
  };
  let worker: ScanWorker | undefined;
  try {
    worker = hooks.startWorker(data);
  } catch {}
  if (!worker) return collectSequential(request, fs);
  try {
    for (const table of request.tables) {
      request.onTable(table, hooks.readTableSync(request.procRoot, table));
    }
  } catch (error) {
    await worker.stop();
    throw error;
  }
  const mine = scanSharedFds({
    ...data,
    readdir: (path) => fs.listDir(path),
    readlink: (path) => fs.readLink(path),
  });
  const theirs = await worker.result;
  // The worker died: its share of the scan is lost, so do the scan again here.
  if (!theirs) return scanSocketOwners(request.procRoot, fs);
  const owners: SocketOwners = {
    byInode: new Map(),
    unreadable: mine.unreadable + theirs.unreadable,
  };
  for (const part of [mine, theirs]) {
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
