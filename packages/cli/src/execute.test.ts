import { createServer, type Server } from 'node:net';
import { createEventClock, defineCommand, definePlugin, SocketError } from '@socklab/core';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain } from '../test/fixtures.ts';
import { executeCommand } from './execute.ts';
import { createMemoryIO } from './memory-io.ts';

/** Resolves once `text` shows up in what the io printed. */
async function printed(io: { out: string; err: string }, text: string): Promise<void> {
  for (let i = 0; i < 200 && !(io.out + io.err).includes(text); i++)
    await new Promise((r) => setTimeout(r, 10));
  expect(io.out + io.err).toContain(text);
}

describe('executeCommand exit codes', () => {
  it('exits 0 and renders in order', async () => {
    const { code, out, err, io } = await runMain(['fake', 'echo', 'hi']);
    expect([code, out, err]).toEqual([0, 'echo: hi\n', 'a notice\n']);
    expect(io.listeners()).toBe(0);
  });

  it('exits 1 with one line and the hint for a SocketError', async () => {
    const { code, out, err } = await runMain(['fake', 'fail', 'socket']);
    expect(code).toBe(1);
    expect(out).toBe('about to fail\n');
    expect(err).toBe(
      'socklab: Cannot connect to tcp 127.0.0.1:9: connection refused; is the server running?\n',
    );
  });

  it('exits 1 for any other failure, naming its plugin, with the stack only under --debug', async () => {
    const plain = await runMain(['fake', 'fail', 'crash']);
    expect([plain.code, plain.err]).toEqual([
      1,
      'socklab: something broke (unexpected, from the fake plugin); run again with --debug for its stack\n',
    ]);
    const debug = await runMain(['fake', 'fail', 'crash', '--debug']);
    expect(debug.code).toBe(1);
    expect(debug.err.split('\n')[0]).toBe(
      'socklab: something broke (unexpected, from the fake plugin); its stack follows',
    );
    expect(debug.err).toMatch(/\n\s+at /);
  });

  it('refuses an event of no known type, or without its time, as a failure of the command', async () => {
    const badType = await runMain(['fake', 'fail', 'bad-type', '--json']);
    expect(badType.code).toBe(1);
    expect(badType.err).toBe(
      'socklab: Cannot show an event of fake fail: unknown type "nonsense" (one of resolve, bind, listen, connect, accept, send, recv, close, timeout, error, info; a bug in the plugin)\n',
    );
    // --json readers get the first event, then the error event, never the bad one.
    const types = badType.out
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { type: string }).type);
    expect(types).toEqual(['info', 'error']);
    const noTime = await runMain(['fake', 'fail', 'no-time']);
    expect([noTime.code, noTime.err]).toEqual([
      1,
      'socklab: Cannot show an event of fake fail: its info event has no time or elapsedMs (make events with createEventClock; a bug in the plugin)\n',
    ]);
  });

  it('ends --json output with an error event describing the failure', async () => {
    const { code, out, err } = await runMain(['fake', 'fail', 'socket', '--json']);
    expect(code).toBe(1);
    const events = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.type)).toEqual(['info', 'error']);
    expect(events[1]).toMatchObject({
      code: 'ECONNREFUSED',
      reason: 'connection refused',
      message: expect.stringMatching(/^Cannot connect/),
    });
    expect(err.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it("the output flags take =true|false and --no- like a command's flags; the last one wins", async () => {
    const plain = 'about to fail\n';
    for (const args of [
      ['fake', 'fail', 'socket', '--json=false'],
      ['fake', 'fail', 'socket', '--json', '--no-json'],
      ['--json', 'fake', 'fail', 'socket', '--no-json'],
      ['--no-json', 'fake', 'fail', 'socket'],
    ]) {
      expect((await runMain(args)).out, args.join(' ')).toBe(plain);
    }
    const json = await runMain(['fake', 'fail', 'socket', '--no-json', '--json=true']);
    expect(json.out.split('\n')[0]).toMatch(/^\{"type":"info"/);
    const traced = await runMain(['fake', 'fail', 'socket', '--trace=yes']);
    expect(traced.out).toMatch(/^info /);
    const help = await runMain(['fake', 'fail', 'socket', '--help=false']);
    expect([help.code, help.err]).toEqual([2, expect.stringMatching(/--help takes no value/)]);
  });

  it('ends --json output with an EUSAGE error event for bad input, parsed or found while running', async () => {
    for (const args of [
      ['fake', 'fail', 'sideways', '--json'],
      ['fake', 'echo', 'a', '--bogus', '--json'],
      ['--json', 'fake', 'fail', 'usage'],
    ]) {
      const { code, out, err } = await runMain(args);
      expect(code, args.join(' ')).toBe(2);
      const events = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; code?: string; message?: string });
      const last = events.at(-1);
      expect(last).toMatchObject({ type: 'error', code: 'EUSAGE', reason: expect.any(String) });
      // The same words as the one line on stderr.
      expect(`socklab: ${last?.message}\n`).toBe(err);
    }
    const choice = await runMain(['fake', 'fail', 'sideways', '--json']);
    expect(JSON.parse(choice.out).reason).toBe(
      'must be one of socket, usage, crash, bad-type, no-time',
    );
    // The reason is the error's own, not words cut out of the message: the input may hold ": ".
    const colon = await runMain(['fake', 'fail', 'a: b', '--json']);
    expect(JSON.parse(colon.out)).toMatchObject({
      message:
        'Cannot parse how "a: b": must be one of socket, usage, crash, bad-type, no-time (see socklab fake fail --help)',
      reason: 'must be one of socket, usage, crash, bad-type, no-time',
    });
    const missing = await runMain(['fake', 'opts', '80', '--timeout', '--mode', 'slow']);
    expect(missing.err).toMatch(/^socklab: Missing value for --timeout: how long to wait /);
    const missingJSON = await runMain(['--json', 'fake', 'echo', 'a', '--bogus']);
    expect(JSON.parse(missingJSON.out).reason).toBe('Unknown option "--bogus"');
    const valueJSON = await runMain(['--json', 'fake', 'fail', '--how']);
    expect(JSON.parse(valueJSON.out)).toMatchObject({ code: 'EUSAGE', reason: 'missing value' });
    // Without --json, stdout stays empty; and a command with its own --json (one JSON document)
    // gets no NDJSON line in front of it either.
    expect((await runMain(['fake', 'fail', 'sideways'])).out).toBe('');
    expect((await runMain(['fake', 'opts', '70000', '--json'])).out).toBe('');
  });

  it('exits 0 when a graceful command is stopped by SIGINT or SIGTERM, and removes its listeners', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const io = createMemoryIO();
      const running = runMain(['fake', 'serve'], io);
      await printed(io, 'Listening on fake');
      expect(io.listeners()).toBe(1);
      io.signal(signal);
      const { code, out } = await running;
      expect(code).toBe(0);
      expect(out).toBe('Listening on fake 127.0.0.1:1\nClosed\n');
      expect(io.listeners()).toBe(0);
    }
  });

  it('exits 130 when a one-shot command is interrupted, without an error line', async () => {
    const io = createMemoryIO();
    const running = runMain(['fake', 'wait'], io);
    await printed(io, 'Waiting');
    io.signal('SIGINT');
    const { code, err } = await running;
    expect(code).toBe(130);
    expect(err).toBe('');
  });

  it('forces the exit on a second interrupt', async () => {
    const io = createMemoryIO();
    const running = runMain(['fake', 'hang'], io);
    await printed(io, 'Hanging');
    io.signal('SIGINT');
    expect(io.forced).toEqual([]);
    io.signal('SIGINT');
    expect(io.forced).toEqual([130]);
    expect(io.err).toContain('interrupted again');
    void running;
    const terminated = createMemoryIO();
    void runMain(['fake', 'hang'], terminated);
    await printed(terminated, 'Hanging');
    terminated.signal('SIGINT');
    terminated.signal('SIGTERM');
    expect(terminated.forced).toEqual([143]);
  });

  it('decides gracefulness per run when graceful is a function, and closes the generator', async () => {
    let closed = 0;
    const command = defineCommand({
      name: 'watch',
      summary: 'w',
      options: { keep: { type: 'boolean', help: 'keep' } },
      graceful: (options) => options.keep,
      async *run(_options, { signal }) {
        try {
          yield createEventClock()('info', { message: 'ready' });
          await new Promise((_, reject) =>
            signal.addEventListener('abort', () => reject(signal.reason)),
          );
        } finally {
          closed++;
        }
      },
    });
    const plugin = definePlugin({ name: 'w', summary: 'w', commands: [command] });
    for (const [keep, expected] of [
      [true, 0],
      [false, 143],
    ] as const) {
      const io = createMemoryIO();
      const running = executeCommand({ io, plugin, command, options: { keep } });
      await printed(io, 'ready');
      io.signal('SIGTERM');
      expect(await running).toBe(expected);
    }
    expect(closed).toBe(2);
  });

  it('passes trace and hex to the command context', async () => {
    let seen: unknown;
    const command = defineCommand({
      name: 'ctx',
      summary: 'c',
      options: {},
      async *run(_options, context) {
        seen = { trace: context.trace, hex: context.hex, aborted: context.signal.aborted };
        yield createEventClock()('info', {});
      },
    });
    const plugin = definePlugin({ name: 'ctx', summary: 'c', commands: [command] });
    expect(
      await executeCommand({
        io: createMemoryIO(),
        plugin,
        command,
        options: {},
        flags: { trace: true, hex: true },
      }),
    ).toBe(0);
    expect(seen).toEqual({ trace: true, hex: true, aborted: false });
  });
});

