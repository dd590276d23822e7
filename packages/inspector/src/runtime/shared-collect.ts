import { type CollectStrategy, collectSequential } from '../collect/collect-plan.ts';
import {
  listProcesses,
  type OwnerLookup,
  ownersFromMap,
  scanSocketOwners,
} from '../collect/socket-owners.ts';
import type { SocketOwner, SocketProto } from '../types.ts';
import type { LinkReader } from './deno-link-reader.ts';
import { readTablePieces, type TableFile } from './line-pieces.ts';
import {
  controlHeader,
  ownerRoom,
  ownerSlot,
  type SharedScanContext,
  type SharedScanResult,
  scanSharedFds,
} from './shared-fd-scan.ts';

/** What a scan worker gets: everything of SharedScanContext but the functions. */
export type ScanWorkerData = Omit<SharedScanContext, 'readdir' | 'readlink'>;

/** A started scan worker: it boots while this thread lists processes, then gets its data. */
export interface ScanWorker {
  /** Hands the worker its scan; it posts back its share of the result. */
  start(data: ScanWorkerData): void;
  /** The worker's result, or undefined when it died. */
  result: Promise<SharedScanResult | undefined>;
  stop(): Promise<unknown> | undefined;
}

/** What a runtime supplies to share the fd scan with a worker. */
export interface SharedCollectHooks {
  /** Below this many open fds in all, a worker's start-up costs more than it saves. */
  minFds: number;
  /** A process with more fds than this is not listed: its fd numbers are shared out in chunks. */
  bigAbove: number;
  /** Open fds of a process from the size of /proc/<pid>/fd (Linux 6.2+), 0 when unknown. */
  fdCount(path: string): number;
  /** Starts a worker that will run scanSharedFds on the data it is given; undefined when it cannot. */
  startWorker(): ScanWorker | undefined;
  /** Opens a /proc/net table for readTablePieces (synchronous reads). */
  openTable(path: string): TableFile;
  /**
   * Dumps an inet table of this /proc's network over netlink instead (see TablesAndOwners.onDiag):
   * true when it reached the end; false when it cannot (another /proc root) or failed.
   */
  dumpTable?(procRoot: string, proto: SocketProto, onBytes: (bytes: Uint8Array) => number): boolean;
  /** Reads this thread's links without readlink's strings (SharedScanContext.linkInode). */
  linkReader?(): LinkReader | undefined;
}

/**
 * A worker shares the fd scan with this thread through SharedArrayBuffers (scanSharedFds). It
 * starts booting as soon as the process listing shows enough fds (or earlier: the CLI prestarts
 * it for `inspect`); while it boots and scans, this thread reads the tables (kernel time) and
 * parses each piece as it comes (the parser gets optimized during the first pieces, not halfway
 * through), then joins the scan.
 */
export async function collectShared(
  request: Parameters<CollectStrategy>[0],
  fs: Parameters<CollectStrategy>[1],
  hooks: SharedCollectHooks,
): ReturnType<CollectStrategy> {
  if (!request.owners || request.pids) return collectSequential(request, fs);
  const big: [string, number][] = [];
  const small: string[] = [];
  let total = 0;
  let worker: ScanWorker | null | undefined;
  // This process's fds change as its worker starts (the runtime opens some for the thread),
  // after it was sized: its count would stop its chunks before its last fds. It is listed.
  const self = String(ownPid());
  for (const pid of listProcesses(request.procRoot, fs)) {
    if (pid.charCodeAt(0) < 48 || pid.charCodeAt(0) > 57) continue;
    const size = hooks.fdCount(`${request.procRoot}/${pid}/fd`);
    total += size;
    if (size > hooks.bigAbove && pid !== self) big.push([pid, size]);
    else small.push(pid);
    if (total >= hooks.minFds && worker === undefined) worker = startWorker(hooks) ?? null;
  }
  if (!worker) return collectSequential(request, fs);

  // Two slots per fd seen (plus room for fds opened meanwhile): probes stay short.
  const slots = 2 ** Math.max(10, Math.ceil(Math.log2(2 * total + 2048)));
  const data: ScanWorkerData = {
    procRoot: request.procRoot,
    small,
    big,
    control: new Int32Array(new SharedArrayBuffer(4 * (controlHeader + 3 * big.length))),
    owners: request.ownerTable?.(slots) ?? new Int32Array(new SharedArrayBuffer(4 * 3 * slots)),
  };
  worker.start(data);
  try {
    for (const table of request.tables) {
      if (dumped(request, hooks, table)) continue;
      readTablePieces(request.procRoot, table, hooks.openTable, (bytes, more) =>
        request.onTable(table, bytes, more),
      );
    }
    request.onTablesRead?.();
  } catch (error) {
    await worker.stop();
    throw error;
  }
  const mine = scanSharedFds({
    ...data,
    backward: true,
    readdir: (path) => fs.listDir(path),
    readlink: (path) => fs.readLink(path),
    ...hooks.linkReader?.(),
  });
  // Both threads counted out and nothing spilled: all is in the table, no need of its message.
  // The worker has at most a chunk or a small process left: wait briefly, else for its message
  // (or its death, which a blocking wait could not see).
  const { control } = data;
  if (bothDone(control, 50) && Atomics.load(control, 1) <= ownerRoom(slots)) {
    return ownerTable(data.owners, [mine], control);
  }
  const theirs = await worker.result;
  // The worker died: its share of the scan is lost, so do the scan again here.
  if (!theirs || Atomics.load(control, 2) !== 2) {
    return ownersFromMap(scanSocketOwners(request.procRoot, fs));
  }
  return ownerTable(data.owners, [mine, theirs], control);
}

