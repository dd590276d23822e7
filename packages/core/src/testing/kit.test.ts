import { describe, expect, it } from 'vitest';
import { SocketError, UsageError } from '../errors.ts';
import { createEventClock, eventAddress, type LabEvent } from '../events.ts';
import { defineCommand, definePlugin, type Plugin } from '../plugin.ts';
import { sleep } from '../signals.ts';
import { assertConformance, checkEvent, checkPlugin, runCommandConformance } from './index.ts';

// A well-behaved fake transport: timers stand in for sockets, and `open` counts them.
let open = 0;
const ticker = defineCommand({
  name: 'server',
  summary: 'ticks until stopped',
  graceful: true,
  options: {
    port: {
      type: 'number',
      kind: 'port',
      help: 'port',
      positional: 0,
      allowZero: true,
      default: 0,
    },
    every: { type: 'number', kind: 'ms', help: 'tick interval', default: 5 },
  },
  async *run(options, { signal }) {
    const event = createEventClock();
    const local = eventAddress('127.0.0.1', options.port || 40000);
    open++;
    try {
      yield event('listen', {
        proto: 'fake',
        local,
        message: `Listening on fake 127.0.0.1:${local.port}`,
      });
      while (!signal.aborted) {
        try {
          await sleep(options.every, signal);
        } catch {
          break;
        }
        yield event('info', { proto: 'fake', message: 'tick' });
      }
      yield event('close', { proto: 'fake', local });
    } finally {
      open--;
    }
  },
});
const ping = defineCommand({
  name: 'ping',
  summary: 'one-shot that fails on port 1',
  options: { port: { type: 'number', kind: 'port', help: 'port', positional: 0, required: true } },
  async *run(options) {
    const event = createEventClock();
    if (options.port === 1) {
      throw new SocketError('ECONNREFUSED', { action: 'connect to', target: 'fake 127.0.0.1:1' });
    }
    yield event('send', {
      proto: 'fake',
      bytes: 2,
      text: 'hi',
      remote: eventAddress('::1', options.port),
    });
  },
});
const good = definePlugin({ name: 'fake', summary: 'a fake transport', commands: [ticker, ping] });

function brokenPlugin(run: () => AsyncIterable<LabEvent>, graceful = true): Plugin {
  return definePlugin({
    name: 'broken',
    summary: 'breaks the contract',
    commands: [{ name: 'server', summary: 'broken', graceful, options: {}, run }],
  });
}

describe('checkPlugin', () => {
  it('finds nothing wrong with a good plugin', () => {
    expect(checkPlugin(good)).toEqual([]);
    const piped = { ...good, commands: [{ ...ping, examples: ['echo 1 | socklab fake ping 7'] }] };
    expect(checkPlugin(piped)).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['not an object', 42, 'a plugin must be an object'],
    ['a module namespace', { default: good }, 'pass its default export'],
    ['a bad name', { ...good, name: 'Fake' }, 'name must be lowercase'],
    [
      'a bad descriptor',
      { ...good, commands: [{ ...ticker, options: { port: { type: 'port', help: 'p' } } }] },
      'type must be string, number or boolean',
    ],
    [
      'a reserved flag',
      { ...good, commands: [{ ...ticker, options: { help: { type: 'boolean', help: 'h' } } }] },
      '--help belongs to the CLI',
    ],
    [
      'a reserved short',
      {
        ...good,
        commands: [{ ...ticker, options: { host: { type: 'string', help: 'h', short: 'h' } } }],
      },
      '-h belongs to the CLI',
    ],
    [
      'a kind on the wrong type',
      {
        ...good,
        commands: [{ ...ticker, options: { wait: { type: 'string', kind: 'ms', help: 'h' } } }],
      },
      'kind ms needs type number',
    ],
    [
      'a required option with a default',
      {
        ...good,
        commands: [
          {
            ...ticker,
            options: { a: { type: 'string', help: 'h', required: true, default: 'x' } },
          },
        ],
      },
      'a required option has no default',
    ],
    [
      'a bad example',
      { ...good, commands: [{ ...ticker, examples: ['fake server'] }] },
      'should run "socklab fake server"',
    ],
    [
      'an example of another command',
      { ...good, commands: [{ ...ticker, examples: ['socklab fake ping 1'] }] },
      'should run "socklab fake server"',
    ],
  ])('reports %s', (_label, plugin, problem) => {
    const problems = checkPlugin(plugin);
    expect(problems.join('\n')).toContain(problem);
  });
});

