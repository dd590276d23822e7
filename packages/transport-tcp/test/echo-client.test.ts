import { createServer, type Socket } from 'node:net';
import { type Lookup, SocketError } from '@socklab/core';
import { afterEach, describe, expect, it } from 'vitest';
import { generated } from '../src/client-command.ts';
import { connectEcho, echoOnce } from '../src/echo-client.ts';
import { type RunningServer, startServer } from './tcp-test-kit.ts';

describe('echoOnce / connectEcho', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('round-trips text and bytes and reports the rtt', async () => {
    server = await startServer({ quiet: true });
    const result = await echoOnce(`127.0.0.1:${server.port}`, 'Hello, world');
    expect(new TextDecoder().decode(result.data)).toBe('Hello, world');
    expect(result.rttMs).toBeGreaterThan(0);
    expect(result.remote).toMatchObject({ address: '127.0.0.1', port: server.port });
    const client = await connectEcho({ address: '127.0.0.1', port: server.port });
    for (const size of [1, 100_000, 0, 7])
      expect((await client.roundTrip(generated(size))).data.length).toBe(size);
    client.close();
  });

  it('resolves names with the injected lookup, IPv4 first like the seed', async () => {
    server = await startServer({ quiet: true });
    const asked: string[] = [];
    const result = await echoOnce({ address: 'echo.test', port: server.port }, 'x', {
      lookup: async (host) => {
        asked.push(host);
        return [
          { address: '::1', family: 6 },
          { address: '127.0.0.1', family: 4 },
        ];
      },
    });
    expect(asked).toEqual(['echo.test']);
    expect(result.remote.address).toBe('127.0.0.1');
  });

  it("tries a name's next address when the first refuses, and names all it tried", async () => {
    server = await startServer({ quiet: true, host: '::1' });
    const both = async () => [
      { address: '::1', family: 6 as const },
      { address: '127.0.0.1', family: 4 as const },
    ];
    // Nothing listens on 127.0.0.1 at the server's port: refused there, echoed over ::1.
    const result = await echoOnce({ address: 'dual.test', port: server.port }, 'x', {
      lookup: both,
    });
    expect(result.remote.address).toBe('::1');
    const closed = await echoOnce({ address: 'dual.test', port: 1 }, 'x', { lookup: both }).catch(
      (e: unknown) => e as SocketError,
    );
    expect([closed.code, closed.message]).toEqual([
      'ECONNREFUSED',
      'Cannot connect to tcp dual.test:1 (tried 127.0.0.1, ::1): connection refused',
    ]);
  });

  it('rejects with the signal reason when aborted', async () => {
    server = await startServer({ quiet: true });
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(
      echoOnce(`127.0.0.1:${server.port}`, 'x', { signal: controller.signal }),
    ).rejects.toThrow('stop');
  });

  it('--timeout bounds the connect and each round trip, not the connection', async () => {
    server = await startServer({ quiet: true });
    const client = await connectEcho({ address: '127.0.0.1', port: server.port }, { timeout: 200 });
    try {
      // Round trips for twice the timeout: the connect's deadline must not close the socket.
      const until = performance.now() + 450;
      let trips = 0;
      while (performance.now() < until && trips < 100_000) {
        await client.roundTrip(generated(64));
        trips++;
        if (trips % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(trips).toBeGreaterThan(0);
      await client.roundTrip(generated(16));
    } finally {
      client.close();
    }
  });

  it('a server that never echoes: ETIMEDOUT after the timeout, with the fix', async () => {
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const error = (await echoOnce(`127.0.0.1:${port}`, 'x', { timeout: 150 }).catch(
        (e: unknown) => e,
      )) as SocketError;
      expect(error).toBeInstanceOf(SocketError);
      expect([error.code, error.message, error.hint]).toEqual([
        'ETIMEDOUT',
        `Cannot receive echo from tcp 127.0.0.1:${port}: timed out: no echo within 150 ms`,
        'raise --timeout or check the server',
      ]);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('names the host when resolving it outlasts the timeout', async () => {
    const silent: Lookup = (_, { signal }) =>
      new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
    const error = await echoOnce({ address: 'slow.test', port: 1 }, 'x', {
      lookup: silent,
      timeout: 100,
    }).catch((e: unknown) => e as SocketError);
    expect([error.code, error.message, error.hint]).toEqual([
      'ETIMEDOUT',
      'Cannot resolve host slow.test: timed out: no answer within 100 ms',
      'raise --timeout or check the resolver',
    ]);
  });

  it('names the failure: connection refused', async () => {
    const error = await echoOnce('127.0.0.1:1', 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SocketError);
    expect((error as Error).message).toBe('Cannot connect to tcp 127.0.0.1:1: connection refused');
    // The way out starts a server where the client looks.
    expect((error as SocketError).hint).toBe(
      'is the server running? start one with: socklab tcp server --port 1',
    );
  });
});

describe('generated payload', () => {
  it('is printable and of the asked size', () => {
    const data = generated(1000);
    expect(data.length).toBe(1000);
    expect(data.every((b) => b >= 0x30 && b <= 0x7a)).toBe(true);
  });
});
