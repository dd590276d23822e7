/**
 * Text safe to print on a terminal: C0 controls but newline and tab, DEL and C1 controls become
 * Python-style escapes (`\x1b`, `\r`, `\x9b`), so text from a peer cannot move the cursor,
 * retitle the window or clear the screen. Everything else, backslashes included, is unchanged.
 */
export function escapeControls(text: string): string {
  let escaped = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code >= 0x20 && code < 0x7f) || code > 0x9f || code === 0x0a || code === 0x09) continue;
    escaped +=
      text.slice(from, i) + (code === 0x0d ? '\\r' : `\\x${code.toString(16).padStart(2, '0')}`);
    from = i + 1;
  }
  return from === 0 ? text : escaped + text.slice(from);
}

/**
 * One line of a message about user input (error lines): control characters escaped as above,
 * newlines too, so an argument cannot drive the terminal or forge a second line.
 */
export function escapeLine(text: string): string {
  return escapeControls(text).replace(/\n/g, '\\n');
}
