// --trace narrates each client's whole socket life, through the real binary on this runtime.
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { killGroup, runCli, spawnCli, waitForLine } from '../../../test/helpers/cli.ts';

const servers: ChildProcess[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) killGroup(server);
});

const serverArgs = {
  tcp: ['tcp', 'server', '--port', '0', '--once'],
  udp: ['udp', 'server', '0', '--host', '127.0.0.1'],
};

/** Starts a `proto` server on a free loopback port, runs `<proto> client <host> <port> hi --trace`. */
async function traceClient(proto: 'tcp' | 'udp', host: string) {
  const server = spawnCli(serverArgs[proto]);
  servers.push(server);
  const ready = new RegExp(`Listening on ${proto} 127\\.0\\.0\\.1:(\\d+)`);
  const port = Number((await waitForLine(server, ready))[1]);
  const { code, stdout } = await runCli([proto, 'client', host, String(port), 'hi', '--trace']);
  expect(code).toBe(0);
  const lines = stdout.trimEnd().split('\n');
  const closeLine = new RegExp(
    `^close ${proto} 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:${port} \\+`,
  );
  return { types: lines.map((line) => line.split(' ')[0]), lines, closeLine };
}

describe('--trace lifecycle', () => {
  it('tcp client: connect, send, recv, close (with both ends)', async () => {
    const { types, lines, closeLine } = await traceClient('tcp', '127.0.0.1');
    expect(types).toEqual(['connect', 'send', 'recv', 'close']);
    expect(lines[3]).toMatch(closeLine);
  });

  it('tcp client: resolve comes first when the host is a name', async () => {
    const { types, lines } = await traceClient('tcp', 'localhost');
    expect(types).toEqual(['resolve', 'connect', 'send', 'recv', 'close']);
    expect(lines[0]).toMatch(/^resolve tcp localhost = 127\.0\.0\.1 \+/);
  });

  it('udp client: bind, send, recv, close, from the real local address', async () => {
    const { types, lines, closeLine } = await traceClient('udp', '127.0.0.1');
    expect(types).toEqual(['bind', 'send', 'recv', 'close']);
    expect(lines[0]).toMatch(/^bind udp 127\.0\.0\.1:\d+ \+/);
    expect(lines[3]).toMatch(closeLine);
  });
});
