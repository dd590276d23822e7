// The tcp plugin against @socklab/core's conformance kit: shape, events, errors, abort.
import { assertConformance, checkPlugin, runCommandConformance } from '@socklab/core/testing';
import { describe, expect, it } from 'vitest';
import plugin, { echoOnce } from '../src/index.ts';
import { echoAll } from './tcp-test-kit.ts';

describe('tcp plugin conformance (core kit)', () => {
  it('has a well-formed shape', () => {
    assertConformance(checkPlugin(plugin), 'tcp');
  });

  it('server: echoes, yields well-formed events, ends on abort', async () => {
    const result = await runCommandConformance(plugin, 'server', {
      options: { port: '0', host: '127.0.0.1' },
      onEvent: async (event) => {
        if (event.type === 'listen')
          await echoOnce({ address: '127.0.0.1', port: event.local?.port as number }, 'kit');
      },
      abortAfterEvent: (event) => event.type === 'close' && event.connection !== undefined,
      expectTypes: ['listen', 'accept', 'close'],
    });
    assertConformance(result, 'tcp server');
    expect(result.events.at(-1)?.message).toMatch(/^Served 1 connection: 3 B in, 3 B out in /);
  });

  it('server --once: ends by itself after one connection', async () => {
    const result = await runCommandConformance(plugin, 'server', {
      options: { port: '0', once: true },
      onEvent: async (event) => {
        if (event.type === 'listen')
          await echoAll(event.local?.port as number, new TextEncoder().encode('one'));
      },
      expectTypes: ['listen', 'accept', 'close'],
    });
    assertConformance(result, 'tcp server --once');
  });

  it('server: aborted before it starts, it still ends promptly', async () => {
    assertConformance(
      await runCommandConformance(plugin, 'server', {
        options: { port: '0' },
        abortBeforeStart: true,
      }),
      'tcp server',
    );
  });

  it('server: --max-connections 0 is a usage error', async () => {
    const result = await runCommandConformance(plugin, 'server', {
      options: { port: '0', 'max-connections': '0' },
      expectError: 'usage',
    });
    assertConformance(result, 'tcp server');
  });

  it('client: refused is a SocketError ECONNREFUSED', async () => {
    const result = await runCommandConformance(plugin, 'client', {
      options: { host: '127.0.0.1', port: '1' },
      expectError: 'ECONNREFUSED',
    });
    assertConformance(result, 'tcp client');
  });

  it('client: an unknown host fails with ENOTFOUND without real DNS', async () => {
    const result = await runCommandConformance(plugin, 'client', {
      options: { host: 'nowhere.invalid', port: '65432' },
      context: {
        lookup: async () => {
          throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
        },
      },
      expectError: 'ENOTFOUND',
    });
    assertConformance(result, 'tcp client');
  });
});
