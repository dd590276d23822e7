import { statSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { type CollectStrategy, collectSequential, tableError } from '../collect/collect-plan.ts';
import { type FdPart, listProcesses, type SocketOwners, scanProcess } from '../collect/socket-owners.ts';
import type { SocketProto } from '../types.ts';

export interface WorkerCollectOptions {
  /** Below this many open fds in all, a worker's start-up (~25 ms) costs more than it saves. */
  minFds?: number;
  /** A process with more fds than this is scanned as two halves (even / odd fd numbers). */
  splitAbove?: number;
}

type Unit = [pidText: string, part: FdPart];

interface TableMessage {
  table: SocketProto;
  text?: string;
  error?: { code?: string; name?: string; message: string };
}
interface DoneMessage {
  done: true;
  inodes: Uint32Array;
  pids: Int32Array;
  fds: Int32Array;
  unreadable: number;
}

/**
 * Node reads files on its thread pool only one 4 KB /proc chunk per event-loop turn, so an async
 * read cannot overlap a sync scan. Instead a worker thread reads the tables (kernel time on the
 * second core) and then shares the fd scan with the main thread, which parses each table as it
 * arrives. Work units come from a shared atomic counter; big processes are split in two.
 */
export function createWorkerCollect(options: WorkerCollectOptions = {}): CollectStrategy {
  const { minFds = 4000, splitAbove = 1000 } = options;
  return (request, fs) => collectWithWorker(request, fs, minFds, splitAbove);
}

export const workerCollect: CollectStrategy = createWorkerCollect();

async function collectWithWorker(
  request: Parameters<CollectStrategy>[0],
  fs: Parameters<CollectStrategy>[1],
  minFds: number,
  splitAbove: number,
): ReturnType<CollectStrategy> {
  if (!request.owners || request.pids) return collectSequential(request, fs);
  const pidNames = listProcesses(request.procRoot, fs).filter((n) => n.charCodeAt(0) >= 48 && n.charCodeAt(0) <= 57);
  const units: Unit[] = [];
  let total = 0;
  for (const pid of pidNames) {
    // Since Linux 6.2 the size of /proc/<pid>/fd is its number of open fds; 0 before.
    let size = 0;
    try {
      size = statSync(`${request.procRoot}/${pid}/fd`).size;
    } catch {}
    total += size;
    if (size > splitAbove) units.unshift([pid, 1], [pid, 2]);
    else units.push([pid, 0]);
  }
  if (total < minFds) return collectSequential(request, fs);

  const shared = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    worker = new Worker(`(${workerMain.toString()})()`, {
      eval: true,
      workerData: { procRoot: request.procRoot, tables: request.tables, units, shared, port: port2 },
      transferList: [port2],
    });
  } catch {
    port1.close();
    return collectSequential(request, fs);
  }
  worker.unref();
  const owners: SocketOwners = { byInode: new Map(), unreadable: 0 };
  let done: DoneMessage | undefined;
  let failure: unknown;
  const handle = (message: TableMessage | DoneMessage) => {
    if ('done' in message) {
      done = message;
      return;
    }
    if (failure) return;
    try {
      const text = message.error ? tableError(message.error, request.procRoot, message.table) : message.text;
      request.onTable(message.table, text);
    } catch (error) {
      failure = error;
    }
  };
  const poll = () => {
    for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) handle(m.message);
  };

  for (;;) {
    const index = Atomics.add(shared, 0, 1);
    if (index >= units.length) break;
    const [pid, part] = units[index] as Unit;
    scanProcess(request.procRoot, pid, part, fs, owners);
    poll();
  }
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
  const result = done as DoneMessage;
  owners.unreadable += result.unreadable;
  for (let i = 0; i < result.inodes.length; i++) {
    const inode = result.inodes[i] as number;
    const owner = { pid: result.pids[i] as number, command: null, fd: result.fds[i] as number };
    const list = owners.byInode.get(inode);
    if (list) list.push(owner);
    else owners.byInode.set(inode, [owner]);
  }
  return owners;
}

/**
 * The worker's code, run from its source text (eval) so it works from dist and from sources
 * alike. Self-contained: it may use only what `require` gives it.
 */
function workerMain(): void {
  const { readSync, openSync, closeSync, readdirSync, readlinkSync } = require('node:fs') as typeof import('node:fs');
  const { workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const { procRoot, tables, units, shared, port } = workerData as {
    procRoot: string;
    tables: string[];
    units: [string, number][];
    shared: Int32Array;
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
  const inodes: number[] = [];
  const pids: number[] = [];
  const fds: number[] = [];
  let unreadable = 0;
  for (;;) {
    const index = Atomics.add(shared, 0, 1);
    if (index >= units.length) break;
    const [pidText, part] = units[index] as [string, number];
    const dir = `${procRoot}/${pidText}/fd/`;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'ENOENT' && code !== 'ESRCH') unreadable++;
      continue;
    }
    const pid = Number(pidText);
    for (const name of names) {
      const fd = Number(name);
      if (part !== 0 && (fd & 1) !== part - 1) continue;
      let target: string;
      try {
        target = readlinkSync(dir + name);
      } catch {
        continue;
      }
      if (target.charCodeAt(0) !== 115 || target.charCodeAt(7) !== 91) continue;
      let inode = 0;
      for (let i = 8; i < target.length - 1; i++) inode = inode * 10 + (target.charCodeAt(i) - 48);
      inodes.push(inode);
      pids.push(pid);
      fds.push(fd);
    }
  }
  const message = {
    done: true,
    inodes: Uint32Array.from(inodes),
    pids: Int32Array.from(pids),
    fds: Int32Array.from(fds),
    unreadable,
  };
  port.postMessage(message, [message.inodes.buffer, message.pids.buffer, message.fds.buffer]);
  port.close();
}
