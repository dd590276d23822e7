import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import {
  createEventClock,
  eventAddress,
  type LabEvent,
  payloadFields,
  type RunContext,
} from '@socklab/core';
import { EventQueue } from './event-queue.ts';
import { unixSocketError } from './unix-errors.ts';

export interface ServeUnixOptions {
  /** The socket file to create. */
  path: string;
  /** Serve one connection, then stop. */
  once?: boolean;
  /** No per-connection messages: only the ready line and the summary. */
  quiet?: boolean;
}

/** True when nothing accepts on the socket file any more (a server died without removing it). */
function isStale(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * An echo server on a unix domain socket: every byte received is written back. Runs until
 * the signal aborts (or after one connection with `once`), then closes every connection and
 * removes the socket file.
 */
export async function* serveUnix(
  options: ServeUnixOptions,
  context: RunContext,
): AsyncGenerator<LabEvent> {
  const { path, quiet = false, once = false } = options;
  const { signal, trace = false } = context;
  const event = createEventClock();
  const local = eventAddress(path, 0, 'unix');
  const queue = new EventQueue<LabEvent>();
  const sockets = new Set<Socket>();
  const server = createServer();
  let nextId = 1;
  let served = 0;
  let totalBytes = 0;
  if (signal.aborted) return;

  try {
    await listen(server, path);
  } catch (error) {
    // A socket file left by a dead server is replaced; a live one is an "address in use".
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' || !lstatSync(path).isSocket() || !(await isStale(path))) {
      throw unixSocketError(error, 'listen on', path);
    }
    unlinkSync(path);
    try {
      await listen(server, path);
    } catch (again) {
      throw unixSocketError(again, 'listen on', path);
    }
  }
  let stopping = false;
  // Ends the event stream once every connection has reported its close.
  const stop = () => {
    stopping = true;
    server.close();
    for (const socket of sockets) socket.destroy();
    if (sockets.size === 0) queue.end();
  };
  signal.addEventListener('abort', stop, { once: true });

  server.on('connection', (socket) => {
    const connection = nextId++;
    const opened = performance.now();
    let bytes = 0;
    sockets.add(socket);
    if (once) server.close();
    queue.push(
      event('accept', {
        proto: 'unix',
        local,
        connection,
        ...(quiet ? {} : { message: `Connection ${connection} on ${path}` }),
      }),
    );
    socket.on('data', (chunk: Uint8Array) => {
      bytes += chunk.length;
      socket.write(chunk);
      if (trace) {
        queue.push(event('recv', { proto: 'unix', local, connection, ...payloadFields(chunk) }));
        queue.push(event('send', { proto: 'unix', local, connection, ...payloadFields(chunk) }));
      }
    });
    socket.on('end', () => socket.end());
    socket.on('error', (error) => {
      queue.push(
        event('error', {
          proto: 'unix',
          local,
          connection,
          code: unixSocketError(error, 'serve', path).code,
          reason: error.message,
        }),
      );
    });
    socket.on('close', () => {
      sockets.delete(socket);
      served++;
      totalBytes += bytes;
      const durationMs = Math.round((performance.now() - opened) * 1000) / 1000;
      queue.push(
        event('close', {
          proto: 'unix',
          local,
          connection,
          bytes,
          durationMs,
          ...(quiet ? {} : { message: `Connection ${connection} closed after ${bytes} B echoed` }),
        }),
      );
      if (once || (stopping && sockets.size === 0)) queue.end();
    });
  });

  try {
    yield event('listen', { proto: 'unix', local, message: `Listening on unix ${path}` });
    yield* queue.drain();
    yield event('close', {
      proto: 'unix',
      local,
      details: { connections: served, bytes: totalBytes },
      notice: true,
      message: `Served ${served} connection${served === 1 ? '' : 's'}, ${totalBytes} B echoed`,
    });
  } finally {
    signal.removeEventListener('abort', stop);
    stop();
    await new Promise<void>((resolve) =>
      server.listening ? server.close(() => resolve()) : resolve(),
    );
    // Node removes the file on close; other runtimes may not.
    if (existsSync(path) && lstatSync(path).isSocket()) unlinkSync(path);
  }
}
