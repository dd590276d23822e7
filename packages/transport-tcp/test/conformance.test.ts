// One suite for every runtime adapter (node:net everywhere, plus Bun.listen on Bun and
// Deno.listen on Deno), through createEchoServer as the CLI uses it.
import { connect, createServer } from 'node:net';
import { SocketError } from '@socklab/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createEchoServer, surgeConnections } from '../src/echo-server.ts';
import {
  adaptersHere,
  closedByPeer,
  echoAll,
  hasIPv6Loopback,
  open,
  type RunningServer,
  randomBytes,
  runtime,
  sleep,
  startServer,
} from './tcp-test-kit.ts';

const adapters = await adaptersHere();

/** Half-closes, waits for the server's FIN, then closes. */
async function closedAfterEnd(socket: import('node:net').Socket): Promise<void> {
  socket.end();
  await closedByPeer(socket);
  socket.destroy();
}
const ipv6 = await hasIPv6Loopback();

describe.each(adapters.map((adapter) => [adapter.name, adapter] as const))(
  'adapter %s',
  (_, adapter) => {
    let server: RunningServer | undefined;
    afterEach(async () => {
      await server?.stop();
      server = undefined;
    });

    it('echoes random sizes byte for byte and honours half-close', async () => {
      const running = await startServer({ adapter, quiet: true });
      server = running;
      const sizes = [0, 1, 1023, 65_536, 65_537, 1_000_003, 3 * 1024 * 1024];
      const results = await Promise.all(
        sizes.map(async (size, i) => {
          const data = randomBytes(size, i + 1);
          const echoed = await echoAll(running.port, data);
          return Buffer.compare(echoed, Buffer.from(data)) === 0;
        }),
      );
      expect(results).toEqual(sizes.map(() => true));
    });

    it('echoes intact to a slow reader (partial writes and queued chunks)', async () => {
      const running = await startServer({ adapter, quiet: true });
      server = running;
      const data = randomBytes(24 * 1024 * 1024, 99);
      const echoed = await new Promise<Buffer>((resolve, reject) => {
        const socket = connect({ port: running.port, host: '127.0.0.1', allowHalfOpen: true });
        const parts: Buffer[] = [];
        socket.on('data', (chunk) => {
          parts.push(chunk);
          // Read in bursts so the server's writes keep hitting a full socket.
          socket.pause();
          setTimeout(() => socket.resume(), 1);
        });
        socket.on('end', () => {
          socket.destroy();
          resolve(Buffer.concat(parts));
        });
        socket.on('error', reject);
        socket.end(data);
      });
      expect(echoed.length).toBe(data.length);
      expect(Buffer.compare(echoed, Buffer.from(data))).toBe(0);
    });

    it('reports accept and close with both ends, bytes, duration and reason', async () => {
      server = await startServer({ adapter, trace: true });
      await echoAll(server.port, new TextEncoder().encode('Hello, world'));
      await server.until((events) =>
        events.some((e) => e.type === 'close' && e.connection !== undefined),
      );
      const accept = server.events.find((e) => e.type === 'accept');
      const close = server.events.find((e) => e.type === 'close' && e.connection !== undefined);
      expect(accept?.message).toMatch(/^Connected by \('127\.0\.0\.1', \d+\)$/);
      expect(close).toMatchObject({
        connection: accept?.connection,
        reason: 'peer closed',
        bytes: 12,
      });
      expect(close?.details).toEqual({ bytesIn: 12, bytesOut: 12 });
      // Every event of the connection (with trace: its recv and send too) names both ends.
      const ofConnection = server.events.filter((e) => e.connection === accept?.connection);
      expect(ofConnection.map((e) => e.type)).toEqual(['accept', 'recv', 'send', 'close']);
      for (const event of ofConnection) {
        expect(event.local).toEqual({ address: '127.0.0.1', port: server.port, family: 'IPv4' });
        expect(event.remote).toEqual(accept?.remote);
      }
      expect(close?.durationMs).toBeGreaterThanOrEqual(0);
      await server.stop();
      const summary = server.events.at(-1);
      expect(summary).toMatchObject({ type: 'close', reason: 'stopped' });
      expect(summary?.details).toMatchObject({ connections: 1, bytesIn: 12, bytesOut: 12 });
      expect(summary?.message).toMatch(/^Served 1 connection: 12 B in, 12 B out in /);
    });

    it('stops reading from a client that never reads (backpressure)', async () => {
      // Straight on the adapter: its connections expose the bytes read so far.
      const listener = await adapter.listen({
        host: '127.0.0.1',
        port: 0,
        handlers: { accept: () => true, close: () => {} },
      });
      const socket = await open(listener.local.port);
      socket.pause();
      const chunk = Buffer.alloc(256 * 1024, 1);
      const total = 256 * 1024 * 1024;
      let offered = 0;
      const fill = () => {
        while (offered < total && socket.write(chunk)) offered += chunk.length;
      };
      socket.on('drain', fill);
      fill();
      const bytesIn = () => [...listener.connections].reduce((sum, c) => sum + c.bytesIn, 0);
      // Let the pipeline fill up, then check the server stopped taking bytes.
      await sleep(1500);
      const first = bytesIn();
      await sleep(500);
      expect(bytesIn()).toBe(first);
      expect(offered).toBeLessThan(total);
      // Kernel buffers on both sides hold a few MiB; an unbounded server would have read it all.
      expect(first).toBeGreaterThan(0);
      expect(first).toBeLessThan(48 * 1024 * 1024);
      socket.destroy();
      await listener.stopAccepting();
      for (const connection of listener.connections) connection.destroy('test over');
    });

    it('survives a reset (RST) from the client and keeps serving', async () => {
      server = await startServer({ adapter });
      const socket = await open(server.port);
      socket.pause();
      socket.write(Buffer.alloc(100_000, 2));
      await sleep(200);
      // Unread data in our receive buffer: closing now sends RST instead of FIN.
      if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
      else socket.destroy();
      await server.until((events) =>
        events.some((e) => e.type === 'close' && e.connection !== undefined),
      );
      const close = server.events.find((e) => e.type === 'close' && e.connection !== undefined);
      expect(close?.reason).toMatch(/connection reset by peer|broken pipe|peer closed/);
      const echoed = await echoAll(server.port, new TextEncoder().encode('still here'));
      expect(echoed.toString()).toBe('still here');
    });

    it('closes idle connections after --idle-timeout, not busy ones', async () => {
      server = await startServer({ adapter, idleTimeout: 300 });
      const idle = await open(server.port);
      const busy = await open(server.port);
      busy.resume();
      const ticker = setInterval(() => busy.write('.'), 50);
      const started = Date.now();
      const how = await closedByPeer(idle);
      const waited = Date.now() - started;
      clearInterval(ticker);
      expect(how).toBe('end');
      expect(waited).toBeGreaterThanOrEqual(250);
      expect(waited).toBeLessThan(3000);
      expect(busy.destroyed).toBe(false);
      busy.destroy();
      await server.until((events) => events.some((e) => e.reason === 'idle timeout'));
    });

    // The sweep of adapters without closesIdle runs every timeout/4: of three connections
    // opened a third of that apart, one would close at least 1.16x the timeout after its start.
    it.skipIf(!adapter.closesIdle)(
      'closes each idle connection on time, after connecting or after its last echo',
      async () => {
        const timeout = 400;
        server = await startServer({ adapter, idleTimeout: timeout, quiet: true });
        const port = server.port;
        const closedAfter = async (delay: number, echo: boolean): Promise<number> => {
          await sleep(delay);
          const socket = await open(port);
          let started = performance.now();
          if (echo) {
            socket.write('x');
            await new Promise((resolve) => socket.once('data', resolve));
            started = performance.now();
          }
          await closedByPeer(socket);
          socket.destroy();
          return performance.now() - started;
        };
        const waited = await Promise.all([
          closedAfter(0, false),
          closedAfter(33, false),
          closedAfter(66, true),
        ]);
        for (const ms of waited) {
          // The server's timer starts a little before the client sees its connect or echo.
          expect(ms).toBeGreaterThanOrEqual(timeout - 10);
          expect(ms).toBeLessThan(timeout * 1.15);
        }
      },
    );

    // Timers armed at the accept fire mid-spell, while the connection is busy: they must
    // neither close it nor lose track of its last echo.
    it.skipIf(!adapter.closesIdle)(
      'stays open through a busy spell longer than the timeout, then closes on time',
      async () => {
        const timeout = 200;
        server = await startServer({ adapter, idleTimeout: timeout, quiet: true });
        const socket = await open(server.port);
        const closed = closedByPeer(socket);
        let lastEcho = performance.now();
        socket.on('data', () => {
          lastEcho = performance.now();
        });
        let echoes = 0;
        for (const spell = performance.now(); performance.now() - spell < timeout * 2.5; ) {
          socket.write('x');
          await new Promise((resolve) => socket.once('data', resolve));
          echoes++;
          await sleep(timeout / 5);
        }
        expect(socket.readableEnded).toBe(false);
        await closed;
        const waited = performance.now() - lastEcho;
        socket.destroy();
        expect(echoes).toBeGreaterThanOrEqual(8);
        expect(waited).toBeGreaterThanOrEqual(timeout - 10);
        expect(waited).toBeLessThan(timeout * 1.15);
      },
    );

    it('refuses connections beyond --max-connections by closing them at once', async () => {
      server = await startServer({ adapter, maxConnections: 2 });
      const first = await open(server.port);
      const second = await open(server.port);
      await server.until((events) => events.filter((e) => e.type === 'accept').length === 2);
      const third = await open(server.port);
      expect(await closedByPeer(third)).not.toBe('close');
      third.destroy();
      await server.until((events) => events.some((e) => e.reason === 'too many connections'));
      for (const socket of [first, second]) {
        const back = new Promise<string>((resolve) =>
          socket.once('data', (d) => resolve(d.toString())),
        );
        socket.write('ok');
        expect(await back).toBe('ok');
        socket.destroy();
      }
      await server.stop();
      expect(server.events.at(-1)?.details).toMatchObject({ connections: 2, refused: 1 });
    });

    it('on abort stops accepting, waits for open echoes up to the deadline, closes the rest', async () => {
      server = await startServer({ adapter, drainTimeout: 300 });
      const leaving = await open(server.port);
      const staying = await open(server.port);
      const stayingClosed = closedByPeer(staying);
      await server.until((events) => events.filter((e) => e.type === 'accept').length === 2);
      const started = Date.now();
      const stopped = server.stop();
      await sleep(50);
      // Still draining: the open connection echoes, the listener is gone.
      const back = new Promise<string>((resolve) =>
        leaving.once('data', (d) => resolve(d.toString())),
      );
      leaving.write('bye');
      expect(await back).toBe('bye');
      leaving.end();
      await expect(open(server.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await stopped;
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(await stayingClosed).not.toBe(undefined);
      const reasons = server.events
        .filter((e) => e.type === 'close' && e.connection)
        .map((e) => e.reason);
      expect(reasons.sort()).toEqual(['peer closed', 'shutdown']);
      // Nothing left listening: the port can be bound again.
      await expect(bindable(server.port)).resolves.toBe(true);
      server = undefined;
    });

    it('serves one connection with once, then stops', async () => {
      server = await startServer({ adapter, once: true });
      const echoed = await echoAll(server.port, new TextEncoder().encode('Hello, world'));
      expect(echoed.toString()).toBe('Hello, world');
      await server.done;
      expect(server.events.map((e) => e.type)).toEqual(['listen', 'accept', 'close', 'close']);
      expect(server.events[1]?.message).toMatch(/^Connected by \('127\.0\.0\.1', \d+\)$/);
      // Like the seed's output: nothing after "Connected by".
      expect(server.events.slice(2).some((e) => e.message)).toBe(false);
      await expect(bindable(server.port)).resolves.toBe(true);
      server = undefined;
    });

    it('yields no per-connection events when quiet, recv/send per chunk when tracing', async () => {
      server = await startServer({ adapter, quiet: true });
      await echoAll(server.port, new TextEncoder().encode('quiet'));
      await server.stop();
      expect(server.events.map((e) => e.type)).toEqual(['listen', 'close']);

      server = await startServer({ adapter, trace: true });
      await echoAll(server.port, new TextEncoder().encode('traced'));
      await server.until((events) => events.some((e) => e.type === 'close'));
      const recv = server.events.find((e) => e.type === 'recv');
      const send = server.events.find((e) => e.type === 'send');
      expect(recv).toMatchObject({ bytes: 6, text: 'traced' });
      expect(send).toMatchObject({ bytes: 6, text: 'traced' });
    });

    it.runIf(ipv6)('listens on ::1 and on :: (dual-stack)', async () => {
      server = await startServer({ adapter, host: '::1' });
      expect(server.host).toBe('::1');
      expect((await echoAll(server.port, new TextEncoder().encode('six'), '::1')).toString()).toBe(
        'six',
      );
      await server.until((events) => events.some((e) => e.type === 'accept'));
      expect(server.events.find((e) => e.type === 'accept')?.message).toMatch(
        /^Connected by \('::1', \d+, 0, 0\)$/,
      );
      await server.stop();

      server = await startServer({ adapter, host: '::', quiet: true });
      expect((await echoAll(server.port, new TextEncoder().encode('v6'), '::1')).toString()).toBe(
        'v6',
      );
      expect(
        (await echoAll(server.port, new TextEncoder().encode('v4'), '127.0.0.1')).toString(),
      ).toBe('v4');
      // A wildcard bind is reachable from other machines: say so on stderr.
      expect(server.events.find((e) => e.type === 'info')).toMatchObject({ notice: true });
    });

    it('closes and reports a connection whose peer resets while the echo waits for it to read', async () => {
      const running = await startServer({ adapter });
      server = running;
      const socket = await open(running.port);
      socket.on('error', () => {});
      socket.pause();
      // Far more than the kernel buffers hold: the server's echo has to wait for this reader.
      socket.write(randomBytes(8 * 1024 * 1024, 7));
      await sleep(300);
      socket.resetAndDestroy();
      await running.until(
        (events) => events.some((e) => e.type === 'close' && e.connection !== undefined),
        5000,
      );
      const close = running.events.find((e) => e.type === 'close' && e.connection !== undefined);
      expect(String(close?.reason)).toMatch(/reset|closed|broken pipe/);
    });

    it('collects garbage once a surge of connections has closed and the server is quiet', async () => {
      // The adapter's own collection runs (a full GC on this runtime) without throwing.
      await adapter.releaseMemory?.();
      const surge = async (releaseMemory: boolean | undefined) => {
        let released = 0;
        const counting = { ...adapter, releaseMemory: () => void released++ };
        const running = await startServer({ adapter: counting, quiet: true, releaseMemory });
        server = running;
        for (let round = 0; round < 2; round++) {
          // Opened and closed in batches, as a flood of clients would.
          for (let batch = 0; batch < surgeConnections / 200; batch++) {
            const sockets = await Promise.all(
              Array.from({ length: 200 }, () => open(running.port)),
            );
            await Promise.all(sockets.map((socket) => closedAfterEnd(socket)));
          }
          // Quiet: one collection per surge, none while the surge goes on.
          await sleep(1200);
        }
        await running.stop();
        server = undefined;
        return released;
      };
      expect(await surge(undefined)).toBe(2);
      expect(await surge(false)).toBe(0);
    }, 60_000);

    it('fails clearly when the port is in use, and leaves nothing listening', async () => {
      server = await startServer({ adapter, quiet: true });
      const error = await firstError({ adapter, port: server.port });
      expect(error).toBeInstanceOf(SocketError);
      expect(error).toMatchObject({ code: 'EADDRINUSE' });
      expect((error as Error).message).toBe(
        `Cannot bind tcp 127.0.0.1:${server.port}: address already in use`,
      );
      expect((error as SocketError).hint).toMatch(/--port/);
    });

    it('fails clearly for an unknown host and an address of another machine', async () => {
      const lookup = async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
      };
      const unknown = await firstError({ adapter, host: 'no-such-host.invalid', lookup });
      expect(unknown).toMatchObject({
        code: 'ENOTFOUND',
        message: 'Cannot resolve host no-such-host.invalid: unknown host',
      });
      // TEST-NET-1: never assigned to this machine; binding fails before any packet is sent.
      const foreign = await firstError({ adapter, host: '192.0.2.1' });
      // Deno's node:net reports this bind failure as EINVAL (its own Deno.listen says EADDRNOTAVAIL).
      const expected =
        runtime === 'deno' && adapter.name === 'node:net' ? 'EINVAL' : 'EADDRNOTAVAIL';
      expect(foreign).toMatchObject({ code: expected });
      expect((foreign as Error).message).toMatch(/^Cannot bind tcp 192\.0\.2\.1:0: /);
    });
  },
);

describe('createEchoServer options', () => {
  it('rejects maxConnections below 1', async () => {
    const run = createEchoServer({ port: 0, maxConnections: 0 })[Symbol.asyncIterator]();
    await expect(run.next()).rejects.toThrow(
      'Cannot use maxConnections 0: must be a whole number 1-9007199254740991',
    );
  });
});

async function firstError(options: Parameters<typeof createEchoServer>[0]): Promise<unknown> {
  const controller = new AbortController();
  try {
    for await (const _ of createEchoServer({ port: 0, signal: controller.signal, ...options })) {
      controller.abort();
    }
  } catch (error) {
    return error;
  }
  return undefined;
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
