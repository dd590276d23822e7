import { fstatSync, readlinkSync, writeSync } from 'node:fs';
import process from 'node:process';
import type { Writable } from 'node:stream';
import { denoIO } from './io-deno.ts';
import {
  type CliIO,
  outputGuard,
  type StderrWriter,
  type StdoutWriter,
  stopSignals,
  syncStdoutWriter,
} from './io-output.ts';

export type { CliIO, StopSignal } from './io-output.ts';

/**
 * The real process: stdout/stderr, TTY flags, env, signals. On Deno, denoIO (the Deno namespace
 * alone); here Node's and Bun's.
 */
export function processIO(): CliIO {
  if ('Deno' in globalThis) return denoIO();
  const guard = outputGuard();
  const bun = (globalThis as { Bun?: BunStdio }).Bun;
  const isTTY = procTTYs() ?? streamTTYs();
  const out = stdoutIsFile(isTTY.stdout)
    ? syncStdoutWriter(
        nodeWriteText(1),
        bun ? bunStderr(bun) : processStderr(guard.writeFailed),
        guard.writeFailed,
      )
    : bun
      ? bunStdoutWriter(bun, guard.writeFailed)
      : stdoutWriter(guard.writeFailed);
  return {
    stdout: (text) => out.write(text),
    stderr: (text) => out.writeError(text),
    isTTY,
    env: process.env,
    cwd: process.cwd(),
    onSignal: stopSignals(
      guard,
      (onStop) => {
        const onInt = () => onStop('SIGINT');
        const onTerm = () => onStop('SIGTERM');
        process.on('SIGINT', onInt);
        process.on('SIGTERM', onTerm);
        return () => {
          process.off('SIGINT', onInt);
          process.off('SIGTERM', onTerm);
        };
      },
      (code) => process.exit(code),
    ),
    forceExit: (code) => process.exit(code),
    stdin: () => process.stdin as AsyncIterable<Uint8Array>,
    drained: () => out.drained(),
    flush: () => out.flush(),
    outputFailure: guard.failure,
    outputClosed: guard.closed,
  };
}

function streamTTYs(): CliIO['isTTY'] {
  return {
    stdin: Boolean(process.stdin.isTTY),
    stdout: Boolean(process.stdout.isTTY),
    stderr: Boolean(process.stderr.isTTY),
  };
}

/**
 * Which fds are terminals, from /proc (Linux), or undefined where there is none. Creating
 * process.stdin/stdout/stderr to ask them costs Bun ~4 MB of memory and ~18 ms of start-up (the
 * Node stream layer), more than a whole idle server, and Node ~10 ms of CPU (the net and stream
 * modules), when a command writing to a file or /dev/null needs none of them.
 */
function procTTYs(): CliIO['isTTY'] | undefined {
  const tty = (fd: number): boolean | undefined => {
    try {
      return /^\/dev\/(pts\/|tty|console$)/.test(readlinkSync(`/proc/self/fd/${fd}`));
    } catch (error) {
      // No /proc (macOS): ask the streams. A closed fd is no terminal.
      return (error as { code?: string }).code === 'ENOENT' && !procMounted() ? undefined : false;
    }
  };
  const stdin = tty(0);
  if (stdin === undefined) return undefined;
  return { stdin, stdout: tty(1) === true, stderr: tty(2) === true };
}

function procMounted(): boolean {
  try {
    readlinkSync('/proc/self/exe');
    return true;
  } catch {
    return false;
  }
}

/**
 * Node's stdout, to a terminal, a pipe or a socket, with backpressure: `write()` returns false
 * once output waits in the process, and `drain` follows. (A file or a device needs no
 * backpressure: syncStdoutWriter; Bun has its own: bunStdoutWriter.)
 */
function stdoutWriter(onError: (error: unknown) => void): StdoutWriter {
  // A failed write is not a crash: no stack trace.
  for (const stream of [process.stdout, process.stderr]) stream.on?.('error', onError);
  const stream = process.stdout;
  let blocked = false;
  let waiters: (() => void)[] = [];
  const release = () => {
    blocked = false;
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve();
  };
  stream.on('drain', release);
  stream.on('close', release);
  return {
    write(text) {
      // Bytes may wait in the stream: a copy (the caller reuses its array).
      if (!stream.write(typeof text === 'string' ? text : text.slice())) blocked = true;
    },
    writeError: (text) => void process.stderr.write(text),
    drained: () => (blocked ? new Promise<void>((resolve) => waiters.push(resolve)) : undefined),
    // A write that failed or waits ends with 'close' or 'drain'; then everything is handed to
    // the OS, stderr too (pipes are asynchronous on some systems): the process may exit next.
    flush: async () => {
      if (blocked) await new Promise<void>((resolve) => waiters.push(resolve));
      await Promise.all([process.stdout, process.stderr].map(written));
    },
  };
}

