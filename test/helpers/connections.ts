import { connect, createServer, type Socket } from 'node:net';

/** `count` loopback TCP connections, both ends held by this process. */
export interface HeldConnections {
  port: number;
  close(): Promise<void>;
}

/**
 * Opens `count` connections to a new loopback listener and resolves once the server has accepted
 * them all: until then a connection has no inode on the server's side (so no owner, and no match
 * for `--pid`).
 */
export async function holdConnections(count: number): Promise<HeldConnections> {
  let accepted = 0;
  let acceptedAll = () => {};
  const allAccepted = new Promise<void>((resolve) => {
    acceptedAll = resolve;
  });
  const server = createServer(() => ++accepted === count && acceptedAll());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const clients: Socket[] = [];
  const close = async () => {
    for (const client of clients) client.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  try {
    for (let i = 0; i < count; i++) {
      clients.push(
        await new Promise<Socket>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1', () => resolve(socket));
          socket.once('error', reject);
        }),
      );
    }
    await allAccepted;
  } catch (error) {
    await close();
    throw error;
  }
  return { port, close };
}
