import { eventMessage, type LabEvent } from '@socklab/core';
import { escapeControls } from './escape-controls.ts';
import type { Renderer, RenderOptions, RenderTarget } from './renderer.ts';

/**
 * Prints each event's `message`; notices, errors and timeouts go to stderr. On a terminal,
 * control characters are escaped (messages carry peer text); piped, they go out as they are, and
 * a message given as `output` bytes is written without being decoded.
 */
export function createPlainRenderer(out: RenderTarget, options: RenderOptions = {}): Renderer {
  const { stdout = false, stderr = false } = options.terminal ?? {};
  return {
    event(event: LabEvent) {
      const toStderr = event.notice === true || event.type === 'error' || event.type === 'timeout';
      const terminal = toStderr ? stderr : stdout;
      if (event.output !== undefined && !toStderr && !terminal) {
        out.stdout(event.output);
        out.stdout('\n');
        return;
      }
      const message = eventMessage(event);
      if (message === undefined) return;
      const text = terminal ? escapeControls(message) : message;
      (toStderr ? out.stderr : out.stdout)(`${text}\n`);
    },
  };
}
