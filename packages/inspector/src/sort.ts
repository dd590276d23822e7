import type { SocketEntry } from './types.ts';

/** Sort keys for `--sort`. */
export const sortKeys = ['proto', 'local', 'remote', 'state', 'pid', 'inode'] as const;
export type SortKey = (typeof sortKeys)[number];

const protoOrder: Record<string, number> = { tcp: 0, tcp6: 1, udp: 2, udp6: 3, unix: 4 };

/**
 * Sorts in place. The default, `proto`, is netstat's order: protocol (tcp, tcp6, udp, udp6,
 * unix), then local port, then remote address and port; other keys fall back to it.
 */
export function sortEntries(entries: SocketEntry[], key: SortKey = 'proto'): SocketEntry[] {
  const base = (a: SocketEntry, b: SocketEntry) =>
    (protoOrder[a.proto] as number) - (protoOrder[b.proto] as number) ||
    a.local.port - b.local.port ||
    compareText(a.local.address, b.local.address) ||
    a.remote.port - b.remote.port ||
    compareText(a.remote.address, b.remote.address) ||
    a.inode - b.inode;
  const compare: Record<SortKey, (a: SocketEntry, b: SocketEntry) => number> = {
    proto: base,
    local: (a, b) =>
      a.local.port - b.local.port || compareText(a.local.address, b.local.address) || base(a, b),
    remote: (a, b) =>
      a.remote.port - b.remote.port ||
      compareText(a.remote.address, b.remote.address) ||
      base(a, b),
    state: (a, b) => compareText(a.state, b.state) || base(a, b),
    pid: (a, b) =>
      (a.pid ?? Number.MAX_SAFE_INTEGER) - (b.pid ?? Number.MAX_SAFE_INTEGER) || base(a, b),
    inode: (a, b) => a.inode - b.inode || base(a, b),
  };
  return entries.sort(compare[key]);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
