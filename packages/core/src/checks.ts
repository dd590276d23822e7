import { type Endpoint, parseEndpoint, parseHost } from './endpoint.ts';
import { UsageError } from './errors.ts';
import { textToBytes } from './message.ts';

/**
 * `value` when it is a whole number from `min` to `max`; otherwise a UsageError naming it:
 * "Cannot use timeout -1: must be a whole number 0-9007199254740991". For library options,
 * where the CLI's descriptors do not check.
 */
export function checkWhole(
  name: string,
  value: unknown,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
    const reason = `must be a whole number ${min}-${max}`;
    throw new UsageError(`Cannot use ${name} ${shown}: ${reason}`, { reason });
  }
  return value;
}

/** Bytes to send: a Uint8Array as it is, text as UTF-8; anything else is a UsageError. */
export function payloadBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data === 'string') return textToBytes(data);
  const kind = data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data;
  throw new UsageError(
    `Cannot send ${kind === 'object' ? (data as object).constructor?.name || 'an object' : kind}: give a Uint8Array or a string`,
  );
}

/**
 * An endpoint given as `"host:port"` / `"[v6]:port"` text or as `{ address, port }`, checked
 * alike: a host (brackets removed) and a whole port 1-65535 (0 too with `allowZero`, where a
 * server binds). Bad ones are UsageErrors.
 */
export function toEndpoint(
  endpoint: Endpoint | string,
  options: { allowZero?: boolean } = {},
): Endpoint {
  if (typeof endpoint === 'string') return parseEndpoint(endpoint, options);
  if (typeof endpoint !== 'object' || endpoint === null)
    throw new UsageError(
      `Cannot use endpoint ${String(endpoint)}: give "host:port" or { address, port }`,
    );
  const address = parseHost(endpoint.address, 'address');
  const port = checkWhole('port', endpoint.port, options.allowZero ? 0 : 1, 65535);
  return endpoint.family === undefined
    ? { address, port }
    : { address, port, family: endpoint.family };
}
