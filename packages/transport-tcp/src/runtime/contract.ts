import type { EventAddress } from '@socklab/core';

/** One accepted connection as an adapter exposes it. Addresses are computed on demand. */
export interface EchoConnection {
  /** 1-based, in accept order, unique within one listener. */
  readonly id: number;
  readonly remote: EventAddress;
  readonly local: EventAddress;
  /** `performance.now()` at accept. */
  readonly openedAt: number;
  /** Bytes received from the peer so far. */
  readonly bytesIn: number;
  /** Bytes echoed back so far. */
  readonly bytesOut: number;
  /** Closes the connection at once; `reason` ends up in the close report. */
  destroy(reason: string): void;
}

/** How a connection ended. */
export interface ConnectionEnd {
  bytesIn: number;
  bytesOut: number;
  /** "peer closed", "idle timeout", "shutdown", "connection reset by peer"… */
  reason: string;
  /** The native error when the connection failed. */
  error?: unknown;
}

/** What the adapter reports. `recv`/`send` are set only when tracing: then the slow path runs. */
export interface EchoHandlers {
  /** A new connection; return false to refuse it (the adapter closes it at once, no echo). */
  accept(connection: EchoConnection): boolean;
  /** Every accepted connection ends with exactly one call. */
  close(connection: EchoConnection, end: ConnectionEnd): void;
  recv?(connection: EchoConnection, chunk: Uint8Array): void;
  send?(connection: EchoConnection, chunk: Uint8Array): void;
}

export interface EchoListenOptions {
  /** IP literal or host name; `::` is dual-stack where the system allows it. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  handlers: EchoHandlers;
  /**
   * Close a connection after this many ms without bytes in or out, as `destroy("idle timeout")`
   * does; 0 or undefined: never. Read only by adapters with `closesIdle`.
   */
  idleTimeout?: number;
}

/** A listening echo server. */
export interface EchoListener {
  /** The bound address, with the real port. */
  readonly local: EventAddress;
  /** Connections accepted and not yet closed. */
  readonly connections: ReadonlySet<EchoConnection>;
  /** Closes the listening socket; open connections keep echoing. Idempotent. */
  stopAccepting(): Promise<void>;
}

export interface EchoClientSocket {
  readonly local: EventAddress;
  readonly remote: EventAddress;
  write(data: Uint8Array): void;
  /** Resolves with the next chunk, or null once the peer closed its side. */
  read(): Promise<Uint8Array | null>;
  /** Sends FIN; reads still work. */
  end(): void;
  /** Closes at once. */
  close(): void;
}

export interface ConnectOptions {
  /** An IP literal (callers resolve names first). */
  address: string;
  port: number;
  signal: AbortSignal;
}

/** What each runtime file provides. */
export interface TcpAdapter {
  readonly name: string;
  /**
   * listen() honours `idleTimeout` itself, within a few ms (a socket timeout that activity pushes
   * back, or deadlines checked against a last-activity stamp when they come: idle-timer.ts).
   * Without it the server sweeps byte counters every quarter of the timeout, so a connection may
   * stay up to that much longer.
   */
  readonly closesIdle?: boolean;
  /** Binds and listens; rejects with the native error (callers wrap it). */
  listen(options: EchoListenOptions): Promise<EchoListener>;
  /**
   * Opens a client connection; rejects with the native error or the signal's reason. The signal
   * bounds the connect only: once open, the socket outlives it (the caller closes it).
   */
  connect(options: ConnectOptions): Promise<EchoClientSocket>;
  /**
   * A full garbage collection, so memory a surge of connections left behind goes back to the
   * system (V8 keeps a grown heap for minutes otherwise). Optional: third-party adapters may
   * leave it out.
   */
  releaseMemory?(): Promise<void> | void;
}
