import { eventAddress, type LabEvent, textToBytes } from '@socklab/core';
import { describe, expect, it } from 'vitest';
import { createMemoryIO } from '../memory-io.ts';
import { useColor } from './color.ts';
import { createRenderer, escapeControls, formatAddress, formatTraceLine } from './index.ts';

const base = { time: '2026-01-01T00:00:00.000Z', elapsedMs: 0.42 };
const hello = textToBytes('hello world!');
const send: LabEvent = {
  type: 'send',
  ...base,
  local: eventAddress('127.0.0.1', 5000),
  remote: eventAddress('127.0.0.1', 65432),
  bytes: 12,
  text: 'hello world!',
  payload: hello,
  message: 'sent',
};

describe('trace lines', () => {
  it('matches the documented shape', () => {
    expect(formatTraceLine(send)).toBe(
      'send 127.0.0.1:5000 -> 127.0.0.1:65432 12 B +0.4 ms "hello world!"',
    );
  });

  it('puts local first and points the arrow in for recv and accept', () => {
    const recv: LabEvent = { ...send, type: 'recv', proto: 'udp' };
    expect(formatTraceLine(recv)).toBe(
      'recv udp 127.0.0.1:5000 <- 127.0.0.1:65432 12 B +0.4 ms "hello world!"',
    );
    const accept: LabEvent = {
      type: 'accept',
      ...base,
      proto: 'tcp',
      connection: 3,
      local: eventAddress('::1', 80),
      remote: eventAddress('::1', 5555),
    };
    expect(formatTraceLine(accept)).toBe('accept tcp #3 [::1]:80 <- [::1]:5555 +0.4 ms');
  });

  it('shows events without a message, and the words of info/error/timeout events', () => {
    expect(formatTraceLine({ type: 'close', ...base, proto: 'tcp', durationMs: 1234.5 })).toBe(
      'close tcp +0.4 ms lasted 1235 ms',
    );
    expect(formatTraceLine({ type: 'info', ...base, message: 'Server received: hi' })).toBe(
      'info +0.4 ms Server received: hi',
    );
    expect(
      formatTraceLine({
        type: 'error',
        ...base,
        code: 'ECONNREFUSED',
        reason: 'connection refused',
        message: 'Cannot connect',
      }),
    ).toBe('error +0.4 ms ECONNREFUSED connection refused Cannot connect');
    expect(formatTraceLine({ type: 'info', ...base, message: 'a\nb' })).toBe(
      'info +0.4 ms a\n    b',
    );
  });

  it('shows resolve, retries, round trips and long texts cut', () => {
    expect(
      formatTraceLine({
        type: 'resolve',
        ...base,
        elapsedMs: 150.2,
        host: 'localhost',
        addresses: ['127.0.0.1', '::1'],
      }),
    ).toBe('resolve localhost = 127.0.0.1, ::1 +150 ms');
    // The UDP server's host-name line: the name once, not as a field and again as the message.
    expect(formatTraceLine({ type: 'info', ...base, host: 'vm', message: 'vm' })).toMatch(
      /^info \+[\d.]+ ms vm$/,
    );
    expect(formatTraceLine({ type: 'info', ...base, host: 'vm', message: 'other' })).toMatch(
      /^info vm \+[\d.]+ ms other$/,
    );
    expect(
      formatTraceLine({
        type: 'timeout',
        ...base,
        attempt: 2,
        remote: eventAddress('127.0.0.1', 9),
      }),
    ).toBe('timeout -> 127.0.0.1:9 attempt 2 +0.4 ms');
    expect(formatTraceLine({ type: 'recv', ...base, rttMs: 0.25, text: 'x'.repeat(100) })).toBe(
      `recv +0.4 ms rtt 0.3 ms "${'x'.repeat(60)}…"`,
    );
    expect(formatTraceLine({ type: 'send', ...base, text: 'a"b\n' })).toBe(
      'send +0.4 ms "a\\"b\\n"',
    );
  });

  it('formats addresses by family', () => {
    expect(formatAddress(eventAddress('10.0.0.1', 1))).toBe('10.0.0.1:1');
    expect(formatAddress(eventAddress('fe80::1', 2))).toBe('[fe80::1]:2');
    expect(formatAddress({ address: '/tmp/s.sock', port: 0, family: 'unix' })).toBe('/tmp/s.sock');
  });

  it('colours the type only when asked', () => {
    expect(formatTraceLine(send, { color: true })).toBe(
      '\u001b[36msend\u001b[39m 127.0.0.1:5000 -> 127.0.0.1:65432 12 B +0.4 ms "hello world!"',
    );
    expect(formatTraceLine(send, { color: false })).not.toContain('\u001b');
  });
});

