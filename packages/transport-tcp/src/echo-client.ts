import {
  checkWhole,
  type Endpoint,
  type EventAddress,
  formatEndpoint,
  isTimeoutReason,
  type Lookup,
  payloadBytes,
  SocketError,
  socketErrorCode,
  timerDelay,
  toEndpoint,
  toSocketError,
  UsageError,
  withTimeout,
} from '@socklab/core';
import { defaultEchoPort } from './echo-server.ts';
import { resolveHostAll } from './resolve-host.ts';
import type { EchoClientSocket, TcpAdapter } from './runtime/contract.ts';
import { loadAdapter } from './runtime/load-adapter.ts';

export interface EchoClientOptions {
  /** Aborting closes the connection; the pending call rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Milliseconds allowed for connecting, and for each round trip. Default 10000; 0: none. */
  timeout?: number;
  /** Resolver for host names (tests inject one). IPv4 addresses are preferred, like the seed. */
  lookup?: Lookup;
  /** Runtime adapter to use instead of the default one (conformance tests). */
  adapter?: TcpAdapter;
  /**
   * Milliseconds of `timeout` already spent before this call (the client command resolves the
   * name first): connecting gets the rest, at least 1 ms; a timeout still names `timeout`.
   */
  timeoutSpent?: number;
}

export interface RoundTrip {
  /** The echoed bytes (equal to what was sent: verified byte for byte). */
  data: Uint8Array;
  /** From the first byte written to the last byte read back, milliseconds. */
  rttMs: number;
}

export interface EchoResult extends RoundTrip {
  local: EventAddress;
  remote: EventAddress;
}

/** An open connection to an echo server: round trips one after another, then close. */
export interface EchoClient {
  readonly local: EventAddress;
  readonly remote: EventAddress;
  /** Sends `data`, reads as many bytes back, and checks they are the same (SocketError EMISMATCH). */
  roundTrip(data: Uint8Array | string): Promise<RoundTrip>;
  /** Sends FIN and closes. */
  close(): void;
}

export const defaultClientTimeout = 10_000;

