import type { Endpoint } from './endpoint.ts';
import { UsageError } from './errors.ts';

/** Bytes that went over a socket, with where they came from and went. */
export interface Message {
  data: Uint8Array;
  from?: Endpoint;
  to?: Endpoint;
  /** Milliseconds since the Unix epoch. */
  timestamp: number;
}

// Made on first use: on Bun a TextDecoder costs ~3 MB of resident memory at start-up, which
// an idle server that never decodes text should not pay.
let encoder: TextEncoder | undefined;
let strictDecoder: TextDecoder | undefined;
let lenientDecoder: TextDecoder | undefined;

export function textToBytes(text: string): Uint8Array {
  encoder ??= new TextEncoder();
  return encoder.encode(text);
}

/** The text of valid UTF-8 bytes, or undefined when they are not valid UTF-8. */
export function bytesToText(data: Uint8Array): string | undefined {
  try {
    strictDecoder ??= new TextDecoder('utf-8', { fatal: true });
    return strictDecoder.decode(data);
  } catch {
    return undefined;
  }
}

/** Decodes with U+FFFD for invalid sequences, as Python's `decode(errors="replace")`. */
export function bytesToTextLenient(data: Uint8Array): string {
  lenientDecoder ??= new TextDecoder('utf-8');
  return lenientDecoder.decode(data);
}

export function createMessage(data: Uint8Array, from?: Endpoint, to?: Endpoint): Message {
  const message: Message = { data, timestamp: Date.now() };
  if (from) message.from = from;
  if (to) message.to = to;
  return message;
}

const hexDigits = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of the bytes, no separators: "48656c6c6f". */
export function toHex(data: Uint8Array): string {
  let out = '';
  for (const byte of data) out += hexDigits[byte];
  return out;
}

/** Parses hex (spaces and colons allowed between byte pairs). */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new SyntaxError(`Cannot parse hex "${text.slice(0, 40)}": need pairs of 0-9a-f digits`);
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** `hexdump -C` style: offset, 16 bytes in hex, printable ASCII. One string, lines joined by \n. */
export function hexdump(data: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < data.length; offset += 16) {
    const row = data.subarray(offset, offset + 16);
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      const byte = row[i];
      hex += byte === undefined ? '   ' : `${hexDigits[byte]} `;
      if (i === 7) hex += ' ';
      if (byte !== undefined)
        ascii += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
    }
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`);
  }
  return lines.join('\n');
}

const namedControls: Record<number, string> = { 9: '\\t', 10: '\\n', 13: '\\r' };

/**
 * Text safe to show on a terminal: C0 controls, DEL and C1 controls as Python-style escapes
 * (`\t`, `\n`, `\r`, `\x1b`, `\x9b`), except the characters in `keep` (the CLI keeps newline and
 * tab in a message, tab in a one-line error; a table cell keeps none), so text from a peer, a
 * process name or a socket path cannot move the cursor, clear the screen or forge a line.
 * Everything else, backslashes included, is unchanged.
 */
export function escapeControls(text: string, keep = ''): string {
  let escaped = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code >= 0x20 && code < 0x7f) || code > 0x9f) continue;
    if (keep !== '' && keep.includes(text[i] as string)) continue;
    escaped +=
      text.slice(from, i) + (namedControls[code] ?? `\\x${code.toString(16).padStart(2, '0')}`);
    from = i + 1;
  }
  return from === 0 ? text : escaped + text.slice(from);
}

/** Python's repr of bytes, as the seed prints them: b'Hello, world'. */
export function pythonBytesRepr(data: Uint8Array): string {
  let hasSingle = false;
  let hasDouble = false;
  for (const b of data) {
    if (b === 0x27) hasSingle = true;
    if (b === 0x22) hasDouble = true;
  }
  const quote = hasSingle && !hasDouble ? '"' : "'";
  let out = `b${quote}`;
  for (const b of data) {
    if (b === 0x5c) out += '\\\\';
    else if (b === 0x27 && quote === "'") out += "\\'";
    else if (b === 0x09) out += '\\t';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b < 0x20 || b >= 0x7f) out += `\\x${hexDigits[b]}`;
    else out += String.fromCharCode(b);
  }
  return `${out}${quote}`;
}

/**
 * The whole of standard input as one payload (a command's `-` message), from the run context's
 * `stdin`. Where there is none (the wizard: stdin is its terminal) it is a UsageError.
 */
export async function readStdin(context: {
  stdin?: () => AsyncIterable<Uint8Array>;
}): Promise<Uint8Array> {
  if (!context.stdin)
    throw new UsageError('Cannot read the payload from standard input here', 'give a message');
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const part of context.stdin()) {
    parts.push(part);
    length += part.length;
  }
  if (parts.length === 1) return parts[0] as Uint8Array;
  const all = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}
