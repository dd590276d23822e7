import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { written } from './io.ts';

describe('written (what flush waits for before the process exits)', () => {
  it('resolves only once output queued in the process has gone to the OS', async () => {
    // A real socket whose peer does not read yet: writes queue in the process, as on an
    // asynchronous pipe (macOS).
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address() as { port: number };
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const client = connect(address.port, '127.0.0.1');
    await once(client, 'connect');
    const [peer] = await accepted;
    peer.pause();
    try {
      expect(written(client)).toBeUndefined();
      const chunk = Buffer.alloc(1 << 20);
      while (client.write(chunk)) {}
      expect(client.writableLength).toBeGreaterThan(0);
      let done = false;
      const flushed = written(client)?.then(() => {
        done = true;
      });
      expect(flushed).toBeDefined();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(done).toBe(false);
      peer.resume();
      await flushed;
      expect(client.writableLength).toBe(0);
    } finally {
      client.destroy();
      peer.destroy();
      server.close();
    }
  });
});