/** Connects to an echo server (`host:port`, `[v6]:port` or an Endpoint). */
export async function connectEcho(
  endpoint: Endpoint | string,
  options: EchoClientOptions = {},
): Promise<EchoClient> {
  const target = toEndpoint(endpoint);
  const signal = options.signal ?? new AbortController().signal;
  const timeout = checkWhole('timeout', options.timeout ?? defaultClientTimeout, 0);
  let where = `tcp ${formatEndpoint({ address: target.address, port: target.port })}`;
  const fail = (error: unknown, action: string, deadline: AbortSignal): never => {
    if (deadline.aborted && isTimeoutReason(deadline.reason)) {
      throw new SocketError('ETIMEDOUT', {
        action,
        target: where,
        reason: `timed out: no answer within ${timeout} ms`,
        hint: 'raise --timeout or check the server',
      });
    }
    if (signal.aborted) throw signal.reason;
    const hint =
      action === 'connect to'
        ? `is the server running? start one with: ${serverCommand(target.port)}`
        : undefined;
    throw toSocketError(error, { action, target: where, ...(hint ? { hint } : {}) });
  };

  const spent = options.timeoutSpent ?? 0;
  const connecting = withTimeout(signal, timeout && Math.max(1, Math.ceil(timeout - spent)));
  let socket: EchoClientSocket;
  let addresses: string[] = [];
  try {
    addresses = await resolveHostAll(target.address, {
      lookup: options.lookup,
      signal: connecting,
      timeout,
    });
    const adapter = options.adapter ?? (await loadAdapter());
    // IPv4 first, like the seed; a name's other addresses are tried when one refuses or is
    // unreachable (a server on ::1 only, a name with both).
    socket = await connectFirst(adapter, addresses, target.port, connecting);
  } catch (error) {
    if (error instanceof SocketError) throw error;
    if (addresses.length > 1) where = `${where} (tried ${addresses.join(', ')})`;
    return fail(error, 'connect to', connecting);
  }
  const timedOut = new Error('timed out');
  // Closed by us (close(), or the signal): an end of stream is then no server's doing (Bun
  // reports a local destroy as an end).
  let closed = false;
  let busy = false;
  const onAbort = () => {
    closed = true;
    socket.close();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  const closedHere = (): never => {
    if (signal.aborted) throw signal.reason;
    throw new SocketError('ECONNABORTED', {
      action: 'send to',
      target: where,
      reason: 'the connection was closed here (close() was called)',
    });
  };

  return {
    local: socket.local,
    remote: socket.remote,
    async roundTrip(input) {
      const data = payloadBytes(input);
      if (closed) return closedHere();
      if (busy)
        throw new UsageError(
          'Cannot start a round trip while another is under way',
          'await each roundTrip before the next (the echo of both would mix)',
        );
      busy = true;
      // One timer per round trip (not AbortSignal.any, which piles up listeners over long runs).
      let timer: ReturnType<typeof setTimeout> | undefined;
      const expired = new Promise<never>((_, reject) => {
        if (timeout > 0) timer = setTimeout(() => reject(timedOut), timerDelay(timeout));
      });
      // Unawaited when the read wins or the write throws: never an unhandled rejection.
      expired.catch(() => {});
      const started = performance.now();
      let got = 0;
      try {
        socket.write(data);
        while (got < data.length) {
          const chunk = await Promise.race([socket.read(), expired]);
          if (chunk === null) {
            if (closed) closedHere();
            throw new SocketError('EMISMATCH', {
              action: 'receive echo from',
              target: where,
              reason: `the server closed the connection after ${got} of ${data.length} bytes`,
            });
          }
          const wanted = Math.min(chunk.length, data.length - got);
          for (let i = 0; i < wanted; i++) {
            if (chunk[i] !== data[got + i]) {
              throw new SocketError('EMISMATCH', {
                action: 'verify echo from',
                target: where,
                reason: `data mismatch at byte ${got + i}: sent 0x${hex(data[got + i])}, got 0x${hex(chunk[i])}`,
              });
            }
          }
          got += wanted;
          // All that was sent came back, and more with it: bytes the server made up (round trips
          // take turns, so nothing else can be on its way).
          if (chunk.length > wanted) {
            throw new SocketError('EMISMATCH', {
              action: 'verify echo from',
              target: where,
              reason: `the server sent ${chunk.length - wanted} bytes more than the ${data.length} it was sent`,
            });
          }
        }
      } catch (error) {
        if (error instanceof SocketError) throw error;
        if (error === timedOut) {
          throw new SocketError('ETIMEDOUT', {
            action: 'receive echo from',
            target: where,
            reason: `timed out: no echo within ${timeout} ms`,
            hint: 'raise --timeout or check the server',
          });
        }
        if (closed) closedHere();
        return fail(error, 'receive echo from', new AbortController().signal);
      } finally {
        clearTimeout(timer);
        busy = false;
      }
      return { data, rttMs: performance.now() - started };
    },
    close() {
      closed = true;
      signal.removeEventListener('abort', onAbort);
      socket.end();
      socket.close();
    },
  };
}

/** Connects to the first address that takes the connection, in order. */
async function connectFirst(
  adapter: TcpAdapter,
  addresses: readonly string[],
  port: number,
  signal: AbortSignal,
): Promise<EchoClientSocket> {
  for (let i = 0; ; i++) {
    try {
      return await adapter.connect({ address: addresses[i] as string, port, signal });
    } catch (error) {
      const last = i >= addresses.length - 1;
      if (last || signal.aborted || !tryNext.has(socketErrorCode(error))) throw error;
    }
  }
}

/** Connect failures after which a name's next address is worth a try. */
const tryNext = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'EAFNOSUPPORT',
]);

function hex(byte: number | undefined): string {
  return (byte ?? 0).toString(16).padStart(2, '0');
}

/**
 * Connects, sends `data` (text is UTF-8), reads the echo, verifies it byte for byte, closes.
 * Rejects with a SocketError: ECONNREFUSED, ETIMEDOUT, ECONNRESET, EMISMATCH, ENOTFOUND…
 */
export async function echoOnce(
  endpoint: Endpoint | string,
  data: Uint8Array | string,
  options: EchoClientOptions = {},
): Promise<EchoResult> {
  const client = await connectEcho(endpoint, options);
  try {
    const result = await client.roundTrip(data);
    return { ...result, local: client.local, remote: client.remote };
  } finally {
    client.close();
  }
}

/** The command that starts an echo server where this client looks for one. */
function serverCommand(port: number): string {
  return port === defaultEchoPort ? 'socklab tcp server' : `socklab tcp server --port ${port}`;
}