/** Whether the table came as a netlink dump. */
function dumped(
  request: Parameters<CollectStrategy>[0],
  hooks: SharedCollectHooks,
  table: SocketProto,
): boolean {
  const { onDiag } = request;
  if (!onDiag || !hooks.dumpTable || table === 'unix') return false;
  return hooks.dumpTable(request.procRoot, table, (bytes) => onDiag(table, bytes));
}

/** Waits (blocking, at most `ms`) for both scanning threads to count themselves out. */
function bothDone(control: Int32Array, ms: number): boolean {
  const deadline = Date.now() + ms;
  for (;;) {
    const done = Atomics.load(control, 2);
    if (done >= 2) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    Atomics.wait(control, 2, done, left);
  }
}

/** A worker, or null (not undefined: tried once) when this runtime cannot start one. */
function startWorker(hooks: SharedCollectHooks): ScanWorker | null {
  try {
    return hooks.startWorker() ?? null;
  } catch {
    return null;
  }
}

/** Reads the shared owner table the scan filled (and the few owners that did not fit it). */
export function ownerTable(
  table: Int32Array,
  parts: SharedScanResult[],
  control: Int32Array,
): OwnerLookup {
  const slots = table.length / 3;
  const bits = 31 - Math.clz32(slots);
  const spilled = new Map<number, SocketOwner[]>();
  for (const part of parts) {
    for (let i = 0; i < part.inodes.length; i++) {
      const inode = part.inodes[i] as number;
      const owner = { pid: part.pids[i] as number, command: null, fd: part.fds[i] as number };
      const list = spilled.get(inode);
      if (list) list.push(owner);
      else spilled.set(inode, [owner]);
    }
  }
  return {
    unreadable: Atomics.load(control, 3),
    all: () => ({
      table,
      filled: Math.min(Atomics.load(control, 1), ownerRoom(slots)),
      inodes: parts.flatMap((part) => part.inodes),
      pids: parts.flatMap((part) => part.pids),
      fds: parts.flatMap((part) => part.fds),
    }),
    of(inode) {
      const key = inode | 0;
      let found: SocketOwner[] | undefined;
      for (let slot = ownerSlot(key, bits); ; slot = (slot + 1) & (slots - 1)) {
        const at = slot * 3;
        const stored = table[at] as number;
        if (stored === 0) break;
        if (stored !== key) continue;
        const owner = { pid: table[at + 1] as number, command: null, fd: table[at + 2] as number };
        // [owner], not [] then push: an array grown by push reserves 17 slots (~130 bytes more
        // per socket, which the GC then copies twice and the kernel zero-fills).
        if (found === undefined) found = [owner];
        else found.push(owner);
      }
      const more = spilled.size > 0 ? spilled.get(inode) : undefined;
      return more ? [...(found ?? []), ...more] : found;
    },
  };
}

/**
 * This process's pid: Deno's first, since on Deno the `process` global is Node's layer, which
 * loads on first use (~11 ms of `socklab inspect` there).
 */
export function ownPid(): number | undefined {
  const g = globalThis as { process?: { pid?: number }; Deno?: { pid?: number } };
  return g.Deno?.pid ?? g.process?.pid;
}
