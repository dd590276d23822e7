const named: Record<number, string> = { 9: '\\t', 10: '\\n', 13: '\\r' };

/**
 * A command name or unix socket path as one table cell: C0 controls (tab and newline too), DEL
 * and C1 controls as Python-style escapes (`\n`, `\x1b`; ps shows `?`), so a
 * process named "a\nb" cannot split its row or forge another. JSON keeps the text as it is.
 */
export function cellText(text: string): string {
  let escaped = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code >= 0x20 && code < 0x7f) || code > 0x9f) continue;
    escaped += text.slice(from, i) + (named[code] ?? `\\x${code.toString(16).padStart(2, '0')}`);
    from = i + 1;
  }
  return from === 0 ? text : escaped + text.slice(from);
}
