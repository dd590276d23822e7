import type { SocketAddress, SocketEntry, SocketOwner, SocketProto } from '../types.ts';

/** Builds an entry with the fields a tool did not report set to their "unknown" values. */
export function makeEntry(
  fields: Pick<SocketEntry, 'proto' | 'state' | 'local' | 'remote'> & Partial<SocketEntry>,
): SocketEntry {
  const processes: SocketOwner[] = fields.processes ?? [];
  const first = processes[0];
  return {
    proto: fields.proto,
    state: fields.state,
    local: fields.local,
    remote: fields.remote,
    recvQ: fields.recvQ ?? 0,
    sendQ: fields.sendQ ?? 0,
    uid: fields.uid ?? null,
    user: fields.user ?? null,
    inode: fields.inode ?? 0,
    pid: first?.pid ?? null,
    command: first?.command ?? null,
    processes,
    hidden: first ? undefined : fields.hidden,
  };
}

/**
 * Splits "host:port" as netstat and lsof print it: "127.0.0.1:80", "[::1]:80", "::1:80",
 * ":::*", "*:*", "0.0.0.0:*". A "*" port is 0, a "*" host is the wildcard of the family.
 */
export function splitHostPort(text: string, v6: boolean): SocketAddress | undefined {
  const at = text.lastIndexOf(':');
  if (at < 0) return undefined;
  let host = text.slice(0, at);
  const portText = text.slice(at + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const port = portText === '*' ? 0 : toPort(portText);
  if (port === undefined || host === '') return undefined;
  if (host === '*') host = v6 ? '::' : '0.0.0.0';
  return { address: host, port };
}

/** A decimal port 0-65535, or undefined. */
export function toPort(text: string): number | undefined {
  if (!/^[0-9]{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

/** A non-negative decimal integer, or undefined. */
export function toCount(text: string | undefined): number | undefined {
  if (text === undefined || !/^[0-9]{1,15}$/.test(text)) return undefined;
  return Number(text);
}

/** Protocol of a tool row: "tcp" + a v6 address makes "tcp6". */
export function protoFor(base: 'tcp' | 'udp', v6: boolean): SocketProto {
  return v6 ? (`${base}6` as SocketProto) : base;
}

/** State names other tools print, mapped to the kernel names entries use. */
export function toolState(name: string): string | undefined {
  const known: Record<string, string> = {
    LISTEN: 'LISTEN',
    LISTENING: 'LISTEN',
    ESTABLISHED: 'ESTABLISHED',
    SYN_SENT: 'SYN_SENT',
    SYN_RECV: 'SYN_RECV',
    SYN_RECEIVED: 'SYN_RECV',
    FIN_WAIT1: 'FIN_WAIT1',
    FIN_WAIT_1: 'FIN_WAIT1',
    FIN_WAIT2: 'FIN_WAIT2',
    FIN_WAIT_2: 'FIN_WAIT2',
    TIME_WAIT: 'TIME_WAIT',
    CLOSE: 'CLOSE',
    CLOSED: 'CLOSE',
    BOUND: 'CLOSE',
    CLOSE_WAIT: 'CLOSE_WAIT',
    LAST_ACK: 'LAST_ACK',
    CLOSING: 'CLOSING',
    UNKNOWN: 'UNKNOWN',
  };
  return known[name.toUpperCase()];
}
