import { matchesPid, matchesSocket, protosFor } from '../filters.ts';
import { parseProcNetInet, parseProcNetUnix } from '../parsers/proc-net.ts';
import type { ProcFs } from '../runtime/proc-fs.ts';
import type { SocketEntry, SocketFilters } from '../types.ts';
import { type CollectStrategy, collectSequential } from './collect-plan.ts';
import { nameOwners, type SocketOwners } from './socket-owners.ts';
import { passwdUsers } from './users.ts';

export interface LinuxCollectOptions {
  /** Where /proc is mounted; tests point it at a fixture tree. */
  procRoot?: string;
  passwdPath?: string;
  /** Map inodes to processes (the fd scan). Default true. */
  owners?: boolean;
  fs: ProcFs;
  /** How to overlap table reads and the fd scan; default: the adapter's, else sequential. */
  strategy?: CollectStrategy;
  /** The caller's uid: rows of other users without a visible owner say "needs root". */
  uid?: number;
}

/**
 * Reads /proc/net/* and maps socket inodes to processes through /proc/<pid>/fd. Only the
 * tables the filters need are read (--proto tcp: tcp and tcp6).
 */
export async function collectLinuxSockets(
  filters: SocketFilters,
  options: LinuxCollectOptions,
): Promise<SocketEntry[]> {
  const { fs } = options;
  const procRoot = options.procRoot ?? '/proc';
  const user = passwdUsers(options.passwdPath ?? '/etc/passwd', fs.readTextSync);
  const entries: SocketEntry[] = [];
  const strategy = options.strategy ?? fs.collect ?? collectSequential;
  const owners = await strategy(
    {
      procRoot,
      tables: protosFor(filters),
      owners: options.owners !== false,
      pids: filters.pid === undefined ? undefined : [filters.pid],
      onTable(proto, text) {
        if (text === undefined) return;
        const parsed = proto === 'unix' ? parseProcNetUnix(text) : parseProcNetInet(text, proto, user);
        for (const entry of parsed.entries) if (matchesSocket(entry, filters)) entries.push(entry);
      },
    },
    fs,
  );
  return owners ? attachOwners(entries, owners, filters, procRoot, options) : entries;
}

function attachOwners(
  entries: SocketEntry[],
  owners: SocketOwners,
  filters: SocketFilters,
  procRoot: string,
  options: LinuxCollectOptions,
): SocketEntry[] {
  const kept: SocketEntry[] = [];
  const named = [];
  const uid = options.uid;
  for (const entry of entries) {
    const found = entry.inode === 0 ? undefined : owners.byInode.get(entry.inode);
    if (found) {
      // Scan order differs between threads: list owners by pid, then fd, like ss.
      if (found.length > 1) found.sort((a, b) => a.pid - b.pid || (a.fd ?? 0) - (b.fd ?? 0));
      entry.processes = found;
      for (const owner of found) named.push(owner);
    } else if (entry.inode === 0) {
      entry.hidden = 'no owning process';
    } else if (owners.unreadable > 0 && uid !== 0 && entry.uid !== uid) {
      entry.hidden = 'needs root';
    } else {
      entry.hidden = 'owner not visible';
    }
    if (matchesPid(entry, filters.pid)) kept.push(entry);
  }
  nameOwners(procRoot, options.fs, named);
  for (const entry of kept) {
    const first = entry.processes[0];
    if (first) {
      entry.pid = first.pid;
      entry.command = first.command;
    }
  }
  return kept;
}