// What a peer can put in a payload: retitle the window, clear the screen, C1 CSI, DEL.
const hostile = 'A\u001b]0;pwned\u0007\u001b[2JB\u009b\u007f';
const escaped = 'A\\x1b]0;pwned\\x07\\x1b[2JB\\x9b\\x7f';

describe('control characters', () => {
  it('escapes C0 (but newline and tab), DEL and C1 like Python, and leaves the rest alone', () => {
    expect(escapeControls(hostile)).toBe(escaped);
    expect(escapeControls('a\r\0b\u0008')).toBe('a\\r\\x00b\\x08');
    const kept = 'two\nlines\tand tabs, C:\\path, é, \u00a0, 日本, 🙂';
    expect(escapeControls(kept)).toBe(kept);
  });

  it('plain: escaped on a terminal, per stream; byte for byte when piped', () => {
    const piped = createMemoryIO();
    const render = createRenderer('plain', piped);
    render.event({ type: 'recv', ...base, message: `Server received: ${hostile}\nnext` });
    render.event({ type: 'info', ...base, message: hostile, notice: true });
    expect(piped.out).toBe(`Server received: ${hostile}\nnext\n`);
    expect(piped.err).toBe(`${hostile}\n`);

    const tty = createMemoryIO();
    const both = createRenderer('plain', tty, { terminal: { stdout: true, stderr: true } });
    both.event({ type: 'recv', ...base, message: `Server received: ${hostile}\nnext` });
    both.event({ type: 'error', ...base, message: hostile });
    expect(tty.out).toBe(`Server received: ${escaped}\nnext\n`);
    expect(tty.err).toBe(`${escaped}\n`);

    const stdoutOnly = createMemoryIO();
    const one = createRenderer('plain', stdoutOnly, { terminal: { stdout: true } });
    one.event({ type: 'recv', ...base, message: hostile });
    one.event({ type: 'timeout', ...base, message: hostile });
    expect([stdoutOnly.out, stdoutOnly.err]).toEqual([`${escaped}\n`, `${hostile}\n`]);
  });

  it('trace: the whole line is escaped on a terminal, the colour codes stay', () => {
    const recv: LabEvent = {
      type: 'recv',
      ...base,
      proto: 'udp',
      text: hostile,
      reason: '\u001b[31m',
    };
    const line = formatTraceLine(recv, { color: true, terminal: { stdout: true } });
    expect(line).toBe(
      '\u001b[32mrecv\u001b[39m udp +0.4 ms \\x1b[31m "A\\u001b]0;pwned\\u0007\\u001b[2JB\\x9b\\x7f"',
    );
    const info = formatTraceLine(
      { type: 'info', ...base, message: `one ${hostile}\ntwo \u001b[2J` },
      { terminal: { stdout: true } },
    );
    expect(info).toBe(`info +0.4 ms one ${escaped}\n    two \\x1b[2J`);
    // Piped, the line keeps what the event says (JSON quoting of `text` aside).
    expect(formatTraceLine({ type: 'info', ...base, message: hostile })).toBe(
      `info +0.4 ms ${hostile}`,
    );
  });
});

