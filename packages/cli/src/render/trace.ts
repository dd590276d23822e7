import { type EventAddress, eventMessage, fromHex, hexdump, type LabEvent } from '@socklab/core';
import { paintType } from './color.ts';
import { escapeControls } from './escape-controls.ts';
import type { Renderer, RenderOptions, RenderTarget } from './renderer.ts';

/** Longest payload text shown on a trace line (the JSON form has up to 1 KiB). */
const maxTraceText = 60;

/** One line per event on stdout, starting with its type; `--hex` adds a hexdump under it. */
export function createTraceRenderer(out: RenderTarget, options: RenderOptions = {}): Renderer {
  return {
    event(event: LabEvent) {
      let text = `${formatTraceLine(event, options)}\n`;
      if (options.hex) {
        const data = event.payload ?? (event.hex ? safeFromHex(event.hex) : undefined);
        if (data && data.length > 0) text += `${indent(hexdump(data))}\n`;
      }
      out.stdout(text);
    },
  };
}

/**
 * `send udp 127.0.0.1:5000 -> 127.0.0.1:65432 12 B +0.4 ms "hello"`: type, protocol, endpoints
 * (local first; `<-` when data or a peer came in), details, time since start, payload text.
 * Trace lines go to stdout: with `terminal.stdout`, control characters in them are escaped.
 */
export function formatTraceLine(event: LabEvent, options: RenderOptions = {}): string {
  const parts: string[] = [];
  if (event.proto) parts.push(event.proto);
  if (event.connection !== undefined) parts.push(`#${event.connection}`);
  const arrow = event.type === 'recv' || event.type === 'accept' ? '<-' : '->';
  if (event.local && event.remote)
    parts.push(`${formatAddress(event.local)} ${arrow} ${formatAddress(event.remote)}`);
  else if (event.local) parts.push(formatAddress(event.local));
  else if (event.remote) parts.push(`${arrow} ${formatAddress(event.remote)}`);
  // A host name that is the event's whole message (the UDP server's first line) is said once.
  if (event.host !== undefined && (event.addresses || event.message !== event.host))
    parts.push(event.addresses ? `${event.host} = ${event.addresses.join(', ')}` : event.host);
  else if (event.addresses) parts.push(event.addresses.join(', '));
  if (event.bytes !== undefined) parts.push(`${event.bytes} B`);
  if (event.attempt !== undefined) parts.push(`attempt ${event.attempt}`);
  parts.push(`+${formatMs(event.elapsedMs)} ms`);
  if (event.rttMs !== undefined) parts.push(`rtt ${formatMs(event.rttMs)} ms`);
  if (event.durationMs !== undefined) parts.push(`lasted ${formatMs(event.durationMs)} ms`);
  if (event.code !== undefined) parts.push(event.code);
  if (event.reason !== undefined) parts.push(event.reason);
  if (event.text !== undefined) parts.push(quote(event.text));
  let line = parts.join(' ');
  // Events that are only words (info, error, timeout) carry them in `message`.
  const message = eventMessage(event);
  if (message !== undefined && ['info', 'error', 'timeout'].includes(event.type)) {
    const [first, ...more] = message.split('\n');
    line += ` ${first}`;
    if (more.length > 0) line += `\n${indent(more.join('\n'))}`;
  }
  // Escaped before painting, so the colour codes stay and only the event's own text is escaped.
  if (options.terminal?.stdout) line = escapeControls(line);
  return `${paintType(event.type, options.color === true)} ${line}`;
}

/** `127.0.0.1:5000`, `[::1]:5000`, or the path of a unix socket. */
export function formatAddress(address: EventAddress): string {
  if (address.family === 'unix') return address.address || '(unnamed)';
  return address.family === 'IPv6' || address.address.includes(':')
    ? `[${address.address}]:${address.port}`
    : `${address.address}:${address.port}`;
}

function formatMs(ms: number): string {
  return ms < 100 ? ms.toFixed(1) : String(Math.round(ms));
}

function quote(text: string): string {
  const cut = text.length > maxTraceText ? `${text.slice(0, maxTraceText)}…` : text;
  return JSON.stringify(cut);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

function safeFromHex(hex: string): Uint8Array | undefined {
  try {
    return fromHex(hex);
  } catch {
    return undefined;
  }
}
