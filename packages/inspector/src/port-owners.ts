import { normalizeFilters } from './filters.ts';
import { type SnapshotOptions, snapshot } from './snapshot.ts';
import type { ProtoFilter, SocketAddress, SocketProto } from './types.ts';

/** A process holding a local port. */
export interface PortOwner {
  pid: number;
  command: string | null;
  proto: SocketProto;
  state: string;
  local: SocketAddress;
}

/**
 * Who holds local `port` (listening or bound sockets first): for "address already in use"
 * messages. Empty when nobody visible does. Never throws for a missing /proc: returns []; a bad
 * port or proto is a UsageError.
 */
export async function findPortOwners(
  port: number,
  proto: ProtoFilter = 'tcp',
  options: SnapshotOptions = {},
): Promise<PortOwner[]> {
  // Bad input is the caller's bug, not "nobody": it fails like snapshot's filters do.
  const wanted = normalizeFilters({ port, proto });
  let entries: Awaited<ReturnType<typeof snapshot>>;
  try {
    entries = await snapshot(wanted, { ...options, sort: false });
  } catch {
    return [];
  }
  const bound = entries.filter((e) => e.local.port === port);
  bound.sort((a, b) => rank(a.state) - rank(b.state));
  const owners: PortOwner[] = [];
  const seen = new Set<number>();
  for (const entry of bound) {
    for (const owner of entry.processes) {
      if (seen.has(owner.pid)) continue;
      seen.add(owner.pid);
      owners.push({
        pid: owner.pid,
        command: owner.command,
        proto: entry.proto,
        state: entry.state,
        local: entry.local,
      });
    }
  }
  return owners;
}

function rank(state: string): number {
  return state === 'LISTEN' || state === 'UNCONN' ? 0 : 1;
}
