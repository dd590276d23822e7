import {
  bytesToTextLenient,
  createEventClock,
  droppedEventsNotice,
  type EventClock,
  EventQueue,
  eventAddress,
  eventBacklog,
  formatEndpoint,
  formatPythonAddress,
  isLoopback,
  isWildcard,
  type LabEvent,
  type Lookup,
  onAbort,
  parseHost,
  payloadFields,
  resolveAddresses,
  textToBytes,
  toSocketError,
  UsageError,
} from '@socklab/core';
import type { UdpAdapter, UdpSocket } from './runtime/contract.ts';
import { loadAdapter } from './runtime/load-adapter.ts';
import { bindError, udpTarget } from './udp-errors.ts';

/** The seed's port. */
export const defaultServerPort = 65432;
/** The seed's reply. */
export const defaultReply = 'Message received.';

export interface ServeUdpOptions {
  /** Address or name to bind (default: what this machine's host name resolves to, like the seed). */
  host?: string;
  /** Default 65432; 0 picks a free port (the `listen` event has the real one). */
  port?: number;
  /** Serve until `signal` aborts (default: one datagram, like the seed). */
  keep?: boolean;
  /** Reply text or bytes (default "Message received."). */
  reply?: string | Uint8Array;
  /** Reply with the bytes received instead. */
  echo?: boolean;
  /** No event per datagram (unless `trace`); the summary still comes. */
  quiet?: boolean;
  /** Events per datagram even with `quiet`. */
  trace?: boolean;
  /** Aborting closes the socket; the iteration then ends normally. */
  signal?: AbortSignal;
  lookup?: Lookup;
  /** This machine's name (default: the runtime's hostname()). */
  hostname?: string;
  adapter?: UdpAdapter;
  clock?: EventClock;
}

export interface ServeSummary {
  datagrams: number;
  bytes: number;
  clients: number;
  /** Datagrams the kernel dropped because the receive buffer was full (absent where the OS does not tell). */
  drops?: number;
  /** Per-datagram events dropped because the consumer did not keep up (with --keep; absent when none). */
  droppedEvents?: number;
}

/** At most one look at the kernel's drop counter per second while datagrams arrive. */
const dropsCheckInterval = 1000;

/**
 * The seed's UDP server as events: `info` (host name), `listen` (the ready line), then per
 * datagram a `recv` event and a `send` one for the reply, and a summary when it ends.
 */
