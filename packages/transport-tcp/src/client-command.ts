import {
  type AnyCommand,
  createEventClock,
  defineCommand,
  type EventClock,
  endFields,
  eventAddress,
  ipFamily,
  type LabEvent,
  payloadFields,
  pythonBytesRepr,
  type RunContext,
  readStdin,
  socketErrorCode,
  textToBytes,
  toSocketError,
  UsageError,
  withTimeout,
} from '@socklab/core';
import { connectEcho, defaultClientTimeout, type EchoClient } from './echo-client.ts';
import { defaultEchoPort } from './echo-server.ts';
import { endpointText, formatBytes, formatMs } from './format.ts';
import { resolveHostAll } from './resolve-host.ts';
import { rttStats } from './rtt-stats.ts';

const defaultMessage = 'Hello, world';
/** Payloads up to this size are printed in full, like the seed prints its reply. */
const printLimit = 1024;

/** `socklab tcp client`: the seed's echo client, plus repeats, sizes, files and timings. */
export const clientCommand: AnyCommand = defineCommand({
  name: 'client',
  summary: 'TCP echo client (seed: echo-client.py): send, read the echo back, verify it',
  options: {
    host: {
      type: 'string',
      kind: 'host',
      positional: 0,
      default: '127.0.0.1',
      help: 'server address',
    },
    port: {
      type: 'number',
      kind: 'port',
      positional: 1,
      default: defaultEchoPort,
      help: 'server port',
    },
    message: {
      type: 'string',
      kind: 'text',
      positional: 2,
      default: defaultMessage,
      help: 'text to send ("-" reads the payload from standard input)',
    },
    file: {
      type: 'string',
      kind: 'file',
      help: 'send the bytes of this file',
      placeholder: 'path',
    },
    size: {
      type: 'number',
      kind: 'bytes',
      min: 0,
      max: 1024 * 1024 * 1024,
      help: 'send a generated payload of this many bytes',
      placeholder: 'bytes',
    },
    repeat: {
      type: 'number',
      kind: 'count',
      min: 1,
      default: 1,
      help: 'round trips on the one connection (a summary of round-trip times follows)',
      placeholder: 'n',
    },
    timeout: {
      type: 'number',
      kind: 'ms',
      min: 0,
      default: defaultClientTimeout,
      help: 'limit for connecting and for each round trip (0: none)',
      placeholder: 'ms',
    },
    quiet: { type: 'boolean', help: 'print only the round-trip summary' },
  },
  examples: [
    'socklab tcp client',
    'socklab tcp client 127.0.0.1 65432 "Hi there"',
    'socklab tcp client --size 65536 --repeat 100',
    'echo hello | socklab tcp client 127.0.0.1 65432 -',
  ],
  check(options) {
    const sources = [
      options.file !== undefined && '--file',
      options.size !== undefined && '--size',
      options.message !== defaultMessage && 'a message',
    ].filter(Boolean);
    if (sources.length > 1) {
      throw new UsageError(
        `Cannot send ${sources.join(' and ')} at once`,
        'give one of: a message, -, --file, --size',
      );
    }
  },
  async *run(options, context) {
    const event = createEventClock();
    const data = await payload(options, context);
    const { host, port, timeout } = options;
    // Resolved here, so `resolve` comes before `connect` (resolveHostAll says when it timed out);
    // one --timeout for both: the connect gets what the lookup left.
    const started = performance.now();
    const addresses = await resolveHostAll(host, {
      lookup: context.lookup,
      signal: withTimeout(context.signal, timeout),
      timeout,
    });
    if (addresses[0] !== host) yield event('resolve', { proto: 'tcp', host, addresses });
    let client: EchoClient;
    try {
      client = await connectEcho(
        { address: host, port },
        {
          signal: context.signal,
          timeout,
          timeoutSpent: performance.now() - started,
          lookup: async () =>
            addresses.map((address) => ({ address, family: ipFamily(address) ?? 4 })),
        },
      );
    } catch (error) {
      if (!context.signal.aborted) yield connectFailed(event, { error, addresses, port, timeout });
      throw error;
    }
    const ends = { proto: 'tcp', local: client.local, remote: client.remote };
    // The same payload every trip: its event fields (text decoded) are made once.
    const fields = payloadFields(data);
    const perTrip = !options.quiet || context.trace === true;
    const samples: number[] = [];
    let attempt = 0;
    let failure: unknown;
    try {
      yield event('connect', ends);
      for (attempt = 1; attempt <= options.repeat; attempt++) {
        if (perTrip) yield event('send', { ...ends, attempt, ...fields });
        const { rttMs } = await client.roundTrip(data);
        samples.push(rttMs);
        if (!perTrip) continue;
        const message = options.quiet ? undefined : receivedLine(data);
        yield event('recv', {
          ...ends,
          attempt,
          rttMs: Math.round(rttMs * 1000) / 1000,
          ...fields,
          ...(message ? { message } : {}),
        });
      }
    } catch (error) {
      // Said below, after the connection's last events (a consumer that leaves skips all this).
      failure = error;
    } finally {
      client.close();
    }
    if (failure === undefined) {
      yield event('close', ends);
    } else {
      const code = socketErrorCode(failure);
      if (code === 'ETIMEDOUT')
        yield event('timeout', {
          ...ends,
          attempt,
          durationMs: timeout,
          reason: `no echo within ${timeout} ms`,
        });
      yield event('close', { ...ends, ...endFields(failure, context.signal) });
    }
    // Like ping stopped by Ctrl-C: what was measured before a failure still gets its summary.
    if (samples.length > 0 && (options.repeat > 1 || options.quiet))
      yield summary(event, samples, options.repeat, data.length, endpointText(client.remote));
    if (failure !== undefined) throw failure;
  },
});

