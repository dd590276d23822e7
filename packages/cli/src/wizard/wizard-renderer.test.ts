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
});
