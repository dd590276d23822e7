import { hostname } from 'node:os';
import { eventAddress } from '@socklab/core';
import type { UdpAdapter, UdpBindOptions, UdpSocket } from './contract.ts';
import { kernelDropCounter } from './kernel-drops.ts';
import { systemLookup } from './system-lookup.ts';

async function bind(options: UdpBindOptions): Promise<UdpSocket> {
  const { onMessage, onError, connect } = options;
  const handler = {
    data(_socket: unknown, data: Uint8Array, port: number, address: string) {
      onMessage(data, address, port);
    },
    // Bun passes the error alone (the socket is `this`), whatever its types say.
    error(...args: unknown[]) {
      onError(args.find((a) => a instanceof Error) ?? args[args.length - 1]);
    },
  };
  const base = { hostname: options.address, port: options.port, socket: handler };
  const socket = connect
    ? await Bun.udpSocket({ ...base, connect: { hostname: connect.address, port: connect.port } })
    : await Bun.udpSocket(base);
  const connected = connect !== undefined;
  const local = eventAddress(socket.address.address, socket.address.port);
  return {
    local,
    send(data, address, port, done) {
      try {
        if (connected) (socket as Bun.udp.ConnectedSocket<'buffer'>).send(data);
        else (socket as Bun.udp.Socket<'buffer'>).send(data, port, address);
      } catch (error) {
        if (done) done(error);
        else onError(error);
        return;
      }
      done?.();
    },
    async close() {
      if (!socket.closed) socket.close();
    },
    drops: kernelDropCounter(local),
  };
}

export const adapter: UdpAdapter = {
  name: 'Bun.udpSocket',
  capabilities: { refused: true },
  bind,
  hostname,
  lookup: systemLookup,
};
