import { type SocketError, toSocketError } from '@socklab/core';
import type { ProcFs } from '../runtime/proc-fs.ts';
import type { SocketOwner } from '../types.ts';

/** Which processes hold which socket inodes, as `ss -p` finds them through /proc/<pid>/fd. */
export interface SocketOwners {
  /** inode → every (pid, fd) holding it; commands are filled in later, once per pid. */
  byInode: Map<number, SocketOwner[]>;
  /** Processes whose fd table we may not read (not root). */
  unreadable: number;
}

/** What the collector asks of a scan: who holds an inode (undefined: nobody seen). */
export interface OwnerLookup {
  of(inode: number): SocketOwner[] | undefined;
  /** Processes whose fd table we may not read (not root). */
  unreadable: number;
  /** Every owner at once (for the WebAssembly rows, src/collect/wasm-rows.ts). */
  all(): OwnerSet;
}

/**
 * Every (inode, pid, fd) a scan found: the hash table a two-thread scan filled (slots of inode,
 * pid and fd as Int32, `filled` of them used; see ownerSlot), and those outside it.
 */
export interface OwnerSet {
  table?: Int32Array;
  filled: number;
  inodes: number[];
  pids: number[];
  fds: (number | null)[];
}

/**
 * Why a socket's owner is not listed (an entry's `hidden`): no process holds a TIME_WAIT row;
 * another user's socket, when not root; a process whose fds even root may not read (ptrace
 * rules); an owner gone meanwhile, or in another pid namespace.
 */
export const hiddenReasons = [
  'no owning process',
  'needs root',
  'permission denied',
  'owner not visible',
] as const;

/** A Map-based scan result as an OwnerLookup. */
export function ownersFromMap(owners: SocketOwners): OwnerLookup {
  return {
    unreadable: owners.unreadable,
    of: (inode) => owners.byInode.get(inode),
    all() {
      const set: OwnerSet = { filled: 0, inodes: [], pids: [], fds: [] };
      for (const [inode, list] of owners.byInode) {
        for (const owner of list) {
          set.inodes.push(inode);
          set.pids.push(owner.pid);
          set.fds.push(owner.fd);
        }
      }
      return set;
    },
  };
}

/**
 * Scans /proc/<pid>/fd/* and keeps the `socket:[inode]` links. Sync on purpose: it is ~20,000
 * tiny syscalls, where a promise or callback per call costs more than the call itself.
 * `pids` limits the scan (a --pid filter needs one process only).
 */
export function scanSocketOwners(
  procRoot: string,
  fs: ProcFs,
  pids?: readonly number[],
): SocketOwners {
  const owners: SocketOwners = { byInode: new Map(), unreadable: 0 };
  const names = pids ? pids.map(String) : listProcesses(procRoot, fs);
  for (const name of names) {
    const first = name.charCodeAt(0);
    if (first < 48 || first > 57) continue;
    scanProcess(procRoot, name, fs, owners);
  }
  return owners;
}

/** The entries of /proc (a SocketError naming it when it cannot be listed). */
export function listProcesses(procRoot: string, fs: ProcFs): string[] {
  try {
    return fs.listDir(procRoot);
  } catch (error) {
    throw procError(error, procRoot, 'directory');
  }
}

/**
 * A SocketError naming what under /proc could not be read, with the fix: mount /proc, make it
 * readable, or, on Deno, grant --allow-all (Deno reads /proc with nothing less).
 */
export function procError(error: unknown, target: string, what: 'file' | 'directory'): SocketError {
  const missing = isNotFound(error);
  const deno = (error as { name?: string } | undefined)?.name === 'NotCapable';
  return toSocketError(error, {
    action: 'read',
    target,
    reason: missing
      ? `no such ${what} (is /proc mounted?)`
      : deno
        ? 'Deno reads /proc only with --allow-all'
        : undefined,
    hint: missing
      ? 'socklab inspect reads /proc on Linux'
      : deno
        ? 'run deno with -A'
        : 'check that /proc is readable',
  });
}

/** Adds the sockets of one process to `owners`. */
export function scanProcess(
  procRoot: string,
  pidText: string,
  fs: ProcFs,
  owners: SocketOwners,
): void {
  const dir = `${procRoot}/${pidText}/fd/`;
  let fds: string[];
  try {
    fds = fs.listDir(dir);
  } catch (error) {
    // A process that exited meanwhile is no loss; one we may not read hides its sockets.
    if (!isNotFound(error)) owners.unreadable++;
    return;
  }
  const pid = Number(pidText);
  let unread = 0;
  for (const fdText of fds) {
    const fd = Number(fdText);
    const target = fs.readLink(dir + fdText);
    if (target === null) {
      // Refused: so will every other link of this process be (ptrace rules); don't ask again.
      owners.unreadable++;
      return;
    }
    if (target === undefined) unread++;
    const inode = target === undefined ? -1 : socketInode(target);
    if (inode < 0) continue;
    const owner: SocketOwner = { pid, command: null, fd };
    const list = owners.byInode.get(inode);
    if (list) list.push(owner);
    else owners.byInode.set(inode, [owner]);
  }
  // Listing allowed but no link readable: the kernel hides this process (ptrace rules).
  if (fds.length > 0 && unread === fds.length) owners.unreadable++;
}

/** The inode in "socket:[12345]", or -1 for any other link target. */
export function socketInode(target: string): number {
  // 's' at 0, '[' at 7, ']' last: cheaper than a regex on 20,000 links.
  if (target.charCodeAt(0) !== 115 || target.charCodeAt(7) !== 91) return -1;
  let inode = 0;
  for (let i = 8; i < target.length - 1; i++) inode = inode * 10 + (target.charCodeAt(i) - 48);
  return inode;
}

function isNotFound(error: unknown): boolean {
  const { code, name } = error as { code?: string; name?: string };
  return code === 'ENOENT' || code === 'ESRCH' || name === 'NotFound';
}

/** A process's command name from /proc/<pid>/comm, as ss and netstat show it (null if gone). */
/** A process's effective uid (the second number of the `Uid:` line of its status), or null. */
export function uidOf(procRoot: string, pid: number, fs: ProcFs): number | null {
  try {
    const line = /^Uid:\s+\d+\s+(\d+)/m.exec(fs.readTextSync(`${procRoot}/${pid}/status`));
    return line ? Number(line[1]) : null;
  } catch {
    return null;
  }
}

export function commandOf(procRoot: string, pid: number, fs: ProcFs): string | null {
  try {
    return fs.readTextSync(`${procRoot}/${pid}/comm`).replace(/\n$/, '');
  } catch {
    return null;
  }
}
