import { createJsonRenderer } from './json.ts';
import { createPlainRenderer } from './plain.ts';
import type { OutputMode, Renderer, RenderOptions, RenderTarget } from './renderer.ts';
import { createTraceRenderer } from './trace.ts';

export { useColor } from './color.ts';
export { escapeControls } from './escape-controls.ts';
export { createJsonRenderer } from './json.ts';
export { createPlainRenderer } from './plain.ts';
export type { OutputMode, Renderer, RenderOptions, RenderTarget } from './renderer.ts';
export { createTraceRenderer, formatAddress, formatTraceLine } from './trace.ts';

export function createRenderer(
  mode: OutputMode,
  out: RenderTarget,
  options: RenderOptions = {},
): Renderer {
  if (mode === 'json') return createJsonRenderer(out, options);
  if (mode === 'trace') return createTraceRenderer(out, options);
  return createPlainRenderer(out, options);
}
