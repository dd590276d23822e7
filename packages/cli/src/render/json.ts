import { eventToJSON, type LabEvent } from '@socklab/core';
import type { Renderer, RenderOptions, RenderTarget } from './renderer.ts';

// JSON.stringify escapes C0 controls but leaves DEL and C1 raw; escape them too so a line
// from a peer cannot drive a terminal that displays the NDJSON (the parsed value is the same).
const rawControls = /[\u007f-\u009f\u2028\u2029]/g;
const escapeRaw = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One JSON object per line (NDJSON) on stdout: the event's fields, `hex` with --hex. */
export function createJsonRenderer(out: RenderTarget, options: RenderOptions = {}): Renderer {
  return {
    event(event: LabEvent) {
      const line = JSON.stringify(eventToJSON(event, { hex: options.hex }));
      out.stdout(`${line.replace(rawControls, escapeRaw)}\n`);
    },
  };
}
