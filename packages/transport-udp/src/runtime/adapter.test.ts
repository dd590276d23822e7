// One conformance suite for the UdpAdapter contract, run against the adapter of the runtime
// running the tests (npm test runs it on Node, Bun and Deno).
import process from 'node:process';
import { detectRuntime, socketErrorCode } from '@socklab/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { UdpAdapter, UdpBindOptions, UdpSocket } from './contract.ts';
import { loadAdapter } from './load-adapter.ts';

const adapter: UdpAdapter = await loadAdapter();
const opened: UdpSocket[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

interface Inbox {
  socket: UdpSocket;
  messages: { data: Uint8Array; address: string; port: number }[];
  errors: unknown[];
  next(timeoutMs?: number): Promise<{ data: Uint8Array; address: string; port: number }>;
  nextError(timeoutMs?: number): Promise<unknown>;
}

async function open(options: Partial<UdpBindOptions> = {}): Promise<Inbox> {
  const messages: Inbox['messages'] = [];
  const errors: unknown[] = [];
  let wake: (() => void) | undefined;
  const socket = await adapter.bind({
    address: '127.0.0.1',
    port: 0,
    ...options,
    onMessage(data, address, port) {
      messages.push({ data, address, port });
      wake?.();
    },
    onError(error) {
      errors.push(error);
      wake?.();
    },
  });
  opened.push(socket);
  let read = 0;
  let readErrors = 0;
  const until = async <T>(
    ready: () => T | undefined,
    timeoutMs: number,
    what: string,
  ): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = ready();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  };
  return {
    socket,
    messages,
    errors,
    next: (timeoutMs = 3000) =>
      until(() => (read < messages.length ? messages[read++] : undefined), timeoutMs, 'datagram'),
    nextError: (timeoutMs = 3000) =>
      until(
        () => (readErrors < errors.length ? errors[readErrors++] : undefined),
        timeoutMs,
        'error',
      ),
  };
}

function sendDone(
  socket: UdpSocket,
  data: Uint8Array,
  address: string,
  port: number,
): Promise<unknown> {
  return new Promise((resolve) => socket.send(data, address, port, resolve));
}

