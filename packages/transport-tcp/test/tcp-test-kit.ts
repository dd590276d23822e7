// Helpers for the conformance suite: run a server in the background, talk to it with node:net.
import { spawn } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { LabEvent } from '@socklab/core';
import { createEchoServer, type EchoServerOptions } from '../src/echo-server.ts';
import type { TcpAdapter } from '../src/runtime/contract.ts';
import { nodeAdapter } from '../src/runtime/node.ts';

export const runtime: 'node' | 'bun' | 'deno' =
  'Bun' in globalThis ? 'bun' : 'Deno' in globalThis ? 'deno' : 'node';

/** Every adapter this runtime can run: node:net everywhere, plus the runtime's own. */
export async function adaptersHere(): Promise<TcpAdapter[]> {
  if (runtime === 'bun') return [(await import('../src/runtime/bun.ts')).bunAdapter, nodeAdapter];
  if (runtime === 'deno')
    return [(await import('../src/runtime/deno.ts')).denoAdapter, nodeAdapter];
  return [nodeAdapter];
}

export interface RunningServer {
  port: number;
  host: string;
  events: LabEvent[];
  /** Resolves when the generator finished (after the summary). */
  done: Promise<void>;
  stop(): Promise<void>;
  /** Waits until `predicate` holds for the events seen so far. */
  until(predicate: (events: LabEvent[]) => boolean, timeoutMs?: number): Promise<void>;
}

/** Starts createEchoServer on port 0 and collects its events. */
export async function startServer(options: EchoServerOptions): Promise<RunningServer> {
  const controller = new AbortController();
  const events: LabEvent[] = [];
  const iterator = createEchoServer({ port: 0, signal: controller.signal, ...options })[
    Symbol.asyncIterator
  ]();
  const first = await iterator.next();
  if (first.done || first.value.type !== 'listen') throw new Error('first event is not listen');
  events.push(first.value);
  const local = first.value.local as { address: string; port: number };
  let waiter: (() => void) | undefined;
  const done = (async () => {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      events.push(next.value);
      waiter?.();
    }
    waiter?.();
  })();
  done.catch(() => {});
  return {
    port: local.port,
    host: local.address,
    events,
    done,
    async stop() {
      controller.abort();
      await done;
    },
    async until(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(events)) {
        if (Date.now() > deadline)
          throw new Error(`timed out; events: ${events.map((e) => e.type).join(',')}`);
        await new Promise<void>((resolve) => {
          waiter = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
  };
}

export function open(port: number, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host, allowHalfOpen: true });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends `data`, half-closes, and collects everything until the server's FIN. */
export function echoAll(port: number, data: Uint8Array, host = '127.0.0.1'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host, allowHalfOpen: true });
    const parts: Buffer[] = [];
    socket.on('data', (chunk) => parts.push(chunk));
    socket.on('end', () => {
      socket.destroy();
      resolve(Buffer.concat(parts));
    });
    socket.on('error', reject);
    socket.end(data);
  });
}

/** Resolves when the socket is closed by the other side (end or error), with what happened. */
export function closedByPeer(socket: Socket): Promise<'end' | 'error' | 'close'> {
  return new Promise((resolve) => {
    socket.once('end', () => resolve('end'));
    socket.once('error', () => resolve('error'));
    socket.once('close', () => resolve('close'));
    socket.resume();
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Can this machine listen on ::1? */
export function hasIPv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(0, '::1', () => server.close(() => resolve(true)));
  });
}

export function randomBytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * Servers a test starts and `closeAll` stops after it (`afterEach(servers.closeAll)`): echo
 * servers (`createEchoServer`), and silent ones that accept and never read or echo (timeouts,
 * aborts).
 */
export function serversForTest() {
  const echoes: RunningServer[] = [];
  const silent: { server: Server; held: Socket[] }[] = [];
  return {
    async echo(options: EchoServerOptions = {}): Promise<RunningServer> {
      const server = await startServer(options);
      echoes.push(server);
      return server;
    },
    async silent(): Promise<number> {
      const held: Socket[] = [];
      const server = createServer((socket) => held.push(socket));
      silent.push({ server, held });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as { port: number }).port;
    },
    async closeAll(): Promise<void> {
      for (const server of echoes.splice(0)) await server.stop();
      for (const { server, held } of silent.splice(0)) {
        for (const socket of held) socket.destroy();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
}

export interface UnansweredListener {
  /** A loopback port whose connects never complete (until the client gives up). */
  port: number;
  /** Closes the connections that fill the queue and stops the listener's process by its PID. */
  close(): void;
}

/**
 * A listener that never accepts, its accept queue filled: Linux drops further SYNs, so a
 * connect to `port` hangs as it would to a host that never answers, all on loopback. node:net
 * always accepts, so a python3 child listens with a backlog of 0.
 */
export async function unansweredListener(): Promise<UnansweredListener> {
  const script = [
    'import socket, sys',
    's = socket.socket()',
    "s.bind(('127.0.0.1', 0))",
    's.listen(0)',
    'print(s.getsockname()[1], flush=True)',
    'sys.stdin.read()',
  ].join('\n');
  // stdin stays open: the child also ends (EOF) should this test process die first.
  const child = spawn('python3', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const held: Socket[] = [];
  const close = () => {
    for (const socket of held) socket.destroy();
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid);
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`python3 exited with ${code}`)));
      child.stdout.once('data', (line: Buffer) => resolve(Number(String(line).trim())));
    });
    // Connect until one does not complete: the queue is then full (one fits with backlog 0).
    for (let filled = 0; ; filled++) {
      if (filled === 4) throw new Error(`the accept queue of port ${port} does not fill`);
      const socket = connect({ port, host: '127.0.0.1' });
      held.push(socket);
      const connected = await Promise.race([
        new Promise<boolean>((resolve) => socket.once('connect', () => resolve(true))),
        sleep(200).then(() => false),
      ]);
      if (!connected) break;
    }
    return { port, close };
  } catch (error) {
    close();
    throw error;
  }
}
