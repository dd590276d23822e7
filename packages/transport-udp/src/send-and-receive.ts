import {
  checkWhole,
  createEventClock,
  type Endpoint,
  type EventAddress,
  type EventClock,
  endFields,
  eventAddress,
  type LabEvent,
  type Lookup,
  payloadBytes,
  payloadFields,
  resolveAddresses,
  SocketError,
  sleep,
  socketErrorCode,
  timerDelay,
  toEndpoint,
  toSocketError,
  UsageError,
} from '@socklab/core';
import { checkDatagramSize } from './datagram-limits.ts';
import type { UdpAdapter, UdpSocket } from './runtime/contract.ts';
import { loadAdapter } from './runtime/load-adapter.ts';
import { isUnreachable, refusedError, udpTarget } from './udp-errors.ts';

/** The library's receive buffer: any datagram fits, so nothing is cut unless you ask. */
export const defaultBufferSize = 65_535;
/** The seed client's `recvfrom(1024)`: what `socklab udp client` keeps of a reply. */
export const seedBufferSize = 1024;

export interface SendAndReceiveOptions {
  /** Aborting closes the socket and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** How long each attempt waits for the reply, ms (default 3000; 0 waits forever). */
  timeout?: number;
  /** Extra attempts after a timeout or refusal (default 0), with backoff between them. */
  retries?: number;
  /** Resolver for host names (default: the system's, /etc/hosts then DNS). */
  lookup?: Lookup;
  /** Reply bytes kept (default 65,535: whole datagrams); longer replies come back truncated. */
  bufferSize?: number;
  /** Pause before the first retry, ms (default 100), doubled each retry up to 1000. */
  backoff?: number;
  /** The runtime adapter to use (default: the one for this runtime). */
  adapter?: UdpAdapter;
}

export interface UdpReply {
  /** The reply, at most `bufferSize` bytes. */
  data: Uint8Array;
  /** The datagram's real size: more than `data.length` when truncated. */
  size: number;
  truncated: boolean;
  from: EventAddress;
  local: EventAddress;
  /** From the send that got this reply to its arrival. */
  rttMs: number;
  /** Sends made in all, including the one that got the reply. */
  attempts: number;
}

/**
 * Sends one datagram and waits for one reply, like the seed's client, with a timeout,
 * retries and plain errors (unknown host, connection refused, timed out, message too long).
 */
export async function sendAndReceive(
  endpoint: Endpoint | string,
  data: Uint8Array | string,
  options: SendAndReceiveOptions = {},
): Promise<UdpReply> {
  const run = exchange(endpoint, data, options);
  for (;;) {
    const step = await run.next();
    if (step.done) return step.value;
  }
}

type Outcome =
  | { kind: 'reply'; data: Uint8Array; address: string; port: number; at: number }
  | { kind: 'error'; error: unknown }
  | { kind: 'timeout' };

/** One socket per peer address, opened on first use and kept across attempts. */
interface Peer {
  address: string;
  socket: UdpSocket;
  /** A reply that came while nobody waited (late reply to an earlier attempt). */
  early: Outcome | undefined;
  waiter: ((outcome: Outcome) => void) | undefined;
  /** When the latest attempt was sent (performance.now()). */
  sent: number;
}

/**
 * `sendAndReceive` as events: yields `resolve`, `bind`, `send`, `timeout`, `error`, `recv`
 * and `close` events as the socket's life goes, and returns the reply. The CLI's client
 * command renders these (it adds the human line to `recv`).
 */
