// `socklab tcp server|client` through the real binary, and interop with the seed's Python
// programs both ways. Mandatory in CI: seedPath throws there when the seed is missing.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  cliBin,
  collect,
  freePort,
  killGroup,
  runCli,
  seedPath,
  spawnCli,
  waitForLine,
} from '../../../test/helpers/cli.ts';

const seedServer = seedPath('echo-server.py');
const seedClient = seedPath('echo-client.py');
const haveCli = existsSync(cliBin);
if (!haveCli && process.env.CI) throw new Error(`${cliBin} is missing: build first (npx tsc -b)`);

const work = mkdtempSync(join(tmpdir(), 'socklab-tcp-'));
const children: ChildProcess[] = [];
const servers: Server[] = [];

afterEach(() => {
  for (const child of children.splice(0)) killGroup(child);
  for (const server of servers.splice(0)) server.close();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function track(child: ChildProcess): {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
} {
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  return { child, stdout: () => out, stderr: () => err };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** A copy of a seed program with its PORT line changed. */
function seedCopy(path: string, port: number): string {
  const source = readFileSync(path, 'utf8');
  const patched = source.replace(/^PORT = \d+/m, `PORT = ${port}`);
  expect(patched).not.toBe(source);
  const copy = join(work, `${port}-${path.split('/').at(-1)}`);
  writeFileSync(copy, patched);
  return copy;
}

async function startServer(args: string[]) {
  const server = track(spawnCli(['tcp', 'server', '--port', '0', ...args]));
  const [, port] = (await waitForLine(
    server.child,
    /^Listening on tcp 127\.0\.0\.1:(\d+)$/,
  )) as RegExpMatchArray;
  return { ...server, port: Number(port) };
}

async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A local server that misbehaves in a given way, for client error paths. */
function fakeServer(onConnection: (socket: import('node:net').Socket) => void): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer(onConnection);
    servers.push(server);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

describe.skipIf(!seedServer || !seedClient || !haveCli)('seed interop', () => {
  it('seed echo-client.py -> socklab tcp server --once', async () => {
    const port = await freePort();
    const server = track(spawnCli(['tcp', 'server', '--once', '--port', String(port)]));
    await waitForLine(server.child, new RegExp(`^Listening on tcp 127\\.0\\.0\\.1:${port}$`));
    const client = await collect(
      spawn('python3', [seedCopy(seedClient as string, port)], { detached: true }),
    );
    expect(client.stdout).toBe("Received b'Hello, world'\n");
    expect(client.code).toBe(0);
    expect(await exited(server.child)).toBe(0);
    expect(server.stdout()).toMatch(
      new RegExp(
        `^Listening on tcp 127\\.0\\.0\\.1:${port}\\nConnected by \\('127\\.0\\.0\\.1', \\d+\\)\\n$`,
      ),
    );
  });

  it('socklab tcp client -> seed echo-server.py', async () => {
    const port = await freePort();
    const seed = track(
      spawn('python3', [seedCopy(seedServer as string, port)], { detached: true }),
    );
    // The seed prints nothing before accepting: retry while it is still starting up.
    let result = await runCli(['tcp', 'client', '127.0.0.1', String(port)]);
    for (let i = 0; i < 50 && /connection refused/.test(result.stderr); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      result = await runCli(['tcp', 'client', '127.0.0.1', String(port)]);
    }
    expect(result.stdout).toBe("Received b'Hello, world'\n");
    expect(result.code).toBe(0);
    expect(await exited(seed.child)).toBe(0);
    expect(seed.stdout()).toMatch(/^Connected by \('127\.0\.0\.1', \d+\)\n$/);
  });
});

describe.skipIf(!haveCli)('socklab tcp', () => {
  it('serves clients until SIGINT, then prints a summary and exits 0', async () => {
    const server = await startServer([]);
    const client = await runCli(['tcp', 'client', '127.0.0.1', String(server.port), 'ping']);
    expect(client).toMatchObject({ code: 0, stdout: "Received b'ping'\n" });
    await eventually(() =>
      /\nClosed \('127\.0\.0\.1', \d+\) after .*: 4 B in, 4 B out \(peer closed\)\n/.test(
        server.stdout(),
      ),
    );
    killGroup(server.child, 'SIGINT');
    expect(await exited(server.child)).toBe(0);
    expect(server.stdout()).toMatch(/\nConnected by \('127\.0\.0\.1', \d+\)\n/);
    expect(server.stdout()).toMatch(/\nServed 1 connection: 4 B in, 4 B out in [\d.]+ ms\n$/);
  });

  it('--quiet prints only the ready line and the summary', async () => {
    const server = await startServer(['--quiet']);
    expect((await runCli(['tcp', 'client', '127.0.0.1', String(server.port)])).code).toBe(0);
    killGroup(server.child, 'SIGTERM');
    expect(await exited(server.child)).toBe(0);
    expect(server.stdout()).toMatch(
      /^Listening on tcp 127\.0\.0\.1:\d+\nServed 1 connection: 12 B in, 12 B out in [\d.]+ ms\n$/,
    );
  });

  it('client: --repeat and --size verify every echo and summarise round-trip times', async () => {
    const server = await startServer(['--quiet']);
    const result = await runCli([
      'tcp',
      'client',
      '127.0.0.1',
      String(server.port),
      '--size',
      '200000',
      '--repeat',
      '3',
    ]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual(
      Array(3).fill('Received 200000 bytes (195 KiB), echo verified'),
    );
    expect(lines[3]).toMatch(
      /^3 round trips of 195 KiB to 127\.0\.0\.1:\d+, echo verified: rtt min [\d.]+ ms, median [\d.]+ ms, p99 [\d.]+ ms$/,
    );
  });

  it('client: payload from standard input and from a file', async () => {
    const server = await startServer(['--quiet']);
    const fromStdin = await runCli(['tcp', 'client', '127.0.0.1', String(server.port), '-'], {
      input: 'from stdin\n',
    });
    expect(fromStdin).toMatchObject({ code: 0, stdout: "Received b'from stdin\\n'\n" });
    // Nothing on stdin is bad input, as for the UDP client.
    const empty = await runCli(['tcp', 'client', '127.0.0.1', String(server.port), '-'], {
      input: '',
    });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(
      /^socklab: Cannot send an empty payload: standard input had no bytes/,
    );
    const file = join(work, 'payload.bin');
    writeFileSync(file, Buffer.from([0, 1, 2, 0xff, 0x27]));
    const fromFile = await runCli([
      'tcp',
      'client',
      '127.0.0.1',
      String(server.port),
      '--file',
      file,
    ]);
    expect(fromFile).toMatchObject({ code: 0, stdout: `Received b"\\x00\\x01\\x02\\xff'"\n` });
  });

  it('client: refused, mismatched, reset and timed-out echoes fail in one line, exit 1', async () => {
    const closed = await freePort();
    const refused = await runCli(['tcp', 'client', '127.0.0.1', String(closed)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(`Cannot connect to tcp 127\\.0\\.0\\.1:${closed}: connection refused`),
    );

    const liar = await fakeServer((socket) =>
      socket.on('data', (d) => socket.write(Buffer.from(d).reverse())),
    );
    const mismatch = await runCli(['tcp', 'client', '127.0.0.1', String(liar), 'abc']);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(
      /Cannot verify echo from tcp 127\.0\.0\.1:\d+: data mismatch at byte 0/,
    );

    // An echo and then some, in one write: "echo verified" would be a lie.
    const chatty = await fakeServer((socket) =>
      socket.on('data', (d) => socket.write(Buffer.concat([d, Buffer.from('!!')]))),
    );
    const extra = await runCli(['tcp', 'client', '127.0.0.1', String(chatty), 'abc']);
    expect([extra.code, extra.stdout]).toEqual([1, '']);
    expect(extra.stderr).toMatch(
      /Cannot verify echo from tcp 127\.0\.0\.1:\d+: the server sent 2 bytes more than the 3 it was sent/,
    );

    const rude = await fakeServer((socket) => socket.on('data', () => socket.resetAndDestroy()));
    const reset = await runCli(['tcp', 'client', '127.0.0.1', String(rude)]);
    expect(reset.code).toBe(1);
    expect(reset.stderr).toMatch(
      /Cannot receive echo from tcp 127\.0\.0\.1:\d+: connection reset by peer/,
    );

    const silent = await fakeServer(() => {});
    const timeout = await runCli([
      'tcp',
      'client',
      '127.0.0.1',
      String(silent),
      '--timeout',
      '300',
    ]);
    expect(timeout.code).toBe(1);
    expect(timeout.stderr).toMatch(/Cannot receive echo from tcp 127\.0\.0\.1:\d+: timed out/);
  });

  it('bad input: usage errors exit 2, a port in use exits 1 and leaves nothing listening', async () => {
    const zero = await runCli(['tcp', 'server', '--max-connections', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--max-connections "0"/);
    const badHost = await runCli(['tcp', 'server', '--host', '999.1.1.1']);
    expect(badHost.code).toBe(2);
    const badPort = await runCli(['tcp', 'client', '127.0.0.1', '65536']);
    expect(badPort.code).toBe(2);
    const conflict = await runCli(['tcp', 'client', '--size', '10', '--file', '/dev/null']);
    expect(conflict.code).toBe(2);

    const server = await startServer(['--quiet']);
    const taken = await runCli(['tcp', 'server', '--port', String(server.port)]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(
      new RegExp(`Cannot bind tcp 127\\.0\\.0\\.1:${server.port}: address already in use`),
    );
    expect(taken.stdout).not.toMatch(/Listening/);
  });
});
