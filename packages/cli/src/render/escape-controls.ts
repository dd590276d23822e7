import { escapeControls as escapeExcept } from '@socklab/core';

/**
 * Text safe to print on a terminal: C0 controls but newline and tab, DEL and C1 controls become
 * Python-style escapes (`\x1b`, `\r`, `\x9b`), so text from a peer cannot move the cursor,
 * retitle the window or clear the screen. Everything else, backslashes included, is unchanged.
 */
export function escapeControls(text: string): string {
  return escapeExcept(text, '\n\t');
}

/**
 * One line of a message about user input (error lines): control characters escaped as above,
 * newlines too, so an argument cannot drive the terminal or forge a second line.
 */
export function escapeLine(text: string): string {
  return escapeExcept(text, '\t');
}
