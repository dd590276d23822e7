import { sleep } from '@socklab/core';
import { type SnapshotOptions, snapshot } from './snapshot.ts';
import type { SocketEntry, SocketFilters } from './types.ts';

/** One change between two snapshots. */
export interface SocketChange {
  change: 'opened' | 'closed' | 'state';
  entry: SocketEntry;
  /** For `state`: the state before. */
  from?: string;
}

export interface WatchOptions extends SnapshotOptions {
  signal?: AbortSignal;
  /** Milliseconds between snapshots; default 1000. */
  interval?: number;
  /** The snapshot to compare the first one with; default: take one when iteration starts. */
  baseline?: SocketEntry[];
}

/** Identifies a socket across snapshots (the inode alone is 0 for TIME_WAIT rows). */
export function socketKey(entry: SocketEntry): string {
  return `${tupleKey(entry)} ${entry.inode}`;
}

/** Protocol and both ends: the same for a socket before and after its last fd closed. */
function tupleKey(entry: SocketEntry): string {
  const { local, remote } = entry;
  return `${entry.proto} ${local.address} ${local.port} ${remote.address} ${remote.port}`;
}

/**
 * What changed from `before` to `after`: closed first, then state changes, then opened.
 * A TCP socket whose process closed it (ESTABLISHED -> FIN_WAIT2, then TIME_WAIT) loses its
 * inode (0: no socket object left) but is still the same connection: with the same ends it is a
 * state change, not a close and an open. A socket still there whose owner was not seen this
 * time (its fd closed between the table read and the fd scan) keeps the owner seen before.
 */
export function diffSnapshots(
  before: readonly SocketEntry[],
  after: readonly SocketEntry[],
): SocketChange[] {
  const old = new Map(before.map((e) => [socketKey(e), e]));
  const changes: SocketChange[] = [];
  const opened: SocketEntry[] = [];
  const seen = new Set<string>();
  for (const entry of after) {
    const key = socketKey(entry);
    const previous = old.get(key);
    if (!previous) {
      opened.push(entry);
      continue;
    }
    seen.add(key);
    keepOwner(entry, previous);
    if (previous.state !== entry.state)
      changes.push({ change: 'state', entry, from: previous.state });
  }
  // Unmatched sockets of the same ends where one side has no inode: one socket, orphaned.
  const gone = new Map<string, SocketEntry[]>();
  for (const [key, entry] of old) {
    if (seen.has(key)) continue;
    const tuple = tupleKey(entry);
    const same = gone.get(tuple);
    if (same) same.push(entry);
    else gone.set(tuple, [entry]);
  }
  const reallyOpened: SocketChange[] = [];
  for (const entry of opened) {
    const tuple = tupleKey(entry);
    const candidates = gone.get(tuple);
    const previous = candidates?.length === 1 ? candidates[0] : undefined;
    if (!previous || (previous.inode === 0) === (entry.inode === 0)) {
      reallyOpened.push({ change: 'opened', entry });
      continue;
    }
    gone.delete(tuple);
    if (previous.state !== entry.state)
      changes.push({ change: 'state', entry, from: previous.state });
  }
  const closed: SocketChange[] = [];
  for (const entries of gone.values()) {
    for (const entry of entries) closed.push({ change: 'closed', entry });
  }
  return [...closed, ...changes, ...reallyOpened];
}

/** The same socket (same inode) seen without an owner now: the owner seen before stays. */
function keepOwner(entry: SocketEntry, previous: SocketEntry): void {
  if (entry.pid !== null || previous.pid === null || entry.inode === 0) return;
  entry.pid = previous.pid;
  entry.command = previous.command;
  entry.processes = previous.processes;
  entry.hidden = undefined;
}

/**
 * Takes a snapshot every `interval` ms and yields what changed since the previous one (the
 * first snapshot is the baseline and yields nothing). Ends, without error, when `signal` aborts;
 * with a `pid` filter, when that process is gone: its sockets closed, then the ESRCH SocketError.
 */
export async function* watch(
  filters: SocketFilters = {},
  options: WatchOptions = {},
): AsyncGenerator<SocketChange> {
  const { signal, interval = 1000 } = options;
  let previous = options.baseline ?? (await snapshot(filters, options));
  while (!signal?.aborted) {
    try {
      await sleep(interval, signal);
    } catch {
      return;
    }
    let current: SocketEntry[];
    try {
      current = await snapshot(filters, options);
    } catch (error) {
      // The --pid process exited (and was reaped): its sockets closed with it; say so first.
      if (filters.pid !== undefined && (error as { code?: unknown } | null)?.code === 'ESRCH')
        yield* diffSnapshots(previous, []);
      throw error;
    }
    if (signal?.aborted) return;
    yield* diffSnapshots(previous, current);
    previous = current;
  }
}
