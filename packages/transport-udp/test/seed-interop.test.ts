// The seed's own Python programs against the real socklab binary, both directions.
// Mandatory in CI (seedPath throws there when the seed is missing).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import {
  collect,
  freePort,
  killGroup,
  runCli,
  seedPath,
  spawnCli,
  waitForLine,
} from '../../../test/helpers/cli.ts';

const seedClient = seedPath('udp_client.py');
const seedServer = seedPath('udp_server.py');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) killGroup(child);
});

function started(child: ChildProcess): { child: ChildProcess; output: () => string } {
  children.push(child);
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  return { child, output: () => stdout };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe.skipIf(!seedClient || !seedServer)('seed interop', () => {
  it('seed udp_client.py -> socklab udp server', async () => {
    const server = started(spawnCli(['udp', 'server', '0', '--host', '127.0.0.1']));
    const [, port] = (await waitForLine(
      server.child,
      /^Listening on udp 127\.0\.0\.1:(\d+)$/,
    )) as RegExpMatchArray;
    const client = await collect(
      spawn('python3', [seedClient as string, '127.0.0.1', port as string, 'Hello from the seed'], {
        detached: true,
      }),
    );
    expect(client.stdout).toBe('Message from server: Message received.\n');
    expect(client.code).toBe(0);
    expect(await exited(server.child)).toBe(0);
    expect(server.output()).toMatch(
      new RegExp(
        `^${hostname()}\\nListening on udp 127\\.0\\.0\\.1:${port}\\nServer received: Hello from the seed\\nMessage from \\('127\\.0\\.0\\.1', \\d+\\)\\n$`,
      ),
    );
  });

  it('socklab udp client -> seed udp_server.py', async () => {
    // The seed binds whatever its host name resolves to: aim the client there.
    const probe = spawnSync(
      'python3',
      ['-c', 'import socket; print(socket.gethostbyname(socket.gethostname()))'],
      {
        encoding: 'utf8',
      },
    );
    const address = probe.stdout.trim();
    expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const port = await freePort();
    // -u: unbuffered stdout, so the lines arrive as the seed prints them.
    const server = started(
      spawn('python3', ['-u', seedServer as string, String(port)], { detached: true }),
    );
    await waitForLine(server.child, /\S/);
    const client = await runCli([
      'udp',
      'client',
      address,
      String(port),
      'Hello from socklab',
      '--timeout',
      '1000',
      '--retries',
      '5',
    ]);
    expect(client.stderr).toBe('');
    expect(client.stdout).toBe('Message from server: Message received.\n');
    expect(client.code).toBe(0);
    expect(await exited(server.child)).toBe(0);
    expect(server.output()).toMatch(
      new RegExp(
        `^${hostname()}\\nServer received: Hello from socklab\\nMessage from \\('${address.replaceAll('.', '\\.')}', \\d+\\)\\n$`,
      ),
    );
  });
});
