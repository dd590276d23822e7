import { stripVTControlCharacters } from 'node:util';
import { createEventClock } from '@socklab/core';
import { describe, expect, it } from 'vitest';
import { createMemoryIO } from '../memory-io.ts';
import type { Spinner } from './spinner.ts';
import { createWizardRenderer, framedIO } from './wizard-renderer.ts';

const idle: Spinner = { start() {}, stop() {} } as unknown as Spinner;
/** A one-shot command's options: ready at its first event. */
const client = { spinner: idle, waiting: '', server: false, color: false };

describe('createWizardRenderer', () => {
  it('prints messages, trace lines for events without one, and no line for a last error or timeout', () => {
    const out: string[] = [];
    const target = {
      stdout: (text: string | Uint8Array) => out.push(String(text)),
      stderr: (text: string) => out.push(text),
      endLine() {},
      lines: (text: string) => out.push(text),
    };
    const renderer = createWizardRenderer(target, client);
    const event = createEventClock();
    const remote = { address: '127.0.0.1', port: 9, family: 'IPv4' as const };
    renderer.event(event('send', { proto: 'udp', remote, bytes: 2 }));
    renderer.event(
      event('error', { proto: 'udp', remote, code: 'ECONNREFUSED', reason: 'connection refused' }),
    );
    renderer.event(event('timeout', { proto: 'udp', remote, durationMs: 100 }));
    renderer.event(
      event('error', {
        proto: 'udp',
        remote,
        message: 'Nothing answers on udp 127.0.0.1:9 yet, trying again',
        notice: true,
      }),
    );
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^send udp -> 127\.0\.0\.1:9 2 B /);
    expect(out[1]).toBe('Nothing answers on udp 127.0.0.1:9 yet, trying again\n');
  });

  it('a long-running command is ready at its listen or bind, or at an event marked ready', () => {
    const event = createEventClock();
    for (const [start, readyAt] of [
      [event('listen', { proto: 'tcp', message: 'Listening on tcp 127.0.0.1:1' }), 1],
      [event('info', { notice: true, details: { interval: 1000, ready: true } }), 1],
    ] as const) {
      let ready = 0;
      const renderer = createWizardRenderer(
        { stdout: () => {}, stderr: () => {}, endLine() {}, lines() {} },
        { spinner: idle, waiting: '', server: true, color: false, onReady: () => ready++ },
      );
      // A host-name line or a notice before the start is not readiness.
      renderer.event(event('info', { message: 'vm' }));
      renderer.event(event('info', { notice: true, message: 'Notice: host name did not resolve' }));
      expect(ready).toBe(0);
      renderer.event(start);
      renderer.event(event('info', { message: 'later' }));
      expect(ready).toBe(readyAt);
    }
  });

  it('writes output bytes (inspect --json pieces) as one line behind one guide bar', () => {
    const { io, shown } = terminalIO();
    const framed = framedIO(io, { spinner: idle, onInterrupt() {} });
    const renderer = createWizardRenderer(framed, client);
    const event = createEventClock();
    const utf8 = new TextEncoder();
    for (const piece of ['[{"a":1},', '{"a":2},', '{"a":3}]'])
      renderer.event(event('info', { output: utf8.encode(piece) }));
    renderer.event(event('info', { message: 'after' }));
    expect(shown()).toBe('│  [{"a":1},{"a":2},{"a":3}]\n│  after\n');
  });
});

/** A CliIO whose stdout and stderr land on one screen, in the order written. */
function terminalIO() {
  const io = createMemoryIO({ isTTY: { stdin: true, stdout: true } });
  let screen = '';
  io.stdout = (text) => {
    screen += String(text);
  };
  io.stderr = (text) => {
    screen += text;
  };
  return { io, shown: () => screen };
}