export async function* serveUdp(
  options: ServeUdpOptions = {},
): AsyncGenerator<LabEvent, ServeSummary> {
  const event = options.clock ?? createEventClock();
  const { keep = false, echo = false, quiet = false, trace = false, signal } = options;
  const port = options.port ?? defaultServerPort;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`Cannot use port ${port}: port must be 0-65535 (0 picks a free port)`);
  }
  if (echo && options.reply !== undefined) {
    throw new UsageError(
      'Cannot use --reply and --echo together',
      'pick one: --echo replies with what came in',
    );
  }
  const summary: ServeSummary = { datagrams: 0, bytes: 0, clients: 0 };
  if (signal?.aborted) return summary;
  const adapter = options.adapter ?? (await loadAdapter());
  const lookup = options.lookup ?? adapter.lookup;
  const hostname = options.hostname ?? adapter.hostname();
  if (!quiet) yield event('info', { host: hostname, message: hostname });

  let address: string;
  try {
    address = await bindAddress(options.host, hostname, lookup, signal);
  } catch (error) {
    if (signal?.aborted) return summary;
    if (options.host !== undefined) throw error;
    address = '127.0.0.1';
    yield event('info', {
      host: hostname,
      reason: (error as Error).message,
      message: `notice: host name ${hostname} does not resolve: listening on 127.0.0.1 (this machine only)`,
      notice: true,
    });
  }
  if (options.host === undefined && !isLoopback(address)) {
    yield event('info', {
      host: hostname,
      addresses: [address],
      message: `notice: ${hostname} resolves to ${address}, which other machines can reach: use --host 127.0.0.1 to stay on this one`,
      notice: true,
    });
  } else if (!isLoopback(address)) {
    const where = isWildcard(address) ? `every interface (${address})` : address;
    yield event('info', {
      message: `notice: listening on ${where}: other machines can reach this server: use --host 127.0.0.1 to stay on this one`,
      notice: true,
    });
  }
  if (signal?.aborted) return summary;

  const replyBytes =
    typeof options.reply === 'string'
      ? textToBytes(options.reply)
      : (options.reply ?? textToBytes(defaultReply));
  // The reply's event fields, made once (an echo's are the datagram's own).
  const replyFields = echo ? undefined : payloadFields(replyBytes);
  // Per-datagram events (with --keep) may wait for a slow consumer; beyond that they drop.
  const queue = new EventQueue<LabEvent>({
    limit: eventBacklog,
    notice: (dropped) => droppedEventsNotice(event, 'udp', dropped),
  });
  const clients = new Set<string>();
  const perDatagram = !quiet || trace;
  let stopped = false;
  let socket: UdpSocket;
  // --keep: a notice when the kernel's drop count grows, checked only as datagrams arrive.
  let dropsReported = 0;
  let dropsCheckedAt = 0;
  const watchDrops = () => {
    const now = Date.now();
    if (now - dropsCheckedAt < dropsCheckInterval) return;
    dropsCheckedAt = now;
    socket.drops?.().then(
      (drops) => {
        if (drops === undefined || drops <= dropsReported) return;
        queue.push(
          event('info', {
            proto: 'udp',
            local: socket.local,
            details: { drops },
            message: `notice: the kernel dropped ${count(drops - dropsReported, 'datagram')} (receive buffer full), ${drops} in all`,
            notice: true,
          }),
        );
        dropsReported = drops;
      },
      () => {},
    );
  };
  try {
    socket = await adapter.bind({
      address,
      port,
      onMessage(data, from, fromPort) {
        if (stopped) return;
        if (!keep) stopped = true;
        summary.datagrams++;
        summary.bytes += data.length;
        clients.add(`${from} ${fromPort}`);
        const out = echo ? data : replyBytes;
        // Events first: the seed prints, then replies (and some adapters finish sends synchronously).
        if (perDatagram) {
          // The payload's fields are made once: an echo's reply has the same ones.
          const received = payloadFields(data);
          const remote = eventAddress(from, fromPort);
          queue.push(recvEvent(event, data, received, remote, socket, quiet), keep);
          const sent = replyFields ?? received;
          queue.push(event('send', { proto: 'udp', local: socket.local, remote, ...sent }), keep);
        }
        if (keep) {
          socket.send(out, from, fromPort);
          if (socket.drops) watchDrops();
        } else {
          // One datagram, like the seed: close once the reply is out.
          socket.send(out, from, fromPort, (error) => {
            if (error)
              queue.fail(
                toSocketError(error, { action: 'send to', target: udpTarget(from, fromPort) }),
              );
            else queue.end();
          });
        }
      },
      onError(error) {
        // A failed reply must not stop a server that keeps going: report it, keep serving.
        if (keep) {
          const failure = toSocketError(error, {
            action: 'reply on',
            target: udpTarget(address, port),
          });
          queue.push(
            event('error', {
              proto: 'udp',
              code: failure.code,
              reason: failure.reason,
              message: failure.message,
              notice: true,
            }),
          );
        } else
          queue.fail(
            toSocketError(error, { action: 'receive on', target: udpTarget(address, port) }),
          );
      },
    });
  } catch (error) {
    throw bindError(error, address, port);
  }
  const detach = signal ? onAbort(signal, () => queue.end()) : () => {};
  try {
    const local = socket.local;
    yield event('listen', {
      proto: 'udp',
      local,
      message: `Listening on udp ${formatEndpoint({ address: local.address, port: local.port })}`,
    });
    for await (const item of queue) yield item;
  } finally {
    detach();
    // Before closing: the kernel forgets a closed socket's counter.
    if (keep || quiet) {
      const drops = await socket.drops?.().catch(() => undefined);
      if (drops !== undefined) summary.drops = drops;
    }
    await socket.close();
  }
  summary.clients = clients.size;
  if (queue.droppedTotal > 0) summary.droppedEvents = queue.droppedTotal;
  if (keep || quiet) {
    const dropped = summary.drops
      ? `, ${summary.drops} dropped by the kernel (receive buffer full)`
      : '';
    yield event('info', {
      proto: 'udp',
      details: { ...summary },
      message: `Received ${count(summary.datagrams, 'datagram')} (${count(summary.bytes, 'byte')}) from ${count(summary.clients, 'client')}${dropped}`,
    });
  }
  yield event('close', { proto: 'udp', local: socket.local });
  return summary;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function recvEvent(
  event: EventClock,
  data: Uint8Array,
  payload: ReturnType<typeof payloadFields>,
  remote: ReturnType<typeof eventAddress>,
  socket: UdpSocket,
  quiet: boolean,
): LabEvent {
  const fields = { proto: 'udp', local: socket.local, remote, ...payload };
  const { address, port } = remote;
  if (quiet) return event('recv', fields);
  // The seed's two lines, byte for byte: print('Server received: %s' % msg.decode()), then the tuple.
  const message = `Server received: ${bytesToTextLenient(data)}\nMessage from ${formatPythonAddress({ address, port })}`;
  return event('recv', { ...fields, message });
}

/** The address to bind: --host (resolved, IPv4 first), else the host name's, like the seed. */
async function bindAddress(
  host: string | undefined,
  hostname: string,
  lookup: Lookup,
  signal?: AbortSignal,
) {
  const name = host === undefined ? hostname : parseHost(host);
  const [first] = await resolveAddresses(name, lookup, signal);
  return first as string;
}
