// What a library caller gets for bad input or misuse: UsageErrors and the signal's reason on
// every runtime, never a crash later or a timer that keeps the process alive.
import { UsageError } from '@socklab/core';
import { afterEach, describe, expect, it } from 'vitest';
import { connectEcho, createEchoServer, echoOnce } from '../src/index.ts';
import { serversForTest } from './tcp-test-kit.ts';

describe('echo client and server: bad input and misuse', () => {
  const servers = serversForTest();
  afterEach(servers.closeAll);

  it('bad data is a UsageError, and no timer fires afterwards', async () => {
    const server = await servers.echo({ quiet: true });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (const data of [42, null, [1, 2], new ArrayBuffer(2)]) {
        const error = await echoOnce({ address: '127.0.0.1', port: server.port }, data as never, {
          timeout: 100,
        }).catch((e: unknown) => e);
        expect(error, String(data)).toBeInstanceOf(UsageError);
        expect((error as Error).message).toMatch(/^Cannot send .*: give a Uint8Array or a string$/);
      }
      // Past every round trip's timeout: nothing was left to reject.
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('aborted mid round trip: the signal reason, not a server that closed', async () => {
    const port = await servers.silent();
    const controller = new AbortController();
    const reason = new DOMException('stop now', 'AbortError');
    setTimeout(() => controller.abort(reason), 100);
    const error = await echoOnce({ address: '127.0.0.1', port }, 'Hello', {
      signal: controller.signal,
      timeout: 5000,
    }).catch((e: unknown) => e);
    expect(error).toBe(reason);
  });

  it('a round trip after close(), or beside another, is refused plainly', async () => {
    const server = await servers.echo({ quiet: true });
    const client = await connectEcho({ address: '127.0.0.1', port: server.port });
    const first = client.roundTrip('one');
    await expect(client.roundTrip('two')).rejects.toThrow(
      'Cannot start a round trip while another is under way',
    );
    expect(new TextDecoder().decode((await first).data)).toBe('one');
    client.close();
    await expect(client.roundTrip('three')).rejects.toMatchObject({ code: 'ECONNABORTED' });
  });

  it('a timeout beyond what timers hold still waits for the echo', async () => {
    const server = await servers.echo({ quiet: true });
    const result = await echoOnce({ address: '127.0.0.1', port: server.port }, 'late', {
      timeout: 3_000_000_000,
    });
    expect(result.data.length).toBe(4);
  });

  it('bad ports, hosts and limits are UsageErrors on every runtime', async () => {
    for (const port of [70000, -1, 1.5, Number.NaN, '80x', 0]) {
      await expect(
        echoOnce({ address: '127.0.0.1', port: port as number }, 'x'),
        `client port ${port}`,
      ).rejects.toBeInstanceOf(UsageError);
    }
    await expect(echoOnce('127.0.0.1:80', 'x', { timeout: -1 })).rejects.toThrow(
      'Cannot use timeout -1',
    );
    const bad: Record<string, unknown>[] = [
      { port: 70000 },
      { port: -1 },
      { port: 1.5 },
      { host: '' },
      { maxConnections: 0 },
      { maxConnections: 1.5 },
      { maxConnections: 'x' },
      { idleTimeout: -1 },
      { idleTimeout: 'abc' },
      { drainTimeout: -1 },
    ];
    for (const options of bad) {
      const run = createEchoServer({ port: 0, ...options } as never);
      await expect(run.next(), JSON.stringify(options)).rejects.toBeInstanceOf(UsageError);
    }
    // Brackets around an IPv6 host are fine, as on the command line.
    const controller = new AbortController();
    const v6 = createEchoServer({ host: '[::1]', port: 0, signal: controller.signal });
    const first = await v6.next().catch((e: unknown) => e);
    controller.abort();
    await v6.return(undefined);
    if (!(first instanceof Error)) expect(first).toMatchObject({ value: { type: 'listen' } });
    else expect((first as { code?: string }).code).toBe('EADDRNOTAVAIL'); // no IPv6 here
  });
});