describe('checkEvent', () => {
  const event = createEventClock();
  it('accepts well-formed events', () => {
    expect(
      checkEvent(
        event('recv', {
          bytes: 2,
          text: 'hi',
          payload: new Uint8Array(2),
          connection: 1,
          remote: eventAddress('::1', 5),
        }),
      ),
    ).toEqual([]);
    expect(checkEvent(event('listen', { local: eventAddress('/tmp/x.sock', 0, 'unix') }))).toEqual(
      [],
    );
  });

  it.each<[string, unknown, string]>([
    ['an unknown type', { ...event('info'), type: 'hello' }, 'type "hello" is not one of'],
    ['a local time', { ...event('info'), time: '2026-01-01 10:00' }, 'is not ISO-8601 UTC'],
    [
      'a negative elapsedMs',
      { ...event('info'), elapsedMs: -1 },
      'elapsedMs must be a number >= 0',
    ],
    [
      'an IPv4 family on ::1',
      event('bind', { local: { address: '::1', port: 1, family: 'IPv4' } }),
      'not an IPv4 address',
    ],
    [
      'a port out of range',
      event('bind', { local: { address: '127.0.0.1', port: 70000, family: 'IPv4' } }),
      'port must be a whole number 0-65535',
    ],
    [
      'a bad family',
      event('bind', { local: { address: '127.0.0.1', port: 1, family: 4 as never } }),
      'family must be',
    ],
    [
      'text over 1 KiB',
      event('recv', { text: 'x'.repeat(1025) }),
      'text is longer than 1024 bytes',
    ],
    [
      'bytes not matching the payload',
      event('recv', { bytes: 3, payload: new Uint8Array(2) }),
      'differs from the payload length',
    ],
    ['bad hex', event('recv', { hex: 'xyz' }), 'hex must be pairs'],
    ['an unknown field', { ...event('info'), stats: 1 }, 'unknown field "stats"'],
    [
      'an error without reason or code',
      event('error', { message: 'oops' }),
      'needs a reason or a code',
    ],
    ['a BigInt', event('info', { details: { n: 1n } }), 'cannot be written as JSON'],
    ['no object', 'listen', 'an event must be an object'],
  ])('reports %s', (_label, e, problem) => {
    expect(checkEvent(e).join('\n')).toContain(problem);
  });

  it('reports a clock going back', () => {
    const later = event('info');
    expect(checkEvent({ ...later, elapsedMs: later.elapsedMs - 1 }, later).join()).toContain(
      'elapsedMs went back',
    );
  });
});

