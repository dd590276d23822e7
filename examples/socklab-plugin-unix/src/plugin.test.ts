import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSocketError, type LabEvent } from '@socklab/core';
import { assertConformance, checkPlugin, runCommandConformance } from '@socklab/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import plugin, { requestUnix, serveUnix } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'socklab-unix-'));
let n = 0;
const socketPath = () => join(dir, `s${n++}.sock`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(events: AsyncIterable<LabEvent>): Promise<LabEvent[]> {
  const out: LabEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/** Starts a server, returns its iterator once it listens. */
async function startServer(
  path: string,
  signal: AbortSignal,
  extra: { once?: boolean; trace?: boolean } = {},
) {
  const events: LabEvent[] = [];
  const iterator = serveUnix({ path, once: extra.once }, { signal, trace: extra.trace })[
    Symbol.asyncIterator
  ]();
  const first = await iterator.next();
  events.push(first.value as LabEvent);
  const rest = (async () => {
    for (let step = await iterator.next(); !step.done; step = await iterator.next())
      events.push(step.value);
  })();
  return { events, done: rest };
}

describe('socklab-plugin-unix', () => {
  it('passes checkPlugin', () => {
    expect(checkPlugin(plugin)).toEqual([]);
  });

  it('echoes a message and prints it like the TCP seed', async () => {
    const path = socketPath();
    const controller = new AbortController();
    const server = await startServer(path, controller.signal);
    expect(lstatSync(path).isSocket()).toBe(true);
    expect(server.events[0]).toMatchObject({
      type: 'listen',
      message: `Listening on unix ${path}`,
      local: { address: path, port: 0, family: 'unix' },
    });
    const events = await collect(
      requestUnix(
        { path, message: 'Hello, world', timeout: 5000 },
        { signal: new AbortController().signal },
      ),
    );
    expect(events.map((e) => e.type)).toEqual(['connect', 'send', 'recv', 'close']);
    expect(events[2]).toMatchObject({
      bytes: 12,
      text: 'Hello, world',
      message: "Received b'Hello, world'",
    });
    controller.abort();
    await server.done;
    expect(server.events.map((e) => e.type)).toEqual(['listen', 'accept', 'close', 'close']);
    expect(server.events.at(-1)?.details).toEqual({ connections: 1, bytes: 12 });
    expect(existsSync(path)).toBe(false);
  });

  it('echoes 1 MiB of binary data intact', async () => {
    const path = socketPath();
    const controller = new AbortController();
    const server = await startServer(path, controller.signal, { once: true });
    const message = 'é'.repeat(512 * 1024);
    const events = await collect(
      requestUnix({ path, message, timeout: 10_000 }, { signal: new AbortController().signal }),
    );
    const recv = events.find((e) => e.type === 'recv') as LabEvent;
    expect(recv.bytes).toBe(1024 * 1024);
    expect(new TextDecoder().decode(recv.payload)).toBe(message);
    await server.done;
    expect(existsSync(path)).toBe(false);
  });

  it('passes the conformance kit: server aborted after a client, client one-shot', async () => {
    const path = socketPath();
    const client = async (event: LabEvent) => {
      if (event.type === 'listen') {
        await collect(
          requestUnix(
            { path, message: 'ping', timeout: 5000 },
            { signal: new AbortController().signal },
          ),
        );
      }
    };
    const server = await runCommandConformance(plugin, 'server', {
      options: { path },
      context: { trace: true },
      onEvent: client,
      abortAfterEvent: (e) => e.type === 'close' && e.connection === 1,
      expectTypes: ['listen', 'accept', 'recv', 'send', 'close'],
      afterEnd: () => (existsSync(path) ? [`${path} is left behind`] : []),
    });
    assertConformance(server, 'unix server');

    const background = new AbortController();
    const running = await startServer(path, background.signal);
    const result = await runCommandConformance(plugin, 'client', {
      options: { path, message: 'hi' },
      expectTypes: ['connect', 'send', 'recv', 'close'],
    });
    assertConformance(result, 'unix client');
    background.abort();
    await running.done;
    const early = await runCommandConformance(plugin, 'server', {
      options: { path },
      abortBeforeStart: true,
    });
    assertConformance(early, 'unix server aborted early');
    expect(existsSync(path)).toBe(false);
  });

  it('fails with ENOENT when no server exists, and ECONNREFUSED on a stale socket file', async () => {
    const missing = await runCommandConformance(plugin, 'client', {
      options: { path: join(dir, 'none.sock') },
      expectError: 'ENOENT',
    });
    assertConformance(missing);
    expect((missing.error as Error).message).toBe(
      `Cannot connect to unix ${join(dir, 'none.sock')}: no such file or directory`,
    );
    expect((missing.error as { hint?: string }).hint).toContain('socklab unix server --path');
    // A stale socket file: Python binds it and exits without removing it.
    const stale = socketPath();
    execFileSync('python3', [
      '-c',
      'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])',
      stale,
    ]);
    expect(lstatSync(stale).isSocket()).toBe(true);
    const refused = await runCommandConformance(plugin, 'client', {
      options: { path: stale },
      expectError: 'ECONNREFUSED',
    });
    assertConformance(refused);
    expect((refused.error as { hint?: string }).hint).toContain('stale socket file');
    // The server replaces a stale file and serves on it.
    const controller = new AbortController();
    const server = await startServer(stale, controller.signal);
    const events = await collect(
      requestUnix(
        { path: stale, message: 'again', timeout: 5000 },
        { signal: new AbortController().signal },
      ),
    );
    expect(events.find((e) => e.type === 'recv')?.text).toBe('again');
    controller.abort();
    await server.done;
    expect(existsSync(stale)).toBe(false);
    // A plain file is not a socket: a SocketError, never a crash.
    const notSocket = join(dir, 'plain-file');
    writeFileSync(notSocket, 'x');
    const plain = await runCommandConformance(plugin, 'client', {
      options: { path: notSocket },
      expectError: 'socket',
    });
    assertConformance(plain);
    expect(isSocketError(plain.error)).toBe(true);
  });

  it('refuses a path a live server holds, and times out on a server that never echoes', async () => {
    const path = socketPath();
    const silent = createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(path, resolve));
    try {
      const taken = await runCommandConformance(plugin, 'server', {
        options: { path },
        expectError: 'EADDRINUSE',
      });
      assertConformance(taken);
      const slow = await runCommandConformance(plugin, 'client', {
        options: { path, timeout: '200' },
        expectError: 'ETIMEDOUT',
      });
      assertConformance(slow);
      expect((slow.error as Error).message).toBe(
        `Cannot receive from unix ${path}: no reply within 200 ms`,
      );
    } finally {
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('rejects bad options as usage errors', async () => {
    assertConformance(
      await runCommandConformance(plugin, 'server', { options: {}, expectError: 'usage' }),
    );
    assertConformance(
      await runCommandConformance(plugin, 'server', {
        options: { path: '' },
        expectError: 'usage',
      }),
    );
    assertConformance(
      await runCommandConformance(plugin, 'client', {
        options: { path: 'x', timeout: '-1' },
        expectError: 'usage',
      }),
    );
  });
});
