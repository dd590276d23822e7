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
  const { local, remote } = entry;
  return `${entry.proto} ${local.address} ${local.port} ${remote.address} ${remote.port} ${entry.inode}`;
}

/** What changed from `before` to `after`: closed first, then state changes, then opened. */
export function diffSnapshots(
  before: readonly SocketEntry[],
  after: readonly SocketEntry[],
): SocketChange[] {
  const old = new Map(before.map((e) => [socketKey(e), e]));
  const changes: SocketChange[] = [];
  const opened: SocketChange[] = [];
  const seen = new Set<string>();
  for (const entry of after) {
    const key = socketKey(entry);
    seen.add(key);
    const previous = old.get(key);
    if (!previous) opened.push({ change: 'opened', entry });
    else if (previous.state !== entry.state)
      changes.push({ change: 'state', entry, from: previous.state });
  }
  const closed: SocketChange[] = [];
  for (const [key, entry] of old) if (!seen.has(key)) closed.push({ change: 'closed', entry });
  return [...closed, ...changes, ...opened];
}

/**
 * Takes a snapshot every `interval` ms and yields what changed since the previous one (the
 * first snapshot is the baseline and yields nothing). Ends, without error, when `signal` aborts.
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
    const current = await snapshot(filters, options);
    if (signal?.aborted) return;
    yield* diffSnapshots(previous, current);
    previous = current;
  }
}
