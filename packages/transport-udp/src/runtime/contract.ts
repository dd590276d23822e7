import type { EventAddress, Lookup } from '@socklab/core';

/** Called once per datagram, with bytes the receiver owns. `address` is an IP literal. */
export type DatagramHandler = (data: Uint8Array, address: string, port: number) => void;

export interface UdpBindOptions {
  /** IP literal to bind: "127.0.0.1", "::1", "0.0.0.0", "::". */
  address: string;
  /** 0 picks a free port. */
  port: number;
  /**
   * Peer to connect to (IP literal): the socket then only sees that peer's datagrams, and
   * adapters with `capabilities.refused` report ICMP port unreachable as ECONNREFUSED.
   */
  connect?: { address: string; port: number };
  onMessage: DatagramHandler;
  /** Asynchronous socket errors (ECONNREFUSED, EMSGSIZE…); the socket stays open. */
  onError: (error: unknown) => void;
}

export interface UdpSocket {
  /** The bound address, with the real port when 0 was asked (connected: the address the peer sees, where the runtime can tell). */
  readonly local: EventAddress;
  /**
   * Sends one datagram to an IP literal (ignored when connected). Errors go to `onError`,
   * or to `done` when given; without `done` this is the hot path: no promise, no callback.
   */
  send(data: Uint8Array, address: string, port: number, done?: (error?: unknown) => void): void;
  /** Closes the socket; pending receives end, later sends fail. Idempotent. */
  close(): Promise<void>;
  /**
   * Datagrams the kernel dropped for this socket because its receive buffer was full, where the
   * OS tells (Linux: /proc/net/udp); undefined where unknown and once closed. It reads a file:
   * call it now and then, never per datagram.
   */
  drops?(): Promise<number | undefined>;
}

export interface UdpAdapterCapabilities {
  /** Connected sockets report ICMP port unreachable as ECONNREFUSED (else: a timeout). */
  refused: boolean;
}

/** One runtime's UDP: each of runtime/node.ts, deno.ts, bun.ts exports one as `adapter`. */
export interface UdpAdapter {
  /** The API underneath: "node:dgram", "Deno.listenDatagram", "Bun.udpSocket". */
  readonly name: string;
  readonly capabilities: UdpAdapterCapabilities;
  /** Resolves once bound (and connected); rejects with the runtime's native error. */
  bind(options: UdpBindOptions): Promise<UdpSocket>;
  /** This machine's host name, as Python's socket.gethostname(). */
  hostname(): string;
  /** The system resolver (getaddrinfo: /etc/hosts, then DNS). */
  lookup: Lookup;
}
