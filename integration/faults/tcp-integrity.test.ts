// Every byte echoed back in order: many connections, random write sizes, random pauses, half-close.
// 24 MiB in `npm test`, 1 GiB with SOCKLAB_STRESS=1.
import { afterEach, describe, expect, it } from 'vitest';
import { MiB, type Server, startLoad, startServer, stress, tcpSocketsOnPort } from './helpers.ts';

let server: Server | undefined;
afterEach(async () => {
  await server?.stop('SIGKILL');
  server = undefined;
});

describe('tcp server echo integrity', () => {
  const totalBytes = stress ? 1024 * MiB : 24 * MiB;
  const connections = stress ? 64 : 24;
  it(`echoes ${totalBytes / MiB} MiB over ${connections} connections byte for byte`, {
    timeout: stress ? 600_000 : 60_000,
  }, async () => {
    server = await startServer(['tcp', 'server', '--port', '0', '--quiet']);
    const load = startLoad('integrity', {
      port: server.port,
      connections,
      totalBytes,
      seed: Date.now() % 100_000,
      concurrency: stress ? 32 : 12,
    });
    const done = await load.result<{
      sent: number;
      received: number;
      badCount: number;
      bad: unknown[];
    }>('done', stress ? 580_000 : 55_000);
    expect(done.bad).toEqual([]);
    expect(done.badCount).toBe(0);
    expect(done.sent).toBe(totalBytes);
    expect(done.received).toBe(totalBytes);
    // Every half-closed connection was closed by the server too (nothing left but the listener).
    const states = tcpSocketsOnPort(server.port).filter((s) => s !== 'LISTEN' && s !== 'TIME_WAIT');
    expect(states).toEqual([]);
    const stopped = await server.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(server.stdout()).toMatch(new RegExp(`Served ${connections} connections`));
  });
});
