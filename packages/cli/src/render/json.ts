import { eventToJSON, type LabEvent } from '@socklab/core';
import type { Renderer, RenderOptions, RenderTarget } from './renderer.ts';

/** One JSON object per line (NDJSON) on stdout: the event's fields, `hex` with --hex. */
export function createJsonRenderer(out: RenderTarget, options: RenderOptions = {}): Renderer {
  return {
    event(event: LabEvent) {
      out.stdout(`${JSON.stringify(eventToJSON(event, { hex: options.hex }))}\n`);
    },
  };
}
