// node:net adapter. The untraced path is `socket.pipe(socket)`, exactly the raw baseline.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { type EventAddress, eventAddress } from '@socklab/core';
import type {
  ConnectOptions,
  EchoClientSocket,
  EchoConnection,
  EchoHandlers,
  EchoListener,
  EchoListenOptions,
  TcpAdapter,
} from './contract.ts';

class NodeConnection implements EchoConnection {
  readonly openedAt = performance.now();
  reason: string | undefined;
  error: unknown;
  constructor(
    readonly id: number,
    readonly socket: Socket,
  ) {}
  // Read on first use (quiet servers never ask) and kept: closed sockets forget their addresses.
  private remoteSeen: EventAddress | undefined;
  private localSeen: EventAddress | undefined;
  get remote(): EventAddress {
    this.remoteSeen ??= eventAddress(this.socket.remoteAddress ?? '', this.socket.remotePort ?? 0);
    return this.remoteSeen;
  }
  get local(): EventAddress {
    this.localSeen ??= eventAddress(this.socket.localAddress ?? '', this.socket.localPort ?? 0);
    return this.localSeen;
  }
  get bytesIn(): number {
    return this.socket.bytesRead;
  }
  get bytesOut(): number {
    return this.socket.bytesWritten;
  }
  destroy(reason: string): void {
    this.reason ??= reason;
    this.socket.destroy();
  }
}

function serve(
  socket: Socket,
  connection: NodeConnection,
  handlers: EchoHandlers,
  live: Set<EchoConnection>,
) {
  socket.on('error', (error: NodeJS.ErrnoException) => {
    connection.error ??= error;
  });
  socket.on('close', () => {
    live.delete(connection);
    const error = connection.error as NodeJS.ErrnoException | undefined;
    const reason = connection.reason ?? (error ? (error.code ?? error.message) : 'peer closed');
    handlers.close(connection, {
      bytesIn: socket.bytesRead,
      bytesOut: socket.bytesWritten,
      reason,
      error,
    });
  });
  const { recv, send } = handlers;
  if (!recv && !send) {
    socket.pipe(socket);
    return;
  }
  // Traced: the same flow as pipe(), reporting each chunk.
  socket.on('data', (chunk: Buffer) => {
    recv?.(connection, chunk);
    const flushed = socket.write(chunk);
    send?.(connection, chunk);
    if (!flushed) socket.pause();
  });
  socket.on('drain', () => socket.resume());
}

export function listenNode(options: EchoListenOptions): Promise<EchoListener> {
  const { handlers } = options;
  const live = new Set<EchoConnection>();
  let nextId = 1;
  const server: Server = createServer((socket) => {
    const connection = new NodeConnection(nextId++, socket);
    if (!handlers.accept(connection)) {
      // Refused: closed before any echo, so the client reads EOF instead of waiting in the backlog.
      socket.on('error', () => {});
      socket.destroy();
      return;
    }
    live.add(connection);
    if (options.idleTimeout) {
      // node:net pushes this timer back on every read and write it already makes: the echo
      // path (pipe) pays no extra call per chunk.
      socket.setTimeout(options.idleTimeout);
      socket.on('timeout', () => connection.destroy('idle timeout'));
    }
    serve(socket, connection, handlers, live);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port, exclusive: true }, () => {
      server.off('error', reject);
      // Errors after listening (EMFILE on accept) must not crash the process.
      server.on('error', () => {});
      const address = server.address() as { address: string; port: number };
      let closing: Promise<void> | undefined;
      resolve({
        local: eventAddress(address.address, address.port),
        connections: live,
        stopAccepting() {
          // server.close() stops accepting at once; its callback would wait for every connection.
          closing ??= new Promise((done) => {
            server.close();
            setImmediate(done);
          });
          return closing;
        },
      });
    });
  });
}

/** Chunks arriving on a socket, handed out one `read()` at a time. */
class ChunkReader {
  private chunks: Uint8Array[] = [];
  private waiter:
    | { resolve: (chunk: Uint8Array | null) => void; reject: (error: unknown) => void }
    | undefined;
  private ended = false;
  private failure: unknown;

  push(chunk: Uint8Array): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) waiter.resolve(chunk);
    else this.chunks.push(chunk);
  }
  end(): void {
    this.ended = true;
    this.waiter?.resolve(null);
    this.waiter = undefined;
  }
  fail(error: unknown): void {
    if (this.ended) return;
    this.failure ??= error;
    this.waiter?.reject(error);
    this.waiter = undefined;
  }
  read(): Promise<Uint8Array | null> {
    const chunk = this.chunks.shift();
    if (chunk) return Promise.resolve(chunk);
    if (this.ended) return Promise.resolve(null);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }
}

export function connectNode(options: ConnectOptions): Promise<EchoClientSocket> {
  const { signal } = options;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const socket = createConnection({
      host: options.address,
      port: options.port,
      noDelay: true,
      allowHalfOpen: true,
    });
    const reader = new ChunkReader();
    const onAbort = () => socket.destroy(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('end', () => reader.end());
    socket.on('error', (error) => {
      reader.fail(error);
      reject(error);
    });
    socket.on('close', () => {
      signal.removeEventListener('abort', onAbort);
      reader.fail(Object.assign(new Error('socket closed'), { code: 'ECONNABORTED' }));
    });
    socket.once('connect', () => {
      // The signal bounds the connect (its deadline): the caller closes an open socket itself.
      signal.removeEventListener('abort', onAbort);
      resolve({
        local: eventAddress(socket.localAddress ?? '', socket.localPort ?? 0),
        remote: eventAddress(
          socket.remoteAddress ?? options.address,
          socket.remotePort ?? options.port,
        ),
        write: (data) => {
          socket.write(data);
        },
        read: () => reader.read(),
        end: () => socket.end(),
        close: () => socket.destroy(),
      });
    });
  });
}

export const nodeAdapter: TcpAdapter = {
  name: 'node:net',
  closesIdle: true,
  listen: listenNode,
  connect: connectNode,
  releaseMemory: async () => (await import('./collect-garbage.ts')).collectGarbage(),
};
