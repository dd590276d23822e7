import {
  type CliIO,
  outputGuard,
  type StderrWriter,
  type StdoutWriter,
  type StopSignal,
  stopSignals,
  syncStdoutWriter,
} from './io-output.ts';

/** What denoIO uses of the Deno namespace. */
interface DenoHost {
  stdin: {
    isTerminal(): boolean;
    readable: ReadableStream<Uint8Array> & AsyncIterable<Uint8Array>;
  };
  stdout: DenoOutput;
  stderr: DenoOutput;
  env: { toObject(): Record<string, string> };
  cwd(): string;
  exit(code?: number): never;
  addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
  removeSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
  readLinkSync(path: string): string;
}

interface DenoOutput {
  isTerminal(): boolean;
  write(bytes: Uint8Array): Promise<number>;
  writeSync(bytes: Uint8Array): number;
}

/**
 * Deno's process through the Deno namespace alone: no `node:` module is loaded (Deno's node:fs
 * or node:process costs ~40-50 ms at start, more than the rest of `socklab --version`). stdout
 * to a terminal, a file or a device is written synchronously; to a pipe or socket through a chain
 * of async writes (Deno.stdout.writeSync would block the whole event loop while the pipe is
 * full); stderr synchronously.
 */
export function denoIO(deno = (globalThis as unknown as { Deno: DenoHost }).Deno): CliIO {
  const guard = outputGuard();
  const isTTY = {
    stdin: deno.stdin.isTerminal(),
    stdout: deno.stdout.isTerminal(),
    stderr: deno.stderr.isTerminal(),
  };
  const stderr = denoStderr(deno.stderr);
  const out =
    isTTY.stdout || stdoutIsFile(deno)
      ? syncStdoutWriter(denoWriteText(deno.stdout), stderr, guard.writeFailed)
      : denoStdoutWriter(deno.stdout, stderr, guard.writeFailed);
  return {
    stdout: (text) => out.write(text),
    stderr: (text) => out.writeError(text),
    isTTY,
    env: denoEnv(deno),
    cwd: deno.cwd(),
    onSignal: stopSignals(
      guard,
      (onStop) => listenForStop(deno, onStop),
      (code) => deno.exit(code),
    ),
    forceExit: (code) => deno.exit(code),
    stdin: () => deno.stdin.readable,
    drained: () => out.drained(),
    flush: () => out.flush(),
    outputFailure: guard.failure,
    outputClosed: guard.closed,
  };
}

/** Deno's SIGINT and SIGTERM listeners, calling `onStop`; returns what removes them. */
function listenForStop(deno: DenoHost, onStop: (signal: StopSignal) => void): () => void {
  const onInt = () => onStop('SIGINT');
  const onTerm = () => onStop('SIGTERM');
  listen(() => deno.addSignalListener('SIGINT', onInt));
  listen(() => deno.addSignalListener('SIGTERM', onTerm));
  return () => {
    listen(() => deno.removeSignalListener('SIGINT', onInt));
    listen(() => deno.removeSignalListener('SIGTERM', onTerm));
  };
}

/** Windows has no SIGTERM for Deno to listen to (it throws): Ctrl-C alone stops a command there. */
function listen(call: () => void): void {
  try {
    call();
  } catch {
    // Not a signal of this system.
  }
}

/** The environment, or none where --allow-env was not given. */
function denoEnv(deno: DenoHost): Record<string, string | undefined> {
  try {
    return deno.env.toObject();
  } catch {
    return {};
  }
}

/**
 * Whether stdout is a file or a device (/dev/null), not a pipe or socket: its /proc/self/fd link
 * is a path. Without /proc (macOS), the async writer, which is right for files too.
 */
function stdoutIsFile(deno: DenoHost): boolean {
  try {
    return deno.readLinkSync('/proc/self/fd/1').startsWith('/');
  } catch {
    return false;
  }
}

/**
 * Each string encoded into one reused buffer (bytes as they are), then written synchronously,
 * all of it.
 */
export function denoWriteText(stdout: DenoOutput): (text: string | Uint8Array) => void {
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

/** stderr, written synchronously; a failed write is not a crash (and stops nothing). */
function denoStderr(stderr: DenoOutput): StderrWriter {
  const write = denoWriteText(stderr);
  return {
    write(text) {
      try {
        write(text);
      } catch {
        // Nowhere left to say it.
      }
    },
    flush: async () => {},
  };
}

/** Output waiting beyond this many bytes makes drained() wait. */
const denoHighWater = 64 * 1024;

/** stdout through a chain of async writes (in order). */
export function denoStdoutWriter(
  stdout: DenoOutput,
  stderr: StderrWriter,
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
    writeError: stderr.write,
    drained: () => (waiting > denoHighWater ? tail : undefined),
    flush: () => tail,
  };
}
