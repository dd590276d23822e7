import { SocketError, UsageError } from '@socklab/core';
import { matchesPid, matchesSocket, protosFor } from '../filters.ts';
import { parseProcNetInet, parseProcNetUnix, type UserLookup } from '../parsers/proc-net.ts';
import { entriesPerPiece, entriesToJSONBytes } from '../render/entries-json.ts';
import type { ProcFs } from '../runtime/proc-fs.ts';
import { type SortKey, sortEntries } from '../sort.ts';
import type { SocketEntry, SocketFilters, SocketOwner } from '../types.ts';
import { type CollectStrategy, collectSequential } from './collect-plan.ts';
import { commandOf, hiddenReasons, type OwnerLookup, uidOf } from './socket-owners.ts';
import { passwdUsers } from './users.ts';
import { WasmRows } from './wasm-rows.ts';

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
  /** Sort order (default: the kernel's). Sorted while the fd scan still runs where it can. */
  sort?: SortKey | false;
}

/**
 * Reads /proc/net/* and maps socket inodes to processes through /proc/<pid>/fd. Only the
 * tables the filters need are read (--proto tcp: tcp and tcp6).
 */
export async function collectLinuxSockets(
  filters: SocketFilters,
  options: LinuxCollectOptions,
): Promise<SocketEntry[]> {
  const sort = options.sort ?? false;
  const { entries, owners, sortedEarly, user } = await collectTables(filters, options);
  const kept = owners
    ? attachOwners(entries, owners, filters, options.procRoot ?? '/proc', options, user)
    : entries;
  // attachOwners keeps the order, so entries sorted before it stay sorted.
  return !sort || sortedEarly ? kept : sortEntries(kept, sort);
}

/** A snapshot as JSON text: its number of entries, and the array in pieces of UTF-8. */
export interface JsonSnapshot {
  entries: number;
  /** Each piece a line's worth (128 entries), a view valid until the next one is taken. */
  pieces: Iterable<Uint8Array>;
}

/**
 * collectLinuxSockets as JSON text (entriesToJSONBytes of its entries, byte for byte), faster:
 * the inet tables' rows never become objects (WasmRows). Undefined when it cannot do the work
 * (no WebAssembly; a --pid filter or an order other than netstat's, which need the entries).
 */
export async function collectLinuxJSON(
  filters: SocketFilters,
  options: LinuxCollectOptions,
): Promise<JsonSnapshot | undefined> {
  const sort = options.sort ?? false;
  if (filters.pid !== undefined || (sort && sort !== 'proto')) return undefined;
  const rows = WasmRows.create(filters);
  if (!rows) return undefined;
  const procRoot = options.procRoot ?? '/proc';
  rows.reserve(inetSockets(procRoot, options.fs));
  // The unix table stays with the JavaScript parser (its paths are text of any kind).
  const { entries, owners, sortedEarly, user } = await collectTables(filters, options, rows);
  let unix = entries;
  if (owners) {
    const command = commandReader(procRoot, options.fs);
    rows.attachOwners(owners, options.uid, command, user);
    unix = attachOwners(entries, owners, filters, procRoot, options, user, command);
  }
  if (sort && !sortedEarly) sortEntries(unix, sort);
  const total = rows.count + unix.length;
  return {
    entries: total,
    pieces: (function* () {
      yield* rows.pieces(total, entriesPerPiece);
      yield* entriesToJSONBytes(unix, entriesPerPiece, rows.count, total);
    })(),
  };
}