describe('renderers', () => {
  it('plain: prints messages, notices, errors and timeouts on stderr, skips events without message', () => {
    const io = createMemoryIO();
    const render = createRenderer('plain', io);
    render.event(send);
    render.event({ type: 'bind', ...base });
    render.event({ type: 'info', ...base, message: 'careful', notice: true });
    render.event({ type: 'timeout', ...base, message: 'no reply' });
    render.event({ type: 'error', ...base, message: 'bad' });
    render.event({ type: 'info', ...base, message: 'two\nlines' });
    expect(io.out).toBe('sent\ntwo\nlines\n');
    expect(io.err).toBe('careful\nno reply\nbad\n');
  });

  it('a message given as output bytes: written as they are when piped, decoded everywhere else', () => {
    const output = textToBytes('[{"command":"caf\u00e9\u009b"}]');
    const event: LabEvent = { type: 'info', ...base, output, details: { entries: 1 } };
    const written: (string | Uint8Array)[] = [];
    const target = { stdout: (text: string | Uint8Array) => written.push(text), stderr() {} };
    createRenderer('plain', target).event(event);
    // The array itself, then the newline: no string made of it.
    expect(written).toEqual([output, '\n']);
    expect(written[0]).toBe(output);
    // On a terminal, decoded and escaped as any message.
    const tty = createMemoryIO();
    createRenderer('plain', tty, { terminal: { stdout: true } }).event(event);
    expect(tty.out).toBe('[{"command":"caf\u00e9\\x9b"}]\n');
    const trace = createMemoryIO();
    createRenderer('trace', trace).event(event);
    expect(trace.out).toBe('info +0.4 ms [{"command":"caf\u00e9\u009b"}]\n');
    const json = createMemoryIO();
    createRenderer('json', json).event(event);
    const line = JSON.parse(json.out);
    expect(line.message).toBe('[{"command":"caf\u00e9\u009b"}]');
    expect(line).not.toHaveProperty('output');
  });

  it('trace: one line per event on stdout, hexdump under it with --hex', () => {
    const io = createMemoryIO();
    const render = createRenderer('trace', io, { hex: true });
    render.event(send);
    render.event({ type: 'bind', ...base, local: eventAddress('127.0.0.1', 1) });
    render.event({ type: 'recv', ...base, hex: '00ff' });
    expect(io.out).toBe(
      [
        'send 127.0.0.1:5000 -> 127.0.0.1:65432 12 B +0.4 ms "hello world!"',
        '    00000000  68 65 6c 6c 6f 20 77 6f  72 6c 64 21              |hello world!|',
        'bind 127.0.0.1:1 +0.4 ms',
        'recv +0.4 ms',
        '    00000000  00 ff                                             |..|',
        '',
      ].join('\n'),
    );
    expect(io.err).toBe('');
  });

  it('trace without --hex prints no dump', () => {
    const io = createMemoryIO();
    createRenderer('trace', io).event(send);
    expect(io.out.split('\n')).toHaveLength(2);
  });

  it('json: DEL, C1 and line separators are escaped; the parsed text is unchanged', () => {
    const io = createMemoryIO();
    const text = 'a\u007fb\u009bc\u2028d\u001be';
    createRenderer('json', io).event({ ...send, text });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for raw controls
    expect(io.out.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u);
    expect(io.out.endsWith('\n')).toBe(true);
    expect(JSON.parse(io.out).text).toBe(text);
  });

  it('json: NDJSON without payload, hex only with --hex', () => {
    const io = createMemoryIO();
    createRenderer('json', io).event(send);
    createRenderer('json', io, { hex: true }).event(send);
    const [plain, withHex] = io.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(plain).toEqual({
      ...base,
      type: 'send',
      local: send.local,
      remote: send.remote,
      bytes: 12,
      text: 'hello world!',
      message: 'sent',
    });
    expect(plain).not.toHaveProperty('payload');
    expect(withHex.hex).toBe('68656c6c6f20776f726c6421');
    expect(io.out.endsWith('\n')).toBe(true);
  });

  it('uses colour only for a terminal without NO_COLOR', () => {
    expect(useColor(true, {})).toBe(true);
    expect(useColor(false, {})).toBe(false);
    expect(useColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(useColor(true, { NO_COLOR: '' })).toBe(true);
    expect(useColor(true, { TERM: 'dumb' })).toBe(false);
  });
});