/**
 * Whether stdout is a file or a device such as /dev/null (not a terminal, pipe or socket): one
 * fstat, on every runtime.
 */
function stdoutIsFile(terminal: boolean): boolean {
  if (terminal) return false;
  try {
    const stat = fstatSync(1);
    return stat.isFile() || stat.isCharacterDevice();
  } catch {
    return false;
  }
}

/**
 * Node: process.stderr, made at the first write (a command that writes none does not pay
 * for the stream); a failed write is not a crash.
 */
function processStderr(onError: (error: unknown) => void): StderrWriter {
  let stream: Writable | undefined;
  return {
    write(text) {
      if (!stream) {
        stream = process.stderr;
        stream.on?.('error', onError);
      }
      stream.write(text);
    },
    flush: async () => {
      if (stream) await written(stream);
    },
  };
}

/**
 * Node and Bun: writeSync() of the bytes, or of the string itself, which Node encodes into a
 * scratch buffer it frees at once (SyncWriteStream would make a Buffer per write that lives until the next garbage
 * collection: `socklab inspect --json` writes 6 MB with 20,000 sockets). A write cut short (the
 * file may not grow that far) is finished, so that the next one fails with the reason.
 */
function nodeWriteText(fd: number): (text: string | Uint8Array) => void {
  const finish = (rest: Uint8Array) => {
    for (let at = 0, wrote = 1; at < rest.length && wrote > 0; at += wrote) {
      wrote = writeSync(fd, rest, at);
    }
  };
  return (text) => {
    if (typeof text === 'string') {
      const done = writeSync(fd, text);
      if (done !== Buffer.byteLength(text)) finish(Buffer.from(text).subarray(done));
    } else {
      const done = writeSync(fd, text);
      if (done !== text.length) finish(text.subarray(done));
    }
  };
}

/**
 * Resolves once `stream` holds no output (a write's callback runs after those before it);
 * undefined when it holds none already.
 */
export function written(stream: Writable): Promise<void> | undefined {
  if (!(stream.writableLength > 0) || stream.destroyed) return undefined;
  return new Promise((resolve) => {
    stream.once('close', resolve);
    stream.write('', () => resolve());
  });
}

interface FileSink {
  write(chunk: string | Uint8Array): number;
  /** Bytes written, or a promise of them while the rest waits for the reader (rejects: EPIPE). */
  flush(): number | Promise<number>;
}

interface BunStdio {
  stdout: { writer(): FileSink };
  stderr: { writer(): FileSink };
}

/**
 * Bun: stdout and stderr through Bun's own FileSinks. Every write is flushed at once (output
 * appears as it is made, as with the streams); a flush that cannot finish returns a promise,
 * which drained() hands out until the reader catches up.
 */
function bunStdoutWriter(bun: BunStdio, onError: (error: unknown) => void): StdoutWriter {
  const sink = bun.stdout.writer();
  const stderr = bunStderr(bun);
  let pending: Promise<void> | undefined;
  let broken = false;
  const fail = (error: unknown): void => {
    if (broken) return;
    broken = true;
    onError(error);
  };
  let more = false;
  const flushNow = (): void => {
    let flushed: number | Promise<number>;
    try {
      flushed = sink.flush();
    } catch (error) {
      fail(error);
      return;
    }
    if (typeof flushed === 'number') {
      pending = undefined;
      return;
    }
    pending = flushed.then(
      () => {
        pending = undefined;
        if (more && !broken) {
          more = false;
          flushNow();
        }
      },
      (error) => {
        pending = undefined;
        fail(error);
      },
    );
  };
  return {
    write(text) {
      if (broken) return;
      try {
        // Bytes may wait in the sink: a copy (the caller reuses its array).
        sink.write(typeof text === 'string' ? text : text.slice());
      } catch (error) {
        fail(error);
        return;
      }
      // A flush still running: the text goes out with the next one, once it is done.
      if (pending) more = true;
      else flushNow();
    },
    writeError: stderr.write,
    drained: () => pending,
    flush: async () => {
      while (pending) await pending;
      await stderr.flush();
    },
  };
}

/** Bun: stderr through its own FileSink, made on first use, each write flushed at once. */
function bunStderr(bun: BunStdio): StderrWriter {
  let sink: FileSink | undefined;
  let pending: Promise<void> | undefined;
  return {
    write(text) {
      sink ??= bun.stderr.writer();
      sink.write(text);
      const flushed = sink.flush();
      // A full stderr pipe: the process still waits for it before it ends (flush()).
      if (typeof flushed !== 'number') pending = flushed.then(noop, noop);
    },
    flush: async () => {
      await pending;
    },
  };
}

function noop(): void {}
