import {
  checkWhole,
  createEventClock,
  droppedEventsNotice,
  type EventAddress,
  EventQueue,
  eventBacklog,
  formatEndpoint,
  isLoopback,
  isWildcard,
  type LabEvent,
  type Lookup,
  parseHost,
  payloadFields,
  reasons,
  type SocketError,
  socketErrorCode,
  timerDelay,
  toSocketError,
} from '@socklab/core';
import { endpointText, formatBytes, formatMs, pythonAddress, roundMs } from './format.ts';
import { resolveHost } from './resolve-host.ts';
import type {
  ConnectionEnd,
  EchoConnection,
  EchoHandlers,
  EchoListener,
  TcpAdapter,
} from './runtime/contract.ts';
import { loadAdapter } from './runtime/load-adapter.ts';

export interface EchoServerOptions {
  /** Address to bind: IP literal or host name. Default 127.0.0.1; `::` is dual-stack. */
  host?: string;
  /** Port to bind; 0 picks a free one (the `listen` event has the real port). Default 65432. */
  port?: number;
  /** Aborting stops the server gracefully (see drainTimeout). */
  signal?: AbortSignal;
  /** Serve one connection, like the seed, then stop. */
  once?: boolean;
  /** Connections open at once; beyond it new ones are accepted and closed at once. Default 10000. */
  maxConnections?: number;
  /** Close a connection after this many ms without bytes in or out. 0 or undefined: never. */
  idleTimeout?: number;
  /** On stop, how long open connections may go on echoing before they are closed. Default 5000. */
  drainTimeout?: number;
  /** No per-connection events: only listen, notices, errors and the summary. */
  quiet?: boolean;
  /** Also yield a `recv` and a `send` event per chunk (slower: the fast path is off). */
  trace?: boolean;
  /** Resolver for host names (tests inject one). */
  lookup?: Lookup;
  /** Runtime adapter to use instead of the fastest one for this runtime (conformance tests). */
  adapter?: TcpAdapter;
  /**
   * Once a surge of connections (1000 or more) has closed and the server has had no accept or
   * close for 500 ms, run a full garbage collection so its memory goes back to where it was
   * (the runtimes keep a grown heap for minutes otherwise). Default true.
   */
  releaseMemory?: boolean;
}

export const defaultEchoPort = 65432;
export const defaultMaxConnections = 10_000;
export const defaultDrainTimeout = 5000;
/** Connections that must close before a quiet server collects garbage (releaseMemory). */
export const surgeConnections = 1000;
const surgeQuietMs = 500;

/** The summary a stopped server reports in its last event's `details`. */
export interface EchoServerSummary {
  connections: number;
  refused: number;
  peak: number;
  bytesIn: number;
  bytesOut: number;
  /** Events dropped because the consumer did not keep up (see eventBacklog). */
  droppedEvents: number;
}

/**
 * Runs a TCP echo server. The first event is `listen` (its `local` has the real port); then
 * `accept`/`close` per connection (unless quiet), `recv`/`send` per chunk when tracing; the last
 * is a `close` for the server with an EchoServerSummary in `details`. Bind failures reject the
 * first `next()` with a SocketError. Stops when `signal` aborts (or after one connection with
 * `once`); leaving the loop early closes everything at once.
 */
