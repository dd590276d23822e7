// SIGTERM / SIGINT while connections are busy: a graceful stop (drain, summary), exit 0, port free.
import { describe, expect, it } from 'vitest';
import { isBindable } from '../bad-input/fixtures.ts';
import { MiB, startLoad, startServer, stress, tcpSocketsOnPort } from './helpers.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(['SIGTERM', 'SIGINT'] as const)('tcp server stopped by %s during load', (signal) => {
  it('drains, prints its summary, exits 0 and leaves the port free', async () => {
    const server = await startServer([
      'tcp',
      'server',
      '--port',
      '0',
      '--quiet',
      '--drain-timeout',
      '1000',
    ]);
    // Far more than can finish before the signal: the stop happens mid-stream on every connection.
    const load = startLoad('integrity', {
      port: server.port,
      connections: 16,
      totalBytes: (stress ? 4096 : 1024) * MiB,
      concurrency: 16,
    });
    try {
      await sleep(700);
      expect(
        tcpSocketsOnPort(server.port).filter((s) => s === 'ESTABLISHED').length,
      ).toBeGreaterThan(0);
      const started = Date.now();
      const result = await server.stop(signal, 10_000);
      expect(result, server.stderr()).toEqual({ code: 0, signal: null });
      // The drain deadline (1 s) bounds the stop, with slack for a loaded machine.
      expect(Date.now() - started).toBeLessThan(6000);
      expect(server.stdout()).toMatch(/Served \d+ connections?/);
      expect(server.stderr()).not.toMatch(/^\s+at /m);
      expect(tcpSocketsOnPort(server.port).filter((s) => s === 'LISTEN')).toEqual([]);
      expect(await isBindable('tcp', server.port)).toBe(true);
      // The load client sees its connections end (not hang) once the server is gone.
      await load.result('done', 20_000);
    } finally {
      load.child.kill('SIGKILL');
      await server.stop('SIGKILL');
    }
  });
});
