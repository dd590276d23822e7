import type { Writable } from 'node:stream';

/** Columns clack's frame takes on the left of a text: the guide bar or a symbol, then two spaces. */
export const frameIndent = 3;

/** The terminal's width, as clack measures it (80 when the output does not say). */
export function terminalColumns(output: Writable): number {
  const columns = (output as { columns?: unknown }).columns;
  return typeof columns === 'number' && columns > 0 ? columns : 80;
}

/**
 * Plain text cut into lines that fit `columns` after the frame's indent: at spaces where a word
 * fits, inside a word longer than a line. Clack's text prompt, its log lines and its error lines
 * print a message as it is, so the terminal wrapped it at its edge, under no guide bar.
 */
export function wrapText(text: string, columns: number): string[] {
  const width = Math.max(columns - frameIndent, 10);
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line: string[] | undefined;
    for (const word of paragraph.split(' ')) {
      let chars = [...word];
      // A word continues the line when it fits after a space, else it starts the next one.
      if (line !== undefined && line.length + 1 + chars.length <= width) {
        line.push(' ', ...chars);
        continue;
      }
      if (line !== undefined) lines.push(line.join(''));
      for (; chars.length > width; chars = chars.slice(width))
        lines.push(chars.slice(0, width).join(''));
      line = chars;
    }
    lines.push((line ?? []).join(''));
  }
  return lines;
}
