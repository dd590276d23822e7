// The wizard as a person uses it: the real binary in a real terminal (tmux), on the runtime
// running this test. Keys go in with send-keys; the screen is read back with capture-pane.
import { type ChildProcess, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cliBin,
  killGroup,
  repoRoot,
  runtimeArgv,
  runtimeName,
  spawnCli,
  waitForLine,
} from '../../../../test/helpers/cli.ts';
import { shellQuote } from './command-line.ts';

const server = `socklab-wizard-${process.pid}-${Date.now().toString(36)}`;
const env = {
  ...process.env,
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  TERM: 'xterm-256color',
  DENO_NO_UPDATE_CHECK: '1',
  NO_COLOR: undefined,
  FORCE_COLOR: undefined,
};
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
// CI must run it; elsewhere a machine without tmux skips it.
if (!hasTmux && process.env.CI)
  throw new Error('tmux is missing: CI must have it for the wizard test');

function tmux(...args: string[]): string {
  const result = spawnSync('tmux', ['-L', server, ...args], { encoding: 'utf8', env });
  if (result.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

let sessions = 0;
let socketPath = '';

/**
 * `npm start` in small: a parent that waits for socklab and dies of SIGINT (Node's default) if
 * Ctrl-C reaches the whole process group, instead of printing socklab's exit code itself.
 */
const npmLikeParent = [
  process.execPath.includes('deno') || process.execPath.includes('bun') ? 'node' : process.execPath,
  '-e',
  "const r = require('node:child_process').spawnSync(process.argv[1], process.argv.slice(2), { stdio: 'inherit' }); console.log('CHILD=' + r.status); process.exit(r.status ?? 1)",
];

/**
 * A fresh terminal running the wizard, then `echo EXIT=$?` so the exit code shows on screen;
 * `columns` wide (120 unless said), with `env` set for the wizard alone.
 */
function openWizard(
  parent: readonly string[] = [],
  argv?: readonly string[],
  { columns = 120, env: vars = {} }: { columns?: number; env?: Record<string, string> } = {},
) {
  // An idle session keeps the tmux server up between tests (it exits with its last session).
  if (sessions === 0) {
    tmux('-u', 'new-session', '-d', '-s', 'keep', '-x', '80', '-y', '10');
    socketPath = tmux('display-message', '-p', '#{socket_path}').trim();
  }
  const session = `w${++sessions}`;
  const [cmd, prefix] = runtimeArgv(cliBin);
  const assignments = Object.entries(vars).map(([name, value]) => `${name}=${shellQuote(value)} `);
  const line =
    assignments.join('') + [...parent, ...(argv ?? [cmd, ...prefix])].map(shellQuote).join(' ');
  tmux(
    '-u',
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    String(columns),
    '-y',
    '40',
    '-c',
    repoRoot,
    'bash --norc --noprofile',
  );
  tmux('send-keys', '-t', session, '-l', `PS1='$ '; ${line}; echo EXIT=$?`);
  tmux('send-keys', '-t', session, 'Enter');
  const screen = () => tmux('capture-pane', '-p', '-J', '-t', session, '-S', '-');
  return {
    screen,
    keys: (...keys: string[]) => tmux('send-keys', '-t', session, ...keys),
    text: (text: string) => tmux('send-keys', '-t', session, '-l', text),
    /** Polls the screen until `pattern` matches (the active prompt is drawn with ◆). */
    async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = screen().match(pattern);
        if (match) return match;
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${pattern}; the screen shows:\n${screen()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () => tmux('kill-session', '-t', session),
  };
}

type Wizard = ReturnType<typeof openWizard>;

async function exitCode(wizard: Wizard): Promise<number> {
  const [, code] = await wizard.waitFor(/^EXIT=(\d+)$/m);
  return Number(code);
}

/** Answers the active prompt `name`: typed text (or the default with none), then Enter. */
async function answer(wizard: Wizard, name: string, text?: string): Promise<void> {
  await wizard.waitFor(new RegExp(`◆  ${name}:`));
  if (text !== undefined) wizard.text(text);
  wizard.keys('Enter');
}

async function choose(wizard: Wizard, label: string): Promise<void> {
  await wizard.waitFor(/◆ {2}What do you want to run\?/);
  const screen = wizard.screen();
  const menu = screen.slice(screen.lastIndexOf('What do you want to run?'));
  const rows = menu.split('\n').filter((row) => /^│ {2}[●○] /.test(row));
  const index = rows.findIndex((row) => row.includes(` ${label}`));
  expect(index, `"${label}" in the menu:\n${menu}`).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < index; i++) wizard.keys('Down');
  await wizard.waitFor(new RegExp(`● ${label}`));
  wizard.keys('Enter');
}

/** Picks the TCP echo server, on a free port, every other answer its default. */
async function startEchoServer(wizard: Wizard): Promise<void> {
  await choose(wizard, 'TCP echo server');
  await answer(wizard, '--host');
  await answer(wizard, '--port', '0');
  for (const name of ['--once', '--max-connections', '--idle-timeout', '--quiet'])
    await answer(wizard, name);
}

afterAll(() => {
  if (!hasTmux) return;
  spawnSync('tmux', ['-L', server, 'kill-server'], { env });
  // tmux leaves its socket file behind when killed.
  if (socketPath.includes(server)) rmSync(socketPath, { force: true });
});

describe.skipIf(!hasTmux)('the wizard in tmux', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child) killGroup(child);
  });

  it('UDP client against a running server: refuses a bad port, then gets the reply', async () => {
    child = spawnCli(['udp', 'server', '--host', '127.0.0.1', '0', '--keep']);
    const [, port] = await waitForLine(child, /Listening on udp 127\.0\.0\.1:(\d+)/);
    const received = waitForLine(child, /Server received: hello tmux/);
    const wizard = openWizard();
    try {
      await choose(wizard, 'UDP client');
      await answer(wizard, 'host');
      await answer(wizard, 'port', '70000');
      await wizard.waitFor(/▲ {2}port:[\s\S]*Cannot parse port "70000": port must be 1-65535/);
      wizard.keys('BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace');
      wizard.text(String(port));
      wizard.keys('Enter');
      await answer(wizard, 'message', 'hello tmux');
      await answer(wizard, '--timeout', '2000');
      await answer(wizard, '--retries');
      expect(await exitCode(wizard)).toBe(0);
      const screen = wizard.screen();
      expect(screen).toContain('Message from server: Message received.');
      expect(screen).toContain(`socklab udp client 127.0.0.1 ${port} 'hello tmux' --timeout 2000`);
      await received;
    } finally {
      wizard.close();
      killGroup(child);
    }
  });

  it('TCP echo client against a running server', async () => {
    child = spawnCli(['tcp', 'server', '--port', '0']);
    const [, port] = await waitForLine(child, /Listening on tcp 127\.0\.0\.1:(\d+)/);
    const wizard = openWizard();
    try {
      await choose(wizard, 'TCP echo client');
      await answer(wizard, 'host');
      await answer(wizard, 'port', String(port));
      await answer(wizard, 'message', 'hi tmux');
      for (const name of ['--file', '--size', '--repeat', '--timeout', '--quiet'])
        await answer(wizard, name);
      expect(await exitCode(wizard)).toBe(0);
      const screen = wizard.screen();
      expect(screen).toContain("Received b'hi tmux'");
      expect(screen).toContain(`socklab tcp client 127.0.0.1 ${port} 'hi tmux'`);
    } finally {
      wizard.close();
      killGroup(child);
    }
  });

  it('a TCP echo server from the wizard: says Ctrl-C stops it, and Ctrl-C exits 0', async () => {
    const wizard = openWizard();
    try {
      await startEchoServer(wizard);
      await wizard.waitFor(
        /Listening on tcp 127\.0\.0\.1:\d+\n│ {2}Ready\. Press Ctrl-C to stop it\./,
      );
      wizard.keys('C-c');
      expect(await exitCode(wizard)).toBe(0);
      expect(wizard.screen()).toContain('socklab tcp server --port 0');
    } finally {
      wizard.close();
    }
  });

  it('Ctrl-C stops a server without signalling a parent waiting for socklab (npm start)', async () => {
    const wizard = openWizard(npmLikeParent);
    try {
      await startEchoServer(wizard);
      await wizard.waitFor(/Ready\. Press Ctrl-C to stop it\./);
      wizard.keys('C-c');
      // Before, SIGINT went to the whole group: the parent died at once (no CHILD= line, and
      // bash skipped the echo), while socklab went on to stop its server.
      await wizard.waitFor(/^CHILD=0$/m);
      expect(await exitCode(wizard)).toBe(0);
      expect(wizard.screen()).toMatch(/Done \(exit 0\)/);
      // Raw mode: the terminal did not echo ^C into the frame.
      expect(wizard.screen()).not.toMatch(/\^C|│C/);
    } finally {
      wizard.close();
    }
  });

  it('a second Ctrl-C while a server drains exits 130 at once and still closes the frame', async () => {
    const wizard = openWizard();
    const held = new Socket();
    try {
      await startEchoServer(wizard);
      const [, port] = await wizard.waitFor(/Listening on tcp 127\.0\.0\.1:(\d+)/);
      await new Promise<void>((resolve) => held.connect(Number(port), '127.0.0.1', resolve));
      await wizard.waitFor(/Connected by/);
      wizard.keys('C-c');
      await new Promise((resolve) => setTimeout(resolve, 300));
      wizard.keys('C-c');
      expect(await exitCode(wizard)).toBe(130);
      expect(wizard.screen()).toMatch(
        /interrupted again, exiting now\n└ {2}Stopped at once \(exit 130\)/,
      );
    } finally {
      held.destroy();
      wizard.close();
    }
  });

  it.runIf(runtimeName === 'deno')(
    'Deno without --unstable-net: a UDP choice says so at once, before any question',
    async () => {
      const wizard = openWizard([], [process.execPath, 'run', '-A', cliBin]);
      try {
        await choose(wizard, 'UDP client');
        expect(await exitCode(wizard)).toBe(1);
        expect(wizard.screen()).toMatch(/└ {2}UDP under Deno needs --unstable-net; run: deno run/);
        expect(wizard.screen()).not.toMatch(/host:/);
      } finally {
        wizard.close();
      }
    },
  );

  it('Ctrl-C at a prompt cancels: exit 130, nothing run', async () => {
    const wizard = openWizard();
    try {
      await choose(wizard, 'UDP client');
      await wizard.waitFor(/◆ {2}host:/);
      wizard.keys('C-c');
      expect(await exitCode(wizard)).toBe(130);
      expect(wizard.screen()).toContain('Cancelled: nothing was run.');
    } finally {
      wizard.close();
    }
  });

  it('Esc at the first prompt cancels too: exit 130', async () => {
    const wizard = openWizard();
    try {
      await wizard.waitFor(/◆ {2}What do you want to run\?/);
      wizard.keys('Escape');
      expect(await exitCode(wizard)).toBe(130);
      expect(wizard.screen()).toContain('Cancelled: nothing was run.');
    } finally {
      wizard.close();
    }
  });

  it('80 columns: long prompt texts and their errors wrap inside the frame', async () => {
    const wizard = openWizard([], undefined, { columns: 80 });
    try {
      await choose(wizard, 'TCP echo server');
      await answer(wizard, '--host');
      await answer(wizard, '--port', '0');
      for (const name of ['--once', '--max-connections']) await answer(wizard, name);
      await answer(wizard, '--idle-timeout', 'x');
      await wizard.waitFor(/▲ {2}--idle-timeout:[\s\S]*Cannot parse --idle-timeout "x"/);
      wizard.keys('BSpace', 'Enter');
      await answer(wizard, '--quiet');
      await wizard.waitFor(/Ready\. Press Ctrl-C to stop it\./);
      // capture-pane -J joins what the terminal wrapped: such a line would run past 80 columns.
      const screen = wizard.screen();
      const frame = screen.slice(screen.indexOf('┌'), screen.indexOf('Ready.')).split('\n');
      expect(frame).toContain('│  interface)');
      expect(frame).toContain('│  and closed at once (>= 1)');
      for (const line of frame) {
        expect(line.length, line).toBeLessThanOrEqual(80);
        expect(line, line).toMatch(/^[┌│◆◇▲└]|^ {3}\S|^$/);
      }
      wizard.keys('C-c');
      expect(await exitCode(wizard)).toBe(0);
    } finally {
      wizard.close();
    }
  });

  it('NO_COLOR: a text prompt says its default instead of a placeholder that looks typed', async () => {
    const wizard = openWizard([], undefined, { env: { NO_COLOR: '1' } });
    try {
      await choose(wizard, 'UDP client');
      await wizard.waitFor(
        /◆ {2}host: server host name or IP address \(default 127\.0\.0\.1\)\n│ {2}█\n/,
      );
      wizard.keys('Enter');
      // Enter takes the default, as before.
      await wizard.waitFor(/◇ {2}host: .*\n│ {2}127\.0\.0\.1\n/);
      await wizard.waitFor(/◆ {2}port: server UDP port \(1-65535\) \(default 65432\)\n│ {2}█\n/);
      wizard.text('9');
      await wizard.waitFor(/◆ {2}port: .*\n│ {2}9█\n/);
      wizard.keys('C-c');
      expect(await exitCode(wizard)).toBe(130);
    } finally {
      wizard.close();
    }
  });

  it('inspect --json at 80 columns: the JSON array is one line behind one guide bar', async () => {
    // 261 sockets on one port (a listener, 130 connections, both ends): three pieces of output.
    const listener = createServer();
    const accepted: Socket[] = [];
    const clients: Socket[] = [];
    listener.on('connection', (socket) => accepted.push(socket));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const { port } = listener.address() as { port: number };
    for (let i = 0; i < 130; i++) {
      const client = new Socket();
      clients.push(client);
      await new Promise<void>((resolve) => client.connect(port, '127.0.0.1', resolve));
    }
    const wizard = openWizard([], undefined, { columns: 80 });
    try {
      await choose(wizard, 'Inspect sockets');
      await answer(wizard, '--style');
      await wizard.waitFor(/◆ {2}--json:/);
      wizard.text('y');
      await wizard.waitFor(/◆ {2}--proto:/);
      wizard.keys('Down');
      await wizard.waitFor(/● tcp/);
      wizard.keys('Enter');
      await answer(wizard, '--port', String(port));
      for (const name of ['--listening', '--watch']) await answer(wizard, name);
      expect(await exitCode(wizard)).toBe(0);
      const lines = wizard.screen().split('\n');
      const json = lines.filter((line) => line.includes('"proto"'));
      // Before, each piece of 128 entries was a line of its own, with a bar inside the array.
      expect(json.map((line) => line.slice(0, 12))).toEqual(['│  [{"proto"']);
      const entries = JSON.parse((json[0] as string).slice(3)) as { local: { port: number } }[];
      expect(entries).toHaveLength(261);
      expect(lines[lines.indexOf(json[0] as string) + 1]).toBe('│');
    } finally {
      wizard.close();
      for (const socket of [...clients, ...accepted]) socket.destroy();
      listener.close();
    }
  });
});
