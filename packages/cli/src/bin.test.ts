// The real binary, spawned on the runtime running the test (no TTY: pipes).
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  cliBin,
  collect,
  killGroup,
  runCli,
  runtimeArgv,
  runtimeName,
  spawnCli,
  waitForLine,
} from '../../../test/helpers/cli.ts';
import { holdConnections } from '../../../test/helpers/connections.ts';
import { fakePlugin } from '../test/fixtures.ts';
import { cliVersion } from './version.ts';

const fake = ['--plugin', fakePlugin];

describe('socklab binary', () => {
  it('no arguments and no TTY: help on stderr, exit 2', async () => {
    const { code, stdout, stderr } = await runCli([]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^socklab \d+\.\d+\.\d+: a socket lab/);
    expect(stderr).toContain('Commands:');
  });

  it('inspect --interval without --watch, whatever its value: one line naming the fix, exit 2', async () => {
    for (const interval of ['1000', '250']) {
      const { code, stdout, stderr } = await runCli(['inspect', '--interval', interval]);
      expect([code, stdout]).toEqual([2, '']);
      expect(stderr).toBe(
        'socklab: --interval needs --watch; add --watch, or drop --interval (see socklab inspect --help)\n',
      );
    }
  });

  it('-V prints the version', async () => {
    const { code, stdout, stderr } = await runCli(['-V']);
    expect([code, stdout, stderr]).toEqual([0, `${cliVersion()}\n`, '']);
  });

  it('an unknown subcommand: one line, exit 2', async () => {
    const { code, stdout, stderr } = await runCli(['frobnicate']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^socklab: Unknown command "frobnicate": use one of .*doctor.* \(see socklab --help\)\n$/,
    );
  });

  it('an unknown subcommand names the plugins asked for that did not load', async () => {
    const missing = join(tmpdir(), 'socklab-no-such-plugin.mjs');
    const { code, stdout, stderr } = await runCli(['--plugin', missing, 'hello'], {
      env: { SOCKLAB_PLUGINS: './nowhere.mjs' },
    });
    // Exit 1: the plugin that failed to load is the likely cause, not a typo.
    expect([code, stdout]).toEqual([1, '']);
    expect(stderr).toMatch(/^socklab: Unknown command "hello": use one of [^\n]+\n$/);
    expect(stderr).toMatch(
      new RegExp(
        `; --plugin ${missing.replace(/[.\\]/g, '\\$&')} did not load: [^;]*(not found|Cannot find)[^;]*; SOCKLAB_PLUGINS \\./nowhere\\.mjs did not load: .+; socklab plugins lists them all\n$`,
      ),
    );
  });

  it("places a plugin's syntax error at its line and column, on every runtime", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-syntax-'));
    const file = join(dir, 'syntax-error.mjs');
    writeFileSync(file, "export default {\n  name: 'x',\n  summary: 'y'\n  commands: []\n};\n");
    try {
      const { code, stdout } = await runCli(['--plugin', file, 'plugins']);
      expect(code).toBe(1);
      // Node: "Unexpected identifier 'commands'", Bun: 'Expected "}" but found "commands"',
      // Deno: "Expected ',', got 'commands'"; each then says where.
      expect(stdout).toMatch(
        /\n\S*syntax-error\.mjs {2}broken \(--plugin .*\): [^\n]*commands[^\n]* at \/[^\n]*syntax-error\.mjs:4:3( \(and \d+ more\))?\n/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a bad value: one line, exit 2, no stack', async () => {
    const { code, stderr } = await runCli([...fake, 'fake', 'opts', 'abc']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'socklab: Cannot parse port "abc": port must be a number 1-65535 (see socklab fake opts --help)\n',
    );
  });

  it('runs a plugin given as a file URL and exits 0 promptly', async () => {
    const started = Date.now();
    const { code, stdout, stderr } = await runCli([
      '--plugin',
      pathToFileURL(fakePlugin).href,
      'fake',
      'echo',
      'hi',
    ]);
    expect([code, stdout, stderr]).toEqual([0, 'echo: hi\n', 'a notice\n']);
    // The fallback exit timer must not hold the process open.
    expect(Date.now() - started).toBeLessThan(1900);
  });

  it('a runtime failure exits 1 with one line', async () => {
    const { code, stderr } = await runCli([...fake, 'fake', 'fail', 'crash']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'socklab: something broke (unexpected, from the fake plugin); run again with --debug for its stack\n',
    );
  });

  it.skipIf(!existsSync('/dev/full'))(
    'stdout that cannot be written (a full disk): one line, exit 1; a server stops too',
    async () => {
      const [cmd, prefix] = runtimeArgv(cliBin);
      for (const args of [
        ['--help'],
        ['--version'],
        ['tcp', 'server', '--host', '127.0.0.1', '--port', '0'],
      ]) {
        const full = openSync('/dev/full', 'w');
        try {
          const child = spawn(cmd, [...prefix, ...args], {
            env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' },
            stdio: ['ignore', full, 'pipe'],
            detached: true,
          });
          const { code, stderr } = await collect(child, { timeoutMs: 15_000 });
          expect([args[0], code, stderr]).toEqual([
            args[0],
            1,
            'socklab: Cannot write standard output: no space left on device; check where it goes (a full disk, a device that went away)\n',
          ]);
        } finally {
          closeSync(full);
        }
      }
    },
  );

  it('stdout to a file gets exactly what a pipe gets (Node writes files its own way)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-out-'));
    // 150 connections held here: `inspect --json --port --pid` lists 301 sockets, in several
    // writes (--pid leaves out TIME_WAITs that other tests may have left on that port number).
    const held = await holdConnections(150);
    const port = String(held.port);
    try {
      const [cmd, prefix] = runtimeArgv(cliBin);
      for (const args of [
        ['--help'],
        ['inspect', '--json', '--port', port, '--pid', String(process.pid)],
        ['plugins'],
      ]) {
        const file = join(dir, 'out');
        const out = openSync(file, 'w');
        let code: number | null;
        try {
          const child = spawn(cmd, [...prefix, ...args], {
            env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' },
            stdio: ['ignore', out, 'pipe'],
          });
          ({ code } = await collect(child, { timeoutMs: 15_000 }));
        } finally {
          closeSync(out);
        }
        const piped = await runCli(args);
        expect([args[0], code, piped.code]).toEqual([args[0], 0, 0]);
        expect(readFileSync(file, 'utf8')).toBe(piped.stdout);
        if (args[0] === 'inspect') {
          expect(JSON.parse(piped.stdout)).toHaveLength(301);
          expect(piped.stdout.split('\n')).toHaveLength(4); // three lines and the last newline
        }
      }
    } finally {
      await held.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--version to a reader already gone is exit 0, without a word', async () => {
    const [cmd, prefix] = runtimeArgv(cliBin);
    // `true` has left the pipe by the time socklab writes its one line.
    const child = spawn(
      'bash',
      ['-c', 'set -o pipefail; { sleep 0.3; "$@"; } | true', 'bash', cmd, ...prefix, '--version'],
      { env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const { code, stderr } = await collect(child, { timeoutMs: 15_000 });
    expect([code, stderr]).toEqual([0, '']);
  });

  it('stdout that ends early: a reader gone (| head) is exit 0, a file past its size limit exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-short-'));
    // 301 sockets: the JSON comes in three writes, so the first ones fill what the reader or
    // the file takes and a later one fails.
    const held = await holdConnections(150);
    try {
      const [cmd, prefix] = runtimeArgv(cliBin);
      const args = [cmd, ...prefix, 'inspect', '--json', '--port', String(held.port)];
      const out = join(dir, 'out');
      const run = (script: string) =>
        collect(
          spawn('bash', ['-c', script, 'bash', ...args], {
            env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' },
            stdio: ['ignore', 'pipe', 'pipe'],
          }),
          { timeoutMs: 15_000 },
        );
      // bash reports socklab's own status (pipefail); head reads 20 bytes and leaves.
      const piped = await run('set -o pipefail; "$@" | head -c 20 > /dev/null');
      expect([piped.code, piped.stderr]).toEqual([0, '']);
      // RLIMIT_FSIZE of 4 KiB (SIGXFSZ ignored, as Node does itself): a write is cut short, then
      // the next one fails with EFBIG.
      const limited = await run(`trap '' XFSZ; ulimit -f 4; "$@" > ${out}`);
      expect([limited.code, limited.stderr]).toEqual([
        1,
        'socklab: Cannot write standard output: file too large; check where it goes (a full disk, a device that went away)\n',
      ]);
      expect(readFileSync(out).length).toBe(4096);
    } finally {
      await held.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a reader that waits gets every byte: pieces that wait in the process are copies', async () => {
    // 400 connections: ~240 KB of JSON in 7 pieces, far more than a pipe holds (64 KiB), so most
    // pieces wait in the process while the command serializes the next into the same buffer.
    // Deno queues writes to a pipe (without io.ts's copy the JSON comes out garbled); Node on
    // Linux writes pipes synchronously and Bun's sink keeps its own copy, so there the copies
    // guard other systems and later versions.
    const held = await holdConnections(400);
    try {
      const [cmd, prefix] = runtimeArgv(cliBin);
      const args = ['inspect', '--json', '--port', String(held.port), '--pid', String(process.pid)];
      const slow = await collect(
        spawn('bash', ['-c', '"$@" | (sleep 1; cat)', 'bash', cmd, ...prefix, ...args], {
          env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
        { timeoutMs: 20_000 },
      );
      expect([slow.code, slow.stderr]).toEqual([0, '']);
      const entries = JSON.parse(slow.stdout) as { inode: number }[];
      expect(entries).toHaveLength(801);
      expect(new Set(entries.map((entry) => entry.inode)).size).toBe(801);
    } finally {
      await held.close();
    }
  });

  it('thousands of sockets: the scan shares a worker, started by the bin, and every owner is found', async () => {
    // 2,100 connections held here, 4,200 fds: past the 4,000 open files at which the bin starts
    // the scan worker early and the snapshot shares its fd scan with it (scanWorkerMinFds), so
    // the worker's code runs from whatever bundle runs the command. No --pid (it scans alone).
    const held = await holdConnections(2100);
    try {
      const args = ['inspect', '--proto', 'tcp', '--port', String(held.port), '--json'];
      const { code, stdout, stderr } = await runCli(args, {
        env: { NODE_DEBUG: 'worker' },
        timeoutMs: 30_000,
      });
      expect(code).toBe(0);
      const entries = (JSON.parse(stdout) as { state: string; pid: number | null }[]).filter(
        (entry) => entry.state !== 'TIME_WAIT',
      );
      expect(entries).toHaveLength(2 * 2100 + 1);
      expect(entries.filter((entry) => entry.pid !== process.pid)).toEqual([]);
      // Node says when a worker is made, and when its code throws (a broken worker costs only
      // time: the snapshot then scans again by itself). Bun and Deno print nothing for NODE_DEBUG.
      if (runtimeName === 'node') {
        expect(stderr).toMatch(/^WORKER \d+: \[0\] create new worker/m);
        expect(stderr).not.toMatch(/uncaught exception/);
      }
    } finally {
      await held.close();
    }
  }, 60_000);

  it('finds socklab-plugin-* packages from the cwd and plugins from SOCKLAB_PLUGINS', async () => {
    const project = mkdtempSync(join(tmpdir(), 'socklab-bin-'));
    try {
      const dir = join(project, 'node_modules', '@acme', 'socklab-plugin-hello');
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({
          name: '@acme/socklab-plugin-hello',
          version: '3.1.4',
          type: 'module',
          main: 'index.js',
        }),
      );
      writeFileSync(
        join(dir, 'index.js'),
        `export default { name: 'hello', summary: 'Greets', commands: [{ name: 'hello', summary: 'Say hello', options: {},
  async *run() { yield { type: 'info', time: new Date().toISOString(), elapsedMs: 0, message: 'hello from node_modules' }; } }] };\n`,
      );
      const env = { SOCKLAB_PLUGINS: fakePlugin };
      const listed = await runCli(['plugins', '--json'], { cwd: project, env });
      expect(listed.code).toBe(0);
      const details = listed.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).details);
      expect(details).toContainEqual(
        expect.objectContaining({
          name: 'hello',
          version: '3.1.4',
          source: 'node_modules',
          from: dir,
        }),
      );
      expect(details).toContainEqual(
        expect.objectContaining({ name: 'fake', source: 'env', from: fakePlugin }),
      );
      const ran = await runCli(['hello'], { cwd: project, env });
      expect([ran.code, ran.stdout]).toEqual([0, 'hello from node_modules\n']);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} stops a graceful command with exit 0`, async () => {
      const child = spawnCli([...fake, 'fake', 'serve']);
      const done = collect(child);
      try {
        await waitForLine(child, /Listening on fake/);
        process.kill(child.pid as number, signal);
        const { code, stdout, stderr } = await done;
        expect(code).toBe(0);
        expect(stdout).toBe('Listening on fake 127.0.0.1:1\nClosed\n');
        expect(stderr).toBe('');
      } finally {
        killGroup(child);
      }
    });
  }

  for (const [signal, expected] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} to a one-shot command exits ${expected}, as a shell reports it`, async () => {
      const child = spawnCli([...fake, 'fake', 'wait']);
      const done = collect(child);
      try {
        await waitForLine(child, /Waiting/);
        process.kill(child.pid as number, signal);
        const { code, stderr } = await done;
        expect(code).toBe(expected);
        expect(stderr).toBe('');
      } finally {
        killGroup(child);
      }
    });
  }

  it('a second SIGINT ends a command that ignores the first', async () => {
    const child = spawnCli([...fake, 'fake', 'hang']);
    const done = collect(child);
    try {
      await waitForLine(child, /Hanging/);
      process.kill(child.pid as number, 'SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(child.exitCode).toBeNull();
      process.kill(child.pid as number, 'SIGINT');
      const { code, stderr } = await done;
      expect(code).toBe(130);
      expect(stderr).toContain('interrupted again');
    } finally {
      killGroup(child);
    }
  });
});
