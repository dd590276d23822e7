import type { LabEvent } from '@socklab/core';
import { escapeControls } from './escape-controls.ts';
import type { Renderer, RenderOptions, RenderTarget } from './renderer.ts';

/**
 * Prints each event's `message`; notices, errors and timeouts go to stderr. On a terminal,
 * control characters are escaped (messages carry peer text); piped, they go out as they are.
 */
export function createPlainRenderer(out: RenderTarget, options: RenderOptions = {}): Renderer {
  const { stdout = false, stderr = false } = options.terminal ?? {};
  return {
    event(event: LabEvent) {
      if (event.message === undefined) return;
      const toStderr = event.notice === true || event.type === 'error' || event.type === 'timeout';
      const text = (toStderr ? stderr : stdout) ? escapeControls(event.message) : event.message;
      (toStderr ? out.stderr : out.stdout)(`${text}\n`);
    },
  };
}
