/** The protocols a socket table lists; `tcp` and `udp` filters include their IPv6 tables. */
export type SocketProto = 'tcp' | 'tcp6' | 'udp' | 'udp6' | 'unix';

/** A filter's protocol: `tcp` means tcp + tcp6, `udp` means udp + udp6. */
export type ProtoFilter = 'tcp' | 'udp' | 'unix';

export interface SocketAddress {
  address: string;
  port: number;
}

/** One process holding a socket: `fd` is its descriptor number (null when the tool did not say). */
export interface SocketOwner {
  pid: number;
  command: string | null;
  fd: number | null;
}

/** One socket, as DESIGN.md defines the inspector's JSON entry. */
export interface SocketEntry {
  proto: SocketProto;
  /** Kernel state name in capitals: LISTEN, ESTABLISHED, TIME_WAIT…, UNCONN for unconnected UDP. */
  state: string;
  local: SocketAddress;
  remote: SocketAddress;
  recvQ: number;
  sendQ: number;
  uid: number | null;
  user: string | null;
  inode: number;
  /** First owner, null when unknown (then `hidden` says why). */
  pid: number | null;
  command: string | null;
  /** Every owner of the socket (a socket shared after fork has several). */
  processes: SocketOwner[];
  /**
   * Why `pid` is null: "needs root" (another user's socket, not root), "permission denied" (the
   * kernel hides the owner even from root), "no owning process" (TIME_WAIT), "owner not visible"
   * (gone, or in another pid namespace). Absent when an owner is known.
   */
  hidden?: string;
}

/** What a snapshot keeps. Every field narrows; an empty object keeps every socket. */
export interface SocketFilters {
  proto?: ProtoFilter;
  /** A kernel state name, any case (LISTEN, time_wait, UNCONN…). */
  state?: string;
  /** Matches the local or the remote port. */
  port?: number;
  pid?: number;
  /** Only listening sockets (TCP LISTEN, unbound-peer UDP UNCONN, unix LISTEN or UNCONN with a path). */
  listening?: boolean;
}
