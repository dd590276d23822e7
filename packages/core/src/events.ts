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

/** Stamps events with `time` and `elapsedMs` since the clock was made. */
export function createEventClock(start: number = performance.now()) {
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

export type EventClock = ReturnType<typeof createEventClock>;

/** `bytes`, `text` (when valid UTF-8, cut at 1 KiB) and the raw `payload` for an event. */
export function payloadFields(data: Uint8Array): Pick<LabEvent, 'bytes' | 'text' | 'payload'> {
  const fields: Pick<LabEvent, 'bytes' | 'text' | 'payload'> = { bytes: data.length, payload: data };
  const text = bytesToText(data);
  if (text === undefined) return fields;
  if (data.length <= maxEventText) {
    fields.text = text;
  } else {
    // Cut at a character boundary: back off continuation bytes (10xxxxxx).
    let end = maxEventText;
    while (end > 0 && ((data[end] as number) & 0xc0) === 0x80) end--;
    fields.text = bytesToText(data.subarray(0, end)) as string;
  }
  return fields;
}

/** The JSON form of an event: drops `payload`, adds `hex` when asked. */
export function eventToJSON(event: LabEvent, options: { hex?: boolean } = {}): Record<string, unknown> {
  const { payload, ...rest } = event;
  const out: Record<string, unknown> = rest;
  if (options.hex && payload && out.hex === undefined) out.hex = toHex(payload);
  return out;
}

export function addressFamily(address: string): 'IPv4' | 'IPv6' {
  return address.includes(':') ? 'IPv6' : 'IPv4';
}

export function eventAddress(address: string, port: number): EventAddress {
  return { address, port, family: addressFamily(address) };
}
