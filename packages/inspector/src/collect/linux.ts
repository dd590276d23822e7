import { toSocketError } from '@socklab/core';
import { matchesPid, matchesSocket, protosFor } from '../filters.ts';
import { parseProcNetInet, parseProcNetUnix } from '../parsers/proc-net.ts';
import type { ProcFs } from '../runtime/proc-fs.ts';
import type { SocketEntry, SocketFilters, SocketProto } from '../types.ts';
import { nameOwners, scanSocketOwners, type SocketOwners } from './socket-owners.ts';
import { passwdUsers } from './users.ts';

export interface LinuxCollectOptions {
  /** Where /proc is mounted; tests point it at a fixture tree. */
  procRoot?: string;
  passwdPath?: string;
  /** Map inodes to processes (the fd scan). Default true. */
  owners?: boolean;
  fs: ProcFs;
  /** The caller's uid: rows of other users without a visible owner say "needs root". */
  uid?: number;
}

/**
 * Reads /proc/net/* and maps socket inodes to processes. The table reads are started first so
 * that, where the runtime reads off the main thread, the kernel fills them on one core while
 * the fd scan runs on the other.
 */
export async function collectLinuxSockets(
  filters: SocketFilters,
  options: LinuxCollectOptions,
): Promise<SocketEntry[]> {
  const { fs } = options;
  const procRoot = options.procRoot ?? '/proc';
  const protos = protosFor(filters);
  const reads = protos.map((proto) => readTable(fs, procRoot, proto));
  // Keep rejections handled while the sync scan runs; they are rethrown below.
  for (const read of reads) read.catch(() => {});
  let owners: SocketOwners | undefined;
  if (options.owners !== false) {
    owners = scanSocketOwners(procRoot, fs, filters.pid === undefined ? undefined : [filters.pid]);
  }
  const user = passwdUsers(options.passwdPath ?? '/etc/passwd', fs.readTextSync);
  const entries: SocketEntry[] = [];
  for (let i = 0; i < protos.length; i++) {
    const proto = protos[i] as SocketProto;
    const text = await (reads[i] as Promise<string | undefined>);
    if (text === undefined) continue;
    const parsed = proto === 'unix' ? parseProcNetUnix(text) : parseProcNetInet(text, proto, user);
    for (const entry of parsed.entries) if (matchesSocket(entry, filters)) entries.push(entry);
  }
  if (!owners) return entries;
  return attachOwners(entries, owners, filters, procRoot, options);
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
      entry.processes = found;
      named.push(...found);
    } else if (entry.inode === 0) {
      entry.hidden = 'no owning process';
    } else if (owners.unreadable > 0 && uid !== 0 && (entry.uid === null || entry.uid !== uid)) {
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

/** One table's text; undefined when the kernel has no such table (IPv6 disabled). */
async function readTable(fs: ProcFs, procRoot: string, proto: SocketProto): Promise<string | undefined> {
  const path = `${procRoot}/net/${proto}`;
  try {
    return await fs.readText(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const missing = code === 'ENOENT' || (error as { name?: string }).name === 'NotFound';
    if (missing && proto.endsWith('6')) return undefined;
    throw toSocketError(error, {
      action: 'read',
      target: path,
      reason: missing ? 'no such file (is /proc mounted?)' : undefined,
      hint: missing ? 'socklab inspect reads /proc on Linux' : 'check that /proc is readable',
    });
  }
}
