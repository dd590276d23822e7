// `socklab lab` as shipped: the real binary on the runtime running this test.
import { spawnSync } from 'node:child_process';
import { detectRuntime } from '@socklab/core';
import { describe, expect, it } from 'vitest';
import {
  cliBin,
  collect,
  killGroup,
  runCli,
  spawnCli,
  waitForLine,
} from '../../../../test/helpers/cli.ts';

describe('socklab lab', () => {
  it("runs every step, exits 0, and shows the lab's own sockets", async () => {
    const { code, stdout, stderr } = await runCli(['lab'], { timeoutMs: 25_000 });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const udp = Number(stdout.match(/Listening on udp 127\.0\.0\.1:(\d+)/)?.[1]);
    const tcp = Number(stdout.match(/Listening on tcp 127\.0\.0\.1:(\d+)/)?.[1]);
    const client = Number(stdout.match(/Connected by \('127\.0\.0\.1', (\d+)\)/)?.[1]);
    expect([udp, tcp, client].every((p) => p > 0)).toBe(true);
    // The seed's lines.
    expect(stdout).toContain('Server received: Hello, UDP');
    expect(stdout).toContain('Message from server: Message received.');
    expect(stdout).toContain("Received b'Hello, world'");
    // The socket table rows: netstat columns, local then foreign address, then state.
    const row = (local: number, remote: string, state: string) =>
      new RegExp(`127\\.0\\.0\\.1:${local} +${remote} +${state}\\b`);
    expect(stdout).toMatch(row(tcp, '0\\.0\\.0\\.0:\\*', 'LISTEN'));
    expect(stdout).toMatch(row(tcp, `127\\.0\\.0\\.1:${client}`, 'ESTABLISHED'));
    expect(stdout).toMatch(row(client, `127\\.0\\.0\\.1:${tcp}`, 'ESTABLISHED'));
    expect(stdout).toMatch(new RegExp(`udp +0 +0 127\\.0\\.0\\.1:${udp} .*UNCONN`));
    expect(stdout).toMatch(row(client, `127\\.0\\.0\\.1:${tcp}`, 'TIME_WAIT'));
    expect(stdout.match(/^✓ /gm)).toHaveLength(4);
    expect(stdout).not.toContain('✗');
    expect(stdout).toMatch(/Lab passed: 4 of 4 steps\n$/);
  });

  it('an interrupt once "Lab passed" is out, while the process ends, keeps exit 0', async () => {
    // Node died of such a signal (130) while it tore itself down after the lab.
    for (let run = 0; run < 2; run++) {
      const child = spawnCli(['lab']);
      const done = collect(child, { timeoutMs: 25_000 });
      try {
        await waitForLine(child, /^Lab passed/, 25_000);
        process.kill(child.pid as number, 'SIGINT');
        const { code, signal } = await done;
        expect([code, signal]).toEqual([0, null]);
      } finally {
        killGroup(child);
      }
    }
  });

  it('--json: one parseable event per line, with the sockets in the details', async () => {
    const { code, stdout } = await runCli(['lab', '--json'], { timeoutMs: 25_000 });
    expect(code).toBe(0);
    const events = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    for (const event of events) {
      expect(typeof event.type).toBe('string');
      expect(typeof event.time).toBe('string');
      expect(typeof event.elapsedMs).toBe('number');
    }
    const steps = events.filter((e) => e.details?.step !== undefined);
    expect(steps.map((e) => [e.details.step, e.details.ok])).toEqual([
      ['UDP exchange', true],
      ['TCP echo', true],
      ['Sockets while open', true],
      ['TIME_WAIT after close', true],
    ]);
    const open = events.find((e) => e.details?.phase === 'open');
    const states = open.details.sockets.map((s: { state: string }) => s.state).sort();
    expect(states).toEqual(['ESTABLISHED', 'ESTABLISHED', 'LISTEN', 'UNCONN']);
    const closed = events.find((e) => e.details?.phase === 'closed');
    expect(closed.details.sockets.map((s: { state: string }) => s.state)).toContain('TIME_WAIT');
    // The TCP client's whole story, with the payload, and times with at most 3 decimals.
    const clientPort = events.find((e) => e.type === 'connect')?.local.port;
    const client = events.filter((e) => e.proto === 'tcp' && e.local?.port === clientPort);
    expect(client.map((e) => e.type)).toEqual(['connect', 'send', 'recv', 'close']);
    expect(client[1]).toMatchObject({ text: 'Hello, world', bytes: 12 });
    expect(client[2]).toMatchObject({ text: 'Hello, world', bytes: 12 });
    for (const event of events) expect(String(event.elapsedMs)).toMatch(/^\d+(\.\d{1,3})?$/);
  });

  it('--trace narrates one line per event, starting with its type', async () => {
    const { code, stdout } = await runCli(['lab', '--trace'], { timeoutMs: 25_000 });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^listen udp 127\.0\.0\.1:\d+ \+[\d.]+ ms$/m);
    // The client's local address is the wildcard on Deno (its UDP socket binds 0.0.0.0).
    expect(stdout).toMatch(/^send udp [\d.]+:\d+ -> 127\.0\.0\.1:\d+ 10 B /m);
    expect(stdout).toMatch(/^accept tcp #1 127\.0\.0\.1:\d+ <- 127\.0\.0\.1:\d+ /m);
    expect(stdout).toMatch(/^close tcp #1 /m);
  });

  it.runIf(detectRuntime().name === 'deno')(
    'under Deno without --unstable-net says at once how to run it, and runs nothing',
    () => {
      const result = spawnSync(process.execPath, ['run', '-A', cliBin, 'lab'], {
        encoding: 'utf8',
        env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' },
      });
      expect([result.status, result.stdout, result.stderr]).toEqual([
        1,
        '',
        `socklab: UDP under Deno needs --unstable-net; run: deno run -A --unstable-net ${cliBin} lab\n`,
      ]);
    },
  );

  it('--host takes loopback addresses only: exit 2', async () => {
    const { code, stderr } = await runCli(['lab', '--host', '10.0.0.1']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/must be one of 127\.0\.0\.1, ::1/);
  });
});
