// The plugin against @socklab/core's conformance kit: shape, events, errors, abort.
import { assertConformance, checkPlugin, runCommandConformance } from '@socklab/core/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.ts';
import { sendAndReceive } from '../src/send-and-receive.ts';
import { freeUdpPort, idleSocket, runtimeAdapter, startServer } from './support.ts';

describe('udp plugin conformance (core kit)', () => {
  it('has a well-formed shape', () => {
    assertConformance(checkPlugin(plugin), 'udp');
  });

  it('server: serves, yields well-formed events, ends on abort and frees its port', async () => {
    let port = 0;
    const result = await runCommandConformance(plugin, 'server', {
      options: { port: '0', host: '127.0.0.1', keep: true },
      onEvent: async (event) => {
        if (event.type !== 'listen') return;
        port = event.local?.port as number;
        await sendAndReceive({ address: '127.0.0.1', port }, 'kit');
      },
      abortAfterEvent: 'recv',
      expectTypes: ['info', 'listen', 'recv', 'close'],
      afterEnd: async () => {
        const again = await idleSocket('127.0.0.1', port);
        await again.close();
        return [];
      },
    });
    assertConformance(result, 'udp server');
    expect(result.events.find((e) => e.type === 'recv')?.message).toMatch(
      /^Server received: kit\n/,
    );
  });

  it('server: aborted before it starts, it still ends promptly', async () => {
    assertConformance(
      await runCommandConformance(plugin, 'server', {
        options: { port: '0', host: '127.0.0.1' },
        abortBeforeStart: true,
      }),
      'udp server',
    );
  });

  it('client: gets the reply, and fails with the right errors', async () => {
    const server = await startServer();
    assertConformance(
      await runCommandConformance(plugin, 'client', {
        options: { host: '127.0.0.1', port: String(server.port), message: 'kit' },
        expectTypes: ['send', 'recv'],
      }),
      'udp client',
    );
    const port = String(await freeUdpPort());
    assertConformance(
      await runCommandConformance(plugin, 'client', {
        options: { host: '127.0.0.1', port, message: 'kit', timeout: '200' },
        expectError: runtimeAdapter.capabilities.refused ? 'ECONNREFUSED' : 'ETIMEDOUT',
      }),
      'udp client',
    );
    assertConformance(
      await runCommandConformance(plugin, 'client', {
        options: { host: '127.0.0.1', port, message: '' },
        expectError: 'usage',
      }),
      'udp client',
    );
  });
});