describe("a command's own --json", () => {
  it('wins over --trace: `inspect --json --trace` prints the JSON array, nothing before it', async () => {
    const { inspectCommand } = await import('@socklab/inspector');
    const inspector = definePlugin({ name: 'inspect', summary: 'i', commands: [inspectCommand] });
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const io = createMemoryIO();
      const options = { json: true, port, pid: process.pid, style: 'netstat', sort: 'proto' };
      const code = await executeCommand({
        io,
        plugin: inspector,
        command: inspectCommand,
        options,
        flags: { trace: true },
      });
      expect(code).toBe(0);
      expect(JSON.parse(io.out)).toMatchObject([{ state: 'LISTEN', local: { port } }]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('port in use', () => {
  let server: Server | undefined;
  afterEach(
    () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  );

  it('names the port, suggests a free one, and asks the inspector who holds it', async () => {
    server = createServer();
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const { code, err } = await runMain(['fake', 'bind', String(port)]);
    expect(code).toBe(1);
    const lines = err.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^socklab: Cannot bind tcp 127.0.0.1:${port}: address already in use`),
    );
    expect(lines[0]).toMatch(/; pick another port with --port, e\.g\. \d+ is free$/);
    const inspector = (await import('@socklab/inspector')) as { snapshot?: unknown };
    if (typeof inspector.snapshot === 'function') expect(lines[0]).toContain(`pid ${process.pid})`);
    else expect(lines[0]).not.toContain('held by');
  });
});

describe('SocketError shape', () => {
  it('keeps the words users search for in the CLI line', () => {
    const error = new SocketError('EADDRINUSE', { action: 'bind', target: 'udp 127.0.0.1:1' });
    expect(error.message).toBe('Cannot bind udp 127.0.0.1:1: address already in use');
  });
});

describe('control characters from peers', () => {
  const hostile = 'A\u001b]0;pwned\u0007\u001b[2JB';
  it('are escaped when stdout is a terminal, plain and --trace', async () => {
    const tty = () => createMemoryIO({ isTTY: { stdin: false, stdout: true } });
    const plain = await runMain(['fake', 'echo', hostile], tty());
    expect(plain.out).toBe('echo: A\\x1b]0;pwned\\x07\\x1b[2JB\n');
    const trace = await runMain(['fake', 'echo', hostile, '--trace'], tty());
    expect(trace.out).toContain(' echo: A\\x1b]0;pwned\\x07\\x1b[2JB\n');
    const uncoloured = trace.out.replaceAll('\u001b[36m', '').replaceAll('\u001b[39m', '');
    expect(uncoloured).not.toContain('\u001b');
  });

  it('go out byte for byte when stdout is not a terminal', async () => {
    const plain = await runMain(['fake', 'echo', hostile]);
    expect(plain.out).toBe(`echo: ${hostile}\n`);
    const trace = await runMain(['fake', 'echo', hostile, '--trace']);
    expect(trace.out).toContain(` echo: ${hostile}\n`);
  });
});

describe('colour', () => {
  it('colours trace types only on a terminal without NO_COLOR', async () => {
    const tty = await runMain(
      ['fake', 'echo', 'x', '--trace'],
      createMemoryIO({ isTTY: { stdin: false, stdout: true } }),
    );
    expect(tty.out).toContain('\u001b[36msend\u001b[39m');
    const noColor = await runMain(
      ['fake', 'echo', 'x', '--trace'],
      createMemoryIO({ isTTY: { stdin: false, stdout: true }, env: { NO_COLOR: '1' } }),
    );
    expect(noColor.out).not.toContain('\u001b');
    const piped = await runMain(['fake', 'echo', 'x', '--trace']);
    expect(piped.out).not.toContain('\u001b');
    const strip = (text: string) =>
      text
        .replaceAll('\u001b[36m', '')
        .replaceAll('\u001b[39m', '')
        .replace(/\+[\d.]+ ms/, '');
    expect(strip(piped.out.split('\n')[0] ?? '')).toBe(strip(tty.out.split('\n')[0] ?? ''));
  });
});
