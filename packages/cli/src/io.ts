import process from 'node:process';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** Everything the CLI touches in the outside world, injectable so tests run in-process. */
export interface CliIO {
  /** Writes text as given (renderers add the newlines). */
  stdout(text: string): void;
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
}

/** The real process: stdout/stderr, TTY flags, env, signals. */
export function processIO(): CliIO {
  const handlers = new Set<(signal: StopSignal) => void>();
  // `socklab … | head` closes the pipe early: stop the command as SIGTERM would, without a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on?.('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      for (const handler of [...handlers]) handler('SIGTERM');
    });
  }
  const onInt = () => {
    for (const handler of [...handlers]) handler('SIGINT');
  };
  const onTerm = () => {
    for (const handler of [...handlers]) handler('SIGTERM');
  };
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    isTTY: {
      stdin: Boolean(process.stdin.isTTY),
      stdout: Boolean(process.stdout.isTTY),
      stderr: Boolean(process.stderr.isTTY),
    },
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
  };
}
