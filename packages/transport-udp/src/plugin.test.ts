import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  detectRuntime,
  type LabEvent,
  type RunContext,
  resolveOptions,
  UsageError,
} from '@socklab/core';
import { describe, expect, it } from 'vitest';
import { drain, idleSocket, startServer } from '../test/support.ts';
import plugin from './index.ts';

const server = plugin.commands.find((c) => c.name === 'server');
const client = plugin.commands.find((c) => c.name === 'client');
const repoRoot = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');

async function run(
  command: typeof client,
  raw: Record<string, unknown>,
  context: Omit<RunContext, 'signal'> = {},
): Promise<LabEvent[]> {
  const events: LabEvent[] = [];
  const options = resolveOptions(command?.options ?? {}, raw);
  command?.check?.(options);
  const signal = new AbortController().signal;
  for await (const event of command?.run(options, { ...context, signal }) ?? []) events.push(event);
  return events;
}

/** Standard input as the CLI gives it: the chunks, in order. */
const stdinOf = (...chunks: string[]) =>
  async function* () {
    for (const chunk of chunks) yield new TextEncoder().encode(chunk);
  };

describe('udp plugin', () => {
  it('is a plugin named udp with server (graceful) and client commands', () => {
    expect(plugin.name).toBe('udp');
    expect(plugin.commands.map((c) => c.name)).toEqual(['server', 'client']);
    expect(server?.graceful).toBe(true);
    expect(client?.graceful).toBeFalsy();
  });

  it('has the options and defaults of the design', () => {
    expect(resolveOptions(server?.options ?? {}, {})).toEqual({
      port: 65432,
      host: undefined,
      keep: false,
      reply: undefined,
      echo: false,
      quiet: false,
    });
    expect(
      resolveOptions(client?.options ?? {}, { host: 'localhost', port: '5000', message: 'hi' }),
    ).toEqual({
      host: 'localhost',
      port: 5000,
      message: 'hi',
      timeout: 3000,
      retries: 0,
    });
    expect(resolveOptions(server?.options ?? {}, { port: '0' }).port).toBe(0);
  });

  it('refuses bad option values before running', () => {
    const bad: [typeof client, Record<string, unknown>][] = [
      [client, { host: '127.0.0.1', port: '5000', message: '' }],
      [client, { host: '127.0.0.1', port: '5000' }],
      [client, { host: '127.0.0.1', port: '0', message: 'x' }],
      [client, { host: '127.0.0.1', port: '5000', message: 'x', timeout: '0' }],
      [client, { host: '127.0.0.1', port: '5000', message: 'x', retries: '-1' }],
      [client, { host: '[::1', port: '5000', message: 'x' }],
      [server, { port: '65536' }],
    ];
    for (const [command, raw] of bad)
      expect(() => resolveOptions(command?.options ?? {}, raw)).toThrow(UsageError);
    expect(() =>
      server?.check?.(resolveOptions(server.options, { echo: true, reply: 'x' }) as never),
    ).toThrow('--reply and --echo');
  });

  it("client prints the seed's line, with the round trip in the recv event", async () => {
    const udp = await startServer();
    const events = await run(client, {
      host: '127.0.0.1',
      port: String(udp.port),
      message: 'Hello, world',
    });
    const recv = events.find((e) => e.type === 'recv');
    expect(recv?.message).toBe('Message from server: Message received.');
    expect(recv).toMatchObject({
      bytes: 17,
      text: 'Message received.',
      attempt: 1,
      details: { truncated: false },
    });
    expect(recv?.rttMs).toBeGreaterThan(0);
    expect(events.filter((e) => e.message !== undefined)).toHaveLength(1);
  });

  it("client narrates its socket's lifecycle: bind, send, recv, close, with the real local address", async () => {
    const udp = await startServer();
    const events = await run(client, { host: '127.0.0.1', port: String(udp.port), message: 'hi' });
    expect(events.map((e) => e.type)).toEqual(['bind', 'send', 'recv', 'close']);
    const local = events[0]?.local;
    expect(local).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
    expect(local?.port).toBeGreaterThan(0);
    for (const event of events) expect(event.local).toEqual(local);
    expect(events[3]).toMatchObject({
      proto: 'udp',
      remote: { address: '127.0.0.1', port: udp.port },
    });
  });

  it('client: "-" sends standard input as the one datagram; none, or no bytes, is a usage error', async () => {
    const udp = await startServer({ echo: true });
    const raw = { host: '127.0.0.1', port: String(udp.port), message: '-' };
    const events = await run(client, raw, { stdin: stdinOf('two ', 'chunks') });
    expect(events.find((e) => e.type === 'send')).toMatchObject({ bytes: 10, text: 'two chunks' });
    expect(events.find((e) => e.type === 'recv')?.message).toBe('Message from server: two chunks');
    await expect(run(client, raw)).rejects.toThrow(
      'Cannot read the payload from standard input here',
    );
    await expect(run(client, raw, { stdin: stdinOf() })).rejects.toThrow(
      'Cannot send an empty datagram: standard input had no bytes',
    );
    await expect(run(client, raw, { stdin: stdinOf() })).rejects.toBeInstanceOf(UsageError);
  });

  /** The client's options for one question to a socket that never answers. */
  const askSilent = (port: number, timeout: string) =>
    resolveOptions(client?.options ?? {}, {
      host: '127.0.0.1',
      port: String(port),
      message: 'anyone?',
      timeout,
    });

  it('client closes its socket after a timeout too, and says so before failing', async () => {
    // A socket that reads and never answers.
    const silent = await idleSocket();
    const options = askSilent(silent.local.port, '100');
    const { events, error: failure } = await drain(
      client?.run(options, { signal: new AbortController().signal }) ?? [],
    ).finally(() => silent.close());
    expect((failure as { code?: string }).code).toBe('ETIMEDOUT');
    expect(events.map((e) => e.type)).toEqual(['bind', 'send', 'timeout', 'close']);
    // The close says why the story ended, as the error that follows does.
    expect(events[3]).toMatchObject({
      code: 'ETIMEDOUT',
      reason: 'timed out: no reply within 100 ms',
    });
  });

  it('client interrupted while it waits: close "interrupted", then the signal\'s reason', async () => {
    const silent = await idleSocket();
    const options = askSilent(silent.local.port, '20000');
    const controller = new AbortController();
    const reason = new DOMException('Interrupted by SIGINT', 'AbortError');
    setTimeout(() => controller.abort(reason), 100);
    const { events, error } = await drain(
      client?.run(options, { signal: controller.signal }) ?? [],
    ).finally(() => silent.close());
    expect(error).toBe(reason);
    expect(events.map((e) => e.type)).toEqual(['bind', 'send', 'close']);
    expect(events[2]).toMatchObject({ reason: 'interrupted' });
    expect(events[2]?.code).toBeUndefined();
  });

  it('says to use --unstable-net when Deno runs without it', () => {
    const deno = join(repoRoot, 'node_modules', '.bin', 'deno');
    const adapter = join(repoRoot, 'packages', 'transport-udp', 'src', 'runtime', 'deno.ts');
    const script = `const { adapter } = await import(${JSON.stringify(adapter)});
try { await adapter.bind({ address: '127.0.0.1', port: 0, onMessage() {}, onError() {} }); console.log('bound'); }
catch (e) { console.log(e.name + ': ' + e.message + ' / ' + e.hint); }`;
    const result = spawnSync(deno, ['eval', '--ext=ts', script], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' },
    });
    expect(result.stdout.trim()).toBe(
      'UsageError: Cannot open a udp socket on Deno: Deno.listenDatagram is missing (it needs --unstable-net) / run with deno run -A --unstable-net',
    );
  });

  it.runIf(detectRuntime().name === 'deno')(
    'runs inside a vitest worker that has --unstable-net',
    () => {
      expect(
        typeof (globalThis as { Deno?: { listenDatagram?: unknown } }).Deno?.listenDatagram,
      ).toBe('function');
    },
  );
});
