// Every malformed invocation gives one clear stderr line naming the input, exit 2 (usage) or 1
// (runtime), no stack trace, and leaves nothing running or bound. Runs the real binary.

import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cliBin,
  collect,
  killGroup,
  runCli,
  runtimeArgv,
  spawnCli,
  waitForLine,
} from '../../test/helpers/cli.ts';
import {
  type BadInputFixtures,
  createFixtures,
  groupAlive,
  invalidUtf8,
  isBindable,
} from './fixtures.ts';
import { rows } from './rows.ts';

let f: BadInputFixtures;
beforeAll(async () => {
  f = await createFixtures(rows.length);
});
afterAll(async () => {
  await f?.close();
});

const stackLine = /^\s+at /m;

describe.concurrent('bad input table', () => {
  it('has at least 50 rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(50);
  });

  it.each(rows.map((row, i) => [row.name, row, i] as const))('%s', async (_name, row, i) => {
    const args = row.args(f, i);
    const child = spawnCli(args);
    const pgid = child.pid as number;
    const result = await collect(child, {
      timeoutMs: 15_000,
      ...(row.input ? { input: row.input } : {}),
    });
    const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
    const context = `socklab ${args.map((a) => (a.length > 40 ? `${a.slice(0, 20)}…` : JSON.stringify(a))).join(' ')}\nstderr: ${result.stderr.slice(0, 2000)}`;
    expect(result.signal, context).toBeNull();
    expect(result.code, context).toBe(row.code);
    expect(lines, context).toHaveLength(1);
    for (const mention of row.mentions(f, i)) {
      if (typeof mention === 'string') expect(lines[0], context).toContain(mention);
      else expect(lines[0], context).toMatch(mention);
    }
    expect(result.stderr + result.stdout, context).not.toMatch(stackLine);
    // Nothing of the child survives, and the port it was given is free again.
    expect(groupAlive(pgid), context).toBe(false);
    if (row.bind === 'tcp')
      expect(await isBindable('tcp', f.freeTcp[i] as number), context).toBe(true);
    if (row.bind === 'udp')
      expect(await isBindable('udp', f.freeUdp[i] as number), context).toBe(true);
  });
});

describe('stack traces', () => {
  it('--debug adds the stack to a runtime failure', async () => {
    const result = await runCli([
      'tcp',
      'client',
      '127.0.0.1',
      String(f.freeTcp[0]),
      '--debug',
      '--timeout',
      '2000',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('connection refused');
    expect(result.stderr).toMatch(stackLine);
  });

  it('without a TTY, bare socklab prints help on stderr and exits 2', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Usage: socklab/);
    expect(result.stderr).not.toMatch(stackLine);
  });
});

describe('inspect without /proc/net', () => {
  // A private mount namespace hides /proc/<pid>/net of the (exec'd) child behind an empty tmpfs.
  const canUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['-m', 'true']).status === 0;
  it.skipIf(!canUnshare)(
    `fails in one line with exit 1${canUnshare ? '' : ' (skipped: needs root and unshare -m)'}`,
    async () => {
      const [cmd, prefix] = runtimeArgv(cliBin);
      const quoted = [cmd, ...prefix, 'inspect', '--proto', 'tcp'].map((a) => `'${a}'`).join(' ');
      const child = spawn(
        'unshare',
        [
          '-m',
          '--propagation',
          'private',
          'sh',
          '-c',
          `mount -t tmpfs none /proc/$$/net && exec ${quoted}`,
        ],
        {
          stdio: ['pipe', 'pipe', 'pipe'],
          detached: true,
          env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' },
        },
      );
      const result = await collect(child);
      const lines = result.stderr.split('\n').filter(Boolean);
      expect(result.code, result.stderr).toBe(1);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('/proc/net/tcp');
      expect(result.stderr).not.toMatch(stackLine);
    },
  );
});

describe('invalid UTF-8 payloads', () => {
  it('tcp client --file and stdin with invalid UTF-8 echo byte for byte and print escapes, no crash', async () => {
    const server = spawnCli(['tcp', 'server', '--port', '0', '--quiet']);
    try {
      const [, port] = await waitForLine(server, /Listening on tcp 127\.0\.0\.1:(\d+)/);
      const fromFile = await runCli([
        'tcp',
        'client',
        '127.0.0.1',
        port as string,
        '--file',
        f.invalidUtf8File,
      ]);
      expect(fromFile.stderr).toBe('');
      expect(fromFile.code).toBe(0);
      // Python bytes repr of the payload: non-ASCII and control bytes escaped, nothing raw.
      expect(fromFile.stdout).toContain(
        "Received b'a\\x80b\\xc0\\x80\\xed\\xa0\\x80\\xff\\xfe\\x00\\x1b[31m\\x07\\nc'",
      );
      expect(fromFile.stdout).not.toContain('\x1b');
      const fromStdin = await runCli(
        ['tcp', 'client', '127.0.0.1', port as string, '-', '--json'],
        { input: invalidUtf8 },
      );
      expect(fromStdin.code).toBe(0);
      for (const line of fromStdin.stdout.split('\n').filter(Boolean))
        expect(() => JSON.parse(line)).not.toThrow();
    } finally {
      killGroup(server, 'SIGTERM');
    }
  });
});
