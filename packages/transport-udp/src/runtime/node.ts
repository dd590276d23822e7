import { createSocket, type Socket } from 'node:dgram';
import { hostname } from 'node:os';
import { eventAddress } from '@socklab/core';
import type { UdpAdapter, UdpBindOptions, UdpSocket } from './contract.ts';
import { kernelDropCounter } from './kernel-drops.ts';
import { systemLookup } from './system-lookup.ts';

// Addresses reaching an adapter are IP literals: answering synchronously skips dgram's
// dns.lookup round trip (a process.nextTick) on every send.
function literalLookup(
  address: string,
  _family: unknown,
  callback: (e: null, a: string, f: number) => void,
) {
  callback(null, address, address.includes(':') ? 6 : 4);
}

function bind(options: UdpBindOptions): Promise<UdpSocket> {
  const { onMessage, onError, connect } = options;
  const socket: Socket = createSocket({
    type: options.address.includes(':') ? 'udp6' : 'udp4',
    lookup: literalLookup as never,
  });
  return new Promise<UdpSocket>((resolve, reject) => {
    const fail = (error: unknown) => {
      socket.close();
      reject(error);
    };
    const ready = () => {
      socket.off('error', fail);
      socket.on('error', onError);
      resolve(wrap(socket, connect !== undefined));
    };
    socket.once('error', fail);
    socket.on('message', (data, rinfo) => onMessage(data, rinfo.address, rinfo.port));
    socket.bind({ address: options.address, port: options.port, exclusive: true }, () => {
      if (connect) socket.connect(connect.port, connect.address, ready);
      else ready();
    });
  });
}

function wrap(socket: Socket, connected: boolean): UdpSocket {
  let closed: Promise<void> | undefined;
  const { address, port } = socket.address();
  const local = eventAddress(address, port);
  return {
    local,
    send(data, address, port, done) {
      if (connected) {
        if (done) socket.send(data, (error) => done(error ?? undefined));
        else socket.send(data);
      } else if (done) socket.send(data, port, address, (error) => done(error ?? undefined));
      else socket.send(data, port, address);
    },
    close() {
      closed ??= new Promise((resolve) => socket.close(() => resolve()));
      return closed;
    },
    drops: kernelDropCounter(local),
  };
}

export const adapter: UdpAdapter = {
  name: 'node:dgram',
  capabilities: { refused: true },
  bind,
  hostname,
  lookup: systemLookup,
};
