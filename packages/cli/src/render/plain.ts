import type { LabEvent } from '@socklab/core';
import type { Renderer, RenderTarget } from './renderer.ts';

/** Prints each event's `message`; notices, errors and timeouts go to stderr. */
export function createPlainRenderer(out: RenderTarget): Renderer {
  return {
    event(event: LabEvent) {
      if (event.message === undefined) return;
      const toStderr = event.notice === true || event.type === 'error' || event.type === 'timeout';
      (toStderr ? out.stderr : out.stdout)(`${event.message}\n`);
    },
  };
}