export async function* exchange(
  to: Endpoint | string,
  data: Uint8Array | string,
  options: SendAndReceiveOptions & { clock?: EventClock } = {},
): AsyncGenerator<LabEvent, UdpReply> {
  const event = options.clock ?? createEventClock();
  const bytes = payloadBytes(data);
  const { timeout, retries, bufferSize, backoff } = checkOptions(bytes, options);
  const endpoint = toEndpoint(to);
  const signal = options.signal;
  signal?.throwIfAborted();
  const adapter = options.adapter ?? (await loadAdapter());
  const host = endpoint.address;
  const addresses = await resolveAddresses(host, options.lookup ?? adapter.lookup, signal);
  if (addresses[0] !== host) yield event('resolve', { proto: 'udp', host, addresses });

  const peers = new Map<string, Peer>();
  const openPeer = async (address: string): Promise<Peer> => {
    const known = peers.get(address);
    if (known) return known;
    const settle = (outcome: Outcome) => {
      const waiter = peer.waiter;
      peer.waiter = undefined;
      if (waiter) waiter(outcome);
      else if (outcome.kind === 'reply') peer.early ??= outcome;
    };
    const peer: Peer = {
      address,
      socket: undefined as unknown as UdpSocket,
      early: undefined,
      waiter: undefined,
      sent: 0,
    };
    peer.socket = await adapter.bind({
      address: address.includes(':') ? '::' : '0.0.0.0',
      port: 0,
      connect: { address, port: endpoint.port },
      onMessage: (reply, from, port) =>
        settle({ kind: 'reply', data: reply, address: from, port, at: performance.now() }),
      onError: (error) => settle({ kind: 'error', error }),
    });
    peers.set(address, peer);
    return peer;
  };
  const closeAll = () => Promise.all([...peers.values()].map((p) => p.socket.close()));

  let attempts = 0;
  let failure: unknown;
  let lastFailure: 'timeout' | SocketError | undefined;
  let reply: UdpReply | undefined;
  const rounds = retries + 1;
  try {
    attempting: for (let round = 1; round <= rounds; round++) {
      for (const [index, address] of addresses.entries()) {
        const target = udpTarget(address, endpoint.port);
        checkDatagramSize(bytes.length, address, target);
        const fresh = !peers.has(address);
        const peer = await openPeer(address);
        if (fresh) yield event('bind', { proto: 'udp', local: peer.socket.local });
        const retryFollows = round < rounds || index < addresses.length - 1;
        if (!peer.early) {
          attempts++;
          const fields = {
            proto: 'udp',
            local: peer.socket.local,
            remote: eventAddress(address, endpoint.port),
            attempt: attempts,
          };
          // Stamped as the datagram leaves, like rttMs (some runtimes confirm a send late).
          const sent = event('send', { ...fields, ...payloadFields(bytes) });
          peer.sent = performance.now();
          const sendError = await new Promise<unknown>((resolve) =>
            peer.socket.send(bytes, address, endpoint.port, resolve),
          );
          if (sendError !== undefined && !isUnreachable(sendError)) {
            throw toSocketError(sendError, { action: 'send to', target });
          }
          yield sent;
          const outcome =
            sendError !== undefined
              ? { kind: 'error' as const, error: sendError }
              : await wait(peer, timeout, signal);
          if (outcome.kind === 'timeout') {
            lastFailure = 'timeout';
            yield event('timeout', {
              ...fields,
              durationMs: timeout,
              reason: `no reply within ${timeout} ms`,
              ...(retryFollows
                ? {
                    message: `No reply from ${target} within ${timeout} ms (attempt ${attempts}), trying again`,
                    notice: true,
                  }
                : {}),
            });
            continue;
          }
          if (outcome.kind === 'error') {
            if (!isUnreachable(outcome.error))
              throw toSocketError(outcome.error, { action: 'send to', target });
            lastFailure =
              socketErrorCode(outcome.error) === 'ECONNREFUSED'
                ? refusedError(address, endpoint.port, outcome.error)
                : toSocketError(outcome.error, { action: 'send to', target });
            yield event('error', {
              ...fields,
              code: lastFailure.code,
              reason: lastFailure.reason,
              ...(retryFollows
                ? {
                    message: `Nothing answers on ${target} yet (${lastFailure.reason.replace(/:.*/, '')}), trying again`,
                    notice: true,
                  }
                : {}),
            });
            continue;
          }
          reply = makeReply(outcome, peer, attempts, bufferSize);
        } else {
          reply = makeReply(peer.early as Outcome & { kind: 'reply' }, peer, attempts, bufferSize);
        }
        yield event('recv', {
          proto: 'udp',
          local: reply.local,
          remote: reply.from,
          ...payloadFields(reply.data),
          bytes: reply.size,
          rttMs: reply.rttMs,
          attempt: reply.attempts,
          details: { truncated: reply.truncated },
        });
        break attempting;
      }
      if (round < rounds)
        await sleep(Math.min(backoff * 2 ** (round - 1), Math.max(backoff, 1000)), signal);
    }
  } catch (error) {
    // Said below, after each socket's close (a consumer that leaves skips all this).
    failure = error;
  } finally {
    await closeAll();
  }
  if (failure === undefined && !reply) failure = noReply();
  // Every socket's story ends with its close, and why when no reply came.
  const why = failure === undefined ? {} : endFields(failure, signal);
  for (const peer of peers.values()) {
    const remote = eventAddress(peer.address, endpoint.port);
    yield event('close', { proto: 'udp', local: peer.socket.local, remote, ...why });
  }
  if (failure !== undefined) throw failure;
  return reply as UdpReply;

  function noReply(): SocketError {
    if (lastFailure instanceof SocketError) return lastFailure;
    const target = udpTarget(addresses[0] as string, endpoint.port);
    // With --retries given already, more of them is the advice, not --retries itself.
    const again =
      attempts > 1 ? 'or send more times with a higher --retries' : 'or try again with --retries';
    return new SocketError('ETIMEDOUT', {
      action: 'receive from',
      target,
      reason: `timed out: no reply within ${timeout} ms${attempts > 1 ? ` (${attempts} attempts)` : ''}`,
      hint: adapter.capabilities.refused
        ? `is the server running and replying? wait longer with --timeout, ${again}`
        : `nothing may be listening on ${target} (this runtime cannot see "connection refused"); wait longer with --timeout, ${again}`,
    });
  }
}

