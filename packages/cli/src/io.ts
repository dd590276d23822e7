import { fstatSync, readlinkSync, writeSync } from 'node:fs';
import process from 'node:process';
import type { Writable } from 'node:stream';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** Everything the CLI touches in the outside world, injectable so tests run in-process. */
export interface CliIO {
  /**
   * Writes text as given (renderers add the newlines), or UTF-8 bytes as they are (an event's
   * `output`, which the command may reuse once this returns: a writer that keeps it copies it).
   */
  stdout(text: string | Uint8Array): void;
  stderr(text: string): void;
  /** Which streams are terminals (`stderr` left out: the same as `stdout`). */
  isTTY: { stdin: boolean; stdout: boolean; stderr?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  /** Calls `handler` on SIGINT/SIGTERM until the returned function is called. */
  onSignal?(handler: (signal: StopSignal) => void): () => void;
  /** Ends the process now (second Ctrl-C). */
  forceExit?(code: number): void;
  /** Standard input as bytes, for commands that read a payload from it. */
  stdin?(): AsyncIterable<Uint8Array>;
  /** Resolves once everything written to stdout has left the process. */
  flush?(): Promise<void>;
  /**
   * undefined while stdout takes more output at once; otherwise resolves when it has drained
   * (or closed). The command loop waits on it, so a slow reader of a pipe holds the command's
   * own bounded queue instead of growing this process's memory.
   */
  drained?(): Promise<void> | undefined;
  /**
   * Why standard output could not be written (a full disk, a device gone), once that happened;
   * undefined otherwise. A reader that went away (`| head`) is no failure: it stops the command.
   */
  outputFailure?(): string | undefined;
  /** Whether the reader of stdout went away (`| head`): the command stopped, nothing failed. */
  outputClosed?(): boolean;
}

/** The real process: stdout/stderr, TTY flags, env, signals. */
export function processIO(): CliIO {
  const handlers = new Set<(signal: StopSignal) => void>();
  // Output that cannot be written stops the command as SIGTERM would, once (each failed write
  // reports it again, and a second SIGTERM would force the exit). A closed pipe (`socklab … |
  // head`) is the reader's choice; anything else (ENOSPC, EIO) is remembered as a failure.
  let broken = false;
  let closed = false;
  let failure: string | undefined;
  const writeFailed = (error: unknown) => {
    if (broken) return;
    broken = true;
    if (isBrokenPipe(error)) closed = true;
    else failure = writeErrorReason(error);
    for (const handler of [...handlers]) handler('SIGTERM');
  };
  const bun = (globalThis as { Bun?: BunStdio }).Bun;
  const isTTY = procTTYs() ?? streamTTYs();
  const out = stdoutIsFile(isTTY.stdout)
    ? fileStdoutWriter(writeFailed, bun)
    : bun
      ? bunStdoutWriter(bun, writeFailed)
      : stdoutWriter(writeFailed);
  const onInt = () => {
    for (const handler of [...handlers]) handler('SIGINT');
  };
  const onTerm = () => {
    for (const handler of [...handlers]) handler('SIGTERM');
  };
  return {
    stdout: (text) => out.write(text),
    stderr: (text) => out.writeError(text),
    isTTY,
    env: process.env,
    cwd: process.cwd(),
    onSignal(handler) {
      if (handlers.size === 0) {
        process.on('SIGINT', onInt);
        process.on('SIGTERM', onTerm);
      }
      handlers.add(handler);
      return () => {
        handlers.delete(handler);
        if (handlers.size > 0) return;
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
      };
    },
    forceExit: (code) => process.exit(code),
    stdin: () => process.stdin as AsyncIterable<Uint8Array>,
    drained: () => out.drained(),
    flush: () => out.flush(),
    outputFailure: () => failure,
    outputClosed: () => closed,
  };
}

function isBrokenPipe(error: unknown): boolean {
  const { code, name } = (error ?? {}) as { code?: string; name?: string };
  return code === 'EPIPE' || name === 'BrokenPipe';
}

/** "ENOSPC: no space left on device, write" (Node, Bun), "No space left on device (os error
 * 28)" (Deno): "no space left on device". */
function writeErrorReason(error: unknown): string {
  const text = String((error as { message?: unknown })?.message ?? error)
    .replace(/^E[A-Z]+: /, '')
    .replace(/, write$/, '')
    .replace(/ \(os error \d+\)$/, '');
  return text.charAt(0).toLowerCase() + text.slice(1);
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

interface StderrWriter {
  write(text: string): void;
  /** Resolves once everything written has left the process. */
  flush(): Promise<void>;
}

interface StdoutWriter {
  write(text: string | Uint8Array): void;
  writeError(text: string): void;
  drained(): Promise<void> | undefined;
  flush(): Promise<void>;
}

/**
 * stdout with backpressure that works on every runtime. Node and Bun: `write()` returns false
 * once output waits in the process (Bun never sets `writableNeedDrain`), and `drain` follows.
 * Deno's process.stdout blocks the whole event loop while a pipe is full, so on Deno the text
 * goes through Deno.stdout.write (async, in order) instead, unless stdout is a terminal. (A file
 * or a device needs no backpressure: fileStdoutWriter.)
 */
function stdoutWriter(onError: (error: unknown) => void): StdoutWriter {
  // A failed write is not a crash: no stack trace.
  for (const stream of [process.stdout, process.stderr]) stream.on?.('error', onError);
  const deno = (globalThis as { Deno?: DenoStdio }).Deno;
  // A terminal keeps the synchronous path: lines stay in order with stderr's.
  if (deno && !process.stdout.isTTY) return denoStdoutWriter(deno.stdout, onError);
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
 * stdout a file or a device: synchronous writes, which never wait for a reader (the streams
 * would make a Buffer per write on Node, queue async writes of a new buffer each on Deno, and on
 * Bun a FileSink drops a write the file cannot take, such as one past RLIMIT_FSIZE, silently).
 * A failed write is reported as a stream's 'error' would be (after the current call), and what
 * follows it is dropped.
 */
function fileStdoutWriter(onError: (error: unknown) => void, bun?: BunStdio): StdoutWriter {
  const deno = (globalThis as { Deno?: DenoStdio }).Deno;
  const writeText = deno ? denoWriteText(deno.stdout) : nodeWriteText(1);
  const stderr = bun ? bunStderr(bun) : processStderr(onError);
  let broken = false;
  return {
    write(text) {
      if (broken) return;
      try {
        writeText(text);
      } catch (error) {
        broken = true;
        queueMicrotask(() => onError(error));
      }
    },
    writeError: stderr.write,
    drained: () => undefined,
    flush: stderr.flush,
  };
}

/**
 * Node and Deno: process.stderr, made at the first write (a command that writes none does not pay
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
 * Deno: each string encoded into one reused buffer (bytes as they are), then written
 * synchronously, all of it.
 */
function denoWriteText(stdout: DenoStdio['stdout']): (text: string | Uint8Array) => void {
  const encoder = new TextEncoder();
  let scratch = new Uint8Array(64 * 1024);
  const encode = (text: string): Uint8Array => {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (scratch.length < 3 * text.length) scratch = new Uint8Array(3 * text.length);
    return scratch.subarray(0, encoder.encodeInto(text, scratch).written);
  };
  return (text) => {
    const bytes = typeof text === 'string' ? encode(text) : text;
    for (let at = 0, wrote = 1; at < bytes.length && wrote > 0; at += wrote) {
      wrote = stdout.writeSync(bytes.subarray(at));
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

/** Output waiting beyond this many bytes makes drained() wait. */
const denoHighWater = 64 * 1024;

interface DenoStdio {
  stdout: { write(bytes: Uint8Array): Promise<number>; writeSync(bytes: Uint8Array): number };
}

/** stdout through a chain of async writes (in order); stderr stays synchronous. */
function denoStdoutWriter(
  stdout: DenoStdio['stdout'],
  onError: (error: unknown) => void,
): StdoutWriter {
  const encoder = new TextEncoder();
  let tail: Promise<void> = Promise.resolve();
  let waiting = 0;
  let broken = false;
  return {
    write(text) {
      if (broken) return;
      // Bytes wait in the chain: a copy (the caller reuses its array).
      const bytes = typeof text === 'string' ? encoder.encode(text) : text.slice();
      waiting += bytes.length;
      tail = tail.then(async () => {
        try {
          for (let at = 0; at < bytes.length && !broken; )
            at += await stdout.write(bytes.subarray(at));
        } catch (error) {
          // Print nothing more (the reader went away, or the device failed).
          if (!broken) {
            broken = true;
            onError(error);
          }
        } finally {
          waiting -= bytes.length;
        }
      });
    },
    writeError: (text) => void process.stderr.write(text),
    drained: () => (waiting > denoHighWater ? tail : undefined),
    flush: () => tail,
  };
}
