import type { Writable } from 'node:stream';

const frames = ['◒', '◐', '◓', '◑'];

export interface Spinner {
  start(message: string): void;
  /** Clears the spinner line; safe to call when it is not running. */
  stop(): void;
}

/**
 * A spinner that only draws. Clack's own spinner puts stdin in raw mode and exits the process on
 * Ctrl-C, which would skip closing the running command's sockets; this one leaves Ctrl-C to the
 * CLI's signal handling. Nothing is drawn when the output is not a terminal.
 */
export function createSpinner(output: Writable, intervalMs = 80): Spinner {
  const tty = (output as { isTTY?: boolean }).isTTY === true;
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    start(message) {
      if (!tty || timer) return;
      let frame = 0;
      const draw = () => {
        output.write(`\r\u001b[2K${frames[frame]}  ${message}…`);
        frame = (frame + 1) % frames.length;
      };
      draw();
      timer = setInterval(draw, intervalMs);
      // The spinner alone must not keep the process alive.
      timer.unref?.();
    },
    stop() {
      if (!timer) return;
      clearInterval(timer);
      timer = undefined;
      output.write('\r\u001b[2K');
    },
  };
}
