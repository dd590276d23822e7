import { SocketError, socketErrorCode } from './errors.ts';
import { bytesToText, toHex } from './message.ts';

export type LabEventType =
  | 'resolve'
  | 'bind'
  | 'listen'
  | 'connect'
  | 'accept'
  | 'send'
  | 'recv'
  | 'close'
  | 'timeout'
  | 'error'
  | 'info';

export const labEventTypes: readonly LabEventType[] = [
  'resolve',
  'bind',
  'listen',
  'connect',
  'accept',
  'send',
  'recv',
  'close',
  'timeout',
  'error',
  'info',
];

/** A socket address as events carry it. `family` is "unix" for path sockets (port 0). */
export interface EventAddress {
  address: string;
  port: number;
  family: 'IPv4' | 'IPv6' | 'unix';
}

/** What happened, as data. Commands yield these; the CLI renders them. */
export interface LabEvent {
  type: LabEventType;
  /** ISO-8601 wall clock. */
  time: string;
  /** Milliseconds since the command started. */
  elapsedMs: number;
  /** "udp", "tcp", "unix"… */
  proto?: string;
  local?: EventAddress;
  remote?: EventAddress;
  bytes?: number;
  /** The payload when it is valid UTF-8, cut at 1 KiB. */
  text?: string;
  /** The payload in hex (only when asked for, e.g. --hex). */
  hex?: string;
  /** Identifies a connection within one command run. */
  connection?: number;
  reason?: string;
  code?: string;
  /** Round-trip time of a request/reply, milliseconds. */
  rttMs?: number;
  /** How long something lasted (a connection, a run), milliseconds. */
  durationMs?: number;
  /** 1-based attempt number, for retries. */
  attempt?: number;
  /** A host name being resolved, and what it resolved to. */
  host?: string;
  addresses?: string[];
  /** The human line(s) a plain (non-trace, non-JSON) rendering prints. */
  message?: string;
  /**
   * A big `message` as UTF-8 bytes, given instead of it (`inspect --json`): a plain rendering
   * writes them as they are, with no string made and encoded again; every other reading decodes
   * them (eventMessage, withMessage, eventToJSON). The array may be a view of a buffer the
   * command reuses: it is valid until the next event is asked for, so a consumer that keeps
   * events keeps withMessage(event), or a copy.
   */
  output?: Uint8Array;
  /** Human line belongs on stderr (a notice or warning, not the result). */
  notice?: boolean;
  /** Anything else structured: summaries, statistics, snapshots. */
  details?: Record<string, unknown>;
  /** The raw payload. In-process only: JSON renderings drop it (use `text`/`hex`). */
  payload?: Uint8Array;
}

export type LabEventFields = Omit<LabEvent, 'type' | 'time' | 'elapsedMs'>;

/** Longest `text` an event carries. */
export const maxEventText = 1024;

/** Makes an event of a type, stamped with `time` and `elapsedMs`. */
export type EventClock = (type: LabEventType, fields?: LabEventFields) => LabEvent;

/** Stamps events with `time` and `elapsedMs` since the clock was made. */
export function createEventClock(start: number = performance.now()): EventClock {
  const origin = Date.now() - (performance.now() - start);
  return function event(type: LabEventType, fields: LabEventFields = {}): LabEvent {
    const elapsed = performance.now() - start;
    return {
      type,
      time: new Date(origin + elapsed).toISOString(),
      elapsedMs: Math.round(elapsed * 1000) / 1000,
      ...fields,
    };
  };
}

/**
 * `bytes`, `text` and the raw `payload` for an event. `text` is the payload when it is valid
 * UTF-8; past 1 KiB it is the first 1 KiB cut back to a character boundary, and only that
 * prefix is decoded (hot paths carry large chunks).
 */
export function payloadFields(data: Uint8Array): Pick<LabEvent, 'bytes' | 'text' | 'payload'> {
  const fields: Pick<LabEvent, 'bytes' | 'text' | 'payload'> = {
    bytes: data.length,
    payload: data,
  };
  let end = data.length;
  if (end > maxEventText) {
    // Back off at most three continuation bytes (10xxxxxx) to start the cut on a character.
    end = maxEventText;
    while (end > maxEventText - 3 && ((data[end] as number) & 0xc0) === 0x80) end--;
  }
  const text = bytesToText(data.subarray(0, end));
  if (text !== undefined) fields.text = text;
  return fields;
}

const utf8 = new TextDecoder();

/** The event's human text: its `message`, or its `output` bytes decoded; undefined when none. */
export function eventMessage(event: LabEvent): string | undefined {
  return event.message ?? (event.output ? utf8.decode(event.output) : undefined);
}

/** The event with `output` decoded into `message`, for readings that need text. */
export function withMessage(event: LabEvent): LabEvent {
  if (event.output === undefined) return event;
  const { output, ...rest } = event;
  return { ...rest, message: eventMessage(event) };
}

/** The JSON form of an event: drops `payload`, adds `hex` when asked, `output` as `message`. */
export function eventToJSON(
  event: LabEvent,
  options: { hex?: boolean } = {},
): Record<string, unknown> {
  const { payload, ...rest } = withMessage(event);
  const out: Record<string, unknown> = rest;
  if (options.hex && payload && out.hex === undefined) out.hex = toHex(payload);
  return out;
}

/** "IPv6" when the address has a colon, else "IPv4" (for paths, pass "unix" to eventAddress). */
export function addressFamily(address: string): 'IPv4' | 'IPv6' {
  return address.includes(':') ? 'IPv6' : 'IPv4';
}

/** An event address; `family` accepts Node's "IPv4"/"IPv6", 4/6, or "unix" for path sockets. */
export function eventAddress(
  address: string,
  port: number,
  family?: EventAddress['family'] | 4 | 6 | string,
): EventAddress {
  if (family === 'unix') return { address, port: 0, family: 'unix' };
  if (family === 4 || family === 'IPv4') return { address, port, family: 'IPv4' };
  if (family === 6 || family === 'IPv6') return { address, port, family: 'IPv6' };
  return { address, port, family: addressFamily(address) };
}

/**
 * Why a connection's or a socket's story ended early, for its `close` event: `reason:
 * "interrupted"` when the run's signal aborted, else the error's reason and stable code.
 */
export function endFields(error: unknown, signal?: AbortSignal): Pick<LabEvent, 'reason' | 'code'> {
  if (signal?.aborted) return { reason: 'interrupted' };
  const code = socketErrorCode(error);
  const reason = error instanceof SocketError ? error.reason : String(error);
  return code === 'EUNKNOWN' ? { reason } : { reason, code };
}