describe(`UdpAdapter conformance: ${adapter.name} on ${detectRuntime().name}`, () => {
  it('is the adapter made for this runtime', () => {
    const expected = { node: 'node:dgram', deno: 'Deno.listenDatagram', bun: 'Bun.udpSocket' }[
      detectRuntime().name
    ];
    expect(adapter.name).toBe(expected);
  });

  it('binds port 0 and reports the real port', async () => {
    const { socket } = await open();
    expect(socket.local.address).toBe('127.0.0.1');
    expect(socket.local.family).toBe('IPv4');
    expect(socket.local.port).toBeGreaterThan(0);
  });

  it('carries every byte value both ways and names the sender', async () => {
    const server = await open();
    const client = await open();
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(
      await sendDone(client.socket, all, '127.0.0.1', server.socket.local.port),
    ).toBeUndefined();
    const got = await server.next();
    expect([...got.data]).toEqual([...all]);
    expect(got.address).toBe('127.0.0.1');
    expect(got.port).toBe(client.socket.local.port);
    server.socket.send(got.data.subarray(0, 3), got.address, got.port);
    expect([...(await client.next()).data]).toEqual([0, 1, 2]);
  });

  it('hands over bytes the receiver owns (later datagrams do not overwrite them)', async () => {
    const server = await open();
    const client = await open();
    client.socket.send(new Uint8Array([1, 1, 1]), '127.0.0.1', server.socket.local.port);
    const first = await server.next();
    client.socket.send(new Uint8Array([2, 2, 2]), '127.0.0.1', server.socket.local.port);
    await server.next();
    expect([...first.data]).toEqual([1, 1, 1]);
  });

  it('delivers whole datagrams up to the IPv4 limit (65,507 bytes)', async () => {
    const server = await open();
    const client = await open();
    const big = new Uint8Array(65_507).map((_, i) => i % 251);
    expect(
      await sendDone(client.socket, big, '127.0.0.1', server.socket.local.port),
    ).toBeUndefined();
    const got = await server.next();
    expect(got.data.length).toBe(65_507);
    expect(got.data[65_506]).toBe(65_506 % 251);
  });

  it('reports an oversized send as EMSGSIZE through done', async () => {
    const server = await open();
    const client = await open();
    const error = await sendDone(
      client.socket,
      new Uint8Array(65_508),
      '127.0.0.1',
      server.socket.local.port,
    );
    expect(socketErrorCode(error)).toBe('EMSGSIZE');
  });

  it('works over IPv6 loopback', async () => {
    const server = await open({ address: '::1' });
    const client = await open({ address: '::1' });
    expect(server.socket.local).toMatchObject({ address: '::1', family: 'IPv6' });
    client.socket.send(new TextEncoder().encode('v6'), '::1', server.socket.local.port);
    const got = await server.next();
    expect(new TextDecoder().decode(got.data)).toBe('v6');
    expect(got.address).toBe('::1');
    expect(got.port).toBe(client.socket.local.port);
  });

  it('a connected socket sends to its peer and hears only from it', async () => {
    const server = await open();
    const stranger = await open();
    const client = await open({
      address: '0.0.0.0',
      connect: { address: '127.0.0.1', port: server.socket.local.port },
    });
    client.socket.send(new TextEncoder().encode('hi'), '192.0.2.1', 9);
    const got = await server.next();
    expect(new TextDecoder().decode(got.data)).toBe('hi');
    stranger.socket.send(new TextEncoder().encode('not you'), '127.0.0.1', got.port);
    server.socket.send(new TextEncoder().encode('you'), got.address, got.port);
    expect(new TextDecoder().decode((await client.next()).data)).toBe('you');
    await new Promise((r) => setTimeout(r, 100));
    expect(client.messages).toHaveLength(1);
  });

  it('a connected socket bound to the wildcard reports the loopback address its peer sees', async () => {
    const four = await open();
    const six = await open({ address: '::1' });
    const client4 = await open({
      address: '0.0.0.0',
      connect: { address: '127.0.0.1', port: four.socket.local.port },
    });
    const client6 = await open({
      address: '::',
      connect: { address: '::1', port: six.socket.local.port },
    });
    client4.socket.send(new TextEncoder().encode('4'), '127.0.0.1', four.socket.local.port);
    client6.socket.send(new TextEncoder().encode('6'), '::1', six.socket.local.port);
    const [got4, got6] = [await four.next(), await six.next()];
    expect(client4.socket.local).toEqual({ address: '127.0.0.1', port: got4.port, family: 'IPv4' });
    expect(client6.socket.local).toEqual({ address: '::1', port: got6.port, family: 'IPv6' });
  });

  it.runIf(adapter.capabilities.refused)(
    'reports ICMP port unreachable as ECONNREFUSED on a connected socket',
    async () => {
      const gone = await open();
      const port = gone.socket.local.port;
      await gone.socket.close();
      const client = await open({ address: '0.0.0.0', connect: { address: '127.0.0.1', port } });
      client.socket.send(new TextEncoder().encode('anyone?'), '127.0.0.1', port);
      expect(socketErrorCode(await client.nextError())).toBe('ECONNREFUSED');
      // The socket stays usable after the error.
      expect(await sendDone(client.socket, new Uint8Array([1]), '127.0.0.1', port)).toSatisfy(
        (e) => e === undefined || socketErrorCode(e) === 'ECONNREFUSED',
      );
    },
  );

  it('rejects binding a port in use with EADDRINUSE, and frees it on close', async () => {
    const first = await open();
    const port = first.socket.local.port;
    const error = await open({ port }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(socketErrorCode(error)).toBe('EADDRINUSE');
    await first.socket.close();
    await first.socket.close();
    const again = await open({ port });
    expect(again.socket.local.port).toBe(port);
  });

  it('stops delivering after close', async () => {
    const server = await open();
    const client = await open();
    await server.socket.close();
    client.socket.send(new Uint8Array([1]), '127.0.0.1', server.socket.local.port);
    await new Promise((r) => setTimeout(r, 100));
    expect(server.messages).toHaveLength(0);
  });

  it('counts the datagrams the kernel drops when the receive buffer overflows (Linux /proc)', async () => {
    const server = await open();
    const client = await open();
    expect(server.socket.drops).toBeTypeOf('function');
    if (process.platform !== 'linux') {
      expect(await server.socket.drops?.()).toBeUndefined();
      return;
    }
    expect(await server.socket.drops?.()).toBe(0);
    // One synchronous burst: the receiver cannot read in between, so its buffer overflows.
    const sent = 3000;
    const datagram = new Uint8Array(1400);
    for (let i = 0; i < sent; i++) {
      client.socket.send(datagram, '127.0.0.1', server.socket.local.port);
    }
    let dropped = 0;
    for (const deadline = Date.now() + 5000; Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 50));
      dropped = (await server.socket.drops?.()) ?? 0;
      if (server.messages.length + dropped >= sent) break;
    }
    expect(client.errors).toEqual([]);
    expect(dropped).toBeGreaterThan(0);
    // Every datagram either arrived or is counted as dropped.
    expect(server.messages.length + dropped).toBe(sent);
    await server.socket.close();
    expect(await server.socket.drops?.()).toBeUndefined();
  });

  it("knows this machine's name and resolves names through the system (hosts file)", async () => {
    expect(adapter.hostname()).toMatch(/\S/);
    const found = await adapter.lookup('localhost', {});
    expect(found.map((a) => a.address)).toContain(
      found.some((a) => a.family === 4) ? '127.0.0.1' : '::1',
    );
  });
});
