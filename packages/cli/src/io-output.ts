// What every runtime's CliIO shares (io.ts: Node and Bun; io-deno.ts: Deno), with no runtime
// import: Deno's `socklab inspect` loads none of Node's modules (its node:fs alone costs ~50 ms).

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
  /**
   * Calls `handler` on SIGINT/SIGTERM until the returned function is called. Called with the
   * command's exit code, it leaves the process listening until it exits: a stop signal then ends
   * it at once with that code, instead of the runtime dying of it while it tears down (Node:
   * 130 right after "Lab passed").
   */
  onSignal?(handler: (signal: StopSignal) => void): (outcome?: number) => void;
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

export interface StderrWriter {
  write(text: string): void;
  /** Resolves once everything written has left the process. */
  flush(): Promise<void>;
}

export interface StdoutWriter {
  write(text: string | Uint8Array): void;
  writeError(text: string): void;
  drained(): Promise<void> | undefined;
  flush(): Promise<void>;
}

/** The signal handlers of a CliIO, and what its output's first failure was. */
export interface OutputGuard {
  handlers: Set<(signal: StopSignal) => void>;
  /** Dispatches a signal to every handler. */
  signal(signal: StopSignal): void;
  /** A write failed: remembered once, and the command stopped as SIGTERM would. */
  writeFailed(error: unknown): void;
  failure(): string | undefined;
  closed(): boolean;
}

/**
 * Output that cannot be written stops the command as SIGTERM would, once (each failed write
 * reports it again, and a second SIGTERM would force the exit). A closed pipe (`socklab … |
 * head`) is the reader's choice; anything else (ENOSPC, EIO) is remembered as a failure.
 */
export function outputGuard(): OutputGuard {
  const handlers = new Set<(signal: StopSignal) => void>();
  let broken = false;
  let closed = false;
  let failure: string | undefined;
  const signal = (name: StopSignal) => {
    for (const handler of [...handlers]) handler(name);
  };
  return {
    handlers,
    signal,
    writeFailed(error) {
      if (broken) return;
      broken = true;
      if (isBrokenPipe(error)) closed = true;
      else failure = writeErrorReason(error);
      signal('SIGTERM');
    },
    failure: () => failure,
    closed: () => closed,
  };
}

/**
 * CliIO.onSignal over a runtime's own listeners: `listen` attaches them (calling `onStop`) and
 * returns what detaches them. They stay attached after a command that is done (see onSignal).
 */
export function stopSignals(
  guard: OutputGuard,
  listen: (onStop: (signal: StopSignal) => void) => () => void,
  exit: (code: number) => void,
): NonNullable<CliIO['onSignal']> {
  let detach: (() => void) | undefined;
  let outcome: number | undefined;
  // Only a real signal ends a finished command: an output failure (guard.signal) is reported.
  const onStop = (signal: StopSignal) => {
    if (guard.handlers.size > 0) guard.signal(signal);
    else if (outcome !== undefined) exit(outcome);
  };
  return (handler) => {
    detach ??= listen(onStop);
    outcome = undefined;
    guard.handlers.add(handler);
    return (code) => {
      guard.handlers.delete(handler);
      if (guard.handlers.size > 0) return;
      if (code !== undefined) outcome = code;
      else {
        detach?.();
        detach = undefined;
      }
    };
  };
}

export function isBrokenPipe(error: unknown): boolean {
  const { code, name } = (error ?? {}) as { code?: string; name?: string };
  return code === 'EPIPE' || name === 'BrokenPipe';
}

/** "ENOSPC: no space left on device, write" (Node, Bun), "No space left on device (os error
 * 28)" (Deno): "no space left on device". */
export function writeErrorReason(error: unknown): string {
  const text = String((error as { message?: unknown })?.message ?? error)
    .replace(/^E[A-Z]+: /, '')
    .replace(/, write$/, '')
    .replace(/ \(os error \d+\)$/, '');
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/**
 * stdout a file or a device (a terminal too, on Deno): synchronous writes, which never wait for a
 * reader (the streams would make a Buffer per write on Node, queue async writes of a new buffer
 * each on Deno, and on Bun a FileSink drops a write the file cannot take, such as one past
 * RLIMIT_FSIZE, silently). A failed write is reported as a stream's 'error' would be (after the
 * current call), and what follows it is dropped.
 */
export function syncStdoutWriter(
  writeText: (text: string | Uint8Array) => void,
  stderr: StderrWriter,
  onError: (error: unknown) => void,
): StdoutWriter {
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