describe('runCommandConformance', () => {
  it('passes a good server aborted after listen, which closes what it opened', async () => {
    const result = await runCommandConformance(good, 'server', {
      options: { port: '0', every: '1' },
      abortAfterEvent: 3,
      expectTypes: ['listen', 'info', 'close'],
      afterEnd: () => (open === 0 ? [] : [`${open} timers left open`]),
    });
    assertConformance(result, 'fake');
    expect(result.aborted).toBe(true);
    expect(result.events.map((e) => e.type).slice(0, 3)).toEqual(['listen', 'info', 'info']);
    expect(result.events.at(-1)?.type).toBe('close');
  });

  it('passes a good server aborted before it starts', async () => {
    const result = await runCommandConformance(good, 'server', {
      abortBeforeStart: true,
      endWithinMs: 500,
    });
    expect(result.problems).toEqual([]);
    expect(open).toBe(0);
  });

  it('passes a one-shot, its SocketError, and the UsageError of bad options', async () => {
    expect(
      (
        await runCommandConformance(good, 'ping', {
          options: { port: '80' },
          expectTypes: ['send'],
        })
      ).problems,
    ).toEqual([]);
    const refused = await runCommandConformance(good, 'ping', {
      options: { port: '1' },
      expectError: 'ECONNREFUSED',
    });
    expect(refused.problems).toEqual([]);
    const usage = await runCommandConformance(good, 'ping', {
      options: { port: '1e3' },
      expectError: 'usage',
    });
    expect(usage.problems).toEqual([]);
    expect((usage.error as Error).message).toBe(
      'Cannot parse port "1e3": port must be a number 1-65535',
    );
  });

  it('reports an expected error that did not come, and missing event types', async () => {
    const result = await runCommandConformance(good, 'ping', {
      options: { port: '80' },
      expectError: 'ECONNREFUSED',
      expectTypes: ['recv'],
    });
    expect(result.problems).toEqual([
      'expected SocketError ECONNREFUSED, got nothing',
      'no "recv" event (got send)',
    ]);
    expect(() => assertConformance(result, 'fake')).toThrow(
      /fake breaks the socklab plugin contract:\n- expected/,
    );
  });

  it('reports a command that ignores the abort', async () => {
    const stubborn = brokenPlugin(async function* () {
      yield createEventClock()('listen', { local: eventAddress('127.0.0.1', 1) });
      await sleep(3_000);
    });
    const result = await runCommandConformance(stubborn, 'server', {
      abortAfterEvent: 'listen',
      endWithinMs: 200,
    });
    expect(result.problems).toEqual(['the iterator did not end within 200 ms of the abort']);
  });

  it('reports a command that never reaches the abort point', async () => {
    const silent = brokenPlugin(async function* (_o?: unknown, ctx?: { signal: AbortSignal }) {
      await sleep(5_000, ctx?.signal).catch(() => {});
    } as never);
    const result = await runCommandConformance(silent, 'server', {
      abortAfterEvent: 'listen',
      timeoutMs: 100,
      endWithinMs: 500,
    });
    expect(result.problems).toEqual(['no abort point reached within 100 ms (events: none)']);
  });

  it('reports plain errors, malformed events and a graceful command failing on abort', async () => {
    const plain = brokenPlugin(async function* () {
      yield { type: 'listen', time: 'now', elapsedMs: 0 } as unknown as LabEvent;
      throw new Error('boom');
    });
    const result = await runCommandConformance(plain, 'server');
    expect(result.problems).toEqual([
      'event #0 (listen): time "now" is not ISO-8601 UTC',
      'threw Error: boom: throw a SocketError or a UsageError',
    ]);
    // Ending with the signal's reason is fine, graceful or not.
    const rethrows = brokenPlugin(async function* (_o?: unknown, ctx?: { signal: AbortSignal }) {
      yield createEventClock()('listen', { local: eventAddress('127.0.0.1', 1) });
      await sleep(5_000, ctx?.signal);
    } as never);
    expect(
      (await runCommandConformance(rethrows, 'server', { abortAfterEvent: 'listen' })).problems,
    ).toEqual([]);
    // Failing while stopping is not, for a graceful command.
    const angry = brokenPlugin(async function* (_o?: unknown, ctx?: { signal: AbortSignal }) {
      yield createEventClock()('listen', { local: eventAddress('127.0.0.1', 1) });
      await sleep(5_000, ctx?.signal).catch(() => {
        throw new SocketError('ECONNRESET', { action: 'close', target: 'fake' });
      });
    } as never);
    const aborted = await runCommandConformance(angry, 'server', { abortAfterEvent: 'listen' });
    expect(aborted.problems).toEqual([
      'a graceful command must stop cleanly when aborted, it threw SocketError: Cannot close fake: connection reset by peer',
    ]);
    const oneShot = brokenPlugin(angry.commands[0]?.run as never, false);
    expect(
      (await runCommandConformance(oneShot, 'server', { abortAfterEvent: 'listen' })).problems,
    ).toEqual([]);
    const plainOnAbort = brokenPlugin(
      async function* (_o?: unknown, ctx?: { signal: AbortSignal }) {
        yield createEventClock()('listen', { local: eventAddress('127.0.0.1', 1) });
        await sleep(5_000, ctx?.signal).catch(() => {
          throw new TypeError('oops');
        });
      } as never,
      false,
    );
    expect(
      (await runCommandConformance(plainOnAbort, 'server', { abortAfterEvent: 'listen' })).problems,
    ).toEqual([`aborted, it threw TypeError: oops: end quietly or throw the signal's reason`]);
  });

  it('reports a run that is not an async iterable, an unknown command, and bad check errors', async () => {
    const sync = brokenPlugin((() => [createEventClock()('info')]) as never);
    expect((await runCommandConformance(sync, 'server')).problems).toEqual([
      'run must return an AsyncIterable of LabEvents (an async generator)',
    ]);
    expect((await runCommandConformance(good, 'client')).problems).toEqual([
      'plugin "fake" has no command "client"',
    ]);
    const checked = definePlugin({
      name: 'checked',
      summary: 's',
      commands: [
        {
          ...ping,
          check: () => {
            throw new Error('conflict');
          },
        },
      ],
    });
    expect(
      (await runCommandConformance(checked, 'ping', { options: { port: '2' } })).problems,
    ).toEqual(['bad options must throw a UsageError, got Error: conflict']);
    const usage = definePlugin({
      name: 'checked',
      summary: 's',
      commands: [
        {
          ...ping,
          check: () => {
            throw new UsageError('Cannot use --a with --b');
          },
        },
      ],
    });
    expect(
      (await runCommandConformance(usage, 'ping', { options: { port: '2' }, expectError: 'usage' }))
        .problems,
    ).toEqual([]);
  });

  it('reports events emitted after the clock went back', async () => {
    const event = createEventClock();
    const backwards = brokenPlugin(async function* () {
      const a = event('info');
      await sleep(2);
      const b = event('info');
      yield b;
      yield a;
    });
    expect((await runCommandConformance(backwards, 'server')).problems.join()).toContain(
      'elapsedMs went back',
    );
  });
});
