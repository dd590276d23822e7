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
    // As the Ctrl-C key, so the prompt closes drawn as cancelled; the signal is the fallback,
    // a turn later, for a prompt the key did not close (closed twice, it drew a blank line).
    input.emit('keypress', '\u0003', { sequence: '\u0003', name: 'c', ctrl: true });
    setTimeout(() => controller.abort(), 0);
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

/**
 * Asks one prompt with a signal of its own that follows `signal`, and detaches it once answered:
 * clack never removes the abort listener it adds, so one signal shared by every prompt kept one
 * per prompt (Node warned past ten) and Ctrl-D closed each earlier prompt again (a blank line each).
 */
export async function askWithSignal<T>(
  signal: AbortSignal | undefined,
  ask: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  if (!signal) return ask(undefined);
  const own = new AbortController();
  const follow = () => own.abort(signal.reason);
  if (signal.aborted) follow();
  else signal.addEventListener('abort', follow, { once: true });
  try {
    return await ask(own.signal);
  } finally {
    signal.removeEventListener('abort', follow);
  }
}

export function processTerminal(): WizardTerminal {
  return { input: process.stdin, output: process.stdout };
}
