// Security defaults (SECURITY.md): TCP on loopback unless asked, a notice when reachable from other
// machines, UDP --echo never sends more than it got, and the inspector never runs a shell.
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../../test/helpers/cli.ts';
import { type Server, startServer, tcpSocketsOnPort } from './helpers.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop('SIGKILL')));
});
async function serve(args: string[], options: { netns?: string } = {}): Promise<Server> {
  const server = await startServer(args, options);
  servers.push(server);
  return server;
}

// Wildcard binds happen only inside a network namespace the test owns (nothing else can reach it).
const netns = `socklab-sec-${process.pid % 10000}${Math.floor(Math.random() * 1000)}`;
function setUpNamespace(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for ip netns';
  const add = spawnSync('ip', ['netns', 'add', netns], { encoding: 'utf8' });
  if (add.status !== 0)
    return `ip netns add failed: ${(add.stderr || add.error?.message || '').trim()}`;
  // A veth pair inside the namespace gives it a non-loopback address of its own.
  for (const step of [
    ['-n', netns, 'link', 'set', 'lo', 'up'],
    ['-n', netns, 'link', 'add', 'sv0', 'type', 'veth', 'peer', 'name', 'sv1'],
    ['-n', netns, 'addr', 'add', '10.213.9.1/24', 'dev', 'sv0'],
    ['-n', netns, 'link', 'set', 'sv0', 'up'],
    ['-n', netns, 'link', 'set', 'sv1', 'up'],
  ]) {
    const result = spawnSync('ip', step, { encoding: 'utf8' });
    if (result.status !== 0) return `ip ${step.join(' ')} failed: ${result.stderr.trim()}`;
  }
  return undefined;
}
const noNamespace = setUpNamespace();
afterAll(() => {
  if (!noNamespace) spawnSync('ip', ['netns', 'del', netns]);
});

describe('network exposure', () => {
  it('tcp server listens on 127.0.0.1 by default, without a notice', async () => {
    const server = await serve(['tcp', 'server', '--port', '0']);
    expect(server.stdout()).toMatch(/^Listening on tcp 127\.0\.0\.1:\d+$/m);
    const hex = server.port.toString(16).toUpperCase().padStart(4, '0');
    const listeners = readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .filter((line) => line.includes(`:${hex} `) && line.trim().split(/\s+/)[3] === '0A');
    expect(listeners.map((line) => line.trim().split(/\s+/)[1])).toEqual([`0100007F:${hex}`]);
    expect(tcpSocketsOnPort(server.port)).toEqual(['LISTEN']);
    expect(server.stderr()).toBe('');
  });

  it.skipIf(noNamespace !== undefined).each([
    ['tcp', '0.0.0.0', /^notice: listening on every interface \(0\.0\.0\.0\): .*echo server/],
    ['tcp', '::', /^notice: listening on every interface \(::\): .*echo server/],
    ['tcp', '10.213.9.1', /listening on 10\.213\.9\.1/],
    ['udp', '0.0.0.0', /^notice: listening on every interface \(0\.0\.0\.0\): /],
    ['udp', '10.213.9.1', /listening on 10\.213\.9\.1/],
  ])(
    `%s server on %s prints a notice on stderr${noNamespace ? ` (skipped: ${noNamespace})` : ''}`,
    async (proto, host, where) => {
      const args =
        proto === 'tcp'
          ? ['tcp', 'server', '--port', '0', '--host', host as string]
          : ['udp', 'server', '0', '--host', host as string, '--keep'];
      const server = await serve(args, { netns });
      await server.line(/notice/i, 5000);
      const notices = server.stderr().split('\n').filter(Boolean);
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(where as RegExp);
      expect(notices[0]).toMatch(/other machines can reach/i);
      expect(notices[0]).toMatch(/127\.0\.0\.1/);
    },
  );
});

