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
import { exchange, sendAndReceive } from './send-and-receive.ts';
import { serveUdp } from './serve-udp.ts';

const refusedSeen = runtimeAdapter.capabilities.refused;
const hosts = (table: Record<string, { address: string; family: 4 | 6 }[]>): Lookup => {
  return async (host) => {
    const found = table[host];
    if (!found)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };
};

describe('sendAndReceive', () => {
  it("gets the seed server's reply, with who sent it, the round trip and the attempt count", async () => {
    const server = await startServer();
    const reply = await sendAndReceive({ address: '127.0.0.1', port: server.port }, 'Hello, world');
    expect(text(reply.data)).toBe('Message received.');
    expect(reply).toMatchObject({ size: 17, truncated: false, attempts: 1 });
    expect(reply.from).toEqual({ address: '127.0.0.1', port: server.port, family: 'IPv4' });
    expect(reply.rttMs).toBeGreaterThan(0);
    await server.done;
    expect(server.events.find((e) => e.type === 'recv')?.message).toBe(
      `Server received: Hello, world\nMessage from ('127.0.0.1', ${reply.local.port})`,
    );
  });

  it('works over IPv6 (::1)', async () => {
    const server = await startServer({ host: '::1', echo: true });
    const reply = await sendAndReceive({ address: '::1', port: server.port }, 'six');
    expect(text(reply.data)).toBe('six');
    expect(reply.from).toEqual({ address: '::1', port: server.port, family: 'IPv6' });
  });

  it('tries IPv4 first for a name, like the seed', async () => {
    const server = await startServer({ echo: true });
    const lookup = hosts({
      'lab.test': [
        { address: '::1', family: 6 },
        { address: '127.0.0.1', family: 4 },
      ],
    });
    const { events } = await drain(
      (async function* () {
        yield* exchange({ address: 'lab.test', port: server.port }, 'hi', { lookup });
      })(),
    );
    expect(events[0]).toMatchObject({
      type: 'resolve',
      host: 'lab.test',
      addresses: ['127.0.0.1', '::1'],
    });
    expect(events.filter((e) => e.type === 'send').map((e) => e.remote?.address)).toEqual([
      '127.0.0.1',
    ]);
  });

  it("falls back to the name's other addresses when the first one does not answer", async () => {
    const server = await startServer({ host: '::1', echo: true });
    const lookup = hosts({
      'lab.test': [
        { address: '127.0.0.1', family: 4 },
        { address: '::1', family: 6 },
      ],
    });
    const reply = await sendAndReceive({ address: 'lab.test', port: server.port }, 'hi', {
      lookup,
      timeout: 300,
    });
    expect(reply.from.address).toBe('::1');
    expect(reply.attempts).toBe(2);
  });

  it('says "unknown host" without asking real DNS', async () => {
    const error = await sendAndReceive({ address: 'nowhere.test', port: 9 }, 'hi', {
      lookup: hosts({}),
    }).catch((e) => e);
    expect(error).toBeInstanceOf(SocketError);
    expect(error.code).toBe('ENOTFOUND');
    expect(error.message).toBe('Cannot resolve host nowhere.test: unknown host');
    expect(error.hint).toMatch(/spelling/);
    const empty = await sendAndReceive({ address: 'void.test', port: 9 }, 'hi', {
      lookup: hosts({ 'void.test': [] }),
    }).catch((e) => e);
    expect(empty.code).toBe('ENOTFOUND');
  });

  it.runIf(refusedSeen)('reports ICMP port unreachable as connection refused', async () => {
    const port = await freeUdpPort();
    const adapter = trackingAdapter();
    const started = performance.now();
    const error = await sendAndReceive({ address: '127.0.0.1', port }, 'anyone?', {
      adapter,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(SocketError);
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.message).toBe(
      `Cannot send to udp 127.0.0.1:${port}: connection refused: nothing is listening on udp 127.0.0.1:${port}`,
    );
    expect(performance.now() - started).toBeLessThan(2000);
    expect(adapter.open()).toBe(0);
  });

  it.runIf(!refusedSeen)(
    'without ICMP reports (Deno), a missing server is a timeout that says so',
    async () => {
      const port = await freeUdpPort();
      const error = await sendAndReceive({ address: '127.0.0.1', port }, 'anyone?', {
        timeout: 200,
      }).catch((e) => e);
      expect(error.code).toBe('ETIMEDOUT');
      expect(error.hint).toContain(`nothing may be listening on udp 127.0.0.1:${port}`);
    },
  );

  it('yields a timeout event per attempt, then fails with ETIMEDOUT', async () => {
    // A socket that reads and never answers.
    const silent = await idleSocket();
    const adapter = trackingAdapter();
    try {
      const { events, error } = await drain(
        exchange({ address: '127.0.0.1', port: silent.local.port }, 'hello?', {
          timeout: 100,
          retries: 2,
          backoff: 10,
          adapter,
        }),
      );
      const timeouts = events.filter((e) => e.type === 'timeout');
      expect(timeouts.map((e) => e.attempt)).toEqual([1, 2, 3]);
      expect(timeouts[0]?.message).toMatch(
        /^No reply from udp 127\.0\.0\.1:\d+ within 100 ms \(attempt 1\)/,
      );
      expect(timeouts[2]?.message).toBeUndefined();
      expect(error).toBeInstanceOf(SocketError);
      expect((error as SocketError).code).toBe('ETIMEDOUT');
      expect((error as SocketError).message).toBe(
        `Cannot receive from udp 127.0.0.1:${silent.local.port}: timed out: no reply within 100 ms (3 attempts)`,
      );
      // --retries was given: the hint asks for more of them, not for the flag.
      expect((error as SocketError).hint).toMatch(
        /wait longer with --timeout, or send more times with a higher --retries$/,
      );
      expect(adapter.open()).toBe(0);
    } finally {
      await silent.close();
    }
  });

  it('recovers with retries when the server starts late', async () => {
    const port = await freeUdpPort();
    const late = (async () => {
      await new Promise((r) => setTimeout(r, 400));
      return drain(serveUdp({ host: '127.0.0.1', port }));
    })();
    const events = [];
    const run = exchange({ address: '127.0.0.1', port }, 'late?', { timeout: 150, retries: 12 });
    let step = await run.next();
    for (; !step.done; step = await run.next()) events.push(step.value);
    const reply = step.value;
    expect(text(reply.data)).toBe('Message received.');
    expect(reply.attempts).toBeGreaterThan(1);
    expect((await late).error).toBeUndefined();
    // Each failed attempt says so, as a notice: refused where the runtime sees ICMP, else a timeout.
    const failed = events.filter((e) => e.type === (refusedSeen ? 'error' : 'timeout'));
    expect(failed).toHaveLength(reply.attempts - 1);
    expect(failed[0]?.message).toBe(
      refusedSeen
        ? `Nothing answers on udp 127.0.0.1:${port} yet (connection refused), trying again`
        : `No reply from udp 127.0.0.1:${port} within 150 ms (attempt 1), trying again`,
    );
  });

  it('reports a reply longer than the buffer as truncated, and keeps whole datagrams by default', async () => {
    const big = new Uint8Array(3000).fill(0x61);
    const server = await startServer({ reply: big, keep: true });
    try {
      const cut = await sendAndReceive({ address: '127.0.0.1', port: server.port }, 'big?', {
        bufferSize: 1024,
      });
      expect(cut).toMatchObject({ truncated: true, size: 3000 });
      expect(cut.data.length).toBe(1024);
      const whole = await sendAndReceive({ address: '127.0.0.1', port: server.port }, 'big?');
      expect(whole).toMatchObject({ truncated: false, size: 3000 });
      expect(whole.data.length).toBe(3000);
    } finally {
      await server.stop();
    }
  });

  it('sends up to 65,507 bytes over IPv4 and explains EMSGSIZE beyond', async () => {
    const server = await startServer({ echo: true, keep: true });
    try {
      const full = new Uint8Array(65_507).fill(7);
      const reply = await sendAndReceive({ address: '127.0.0.1', port: server.port }, full);
      expect(reply.size).toBe(65_507);
      const error = await sendAndReceive(
        { address: '127.0.0.1', port: server.port },
        new Uint8Array(65_508),
      ).catch((e) => e);
      expect(error.code).toBe('EMSGSIZE');
      expect(error.message).toBe(
        `Cannot send to udp 127.0.0.1:${server.port}: message too long: 65508 bytes, and one UDP datagram over IPv4 holds at most 65,507`,
      );
      expect(error.hint).toMatch(/tcp/);
    } finally {
      await server.stop();
    }
  });

  it('allows 65,527 bytes over IPv6 and no more', async () => {
    const server = await startServer({ host: '::1', echo: true, keep: true });
    try {
      const reply = await sendAndReceive(
        { address: '::1', port: server.port },
        new Uint8Array(65_527),
      );
      expect(reply.size).toBe(65_527);
      const error = await sendAndReceive(
        { address: '::1', port: server.port },
        new Uint8Array(65_528),
      ).catch((e) => e);
      expect(error.code).toBe('EMSGSIZE');
      expect(error.message).toMatch(/over IPv6 holds at most 65,527$/);
    } finally {
      await server.stop();
    }
  });

  it('refuses bad input as usage errors', async () => {
    const to = { address: '127.0.0.1', port: 9 };
    const reasons = await Promise.all([
      sendAndReceive(to, '').catch((e) => e),
      sendAndReceive(to, new Uint8Array()).catch((e) => e),
      sendAndReceive({ address: '127.0.0.1', port: 0 }, 'x').catch((e) => e),
      sendAndReceive({ address: '127.0.0.1', port: 65536 }, 'x').catch((e) => e),
      sendAndReceive({ address: '', port: 9 }, 'x').catch((e) => e),
      sendAndReceive({ address: '[::1', port: 9 }, 'x').catch((e) => e),
      sendAndReceive(to, 'x', { timeout: -1 }).catch((e) => e),
      sendAndReceive(to, 'x', { retries: 1.5 }).catch((e) => e),
      sendAndReceive(to, 'x', { bufferSize: 0 }).catch((e) => e),
    ]);
    for (const reason of reasons) expect(reason).toBeInstanceOf(UsageError);
    expect(reasons[0].message).toBe('Cannot send an empty message: a datagram needs some text');
  });

  it('closes its socket and rejects when aborted while waiting', async () => {
    const silent = await idleSocket();
    const adapter = trackingAdapter();
    try {
      const controller = new AbortController();
      const pending = sendAndReceive({ address: '127.0.0.1', port: silent.local.port }, 'x', {
        signal: controller.signal,
        timeout: 10_000,
        adapter,
      });
      setTimeout(() => controller.abort(), 50);
      const started = performance.now();
      const error = await pending.catch((e) => e);
      expect(error?.name).toBe('AbortError');
      expect(performance.now() - started).toBeLessThan(1000);
      expect(adapter.open()).toBe(0);
    } finally {
      await silent.close();
    }
  });
});
