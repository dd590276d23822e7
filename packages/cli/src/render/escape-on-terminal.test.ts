// Peer text reaching a real terminal (a pty made by util-linux `script`) and a pipe: the real
// binary, on the runtime running this test, receiving a datagram full of control sequences.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import {
  cliBin,
  collect,
  killGroup,
  repoRoot,
  runtimeArgv,
  spawnCli,
  waitForLine,
} from '../../../../test/helpers/cli.ts';
import { shellQuote } from '../wizard/command-line.ts';
import { escapeControls } from './escape-controls.ts';

const hasScript = spawnSync('script', ['--version']).status === 0;
if (!hasScript && process.env.CI)
  throw new Error('script (util-linux) is missing: CI must have it');

// Retitles the window and clears the screen when printed raw; C1 CSI and DEL too.
const payload = 'A\u001b]0;pwned\u0007\u001b[2JB\u009b\u007f';
const server = ['udp', 'server', '0', '--host', '127.0.0.1'];

/** Runs the one-shot server, sends it the payload, and returns what it printed. */
async function receiveOnce(child: ChildProcess): Promise<string> {
  const done = collect(child, { timeoutMs: 15_000 });
  try {
    const [, port] = await waitForLine(child, /Listening on udp 127\.0\.0\.1:(\d+)/);
    const socket = createSocket('udp4');
    socket.on('message', () => socket.close());
    socket.send(payload, Number(port), '127.0.0.1');
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    return result.stdout;
  } finally {
    killGroup(child);
  }
}

describe('peer text on a terminal', () => {
  it.skipIf(!hasScript)('is escaped when stdout is a terminal', async () => {
    const [cmd, prefix] = runtimeArgv(cliBin);
    const line = [cmd, ...prefix, ...server].map(shellQuote).join(' ');
    const child = spawn('script', ['-qfec', line, '/dev/null'], {
      cwd: repoRoot,
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', TERM: 'xterm-256color' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const out = await receiveOnce(child);
    expect(out).toContain('Server received: A\\x1b]0;pwned\\x07\\x1b[2JB\\x9b\\x7f\r\n');
    // Nothing left that a terminal would act on (its own line ends aside).
    const lines = out.replaceAll('\r\n', '\n');
    expect(escapeControls(lines)).toBe(lines);
  });

  it('goes out byte for byte through a pipe', async () => {
    const out = await receiveOnce(spawnCli(server));
    expect(out).toContain(`Server received: ${payload}\nMessage from ('127.0.0.1', `);
  });
});
