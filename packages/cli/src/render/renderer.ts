import type { LabEvent } from '@socklab/core';

/** Where renderers write (text as given, or UTF-8 bytes; they add the newlines). */
export interface RenderTarget {
  stdout(text: string | Uint8Array): void;
  stderr(text: string): void;
}

export interface Renderer {
  event(event: LabEvent): void;
}

export type OutputMode = 'plain' | 'trace' | 'json';

export interface RenderOptions {
  /** Hex dumps of payloads (--hex). */
  hex?: boolean;
  /** ANSI colours (only for a terminal without NO_COLOR). */
  color?: boolean;
  /**
   * The streams that are terminals: text printed there has its control characters escaped, so a
   * peer's payload cannot drive the terminal. Elsewhere (pipes, files) text goes out byte for byte.
   */
  terminal?: { stdout?: boolean; stderr?: boolean };
}
