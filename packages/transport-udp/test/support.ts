// Helpers for this package's tests: run serveUdp in the background, count open sockets.
import type { LabEvent } from '@socklab/core';
import type { UdpAdapter, UdpSocket } from '../src/runtime/contract.ts';
import { loadAdapter } from '../src/runtime/load-adapter.ts';
import { type ServeUdpOptions, serveUdp } from '../src/serve-udp.ts';

export const runtimeAdapter: UdpAdapter = await loadAdapter();

/** The runtime adapter, counting sockets bound and not yet closed. */
export function trackingAdapter(
  base: UdpAdapter = runtimeAdapter,
): UdpAdapter & { open: () => number } {
  let open = 0;
  return {
    ...base,
    open: () => open,
    async bind(options) {
      const socket = await base.bind(options);
      open++;
      let closed = false;
      return {
        local: socket.local,
        send: (data, address, port, done) => socket.send(data, address, port, done),
        async close() {
          if (!closed) {
            closed = true;
            open--;
          }
          await socket.close();
        },
        drops: socket.drops && (() => socket.drops?.() ?? Promise.resolve(undefined)),
      } satisfies UdpSocket;
    },
  };
}

export interface RunningServer {
  port: number;
  events: LabEvent[];
  /** Settles when serveUdp ends (rejects with its error). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** Starts serveUdp on 127.0.0.1 port 0 (unless told otherwise) and waits for its ready line. */
export async function startServer(options: ServeUdpOptions = {}): Promise<RunningServer> {
  const controller = new AbortController();
  const events: LabEvent[] = [];
  let ready!: (port: number) => void;
  let failed!: (error: unknown) => void;
  const listening = new Promise<number>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  const done = (async () => {
    for await (const event of serveUdp({
      host: '127.0.0.1',
      port: 0,
      signal: controller.signal,
      ...options,
    })) {
      events.push(event);
      if (event.type === 'listen') ready(event.local?.port as number);
    }
  })();
  done.catch(failed);
  const port = await listening;
  return {
    port,
    events,
    done,
    async stop() {
      controller.abort();
      await done;
    },
  };
}

/** A bound UDP socket that reads and never answers: a silent server, or a port held busy. */
export function idleSocket(address = '127.0.0.1', port = 0): Promise<UdpSocket> {
  return runtimeAdapter.bind({ address, port, onMessage() {}, onError() {} });
}

/** A UDP port free a moment ago on `address`. */
export async function freeUdpPort(address = '127.0.0.1'): Promise<number> {
  const socket = await idleSocket(address);
  const { port } = socket.local;
  await socket.close();
  return port;
}

/** Every event of an async iterable, and the error that ended it (if any). */
export async function drain(
  events: AsyncIterable<LabEvent>,
): Promise<{ events: LabEvent[]; error?: unknown }> {
  const seen: LabEvent[] = [];
  try {
    for await (const event of events) seen.push(event);
    return { events: seen };
  } catch (error) {
    return { events: seen, error };
  }
}

export const text = (data: Uint8Array) => new TextDecoder().decode(data);
