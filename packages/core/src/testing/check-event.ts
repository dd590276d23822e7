import { isIPv4, isIPv6 } from '../endpoint.ts';
import {
  type EventAddress,
  eventToJSON,
  type LabEvent,
  labEventTypes,
  maxEventText,
} from '../events.ts';

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const encoder = new TextEncoder();

// Every field DESIGN.md gives an event; anything else belongs in `details`.
const knownFields = new Set([
  'type',
  'time',
  'elapsedMs',
  'proto',
  'local',
  'remote',
  'bytes',
  'text',
  'hex',
  'connection',
  'reason',
  'code',
  'rttMs',
  'durationMs',
  'attempt',
  'host',
  'addresses',
  'message',
  'notice',
  'details',
  'payload',
]);

function addressProblems(field: string, value: unknown): string[] {
  if (typeof value !== 'object' || value === null)
    return [`${field} must be {address, port, family}`];
  const { address, port, family } = value as Partial<EventAddress>;
  const problems: string[] = [];
  if (typeof address !== 'string' || address === '')
    problems.push(`${field}.address must be a non-empty string`);
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`${field}.port must be a whole number 0-65535, got ${JSON.stringify(port)}`);
  }
  if (family === 'IPv4' && typeof address === 'string' && !isIPv4(address)) {
    problems.push(`${field}.address "${address}" is not an IPv4 address but family is IPv4`);
  } else if (family === 'IPv6' && typeof address === 'string' && !isIPv6(address)) {
    problems.push(`${field}.address "${address}" is not an IPv6 address but family is IPv6`);
  } else if (family === 'unix') {
    if (port !== 0) problems.push(`${field}.port must be 0 for a unix socket`);
  } else if (family !== 'IPv4' && family !== 'IPv6') {
    problems.push(
      `${field}.family must be "IPv4", "IPv6" or "unix", got ${JSON.stringify(family)}`,
    );
  }
  return problems;
}

const nonNegative = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const wholeNumber = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * What is wrong with one event, given the one before it (for the monotonic clock).
 * Returns an empty list for a well-formed event.
 */
export function checkEvent(event: unknown, previous?: LabEvent): string[] {
  if (typeof event !== 'object' || event === null)
    return [`an event must be an object, got ${String(event)}`];
  const e = event as Record<string, unknown>;
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  check(
    labEventTypes.includes(e.type as never),
    `type ${JSON.stringify(e.type)} is not one of ${labEventTypes.join(', ')}`,
  );
  check(
    typeof e.time === 'string' && isoTime.test(e.time) && !Number.isNaN(Date.parse(e.time)),
    `time ${JSON.stringify(e.time)} is not ISO-8601 UTC`,
  );
  check(
    nonNegative(e.elapsedMs),
    `elapsedMs must be a number >= 0, got ${JSON.stringify(e.elapsedMs)}`,
  );
  if (previous && nonNegative(e.elapsedMs)) {
    check(
      (e.elapsedMs as number) >= previous.elapsedMs,
      `elapsedMs went back from ${previous.elapsedMs} to ${e.elapsedMs}`,
    );
  }
  for (const key of Object.keys(e))
    check(knownFields.has(key), `unknown field "${key}" (put extra data in details)`);
  if (e.local !== undefined) problems.push(...addressProblems('local', e.local));
  if (e.remote !== undefined) problems.push(...addressProblems('remote', e.remote));
  if (e.bytes !== undefined) check(wholeNumber(e.bytes), `bytes must be a whole number >= 0`);
  if (e.payload !== undefined) {
    check(e.payload instanceof Uint8Array, 'payload must be a Uint8Array');
    if (e.payload instanceof Uint8Array && e.bytes !== undefined) {
      check(
        e.bytes === e.payload.length,
        `bytes (${e.bytes}) differs from the payload length (${e.payload.length})`,
      );
    }
  }
  if (e.text !== undefined) {
    check(typeof e.text === 'string', 'text must be a string');
    if (typeof e.text === 'string') {
      check(
        encoder.encode(e.text).length <= maxEventText,
        `text is longer than ${maxEventText} bytes: cut it (payloadFields does)`,
      );
    }
  }
  if (e.hex !== undefined)
    check(
      typeof e.hex === 'string' && /^([0-9a-f]{2})*$/i.test(e.hex),
      'hex must be pairs of hex digits',
    );
  if (e.connection !== undefined)
    check(wholeNumber(e.connection), 'connection must be a whole number id');
  if (e.attempt !== undefined)
    check(
      wholeNumber(e.attempt) && (e.attempt as number) >= 1,
      'attempt must be a whole number >= 1',
    );
  for (const key of ['rttMs', 'durationMs']) {
    if (e[key] !== undefined) check(nonNegative(e[key]), `${key} must be a number >= 0`);
  }
  for (const key of ['proto', 'reason', 'code', 'host', 'message']) {
    if (e[key] !== undefined) check(typeof e[key] === 'string', `${key} must be a string`);
  }
  if (e.notice !== undefined) check(typeof e.notice === 'boolean', 'notice must be a boolean');
  if (e.addresses !== undefined) {
    check(
      Array.isArray(e.addresses) && e.addresses.every((a) => typeof a === 'string'),
      'addresses must be a list of strings',
    );
  }
  if (e.details !== undefined) {
    check(
      typeof e.details === 'object' && e.details !== null && !Array.isArray(e.details),
      'details must be an object',
    );
  }
  if (e.type === 'error')
    check(
      typeof e.reason === 'string' || typeof e.code === 'string',
      'an error event needs a reason or a code',
    );
  try {
    JSON.stringify(eventToJSON(e as unknown as LabEvent));
  } catch (error) {
    problems.push(`cannot be written as JSON: ${(error as Error).message}`);
  }
  return problems;
}
