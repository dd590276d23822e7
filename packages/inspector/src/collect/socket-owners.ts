import type { SocketOwner } from '../types.ts';
import type { ProcFs } from '../runtime/proc-fs.ts';

/** Which processes hold which socket inodes, as `ss -p` finds them through /proc/<pid>/fd. */
export interface SocketOwners {
  /** inode → every (pid, fd) holding it; commands are filled in by `nameOwners`. */
  byInode: Map<number, SocketOwner[]>;
  /** Processes whose fd table we may not read (not root). */
  unreadable: number;
}

/**
 * Scans /proc/<pid>/fd/* and keeps the `socket:[inode]` links. Sync on purpose: it is ~20,000
 * tiny syscalls, where a promise or callback per call costs more than the call itself.
 * `pids` limits the scan (a --pid filter needs one process only).
 */
export function scanSocketOwners(procRoot: string, fs: ProcFs, pids?: readonly number[]): SocketOwners {
  const byInode = new Map<number, SocketOwner[]>();
  let unreadable = 0;
  const names = pids ? pids.map(String) : fs.listDir(procRoot);
  for (const name of names) {
    const first = name.charCodeAt(0);
    if (first < 48 || first > 57) continue;
    const dir = `${procRoot}/${name}/fd/`;
    let fds: string[];
    try {
      fds = fs.listDir(dir);
    } catch (error) {
      // A process that exited meanwhile is no loss; one we may not read hides its sockets.
      if ((error as { code?: string }).code !== 'ENOENT' && !isNotFound(error)) unreadable++;
      continue;
    }
    const pid = Number(name);
    for (const fd of fds) {
      const target = fs.readLink(dir + fd);
      // "socket:[12345]": 's' at 0, '[' at 7, ']' last.
      if (target === undefined || target.charCodeAt(0) !== 115 || target.charCodeAt(7) !== 91) continue;
      let inode = 0;
      for (let i = 8; i < target.length - 1; i++) inode = inode * 10 + (target.charCodeAt(i) - 48);
      const owner: SocketOwner = { pid, command: null, fd: Number(fd) };
      const list = byInode.get(inode);
      if (list) list.push(owner);
      else byInode.set(inode, [owner]);
    }
  }
  return { byInode, unreadable };
}

function isNotFound(error: unknown): boolean {
  return (error as { name?: string }).name === 'NotFound';
}

/** Fills `command` from /proc/<pid>/comm, one read per distinct pid. */
export function nameOwners(procRoot: string, fs: ProcFs, owners: Iterable<SocketOwner>): void {
  const names = new Map<number, string | null>();
  for (const owner of owners) {
    let command = names.get(owner.pid);
    if (command === undefined) {
      try {
        command = fs.readTextSync(`${procRoot}/${owner.pid}/comm`).replace(/\n$/, '');
      } catch {
        command = null;
      }
      names.set(owner.pid, command);
    }
    owner.command = command;
  }
}