describe('udp --echo', () => {
  it('replies with exactly the bytes of each datagram, nothing left over from a bigger one', async () => {
    const server = await serve([
      'udp',
      'server',
      '0',
      '--host',
      '127.0.0.1',
      '--keep',
      '--echo',
      '--quiet',
    ]);
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const replies: Buffer[] = [];
    socket.on('message', (data) => replies.push(data));
    const sent = [
      Buffer.alloc(60_000, 0x41),
      Buffer.from([0x42]),
      Buffer.alloc(4096, 0x43),
      Buffer.from('hi'),
    ];
    try {
      for (const payload of sent) {
        const before = replies.length;
        socket.send(payload, server.port, '127.0.0.1');
        const deadline = Date.now() + 2000;
        while (replies.length === before && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 5));
        expect(replies[before]?.length).toBe(payload.length);
        expect(replies[before]?.equals(payload)).toBe(true);
      }
      // One reply per datagram: no amplification.
      await new Promise((r) => setTimeout(r, 200));
      expect(replies).toHaveLength(sent.length);
    } finally {
      socket.close();
    }
  });
});

describe('the inspector runs no shell and passes no user input to a child process', () => {
  const srcRoot = join(repoRoot, 'packages', 'inspector', 'src');
  const sources = (function walk(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return walk(path);
      return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
    });
  })(srcRoot);

  it('has sources to check', () => {
    expect(sources.length).toBeGreaterThan(5);
  });

  it('only collect/run-tool.ts touches child_process, with execFile and no shell', () => {
    const users = sources.filter((path) =>
      /child_process|Deno\.Command|Deno\.run|Bun\.spawn|Bun\.\$|\bexecSync\b|\bspawnSync\b/.test(
        readFileSync(path, 'utf8'),
      ),
    );
    expect(users.map((path) => relative(srcRoot, path))).toEqual(['collect/run-tool.ts']);
    const runTool = readFileSync(join(srcRoot, 'collect', 'run-tool.ts'), 'utf8');
    expect(runTool).toMatch(/import \{ execFile \} from 'node:child_process'/);
    expect(runTool).not.toMatch(/\bexec\(|\bspawn\(|shell\s*:/);
    for (const path of sources)
      expect(readFileSync(path, 'utf8'), relative(srcRoot, path)).not.toMatch(/shell\s*:\s*true/);
  });

  it('runs only fixed tools with literal arguments (loop variables over literal lists at most)', () => {
    let calls = 0;
    for (const path of sources) {
      const text = readFileSync(path, 'utf8');
      for (const match of text.matchAll(/\brun\(\s*([^,]+),\s*\[([^\]]*)\]\s*\)/g)) {
        calls++;
        const where = `${relative(srcRoot, path)}: ${match[0]}`;
        expect(match[1], where).toMatch(/^'(netstat|lsof|ss)'$/);
        for (const arg of (match[2] as string)
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean)) {
          if (/^'[^'$`]*'$/.test(arg)) continue;
          // An identifier must be the variable of a loop over a literal list of strings.
          expect(arg, where).toMatch(/^[a-z][A-Za-z]*$/);
          expect(text, where).toMatch(
            new RegExp(`for \\(const ${arg} of \\[('[^']*'(, )?)+\\]( as const)?\\)`),
          );
        }
      }
    }
    // The macOS and Windows collectors each run netstat; a change that hides the call fails here.
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  it('socklab inspect starts no program at all on Linux (PATH full of traps)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-trap-'));
    const marker = join(dir, 'ran');
    try {
      for (const tool of ['sh', 'bash', 'netstat', 'lsof', 'ss', 'ps', 'id', 'getent']) {
        writeFileSync(join(dir, tool), `#!/bin/sh\necho ${tool} >> ${marker}\n`);
        chmodSync(join(dir, tool), 0o755);
      }
      const result = await runCli(['inspect', '--json', '--proto', 'tcp', '--state', 'LISTEN'], {
        env: { PATH: `${dir}:${process.env.PATH}` },
      });
      expect(result.code, result.stderr).toBe(0);
      expect(() => JSON.parse(result.stdout)).not.toThrow();
      expect(existsSync(marker) ? readFileSync(marker, 'utf8') : '').toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
