import process from 'node:process';
import type { Readable, Writable } from 'node:stream';

/** Where the wizard's prompts read keys and draw: the process's terminal, or test streams. */
export interface WizardTerminal {
  input: Readable;
  output: Writable;
  /** Aborts the prompt in hand (clack then resolves it as cancelled). */
  signal?: AbortSignal;
  /** False when the terminal shows no colour (NO_COLOR): clack's dim placeholder is then plain. */
  color?: boolean;
}

/**
 * Ctrl-D (byte 4 in raw mode) or the end of the input, while prompts are asked: cancels them, as
 * Ctrl-C does. Without it readline closed on Ctrl-D, no prompt ever settled, and the wizard
 * ended with exit 0 and the cursor hidden.
 */
export function watchEndOfInput(input: Readable): { signal: AbortSignal; stop(): void } {
  const controller = new AbortController();
  const onData = (chunk: Uint8Array | string) => {
    const bytes = typeof chunk === 'string' ? [...chunk].map((c) => c.charCodeAt(0)) : chunk;
    if (!bytes.includes(4)) return;
    // As the Ctrl-C key, so the prompt closes drawn as cancelled; the signal is the fallback.
    input.emit('keypress', '\u0003', { sequence: '\u0003', name: 'c', ctrl: true });
    controller.abort();
  };
  const onEnd = () => controller.abort();
  input.on('data', onData);
  input.once('end', onEnd);
  return {
    signal: controller.signal,
    stop() {
      input.off('data', onData);
      input.off('end', onEnd);
    },
  };
}

export function processTerminal(): WizardTerminal {
  return { input: process.stdin, output: process.stdout };
}
