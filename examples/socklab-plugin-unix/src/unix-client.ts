import { connect, type Socket } from 'node:net';
import {
  createEventClock,
  eventAddress,
  type LabEvent,
  payloadFields,
  pythonBytesRepr,
  type RunContext,
  SocketError,
  textToBytes,
} from '@socklab/core';
import { unixSocketError } from './unix-errors.ts';

export interface RequestUnixOptions {
  /** The server's socket file. */
  path: string;
  /** What to send. */
  message: string;
  /** Give up after this many milliseconds without the whole echo. */
  timeout: number;
}

/**
 * Connects to a unix socket echo server, sends the message, reads the same number of bytes
 * back and yields them as a `recv` event (`Received b'...'`, like the TCP seed).
 */
export async function* requestUnix(
  options: RequestUnixOptions,
  context: RunContext,
): AsyncGenerator<LabEvent> {
  const { path, timeout } = options;
  const event = createEventClock();
  const remote = eventAddress(path, 0, 'unix');
  const data = textToBytes(options.message);
  const socket: Socket = connect(path);
  const chunks: Uint8Array[] = [];
  let received = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    // Settles once on connect, the whole echo, an error, the timeout or the abort.
    const step = (until: 'connect' | 'echo') =>
      new Promise<void>((resolve, reject) => {
        const cleanup = () => {
          clearTimeout(timer);
          socket
            .off('connect', onConnect)
            .off('data', onData)
            .off('error', onError)
            .off('end', onEnd);
          context.signal.removeEventListener('abort', onAbort);
        };
        const done = () => {
          cleanup();
          resolve();
        };
        const fail = (error: unknown) => {
          cleanup();
          reject(error);
        };
        const onConnect = () => done();
        const onData = (chunk: Uint8Array) => {
          chunks.push(chunk);
          received += chunk.length;
          if (received >= data.length) done();
        };
        const onError = (error: Error) =>
          fail(unixSocketError(error, until === 'connect' ? 'connect to' : 'receive from', path));
        const onEnd = () =>
          fail(
            new SocketError('ECONNRESET', {
              action: 'receive from',
              target: `unix ${path}`,
              reason: `connection closed after ${received} of ${data.length} B`,
            }),
          );
        const onAbort = () => fail(context.signal.reason);
        if (context.signal.aborted) return onAbort();
        context.signal.addEventListener('abort', onAbort, { once: true });
        timer = setTimeout(
          () =>
            fail(
              new SocketError('ETIMEDOUT', {
                action: until === 'connect' ? 'connect to' : 'receive from',
                target: `unix ${path}`,
                reason: `no reply within ${timeout} ms`,
                hint: 'raise --timeout',
              }),
            ),
          timeout,
        );
        if (until === 'connect') socket.once('connect', onConnect);
        else socket.on('data', onData).once('end', onEnd);
        socket.once('error', onError);
      });
    await step('connect');
    yield event('connect', { proto: 'unix', remote });
    socket.write(data);
    yield event('send', { proto: 'unix', remote, ...payloadFields(data) });
    if (data.length > 0) await step('echo');
    const reply = concat(chunks);
    yield event('recv', {
      proto: 'unix',
      remote,
      ...payloadFields(reply),
      message: `Received ${pythonBytesRepr(reply)}`,
    });
    socket.end();
    yield event('close', { proto: 'unix', remote });
  } finally {
    socket.destroy();
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