function wait(peer: Peer, timeout: number, signal: AbortSignal | undefined): Promise<Outcome> {
  return new Promise<Outcome>((resolve, reject) => {
    const timer =
      timeout > 0 ? setTimeout(() => finish({ kind: 'timeout' }), timerDelay(timeout)) : undefined;
    const onAbort = () => {
      clearTimeout(timer);
      peer.waiter = undefined;
      reject(signal?.reason);
    };
    const finish = (outcome: Outcome) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      peer.waiter = undefined;
      resolve(outcome);
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    peer.waiter = finish;
  });
}

function makeReply(
  outcome: Outcome & { kind: 'reply' },
  peer: Peer,
  attempts: number,
  bufferSize: number,
): UdpReply {
  const truncated = outcome.data.length > bufferSize;
  return {
    data: truncated ? outcome.data.subarray(0, bufferSize) : outcome.data,
    size: outcome.data.length,
    truncated,
    from: eventAddress(outcome.address, outcome.port),
    local: peer.socket.local,
    rttMs: Math.round((outcome.at - peer.sent) * 1000) / 1000,
    attempts,
  };
}

function checkOptions(bytes: Uint8Array, options: SendAndReceiveOptions) {
  const timeout = checkWhole('timeout', options.timeout ?? 3000, 0);
  const retries = checkWhole('retries', options.retries ?? 0, 0, 1000);
  const bufferSize = checkWhole('bufferSize', options.bufferSize ?? defaultBufferSize, 1, 65535);
  const backoff = checkWhole('backoff', options.backoff ?? 100, 0);
  if (bytes.length === 0) {
    throw new UsageError(
      'Cannot send an empty message: a datagram needs some text',
      'give a message, e.g. "Hello"',
    );
  }
  return { timeout, retries, bufferSize, backoff };
}
