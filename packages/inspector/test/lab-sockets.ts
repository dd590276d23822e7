import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server, type Socket } from 'node:net';

/** Sockets a test opens on loopback: a listener, an established pair, a TIME_WAIT, a bound UDP socket. */
export interface LabSockets {
  listenPort: number;
  clientPort: number;
  timeWaitPort: number;
  /** The local port of the connection left in TIME_WAIT. */
  timeWaitClientPort: number;
  udpPort: number;
  close(): Promise<void>;
}

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as { port: number }).port));
  });
}

function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Opens the sockets; the TIME_WAIT comes from a connection the client closed first. */
export async function openLabSockets(): Promise<LabSockets> {
  const accepted: Socket[] = [];
  const server = createServer((socket) => {
    accepted.push(socket);
    socket.on('end', () => socket.end());
  });
  const listenPort = await listen(server, '127.0.0.1');
  const client = await dial(listenPort);
  const closer = createServer((socket) => socket.on('end', () => socket.end()));
  const timeWaitPort = await listen(closer, '127.0.0.1');
  const shortLived = await dial(timeWaitPort);
  const timeWaitClientPort = shortLived.localPort as number;
  await new Promise<void>((resolve) => {
    shortLived.once('close', () => resolve());
    shortLived.end();
  });
  const udp: UdpSocket = createSocket('udp4');
  const udpPort = await new Promise<number>((resolve) =>
    udp.bind(0, '127.0.0.1', () => resolve(udp.address().port)),
  );
  // Let the accept and the FIN exchange settle in the kernel.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return {
    listenPort,
    clientPort: client.localPort as number,
    timeWaitPort,
    timeWaitClientPort,
    udpPort,
    async close() {
      client.destroy();
      for (const socket of accepted) socket.destroy();
      udp.close();
      await Promise.all([server, closer].map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}