/** The tables read and parsed, with owners when asked: the work both collectors share. */
async function collectTables(
  filters: SocketFilters,
  options: LinuxCollectOptions,
  inet?: WasmRows,
): Promise<{
  entries: SocketEntry[];
  owners: OwnerLookup | undefined;
  sortedEarly: boolean;
  user: UserLookup;
}> {
  const { fs } = options;
  const procRoot = options.procRoot ?? '/proc';
  if (filters.pid !== undefined && options.owners !== false)
    checkPid(procRoot, filters.pid, fs, options.uid);
  const user = passwdUsers(options.passwdPath ?? '/etc/passwd', fs.readTextSync);
  const entries: SocketEntry[] = [];
  // A table read in many 4 KB chunks while sockets come and go can list a socket twice.
  const seen = new Set<number | string>();
  const strategy = options.strategy ?? fs.collect ?? collectSequential;
  const sort = options.sort ?? false;
  let sortedEarly = false;
  // The unix table's last row so far: the next piece may start with the rest of its path.
  let lastUnix: SocketEntry | undefined;
  const owners = await strategy(
    {
      procRoot,
      tables: protosFor(filters),
      owners: options.owners !== false,
      // Every process, even for --pid: its sockets list all their owners (a fork's too).
      pids: undefined,
      // The WebAssembly rows look owners up in their own memory: the scan fills it in place.
      ownerTable: inet ? (slots) => inet.ownerTable(slots) : undefined,
      onDiag: inet ? (proto, bytes) => inet.parseDiag(proto, bytes) : undefined,
      onTable(proto, text, more) {
        if (text === undefined) return;
        if (inet && proto !== 'unix') {
          inet.parse(proto, typeof text === 'string' ? encoder.encode(text) : text, !more);
          return;
        }
        const parsed =
          proto === 'unix'
            ? parseProcNetUnix(text, { header: !more, previous: lastUnix })
            : parseProcNetInet(text, proto, user, { header: !more });
        if (proto === 'unix') lastUnix = parsed.entries.at(-1) ?? lastUnix;
        for (const entry of parsed.entries) {
          if (!matchesSocket(entry, filters)) continue;
          const key =
            entry.inode !== 0
              ? entry.inode
              : `${proto} ${entry.local.address} ${entry.local.port} ${entry.remote.address} ${entry.remote.port}`;
          if (seen.has(key)) continue;
          seen.add(key);
          entries.push(entry);
        }
      },
      onTablesRead() {
        // Only the pid order needs owners; the others can sort while the scan runs.
        if (!sort || sort === 'pid') return;
        inet?.sort();
        sortEntries(entries, sort);
        sortedEarly = true;
      },
    },
    fs,
  );
  if (sort && !sortedEarly) inet?.sort();
  return { entries, owners, sortedEarly, user };
}

const encoder = new TextEncoder();

/**
 * About how many rows the TCP and UDP tables hold, from the kernel's counts in /proc/net/sockstat
 * and sockstat6 (`TCP: inuse 20002 orphan 0 tw 1 …`); 0 when they cannot be read.
 */
function inetSockets(procRoot: string, fs: ProcFs): number {
  let count = 0;
  for (const file of ['sockstat', 'sockstat6']) {
    let text: string;
    try {
      text = fs.readTextSync(`${procRoot}/net/${file}`);
    } catch {
      continue;
    }
    for (const match of text.matchAll(/^(?:TCP|UDP)6?: inuse (\d+)(?:.*? tw (\d+))?/gm))
      count += Number(match[1]) + Number(match[2] ?? 0);
  }
  return count;
}

/** A process's command, read once; consecutive entries are mostly the same process. */
function commandReader(procRoot: string, fs: ProcFs): (pid: number) => string | null {
  const commands = new Map<number, string | null>();
  let lastPid = -1;
  let lastCommand: string | null = null;
  return (pid) => {
    if (pid === lastPid) return lastCommand;
    let command = commands.get(pid);
    if (command === undefined) {
      command = commandOf(procRoot, pid, fs);
      commands.set(pid, command);
    }
    lastPid = pid;
    lastCommand = command;
    return command;
  };
}

