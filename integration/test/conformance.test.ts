// The built-in plugins against @socklab/core/testing, in-process, on the runtime running the test.
import { createSocket } from 'node:dgram';
import { connect, createServer, type Server } from 'node:net';
import type { LabEvent, Plugin } from '@socklab/core';
import { assertConformance, checkPlugin, runCommandConformance } from '@socklab/core/testing';
import inspector from '@socklab/inspector';
import tcp from '@socklab/transport-tcp';
import udp from '@socklab/transport-udp';
import { describe, expect, it } from 'vitest';

const builtins: [string, Plugin][] = [
  ['@socklab/transport-udp', udp],
  ['@socklab/transport-tcp', tcp],
  ['@socklab/inspector', inspector],
];

/** Sends one datagram to 127.0.0.1:port and waits for one reply. */
function udpRoundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no UDP reply within 3 s'));
    }, 3000);
    socket.on('message', (data) => {
      clearTimeout(timer);
      socket.close();
      resolve(data.toString());
    });
    socket.send(text, port, '127.0.0.1');
  });
}

/** Connects to 127.0.0.1:port, sends text, half-closes and reads everything back. */
function tcpRoundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.end(text));
    socket.on('data', (chunk: string) => {
      reply += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(reply));
  });
}

/** Whether a TCP or UDP port on 127.0.0.1 can be bound again (nothing left open on it). */
function portIsFree(proto: 'tcp' | 'udp', port: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (proto === 'udp') {
      const socket = createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
      return;
    }
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function listenPort(events: LabEvent[]): number {
  const port = events.find((e) => e.type === 'listen')?.local?.port;
  if (port === undefined) throw new Error('no listen event with a local port');
  return port;
}

async function echoServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.each(builtins)('%s', (_name, plugin) => {
  it('is a plugin checkPlugin finds nothing wrong with', () => {
    expect(checkPlugin(plugin)).toEqual([]);
  });
});

describe('udp', () => {
  it('server: listens, answers a datagram, and frees its port when aborted', async () => {
    let answered = false;
    const result = await runCommandConformance(udp, 'server', {
      options: { port: '0', host: '127.0.0.1', keep: true },
      onEvent: async (event) => {
        if (event.type !== 'listen') return;
        expect(await udpRoundTrip(event.local?.port as number, 'Hello')).toBe('Message received.');
        answered = true;
      },
      abortAfterEvent: () => answered,
      expectTypes: ['listen', 'recv'],
      afterEnd: async (r) =>
        (await portIsFree('udp', listenPort(r.events)))
          ? []
          : ['UDP port still bound after the abort'],
    });
    assertConformance(result, 'udp server');
    expect(answered).toBe(true);
  });

  it('server: aborted before it starts', async () => {
    assertConformance(
      await runCommandConformance(udp, 'server', {
        options: { port: '0', host: '127.0.0.1' },
        abortBeforeStart: true,
      }),
    );
  });

  it('client: one exchange with an echo peer', async () => {
    const peer = createSocket('udp4');
    await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
    peer.on('message', (data, from) => peer.send(data, from.port, from.address));
    try {
      const result = await runCommandConformance(udp, 'client', {
        options: { host: '127.0.0.1', port: String(peer.address().port), message: 'ping' },
        expectTypes: ['send', 'recv'],
      });
      assertConformance(result, 'udp client');
      expect(result.events.find((e) => e.type === 'recv')?.text).toBe('ping');
    } finally {
      peer.close();
    }
  });

  it('client: a closed port is a SocketError; port 0 a UsageError', async () => {
    const result = await runCommandConformance(udp, 'client', {
      options: { host: '127.0.0.1', port: '9', message: 'x', timeout: '300' },
      expectError: 'socket',
    });
    assertConformance(result, 'udp client');
    assertConformance(
      await runCommandConformance(udp, 'client', {
        options: { host: '127.0.0.1', port: '0', message: 'x' },
        expectError: 'usage',
      }),
    );
  });
});

describe('tcp', () => {
  it('server: echoes a connection and frees its port when aborted', async () => {
    let echoed = false;
    const result = await runCommandConformance(tcp, 'server', {
      options: { port: '0', host: '127.0.0.1' },
      onEvent: async (event) => {
        if (event.type !== 'listen') return;
        expect(await tcpRoundTrip(event.local?.port as number, 'Hello, world')).toBe(
          'Hello, world',
        );
        echoed = true;
      },
      abortAfterEvent: () => echoed,
      expectTypes: ['listen'],
      afterEnd: async (r) =>
        (await portIsFree('tcp', listenPort(r.events)))
          ? []
          : ['TCP port still bound after the abort'],
    });
    assertConformance(result, 'tcp server');
    expect(echoed).toBe(true);
  });

  it('server: aborted before it starts', async () => {
    assertConformance(
      await runCommandConformance(tcp, 'server', {
        options: { port: '0' },
        abortBeforeStart: true,
      }),
    );
  });

  it('client: echo round trip, and refused on a closed port', async () => {
    const server = await echoServer();
    try {
      const result = await runCommandConformance(tcp, 'client', {
        options: { host: '127.0.0.1', port: String(server.port), message: 'Hello' },
        expectTypes: ['connect', 'send', 'recv'],
      });
      assertConformance(result, 'tcp client');
    } finally {
      await server.close();
    }
    const closed = await runCommandConformance(tcp, 'client', {
      options: { host: '127.0.0.1', port: String(server.port) },
      expectError: 'ECONNREFUSED',
    });
    assertConformance(closed, 'tcp client');
  });
});

describe('inspector', () => {
  it('inspect: one snapshot', async () => {
    assertConformance(
      await runCommandConformance(inspector, 'inspect', { options: {} }),
      'inspect',
    );
  });

  it('inspect --watch: stops when aborted', async () => {
    const result = await runCommandConformance(inspector, 'inspect', {
      options: { watch: true, interval: '100' },
      abortAfterEvent: 1,
    });
    assertConformance(result, 'inspect --watch');
    expect(result.aborted).toBe(true);
  });
});
