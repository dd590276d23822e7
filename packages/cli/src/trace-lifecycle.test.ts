// --trace narrates each client's whole socket life, through the real binary on this runtime.
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { killGroup, runCli, spawnCli, waitForLine } from '../../../test/helpers/cli.ts';

const servers: ChildProcess[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) killGroup(server);
});

async function startServer(args: string[], proto: string): Promise<number> {
  const server = spawnCli(args);
  servers.push(server);
  const match = await waitForLine(
    server,
    new RegExp(`Listening on ${proto} 127\\.0\\.0\\.1:(\\d+)`),
  );
  return Number(match[1]);
}

/** The trace lines' types, and the local address each line names first. */
function traced(stdout: string): { types: string[]; lines: string[] } {
  const lines = stdout.trimEnd().split('\n');
  return { types: lines.map((line) => line.split(' ')[0] ?? ''), lines };
}

describe('--trace lifecycle', () => {
  it('tcp client: connect, send, recv, close (with both ends)', async () => {
    const port = await startServer(['tcp', 'server', '--port', '0', '--once'], 'tcp');
    const { code, stdout } = await runCli([
      'tcp',
      'client',
      '127.0.0.1',
      String(port),
      'hi',
      '--trace',
    ]);
    expect(code).toBe(0);
    const { types, lines } = traced(stdout);
    expect(types).toEqual(['connect', 'send', 'recv', 'close']);
    expect(lines[3]).toMatch(
      new RegExp(`^close tcp 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:${port} \\+`),
    );
  });

  it('tcp client: resolve comes first when the host is a name', async () => {
    const port = await startServer(['tcp', 'server', '--port', '0', '--once'], 'tcp');
    const { code, stdout } = await runCli([
      'tcp',
      'client',
      'localhost',
      String(port),
      'hi',
      '--trace',
    ]);
    expect(code).toBe(0);
    const { types, lines } = traced(stdout);
    expect(types).toEqual(['resolve', 'connect', 'send', 'recv', 'close']);
    expect(lines[0]).toMatch(/^resolve tcp localhost = 127\.0\.0\.1 \+/);
  });

  it('udp client: bind, send, recv, close, from the real local address', async () => {
    const port = await startServer(['udp', 'server', '0', '--host', '127.0.0.1'], 'udp');
    const { code, stdout } = await runCli([
      'udp',
      'client',
      '127.0.0.1',
      String(port),
      'hi',
      '--trace',
    ]);
    expect(code).toBe(0);
    const { types, lines } = traced(stdout);
    expect(types).toEqual(['bind', 'send', 'recv', 'close']);
    expect(lines[0]).toMatch(/^bind udp 127\.0\.0\.1:\d+ \+/);
    expect(lines[3]).toMatch(
      new RegExp(`^close udp 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:${port} \\+`),
    );
  });
});