function attachOwners(
  entries: SocketEntry[],
  owners: OwnerLookup,
  filters: SocketFilters,
  procRoot: string,
  options: LinuxCollectOptions,
  user: UserLookup,
  commandFor = commandReader(procRoot, options.fs),
): SocketEntry[] {
  const kept: SocketEntry[] = [];
  // /proc/net/unix has no uid column: a unix socket gets its owner's, as lsof's USER shows.
  const uids = new Map<number, number | null>();
  const uidFor = (pid: number): number | null => {
    let found = uids.get(pid);
    if (found === undefined) {
      found = uidOf(procRoot, pid, options.fs);
      uids.set(pid, found);
    }
    return found;
  };
  const uid = options.uid;
  const [noOwningProcess, needsRoot, permissionDenied, ownerNotVisible] = hiddenReasons;
  for (const entry of entries) {
    const found = entry.inode === 0 ? undefined : owners.of(entry.inode);
    if (found) {
      // Scan order differs between threads: list owners by pid, then fd, like ss.
      if (found.length > 1) found.sort((a, b) => a.pid - b.pid || (a.fd ?? 0) - (b.fd ?? 0));
      entry.processes = found;
      entry.pid = (found[0] as SocketOwner).pid;
    } else if (entry.inode === 0) {
      entry.hidden = noOwningProcess;
    } else if (owners.unreadable > 0 && uid !== 0 && entry.uid !== uid) {
      entry.hidden = needsRoot;
    } else if (owners.unreadable > 0) {
      entry.hidden = permissionDenied;
    } else {
      entry.hidden = ownerNotVisible;
    }
    if (filters.pid !== undefined && !matchesPid(entry, filters.pid)) continue;
    kept.push(entry);
    if (!found) continue;
    // Indexed, not for-of: this loop mostly runs before the JIT has optimized it.
    for (let i = 0; i < found.length; i++) {
      const owner = found[i] as SocketOwner;
      owner.command = commandFor(owner.pid);
    }
    entry.command = (found[0] as SocketOwner).command;
    if (entry.uid === null) {
      entry.uid = uidFor(entry.pid as number);
      if (entry.uid !== null) entry.user = user(entry.uid);
    }
  }
  return kept;
}

/**
 * A --pid whose sockets could not be told apart fails rather than show an empty table: a process
 * that is not there, one whose fds this user may not read, a thread of another process.
 */
function checkPid(procRoot: string, pid: number, fs: ProcFs, uid: number | undefined): void {
  const target = `process ${pid}`;
  let names: string[];
  try {
    names = fs.listDir(`${procRoot}/${pid}/fd`);
  } catch (error) {
    const code = (error as { code?: string; name?: string } | null)?.code;
    if (code === 'ENOENT' || (error as { name?: string } | null)?.name === 'NotFound')
      throw new SocketError('ESRCH', {
        action: 'inspect',
        target,
        hint: 'is it still running? ps -e lists process IDs',
      });
    throw hidden(target, uid === 0);
  }
  if (names.length > 0 && fs.readLink(`${procRoot}/${pid}/fd/${names[0]}`) === null)
    throw hidden(target, uid === 0);
  let status = '';
  try {
    status = fs.readTextSync(`${procRoot}/${pid}/status`);
  } catch {
    return;
  }
  const tgid = /^Tgid:\s+(\d+)/m.exec(status)?.[1];
  if (tgid !== undefined && Number(tgid) !== pid)
    throw new UsageError(`Cannot filter by pid ${pid}: it is a thread of process ${tgid}`, {
      reason: 'pid is a thread, not a process',
      hint: `use --pid ${tgid}`,
    });
}

/** "Run as root" is no fix for root: the kernel refuses it too (ptrace rules, another container). */
function hidden(target: string, root: boolean): SocketError {
  return new SocketError('EACCES', {
    action: 'inspect',
    target,
    reason: root
      ? "permission denied (the kernel hides its sockets' owners even from root)"
      : "permission denied (its sockets' owners are hidden from this user)",
    hint: root
      ? "run socklab in that process's container, or check ptrace rules"
      : 'run as root, e.g. with sudo',
  });
}