describe('framedIO', () => {
  it('puts the guide bar at each line start, never inside a line a later piece continues', () => {
    const { io, shown } = terminalIO();
    const framed = framedIO(io, { spinner: idle, onInterrupt() {} });
    framed.stdout('one\ntwo');
    framed.stdout(' continued');
    framed.stdout(new TextEncoder().encode(', ended\n'));
    framed.stdout('three\n\nfour\n');
    expect(shown()).toBe('│  one\n│  two continued, ended\n│  three\n│  \n│  four\n');
  });

  it('ends an open line before the other stream writes, at endLine, and at a forced exit', () => {
    const { io, shown } = terminalIO();
    const framed = framedIO(io, { spinner: idle, onInterrupt() {} });
    framed.stdout('[1,');
    framed.stderr('a notice\n');
    framed.stdout('open');
    framed.endLine();
    framed.endLine();
    framed.stdout('last');
    framed.forceExit?.(130);
    expect(shown()).toBe('│  [1,\n│  a notice\n│  open\n│  last\n└  Stopped at once (exit 130)\n');
    expect(io.forced).toEqual([130]);
  });

  it("wraps a message's lines (a table's rows too) inside the frame, not output bytes", () => {
    const { io, shown } = terminalIO();
    const framed = framedIO(io, { spinner: idle, onInterrupt() {}, columns: 30 });
    const renderer = createWizardRenderer(framed, client);
    const event = createEventClock();
    // netstat's rows are ~99 characters: at 80 columns the terminal wrapped them under no bar.
    const row = 'tcp        0      0 127.0.0.1:65432         0.0.0.0:*               LISTEN';
    renderer.event(event('info', { message: `Proto Recv-Q\n${row}` }));
    renderer.event(event('info', { output: new TextEncoder().encode('[{"proto":"tcp","x":1}]') }));
    framed.endLine();
    const screen = shown().split('\n').slice(0, -1);
    expect(screen.every((line) => line.startsWith('│  '))).toBe(true);
    expect(screen.slice(0, -1).every((line) => line.length <= 30)).toBe(true);
    expect(screen.slice(1, -1).join(' ').replace(/│ {2}/g, '').trim().split(/ +/)).toEqual(
      row.split(/ +/),
    );
    // JSON stays one line to copy, whatever the width.
    expect(screen.at(-1)).toBe('│  [{"proto":"tcp","x":1}]');
  });

  it('wraps a dim trace line inside the frame, each piece dimmed on its own', () => {
    const { io, shown } = terminalIO();
    const framed = framedIO(io, { spinner: idle, onInterrupt() {}, columns: 40 });
    const renderer = createWizardRenderer(framed, { ...client, color: true });
    const event = createEventClock();
    const local = { address: '127.0.0.1', port: 38577, family: 'IPv4' as const };
    const remote = { address: '127.0.0.1', port: 42611, family: 'IPv4' as const };
    // At 80 columns the lab's send line ran past the edge and the terminal wrapped it under no bar.
    renderer.event(event('send', { proto: 'udp', local, remote, bytes: 10, text: 'Hello, UDP' }));
    const screen = shown().split('\n').slice(0, -1);
    expect(screen.length).toBeGreaterThan(1);
    for (const line of screen) {
      expect(line.startsWith('│  \u001b[2m') && line.endsWith('\u001b[22m')).toBe(true);
      expect(stripVTControlCharacters(line).length).toBeLessThanOrEqual(40);
    }
    expect(stripVTControlCharacters(screen.join(' ')).replace(/│ {2}/g, '')).toMatch(
      /^send udp 127\.0\.0\.1:38577 -> 127\.0\.0\.1:42611 10 B .*"Hello, UDP"$/,
    );
  });

  it('wraps stderr lines (words) inside the frame, and leaves stdout lines (maybe JSON) whole', () => {
    const { io, shown } = terminalIO();
    const framed = framedIO(io, { spinner: idle, onInterrupt() {}, columns: 23 });
    framed.stderr('Cannot connect to tcp 127.0.0.1:1: connection refused\n');
    framed.stdout('{"proto":"tcp","state":"LISTEN"}\n');
    expect(shown()).toBe(
      '│  Cannot connect to\n│  tcp 127.0.0.1:1:\n│  connection refused\n' +
        '│  {"proto":"tcp","state":"LISTEN"}\n',
    );
  });
});
