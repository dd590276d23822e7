// The lab in-process: the report's steps and what happens when one fails.
import { defineCommand, definePlugin } from '@socklab/core';
import { describe, expect, it } from 'vitest';
import { executeCommand } from '../execute.ts';
import { createMemoryIO } from '../memory-io.ts';
import { type LabDeps, runLab } from './run-lab.ts';

/** The lab as a command, with test seams. */
function labWith(deps: LabDeps) {
  const command = defineCommand({
    name: 'lab',
    summary: 'lab',
    options: {},
    run: (_options, context) => runLab({ host: '127.0.0.1', timeout: 300 }, context, deps),
  });
  return { plugin: definePlugin({ name: 'lab', summary: 'lab', commands: [command] }), command };
}

/**
 * The lab with a snapshot that hangs until released, interrupted (SIGINT) once its TCP step
 * passed; the snapshot answers `releaseAfterMs` after the interrupt.
 */
async function interruptedAtSnapshot(releaseAfterMs: number) {
  let release: () => void = () => {};
  const { plugin, command } = labWith({
    snapshot: () => new Promise((resolve) => (release = () => resolve([]))),
  });
  const io = createMemoryIO();
  const running = executeCommand({ io, plugin, command, options: {} });
  for (let i = 0; i < 200 && !io.out.includes('✓ TCP echo'); i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  io.signal('SIGINT');
  if (releaseAfterMs > 0) await new Promise((resolve) => setTimeout(resolve, releaseAfterMs));
  release();
  return { io, code: await running };
}

describe('runLab', () => {
  it('a step that fails is a ✗ line with the reason; the others still run; exit 1', async () => {
    const { plugin, command } = labWith({ snapshot: async () => [] });
    const io = createMemoryIO();
    const code = await executeCommand({ io, plugin, command, options: {} });
    expect(code).toBe(1);
    expect(io.out.match(/^✓ .*/gm)).toEqual([
      expect.stringMatching(/^✓ UDP exchange: "Hello, UDP" to udp 127\.0\.0\.1:\d+/),
      expect.stringMatching(/^✓ TCP echo: 12 bytes echoed by tcp 127\.0\.0\.1:\d+/),
    ]);
    expect(io.err).toMatch(
      /^✗ Sockets while open: the inspector did not show TCP LISTEN on port \d+, TCP ESTABLISHED/m,
    );
    expect(io.err).toMatch(
      /^✗ TIME_WAIT after close: no TIME_WAIT socket for \d+ -> \d+ after close$/m,
    );
    expect(io.err).toMatch(
      /^socklab: lab failed: 2 of 4 steps \(Sockets while open, TIME_WAIT after close\)$/m,
    );
    expect(io.out).not.toContain('Lab passed');
    expect(io.listeners()).toBe(0);
  });

  it('--json ends with an error event when the lab failed', async () => {
    const { plugin, command } = labWith({ snapshot: async () => [] });
    const io = createMemoryIO();
    const code = await executeCommand({ io, plugin, command, options: {}, flags: { json: true } });
    expect(code).toBe(1);
    const events = io.out
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.filter((e) => e.details?.ok === false)).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/^lab failed/),
    });
  });

  it('Ctrl-C stops it, closes what it opened, and exits 130', async () => {
    const { io, code } = await interruptedAtSnapshot(0);
    expect(code).toBe(130);
    expect(io.listeners()).toBe(0);
  });

  it('Ctrl-C during a snapshot prints no table of sockets it has already closed', async () => {
    // The snapshot answers after the interrupt closed the lab's sockets.
    const { io, code } = await interruptedAtSnapshot(50);
    expect(code).toBe(130);
    expect(io.out).not.toContain('while open');
    expect(io.err).not.toContain('✗ Sockets while open');
    expect(io.listeners()).toBe(0);
  });
});
