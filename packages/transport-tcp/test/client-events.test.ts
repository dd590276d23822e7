// The events `socklab tcp client` yields (what --json and --trace show): in order, with both
// ends, and the connection's last events when a round trip fails or the user interrupts.
import type { LabEvent, Lookup } from '@socklab/core';
import { runCommandConformance } from '@socklab/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/helpers/cli.ts';
import plugin, { echoOnce } from '../src/index.ts';
import { serversForTest } from './tcp-test-kit.ts';

const ends = (port: number) => ({
  local: { address: '127.0.0.1', port: expect.any(Number) },
  remote: { address: '127.0.0.1', port },
});

describe('tcp client events', () => {
  const servers = serversForTest();
  afterEach(servers.closeAll);

  it('resolve comes before connect; every send and recv names both ends', async () => {
    const server = await servers.echo({ quiet: true });
    const asked: string[] = [];
    const lookup: Lookup = async (host) => {
      asked.push(host);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const result = await runCommandConformance(plugin, 'client', {
      options: { host: 'echo.test', port: String(server.port), repeat: '2' },
      context: { lookup },
    });
    expect(result.problems).toEqual([]);
    expect(asked).toEqual(['echo.test']);
    expect(result.events.map((e) => e.type)).toEqual([
      'resolve',
      'connect',
      'send',
      'recv',
      'send',
      'recv',
      'close',
      'info',
    ]);
    expect(result.events[0]).toMatchObject({ host: 'echo.test', addresses: ['127.0.0.1'] });
    const local = result.events[1]?.local;
    for (const event of result.events.slice(1, 7)) {
      expect(event).toMatchObject(ends(server.port));
      expect(event.local).toEqual(local);
    }
  });

  it('a round trip that times out: timeout, then close with the reason, then the error', async () => {
    const port = await servers.silent();
    const result = await runCommandConformance(plugin, 'client', {
      options: { host: '127.0.0.1', port: String(port), timeout: '200' },
      expectError: 'ETIMEDOUT',
    });
    expect(result.problems).toEqual([]);
    expect(result.events.map((e) => e.type)).toEqual(['connect', 'send', 'timeout', 'close']);
    expect(result.events[2]).toMatchObject({
      ...ends(port),
      attempt: 1,
      durationMs: 200,
      reason: 'no echo within 200 ms',
    });
    expect(result.events[3]).toMatchObject({
      ...ends(port),
      code: 'ETIMEDOUT',
      reason: 'timed out: no echo within 200 ms',
    });
    expect((result.error as Error).message).toBe(
      `Cannot receive echo from tcp 127.0.0.1:${port}: timed out: no echo within 200 ms`,
    );
  });

  it('a refused connect: an error event with proto and the remote tried, no local (no socket)', async () => {
    const port = await freePort();
    const result = await runCommandConformance(plugin, 'client', {
      options: { host: '127.0.0.1', port: String(port) },
      expectError: 'ECONNREFUSED',
    });
    expect(result.problems).toEqual([]);
    expect(result.events).toHaveLength(1);
    const [failed] = result.events;
    expect(failed).toMatchObject({
      type: 'error',
      proto: 'tcp',
      remote: { address: '127.0.0.1', port, family: 'IPv4' },
      code: 'ECONNREFUSED',
      reason: 'connection refused',
    });
    expect(failed && 'local' in failed).toBe(false);
  });

  it('a name that does not resolve in time: one ETIMEDOUT naming the host, no connect', async () => {
    const silent: Lookup = (_, { signal }) =>
      new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
    const result = await runCommandConformance(plugin, 'client', {
      options: { host: 'slow.test', port: '1', timeout: '100' },
      context: { lookup: silent },
      expectError: 'ETIMEDOUT',
    });
    expect(result.problems).toEqual([]);
    expect(result.events).toEqual([]);
    expect((result.error as Error).message).toBe(
      'Cannot resolve host slow.test: timed out: no answer within 100 ms',
    );
  });

  it('interrupted during --repeat: close "interrupted" and a summary of the trips done', async () => {
    const server = await servers.echo({ quiet: true });
    const result = await runCommandConformance(plugin, 'client', {
      options: { host: '127.0.0.1', port: String(server.port), repeat: '1000000' },
      abortAfterEvent: (event) => event.type === 'recv' && event.attempt === 5,
    });
    expect(result.problems).toEqual([]);
    expect(result.aborted).toBe(true);
    const tail = result.events.slice(-2);
    expect(tail.map((e) => e.type)).toEqual(['close', 'info']);
    expect(tail[0]).toMatchObject({ ...ends(server.port), reason: 'interrupted' });
    expect(tail[0]?.code).toBeUndefined();
    const summary = tail[1] as LabEvent & { details: { count: number; planned: number } };
    expect(summary.details.planned).toBe(1_000_000);
    expect(summary.details.count).toBe(5);
    expect(summary.message).toMatch(
      new RegExp(
        `^5 of 1000000 round trips of 12 B to 127\\.0\\.0\\.1:${server.port}, echo verified`,
      ),
    );
  });

  it('interrupted before its first echo: close "interrupted", no summary of nothing', async () => {
    const port = await servers.silent();
    const result = await runCommandConformance(plugin, 'client', {
      options: { host: '127.0.0.1', port: String(port), repeat: '3', timeout: '0' },
      abortAfterEvent: 'send',
    });
    expect(result.problems).toEqual([]);
    expect(result.events.map((e) => e.type)).toEqual(['connect', 'send', 'close']);
    expect(result.events[2]).toMatchObject({ ...ends(port), reason: 'interrupted' });
  });

  it('server: --hex asks for the payload events that carry the bytes (recv, send per chunk)', async () => {
    let port = 0;
    const result = await runCommandConformance(plugin, 'server', {
      options: { host: '127.0.0.1', port: '0' },
      context: { hex: true },
      onEvent: async (event) => {
        if (event.type !== 'listen') return;
        port = event.local?.port as number;
        await echoOnce({ address: '127.0.0.1', port }, 'hex me');
      },
      abortAfterEvent: 'send',
    });
    expect(result.problems).toEqual([]);
    const sent = result.events.find((e) => e.type === 'send');
    expect(sent).toMatchObject({ bytes: 6, text: 'hex me', local: { port } });
  });
});