/**
 * A connect that failed, as the connection's other events would say it: proto and the remote
 * tried first (all of them in `addresses` when a name had several); no `local`, as no socket
 * was left to have one. A deadline is a `timeout` event, anything else an `error`.
 */
function connectFailed(
  event: EventClock,
  failed: { error: unknown; addresses: readonly string[]; port: number; timeout: number },
): LabEvent {
  const { error, addresses, port, timeout } = failed;
  const fields = {
    proto: 'tcp',
    remote: eventAddress(addresses[0] as string, port),
    ...(addresses.length > 1 ? { addresses: [...addresses] } : {}),
    ...endFields(error),
  };
  return fields.code === 'ETIMEDOUT'
    ? event('timeout', { ...fields, durationMs: timeout })
    : event('error', fields);
}

function receivedLine(data: Uint8Array): string {
  if (data.length <= printLimit) return `Received ${pythonBytesRepr(data)}`;
  return `Received ${data.length} bytes (${formatBytes(data.length)}), echo verified`;
}

function summary(
  event: EventClock,
  samples: number[],
  planned: number,
  bytes: number,
  where: string,
): LabEvent {
  const stats = rttStats(samples);
  const done = stats.count < planned ? `${stats.count} of ${planned}` : `${stats.count}`;
  const trips = `${done} round trip${planned === 1 ? '' : 's'}`;
  return event('info', {
    proto: 'tcp',
    bytes,
    rttMs: stats.medianMs,
    details: { ...stats, planned },
    message: `${trips} of ${formatBytes(bytes)} to ${where}, echo verified: rtt min ${formatMs(stats.minMs)}, median ${formatMs(stats.medianMs)}, p99 ${formatMs(stats.p99Ms)}`,
  });
}

const fileReasons: Record<string, string> = {
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
};

/** The bytes to send: --file, --size, stdin ("-") or the message text. */
async function payload(
  options: { message: string; file: string | undefined; size: number | undefined },
  context: RunContext,
): Promise<Uint8Array> {
  if (options.file !== undefined) {
    try {
      const { readFile } = await import('node:fs/promises');
      return new Uint8Array(await readFile(options.file));
    } catch (error) {
      // Codes core has no word for: say them plainly rather than "unexpected error".
      const reason = fileReasons[(error as { code?: string })?.code ?? ''];
      throw toSocketError(error, {
        action: 'read',
        target: `file ${options.file}`,
        hint: 'check the --file path',
        ...(reason ? { reason } : {}),
      });
    }
  }
  if (options.size !== undefined) return generated(options.size);
  if (options.message === '-') {
    const data = await readStdin(context);
    if (data.length === 0)
      throw new UsageError(
        'Cannot send an empty payload: standard input had no bytes',
        'pipe the message in, or give it as text',
      );
    return data;
  }
  return textToBytes(options.message);
}

const pattern = textToBytes('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ');

/** A printable payload of `size` bytes, so traces and hexdumps stay readable. */
export function generated(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let offset = 0; offset < size; offset += pattern.length)
    out.set(pattern.subarray(0, size - offset), offset);
  return out;
}
