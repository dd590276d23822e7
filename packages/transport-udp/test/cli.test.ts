// `socklab udp …` through the real binary: output lines, exit codes, signals.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cliBin,
  collect,
  killGroup,
  repoRoot,
  runCli,
  runtimeArgv,
  spawnCli,
  waitForLine,
} from '../../../test/helpers/cli.ts';
import { idleSocket, runtimeAdapter } from './support.ts';

const children: ChildProcess[] = [];

/** Ports below 1024 are privileged here, and we are not root or can become nobody. */
function canDropRoot(): boolean {
  let start = 1024;
  try {
    start = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
  } catch {}
  if (start <= 80 || process.platform !== 'linux') return false;
  return process.getuid?.() !== 0 || spawnSync('setpriv', ['--version']).status === 0;
}
afterEach(() => {
  for (const child of children.splice(0)) killGroup(child);
});

async function server(
  args: string[],
): Promise<{ child: ChildProcess; port: string; done: ReturnType<typeof collect> }> {
  const child = spawnCli(['udp', 'server', '0', '--host', '127.0.0.1', ...args]);
  children.push(child);
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  const [, port] = (await waitForLine(
    child,
    /^Listening on udp 127\.0\.0\.1:(\d+)$/,
  )) as RegExpMatchArray;
  const done = collect(child).then((r) => ({ ...r, stdout }));
  return { child, port: port as string, done };
}

describe('socklab udp (CLI)', () => {
  it('client and server talk like the seed, and --keep stops with a summary and exit 0 on SIGINT', async () => {
    const s = await server(['--keep', '--echo']);
    const one = await runCli(['udp', 'client', '127.0.0.1', s.port, 'Hello, world']);
    expect(one).toMatchObject({
      code: 0,
      stdout: 'Message from server: Hello, world\n',
      stderr: '',
    });
    await runCli(['udp', 'client', 'localhost', s.port, 'again']);
    process.kill(-(s.child.pid as number), 'SIGINT');
    const result = await s.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /Server received: Hello, world\nMessage from \('127\.0\.0\.1', \d+\)\n/,
    );
    expect(result.stdout).toMatch(/Received 2 datagrams \(17 bytes\) from 2 clients\n$/);
  });

  it('--quiet prints only the ready line and the summary; SIGTERM is graceful too', async () => {
    const s = await server(['--keep', '--quiet']);
    await runCli(['udp', 'client', '127.0.0.1', s.port, 'hi']);
    process.kill(-(s.child.pid as number), 'SIGTERM');
    const result = await s.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `Listening on udp 127.0.0.1:${s.port}\nReceived 1 datagram (2 bytes) from 1 client\n`,
    );
  });

  it('reports a reply bigger than the seed buffer (1024 bytes) as truncated', async () => {
    const s = await server(['--reply', 'x'.repeat(3000)]);
    const result = await runCli(['udp', 'client', '127.0.0.1', s.port, 'big?']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Message from server: ${'x'.repeat(1024)}\n`);
    expect(result.stderr).toMatch(/the reply had 3000 bytes; only the first 1024 were kept/);
  });

  it('exit 1 with plain words for runtime failures', async () => {
    const holder = await idleSocket();
    try {
      const port = String(holder.local.port);
      const inUse = await runCli(['udp', 'server', port, '--host', '127.0.0.1']);
      expect(inUse.code).toBe(1);
      expect(inUse.stderr).toContain(`Cannot bind udp 127.0.0.1:${port}: address already in use`);
      const noReply = await runCli(['udp', 'client', '127.0.0.1', port, 'hi', '--timeout', '200']);
      expect(noReply.code).toBe(1);
      expect(noReply.stderr).toContain(`Cannot receive from udp 127.0.0.1:${port}: timed out`);
      const big = await runCli(['udp', 'client', '127.0.0.1', port, 'a'.repeat(65_508)]);
      expect(big.code).toBe(1);
      expect(big.stderr).toContain(
        'message too long: 65508 bytes, and one UDP datagram over IPv4 holds at most 65,507',
      );
    } finally {
      await holder.close();
    }
  });

  it.runIf(runtimeAdapter.capabilities.refused)(
    'exit 1 and "connection refused" when nothing listens',
    async () => {
      const probe = await idleSocket();
      const port = probe.local.port;
      await probe.close();
      const result = await runCli(['udp', 'client', '127.0.0.1', String(port), 'hi']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `connection refused: nothing is listening on udp 127.0.0.1:${port}`,
      );
    },
  );

  it.runIf(spawnSync('unshare', ['-n', 'true']).status === 0)(
    'exit 1 "unknown host" (no network: no real DNS)',
    async () => {
      const [cmd, prefix] = runtimeArgv(cliBin);
      const child = spawn(
        'unshare',
        ['-n', cmd, ...prefix, 'udp', 'client', 'nowhere.invalid', '9', 'hi'],
        { detached: true },
      );
      children.push(child);
      const result = await collect(child);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Cannot resolve host nowhere.invalid: unknown host');
    },
  );

  it.runIf(canDropRoot())(
    'exit 1 "permission denied" for ports below 1024 without root, with the fix',
    async () => {
      const [cmd, prefix] = runtimeArgv(cliBin);
      const args = [cmd, ...prefix, 'udp', 'server', '80', '--host', '127.0.0.1'];
      // As root, run the CLI as nobody: binding port 80 must then fail.
      const argv =
        process.getuid?.() === 0
          ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...args]
          : args;
      const child = spawn(argv[0] as string, argv.slice(1), {
        cwd: repoRoot,
        detached: true,
        env: {
          ...process.env,
          HOME: tmpdir(),
          DENO_DIR: join(tmpdir(), `socklab-deno-${process.pid}`),
          DENO_NO_UPDATE_CHECK: '1',
        },
      });
      children.push(child);
      const result = await collect(child);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Cannot bind udp 127.0.0.1:80: permission denied');
      expect(result.stderr).toContain('ports below 1024 need root');
    },
  );

  it('exit 2 for malformed arguments, naming the input', async () => {
    const cases: [string[], RegExp][] = [
      [['udp', 'client', '127.0.0.1', '65432', ''], /message/],
      [['udp', 'client', '127.0.0.1', '65432'], /message/],
      [['udp', 'client', '127.0.0.1', '65536', 'hi'], /65536/],
      [['udp', 'client', '127.0.0.1', '-1', 'hi'], /-1/],
      [['udp', 'client', '127.0.0.1', '65432', 'hi', '--timeout', 'soon'], /soon/],
      [['udp', 'client', '127.0.0.1', '65432', 'hi', '--retries', '-2'], /-2/],
      [['udp', 'server', '70000'], /70000/],
      [['udp', 'server', '0', '--echo', '--reply', 'x'], /--reply and --echo/],
    ];
    for (const [args, words] of cases) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(words);
    }
  });
});
