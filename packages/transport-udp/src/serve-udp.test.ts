import process from 'node:process';
import { type Lookup, SocketError, UsageError } from '@socklab/core';
import { describe, expect, it } from 'vitest';
import {
  drain,
  freeUdpPort,
  idleSocket,
  runtimeAdapter,
  startServer,
  text,
  trackingAdapter,
} from '../test/support.ts';
import type { UdpAdapter } from './runtime/contract.ts';
import { sendAndReceive } from './send-and-receive.ts';
import { serveUdp } from './serve-udp.ts';
import { bindError } from './udp-errors.ts';

// A runtime socket whose OS keeps its drop count to itself.
const withoutDrops: UdpAdapter['bind'] = async (options) => {
  const socket = await runtimeAdapter.bind(options);
  return { local: socket.local, send: socket.send, close: socket.close };
};

const lookupOf = (table: Record<string, string>): Lookup => {
  return async (host) => {
    const address = table[host];
    if (!address)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };
};

describe('serveUdp', () => {
  it('does what the seed does: host name, ready line, one datagram, two lines, the reply, then closes', async () => {
    const server = await startServer({ hostname: 'labhost' });
    const reply = await sendAndReceive({ address: '127.0.0.1', port: server.port }, 'Hello, world');
    await server.done;
    expect(text(reply.data)).toBe('Message received.');
    const lines = server.events.filter((e) => e.message !== undefined).map((e) => e.message);
    expect(lines).toEqual([
      'labhost',
      `Listening on udp 127.0.0.1:${server.port}`,
      `Server received: Hello, world\nMessage from ('127.0.0.1', ${reply.local.port})`,
    ]);
    expect(server.events.map((e) => e.type)).toEqual(['info', 'listen', 'recv', 'send', 'close']);
    expect(server.events[2]).toMatchObject({
      bytes: 12,
      text: 'Hello, world',
      remote: { address: '127.0.0.1', port: reply.local.port },
    });
    // The reply is an event too (for --json and --trace), without a line of its own.
    expect(server.events[3]).toMatchObject({
      bytes: 17,
      text: 'Message received.',
      local: { address: '127.0.0.1', port: server.port },
      remote: { address: '127.0.0.1', port: reply.local.port },
    });
    expect(server.events[3]?.message).toBeUndefined();
  });

  it('binds the address the host name resolves to by default, like the seed', async () => {
    const port = await freeUdpPort();
    const controller = new AbortController();
    const events = [];
    for await (const event of serveUdp({
      port,
      hostname: 'labhost',
      lookup: lookupOf({ labhost: '127.0.0.1' }),
      signal: controller.signal,
    })) {
      events.push(event);
      if (event.type === 'listen') controller.abort();
    }
    expect(events.find((e) => e.type === 'listen')?.message).toBe(
      `Listening on udp 127.0.0.1:${port}`,
    );
    expect(events.some((e) => e.notice)).toBe(false);
  });

  it('listens on 127.0.0.1 with a notice when the host name does not resolve', async () => {
    const controller = new AbortController();
    const events = [];
    for await (const event of serveUdp({
      port: 0,
      hostname: 'nameless',
      lookup: lookupOf({}),
      signal: controller.signal,
    })) {
      events.push(event);
      if (event.type === 'listen') controller.abort();
    }
    const notice = events.find((e) => e.notice);
    expect(notice?.message).toBe(
      'notice: host name nameless does not resolve: listening on 127.0.0.1 (this machine only)',
    );
    expect(events.find((e) => e.type === 'listen')?.local?.address).toBe('127.0.0.1');
  });

  it('warns when the host name resolves beyond loopback (and explains an address not of this machine)', async () => {
    // 192.0.2.1 (TEST-NET) is not ours: the bind fails locally, nothing goes on the wire.
    const { events, error } = await drain(
      serveUdp({ port: 0, hostname: 'labhost', lookup: lookupOf({ labhost: '192.0.2.1' }) }),
    );
    expect(events.find((e) => e.notice)?.message).toBe(
      'notice: labhost resolves to 192.0.2.1, which other machines can reach: use --host 127.0.0.1 to stay on this one',
    );
    expect(error).toBeInstanceOf(SocketError);
    expect((error as SocketError).code).toBe('EADDRNOTAVAIL');
    expect((error as SocketError).hint).toMatch(/127\.0\.0\.1/);
  });

  it('prints the real port when 0 was asked, and Python-style IPv6 client tuples', async () => {
    const server = await startServer({ host: '::1' });
    expect(server.port).toBeGreaterThan(0);
    const reply = await sendAndReceive({ address: '::1', port: server.port }, 'v6');
    await server.done;
    expect(server.events.find((e) => e.type === 'listen')?.message).toBe(
      `Listening on udp [::1]:${server.port}`,
    );
    expect(server.events.find((e) => e.type === 'recv')?.message).toBe(
      `Server received: v6\nMessage from ('::1', ${reply.local.port}, 0, 0)`,
    );
  });

  it('--keep serves until aborted, then sums up; --quiet yields nothing per datagram', async () => {
    const server = await startServer({ keep: true, quiet: true, echo: true });
    for (const word of ['one', 'two', 'three']) {
      const reply = await sendAndReceive({ address: '127.0.0.1', port: server.port }, word);
      expect(text(reply.data)).toBe(word);
    }
    await server.stop();
    expect(server.events.map((e) => e.type)).toEqual(['listen', 'info', 'close']);
    expect(server.events[1]).toMatchObject({
      details: { datagrams: 3, bytes: 11, clients: 3 },
      message: 'Received 3 datagrams (11 bytes) from 3 clients',
    });
    // Nothing is left bound: the same port binds again.
    const again = await idleSocket('127.0.0.1', server.port);
    await again.close();
  });

  it.runIf(process.platform === 'linux')(
    '--keep reports what the kernel dropped (receive buffer full): a notice as it grows, then in the summary',
    async () => {
      const server = await startServer({ keep: true, quiet: true });
      const client = await idleSocket();
      const datagram = new Uint8Array(1400);
      const burst = 3000;
      try {
        // The first datagram looks at the counter; one synchronous burst then overflows the buffer.
        client.send(datagram, '127.0.0.1', server.port);
        await new Promise((r) => setTimeout(r, 100));
        for (let i = 0; i < burst; i++) client.send(datagram, '127.0.0.1', server.port);
        // A second later, the next datagram finds the count grown.
        await new Promise((r) => setTimeout(r, 1100));
        client.send(datagram, '127.0.0.1', server.port);
        await new Promise((r) => setTimeout(r, 200));
      } finally {
        await client.close();
        await server.stop();
      }
      const notice = server.events.find((e) => e.notice);
      const summary = server.events.find((e) => e.details?.datagrams !== undefined);
      const drops = summary?.details?.drops as number;
      expect(drops).toBeGreaterThan(0);
      expect(notice).toMatchObject({
        type: 'info',
        details: { drops },
        message: `notice: the kernel dropped ${drops} datagrams (receive buffer full), ${drops} in all`,
      });
      expect(summary?.details?.datagrams).toBe(burst + 2 - drops);
      expect(summary?.message).toBe(
        `Received ${burst + 2 - drops} datagrams (${(burst + 2 - drops) * 1400} bytes) from 1 client, ${drops} dropped by the kernel (receive buffer full)`,
      );
    },
  );

  it('leaves drops out of the summary where the OS does not tell', async () => {
    const adapter = { ...runtimeAdapter, bind: withoutDrops };
    const server = await startServer({ keep: true, quiet: true, adapter });
    await sendAndReceive({ address: '127.0.0.1', port: server.port }, 'hi');
    await server.stop();
    const summary = server.events.find((e) => e.details?.datagrams !== undefined);
    expect(summary?.details).toEqual({ datagrams: 1, bytes: 2, clients: 1 });
    expect(summary?.message).toBe('Received 1 datagram (2 bytes) from 1 client');
  });

  it('--echo never replies with more bytes than it received', async () => {
    const server = await startServer({ keep: true, echo: true });
    try {
      for (const size of [1, 17, 1500, 65_507]) {
        const data = new Uint8Array(size).map((_, i) => i % 256);
        const reply = await sendAndReceive({ address: '127.0.0.1', port: server.port }, data);
        expect(reply.size).toBe(size);
        expect([...reply.data.subarray(size - 3)]).toEqual([...data.subarray(size - 3)]);
      }
    } finally {
      await server.stop();
    }
  });

  it('--reply sends the given text, its send event says so', async () => {
    const server = await startServer({ reply: 'pong' });
    const reply = await sendAndReceive({ address: '127.0.0.1', port: server.port }, 'ping');
    await server.done;
    expect(text(reply.data)).toBe('pong');
    expect(server.events.find((e) => e.type === 'send')).toMatchObject({
      bytes: 4,
      text: 'pong',
      remote: { address: '127.0.0.1', port: reply.local.port },
    });
  });

  it('ends quietly (graceful) when aborted before any datagram, closing its socket', async () => {
    const adapter = trackingAdapter();
    const server = await startServer({ adapter });
    expect(adapter.open()).toBe(1);
    await server.stop();
    expect(adapter.open()).toBe(0);
    expect(server.events.at(-1)?.type).toBe('close');
  });

  it('says "address already in use" with a way out', async () => {
    const holder = await idleSocket();
    try {
      const { error } = await drain(serveUdp({ host: '127.0.0.1', port: holder.local.port }));
      expect(error).toBeInstanceOf(SocketError);
      expect((error as SocketError).message).toBe(
        `Cannot bind udp 127.0.0.1:${holder.local.port}: address already in use`,
      );
      expect((error as SocketError).hint).toContain(
        `socklab inspect --proto udp --port ${holder.local.port}`,
      );
    } finally {
      await holder.close();
    }
  });

  it('explains permission denied on ports below 1024', () => {
    const denied = bindError(
      Object.assign(new Error('bind EACCES 0.0.0.0:80'), { code: 'EACCES' }),
      '0.0.0.0',
      80,
    );
    expect(denied.message).toBe('Cannot bind udp 0.0.0.0:80: permission denied');
    expect((denied as SocketError).hint).toMatch(/below 1024 need root/);
    const deno = bindError(
      Object.assign(new Error('Permission denied (os error 13)'), { name: 'PermissionDenied' }),
      '::',
      53,
    );
    expect((deno as SocketError).code).toBe('EACCES');
  });

  it('refuses bad input as usage errors', async () => {
    for (const options of [
      { port: -1 },
      { port: 65536 },
      { port: 1.5 },
      { echo: true, reply: 'x' },
      { host: '[::1' },
    ]) {
      const { error } = await drain(serveUdp({ host: '127.0.0.1', ...options }));
      expect(error).toBeInstanceOf(UsageError);
    }
  });
});
