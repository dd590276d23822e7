import { eventAddress, UsageError } from '@socklab/core';
import type { UdpAdapter, UdpBindOptions, UdpSocket } from './contract.ts';
import { kernelDropCounter } from './kernel-drops.ts';
import { systemLookup } from './system-lookup.ts';

// Big enough for any datagram (65,507 bytes over IPv4, 65,527 over IPv6): nothing is cut.
const receiveBufferSize = 65_536;

function listenDatagram(options: Deno.UdpListenOptions): Deno.DatagramConn {
  if (typeof Deno.listenDatagram !== 'function') {
    throw new UsageError(
      'Cannot open a udp socket on Deno: Deno.listenDatagram is missing (it needs --unstable-net)',
      'run with deno run -A --unstable-net',
    );
  }
  return Deno.listenDatagram({ ...options, transport: 'udp' });
}

async function bind(options: UdpBindOptions): Promise<UdpSocket> {
  const { onMessage, onError, connect } = options;
  const conn = listenDatagram({ hostname: bindAddress(options), port: options.port });
  let closed = false;
  // Deno has no connected UDP sockets: keep only the peer's datagrams, as connect() would.
  const receiving = (async () => {
    const buffer = new Uint8Array(receiveBufferSize);
    while (!closed) {
      let received: [Uint8Array, Deno.Addr];
      try {
        received = await conn.receive(buffer);
      } catch (error) {
        if (!closed) onError(error);
        return;
      }
      const [view, from] = received;
      const { hostname, port } = from as Deno.NetAddr;
      if (connect && (port !== connect.port || hostname !== connect.address)) continue;
      onMessage(view.slice(), hostname, port);
    }
  })();
  const bound = conn.addr as Deno.NetAddr;
  const local = eventAddress(bound.hostname, bound.port);
  const peer: Deno.NetAddr | undefined = connect && {
    transport: 'udp',
    hostname: connect.address,
    port: connect.port,
  };
  return {
    local,
    send(data, address, port, done) {
      const sending = conn.send(data, peer ?? { transport: 'udp', hostname: address, port });
      if (done) sending.then(() => done(), done);
      else sending.catch(onError);
    },
    async close() {
      if (!closed) {
        closed = true;
        try {
          conn.close();
        } catch {}
      }
      // The port is free only once the pending receive has let go of the socket.
      await receiving;
    },
    drops: kernelDropCounter(local),
  };
}

/**
 * Deno cannot connect a UDP socket, so a wildcard-bound socket's address stays the wildcard.
 * For a loopback peer the kernel would send from loopback anyway: bind that, so `local` is the
 * real address. Other peers keep the wildcard (the source then depends on the route).
 */
function bindAddress({ address, connect }: UdpBindOptions): string {
  if (!connect) return address;
  if (address === '0.0.0.0' && connect.address.startsWith('127.')) return '127.0.0.1';
  if (address === '::' && connect.address === '::1') return '::1';
  return address;
}

export const adapter: UdpAdapter = {
  name: 'Deno.listenDatagram',
  // Without connected sockets, ICMP port unreachable never reaches us: a timeout instead.
  capabilities: { refused: false },
  bind,
  hostname: () => Deno.hostname(),
  lookup: systemLookup,
};
