import { createEventClock } from '@socklab/core';
import { describe, expect, it } from 'vitest';
import type { Spinner } from './spinner.ts';
import { createWizardRenderer } from './wizard-renderer.ts';

const idle: Spinner = { start() {}, stop() {} } as unknown as Spinner;

describe('createWizardRenderer', () => {
  it('prints messages, trace lines for events without one, and no line for a last error or timeout', () => {
    const out: string[] = [];
    const target = {
      stdout: (text: string | Uint8Array) => out.push(String(text)),
      stderr: (text: string) => out.push(text),
    };
    const renderer = createWizardRenderer(target, {
      spinner: idle,
      waiting: '',
      server: false,
      color: false,
    });
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
        { stdout: () => {}, stderr: () => {} },
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
});
