import process from 'node:process';
import type { CliIO, StopSignal } from './io.ts';

const utf8 = new TextDecoder();

/** A CliIO that records output and lets a test send signals: for in-process tests and the wizard's. */
export interface MemoryIO extends CliIO {
  out: string;
  err: string;
  /** Delivers SIGINT/SIGTERM to whoever listens now. */
  signal(signal: StopSignal): void;
  /** How many signal listeners are attached (0 after a command ends). */
  listeners(): number;
  /** Codes passed to forceExit. */
  forced: number[];
}

export function createMemoryIO(
  options: Partial<Pick<CliIO, 'isTTY' | 'env' | 'cwd' | 'stdin'>> = {},
): MemoryIO {
  const handlers = new Set<(signal: StopSignal) => void>();
  const io: MemoryIO = {
    out: '',
    err: '',
    forced: [],
    stdout(text) {
      io.out += typeof text === 'string' ? text : utf8.decode(text);
    },
    stderr(text) {
      io.err += text;
    },
    isTTY: options.isTTY ?? { stdin: false, stdout: false },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    stdin: options.stdin,
    onSignal(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    forceExit(code) {
      io.forced.push(code);
    },
    signal(signal) {
      for (const handler of [...handlers]) handler(signal);
    },
    listeners: () => handlers.size,
  };
  return io;
}