export async function* createEchoServer(
  options: EchoServerOptions = {},
): AsyncGenerator<LabEvent, void, undefined> {
  const event = createEventClock();
  const started = performance.now();
  // Checked as the CLI's descriptors would: a library caller gets the same UsageErrors.
  const host = options.host === undefined ? '127.0.0.1' : parseHost(options.host);
  const port = checkWhole('port', options.port ?? defaultEchoPort, 0, 65535);
  const signal = options.signal ?? new AbortController().signal;
  const maxConnections = checkWhole(
    'maxConnections',
    options.maxConnections ?? defaultMaxConnections,
    1,
  );
  const drainTimeout = checkWhole('drainTimeout', options.drainTimeout ?? defaultDrainTimeout, 0);
  const idleTimeout = checkWhole('idleTimeout', options.idleTimeout ?? 0, 0);
  const { once = false, quiet = false, trace = false } = options;
  const releaseMemory = options.releaseMemory !== false;
  const talk = !quiet;
  // Per-connection and per-chunk events may wait for a slow consumer; beyond that they drop.
  const queue = new EventQueue<LabEvent>({ limit: eventBacklog });
  // droppedEvents: the queue's count, taken for the summary.
  const stats: Omit<EchoServerSummary, 'droppedEvents'> = {
    connections: 0,
    refused: 0,
    peak: 0,
    bytesIn: 0,
    bytesOut: 0,
  };
  let active = 0;
  let listener: EchoListener | undefined;
  let adapter: TcpAdapter | undefined;

  const handlers: EchoHandlers = {
    accept(connection) {
      if ((once && stats.connections > 0) || active >= maxConnections) {
        stats.refused++;
        if (talk)
          queue.push(
            refusedEvent(
              connection,
              once ? 'serving one connection (--once)' : 'too many connections',
            ),
            true,
          );
        return false;
      }
      stats.connections++;
      active++;
      if (surgeTimer !== undefined) lastChange = performance.now();
      if (active > stats.peak) stats.peak = active;
      // --once: like the seed, nobody else gets in.
      if (once) listener?.stopAccepting();
      if (talk) {
        const remote = connection.remote;
        queue.push(
          event('accept', {
            proto: 'tcp',
            connection: connection.id,
            local: connection.local,
            remote,
            message: `Connected by ${pythonAddress(remote)}`,
          }),
          true,
        );
      }
      return true;
    },
    close(connection, end) {
      active--;
      if (releaseMemory && ++closedSinceRelease >= surgeConnections) noteSurge();
      stats.bytesIn += end.bytesIn;
      stats.bytesOut += end.bytesOut;
      idleMarks?.delete(connection);
      if (talk) queue.push(closeEvent(connection, end, once), true);
      queue.wake();
    },
  };
  if (trace) {
    handlers.recv = (connection, chunk) =>
      queue.push(
        event('recv', {
          proto: 'tcp',
          connection: connection.id,
          local: connection.local,
          remote: connection.remote,
          ...payloadFields(chunk),
        }),
        true,
      );
    handlers.send = (connection, chunk) =>
      queue.push(
        event('send', {
          proto: 'tcp',
          connection: connection.id,
          local: connection.local,
          remote: connection.remote,
          ...payloadFields(chunk),
        }),
        true,
      );
  }

  function refusedEvent(connection: EchoConnection, why: string): LabEvent {
    const remote = connection.remote;
    return event('close', {
      proto: 'tcp',
      connection: connection.id,
      local: connection.local,
      remote,
      reason: why,
      message: `Refused ${pythonAddress(remote)}: ${why}`,
    });
  }

  function closeEvent(
    connection: EchoConnection,
    end: ConnectionEnd,
    quietClose: boolean,
  ): LabEvent {
    const remote = connection.remote;
    const durationMs = roundMs(performance.now() - connection.openedAt);
    const code = end.error === undefined ? undefined : socketErrorCode(end.error);
    const reason = code && code !== 'EUNKNOWN' ? reasons[code] : end.reason;
    const fields: LabEvent = event('close', {
      proto: 'tcp',
      connection: connection.id,
      local: connection.local,
      remote,
      bytes: end.bytesOut,
      durationMs,
      reason,
      details: { bytesIn: end.bytesIn, bytesOut: end.bytesOut },
    });
    if (code) fields.code = code;
    // --once keeps the seed's output: nothing after "Connected by".
    if (!quietClose) {
      fields.message = `Closed ${pythonAddress(remote)} after ${formatMs(durationMs)}: ${formatBytes(end.bytesIn)} in, ${formatBytes(end.bytesOut)} out (${reason})`;
    }
    return fields;
  }

  // Idle timeout, where the adapter does not close idle connections itself: a sweep compares
  // byte counters, so the data path pays nothing for it.
  let idleMarks: Map<EchoConnection, { total: number; since: number }> | undefined;
  let idleTimer: ReturnType<typeof setInterval> | undefined;
  const sweepIdle = () => {
    if (!listener || !idleMarks) return;
    const now = performance.now();
    for (const connection of listener.connections) {
      const total = connection.bytesIn + connection.bytesOut;
      const mark = idleMarks.get(connection);
      if (!mark)
        idleMarks.set(connection, { total, since: total === 0 ? connection.openedAt : now });
      else if (mark.total !== total) {
        mark.total = total;
        mark.since = now;
      } else if (now - mark.since >= idleTimeout) connection.destroy('idle timeout');
    }
  };

  // Memory after a surge: counters on accept/close only; a timer runs while a surge settles.
  let closedSinceRelease = 0;
  let lastChange = 0;
  let surgeTimer: ReturnType<typeof setInterval> | undefined;
  const noteSurge = () => {
    lastChange = performance.now();
    surgeTimer ??= setInterval(() => {
      if (performance.now() - lastChange < surgeQuietMs) return;
      clearInterval(surgeTimer);
      surgeTimer = undefined;
      closedSinceRelease = 0;
      // An adapter's failure here must never take the server down (async: sync throws too).
      (async () => adapter?.releaseMemory?.())().catch(() => {});
    }, surgeQuietMs / 2);
  };

  const onAbort = () => queue.wake();
  signal.addEventListener('abort', onAbort, { once: true });
  let drainTimer: ReturnType<typeof setTimeout> | undefined;
  try {
    signal.throwIfAborted();
    const address = await resolveHost(host, { lookup: options.lookup, signal });
    adapter = options.adapter ?? (await loadAdapter());
    try {
      listener = await adapter.listen({ host: address, port, handlers, idleTimeout });
    } catch (error) {
      throw bindError(error, host, port);
    }
    const local: EventAddress = listener.local;
    yield event('listen', {
      proto: 'tcp',
      local,
      message: `Listening on tcp ${endpointText(local)}`,
      details: { adapter: adapter.name, maxConnections, idleTimeout, drainTimeout, once },
    });
    if (!isLoopback(local.address)) {
      // The UDP server's words: one notice, whichever server.
      const where = isWildcard(local.address)
        ? `every interface (${local.address})`
        : local.address;
      yield event('info', {
        proto: 'tcp',
        local,
        notice: true,
        message: `notice: listening on ${where}: other machines can reach this echo server: use --host 127.0.0.1 to stay on this one`,
      });
    }
    if (idleTimeout > 0 && !adapter.closesIdle) {
      idleMarks = new Map();
      idleTimer = setInterval(sweepIdle, Math.max(10, Math.min(idleTimeout / 4, 1000)));
    }

    let stopping = false;
    for (;;) {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) yield next;
      const dropped = queue.takeDropped();
      if (dropped > 0) yield droppedEventsNotice(event, 'tcp', dropped);
      const onceDone = once && stats.connections > 0 && active === 0;
      if (!stopping && (signal.aborted || onceDone)) {
        stopping = true;
        await listener.stopAccepting();
        if (active > 0) {
          if (talk) {
            yield event('info', {
              proto: 'tcp',
              notice: true,
              message: `Stopping: waiting up to ${drainTimeout} ms for ${active} open connection${active === 1 ? '' : 's'}`,
            });
          }
          drainTimer = setTimeout(() => {
            for (const connection of listener?.connections ?? []) connection.destroy('shutdown');
          }, timerDelay(drainTimeout));
        }
        continue;
      }
      if (stopping && active === 0) break;
      await queue.wait();
    }
    const durationMs = roundMs(performance.now() - started);
    yield event('close', {
      proto: 'tcp',
      local,
      bytes: stats.bytesOut,
      durationMs,
      reason: once ? 'served one connection' : 'stopped',
      details: { ...stats, droppedEvents: queue.droppedTotal },
      ...(once
        ? {}
        : {
            message: `Served ${stats.connections} connection${stats.connections === 1 ? '' : 's'}${stats.refused ? ` (refused ${stats.refused})` : ''}: ${formatBytes(stats.bytesIn)} in, ${formatBytes(stats.bytesOut)} out in ${formatMs(durationMs)}`,
          }),
    });
  } finally {
    signal.removeEventListener('abort', onAbort);
    clearInterval(idleTimer);
    clearInterval(surgeTimer);
    clearTimeout(drainTimer);
    if (listener) {
      await listener.stopAccepting();
      for (const connection of listener.connections) connection.destroy('shutdown');
    }
  }
}

function bindError(error: unknown, host: string, port: number): SocketError {
  const target = `tcp ${formatEndpoint({ address: host, port })}`;
  const code = socketErrorCode(error);
  const hints: Partial<Record<string, string>> = {
    EADDRINUSE: 'pick another port with --port (0 picks a free one)',
    EACCES: 'ports below 1024 need privileges: pick a port above 1023 with --port',
    EADDRNOTAVAIL: 'use an address of this machine with --host, e.g. 127.0.0.1',
  };
  const hint = hints[code];
  return toSocketError(error, { action: 'bind', target, ...(hint ? { hint } : {}) });
}
