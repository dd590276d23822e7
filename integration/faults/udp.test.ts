// UDP faults: the biggest datagrams, bursts beyond the socket buffer, closed ports, and a lossy,
// slow path (tc netem in a namespace when the kernel has it; a user-space lossy relay always).
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../test/helpers/cli.ts';
import { runtimeName, type Server, startLoad, startServer, stress } from './helpers.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop('SIGKILL')));
});
async function udpServer(args: string[], options: { netns?: string } = {}): Promise<Server> {
  const server = await startServer(
    ['udp', 'server', '0', '--host', '127.0.0.1', '--keep', ...args],
    options,
  );
  servers.push(server);
  return server;
}
const events = (server: Server) =>
  server
    .stdout()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

/** Sends `payload` from a fresh socket and resolves with the reply (or undefined after 2 s). */
function exchange(port: number, payload: Uint8Array): Promise<Uint8Array | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => finish(undefined), 2000);
    const finish = (reply: Uint8Array | undefined) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    socket.on('message', (data) => finish(new Uint8Array(data)));
    socket.on('error', () => finish(undefined));
    socket.send(payload, port, '127.0.0.1');
  });
}

/** Kernel receive-buffer drops of the UDP socket bound to `port` (last column of /proc/net/udp). */
function kernelDrops(port: number): number {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1]?.endsWith(hex)) return Number(fields[fields.length - 1]);
  }
  throw new Error(`no udp socket on port ${port}`);
}

describe('udp faults', () => {
  it('--echo handles datagrams up to the 65,507-byte limit and never replies with more than it got', async () => {
    const server = await udpServer(['--echo', '--quiet']);
    for (const size of [1, 1023, 1024, 1025, 8192, 65_507]) {
      const payload = new Uint8Array(size).map((_, i) => (i * 31 + size) & 0xff);
      const reply = await exchange(server.port, payload);
      expect(reply?.length, `reply to ${size} bytes`).toBe(size);
      expect(Buffer.from(reply as Uint8Array).equals(Buffer.from(payload))).toBe(true);
    }
    // The seed-sized client buffer (1024) says the reply was truncated instead of cutting silently.
    const client = await runCli([
      'udp',
      'client',
      '127.0.0.1',
      String(server.port),
      'y'.repeat(65_507),
    ]);
    expect(client.code, client.stderr).toBe(0);
    expect(client.stderr).toMatch(/65507|65,507/);
    expect(client.stderr).toMatch(/1024/);
    expect((await server.stop('SIGTERM')).code).toBe(0);
  });

  it('survives a burst bigger than its socket buffer and reports the drops', async () => {
    const server = await udpServer(['--echo', '--quiet', '--json']);
    const count = stress ? 200_000 : 20_000;
    const burst = startLoad('udp-burst', { port: server.port, count, size: 1400 });
    const { sent } = await burst.result<{ sent: number }>('done', 60_000);
    expect(sent).toBe(count);
    await new Promise((r) => setTimeout(r, 500));
    const drops = kernelDrops(server.port);
    // A second client still gets its echo: the server is up and serving.
    expect((await exchange(server.port, new Uint8Array([1, 2, 3])))?.length).toBe(3);
    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const summary = events(server).find(
      (e) => e.type === 'info' && e.details?.datagrams !== undefined,
    );
    expect(summary?.details?.datagrams).toBeGreaterThan(0);
    // Received + dropped by the kernel = sent (+1 for the probe): nothing vanished unaccounted.
    expect(summary.details.datagrams + drops).toBe(count + 1);
    // The operator learns about the drops from socklab itself, not only from /proc.
    expect(drops).toBeGreaterThan(0);
    expect(`${summary.message} ${JSON.stringify(summary.details)}`).toMatch(/drop/i);
  });

  it('keeps replying while its stdout stalls, drops events instead of memory, and says so', {
    timeout: 60_000,
  }, async () => {
    const server = await udpServer([]);
    // Nobody reads the server's stdout now: the pipe fills and its writes stop.
    server.child.stdout?.pause();
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    let replies = 0;
    socket.on('message', () => replies++);
    // Request/reply in windows of 50, so the socket buffers never overflow: every reply counts.
    const total = stress ? 40_000 : 8_000;
    for (let sent = 0; sent < total; sent += 50) {
      const target = sent + 50;
      for (let i = 0; i < 50; i++) socket.send('ping', server.port, '127.0.0.1');
      const deadline = Date.now() + 5000;
      while (replies < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
      if (replies < target) break;
    }
    socket.close();
    expect(replies).toBe(total);
    server.child.stdout?.resume();
    const notice = await server.line(/Output too slow: dropped (\d+) events?/, 20_000);
    expect(Number(notice[1])).toBeGreaterThan(0);
    expect((await server.stop('SIGTERM')).code).toBe(0);
    expect(server.stdout() + server.stderr()).toMatch(new RegExp(`Received ${total} datagrams`));
  });

  it('explains ICMP port unreachable as connection refused, also when retrying', async () => {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const port = socket.address().port;
    await new Promise<void>((resolve) => socket.close(resolve));
    const result = await runCli([
      'udp',
      'client',
      '127.0.0.1',
      String(port),
      'hi',
      '--retries',
      '2',
      '--timeout',
      '500',
    ]);
    expect(result.code).toBe(1);
    if (runtimeName === 'deno') {
      // Deno.listenDatagram never surfaces ICMP errors: the failure is a timeout that says so.
      expect(result.stderr).toMatch(
        new RegExp(
          `nothing may be listening on udp 127\\.0\\.0\\.1:${port} \\(this runtime cannot see "connection refused"\\)`,
        ),
      );
    } else {
      expect(result.stderr).toMatch(
        new RegExp(`connection refused: nothing is listening on udp 127\\.0\\.0\\.1:${port}`),
      );
    }
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^socklab: /);
  });

  it('--retries recovers through a lossy, slow path (user-space relay: first 2 requests dropped, 50 ms each way)', async () => {
    const server = await udpServer(['--echo', '--quiet']);
    const relay = startLoad('udp-relay', { port: server.port, dropFirst: 2, delayMs: 50 });
    try {
      const { port } = await relay.result<{ port: number }>('ready', 10_000);
      const result = await runCli([
        'udp',
        'client',
        '127.0.0.1',
        String(port),
        'through the storm',
        '--timeout',
        '300',
        '--retries',
        '4',
        '--json',
      ]);
      expect(result.code, result.stderr).toBe(0);
      const lines = result.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line));
      expect(lines.filter((e) => e.type === 'timeout')).toHaveLength(2);
      const recv = lines.find((e) => e.type === 'recv');
      expect(recv).toMatchObject({ text: 'through the storm', attempt: 3 });
      expect(recv.rttMs).toBeGreaterThanOrEqual(100);
    } finally {
      relay.release();
      await relay.exited;
    }
  });
});

// tc netem inside a namespace the test creates; the kernel here may lack sch_netem.
const netns = `socklab-netem-${process.pid % 10000}${Math.floor(Math.random() * 1000)}`;
function setUpNetem(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for ip netns';
  const add = spawnSync('ip', ['netns', 'add', netns], { encoding: 'utf8' });
  if (add.status !== 0) return `ip netns add failed: ${add.stderr.trim()}`;
  spawnSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
  const tc = spawnSync(
    'ip',
    [
      'netns',
      'exec',
      netns,
      'tc',
      'qdisc',
      'add',
      'dev',
      'lo',
      'root',
      'netem',
      'loss',
      '30%',
      'delay',
      '50ms',
    ],
    { encoding: 'utf8' },
  );
  if (tc.error) return `tc is missing: ${tc.error.message}`;
  if (tc.status !== 0) return `tc netem is unavailable on this kernel: ${tc.stderr.trim()}`;
  return undefined;
}
const netemUnavailable = setUpNetem();
afterAll(() => {
  spawnSync('ip', ['netns', 'del', netns]);
});

describe('udp over tc netem (30% loss, 50 ms delay) in a namespace', () => {
  it.skipIf(netemUnavailable !== undefined)(
    `--retries recovers${netemUnavailable ? ` (skipped: ${netemUnavailable})` : ''}`,
    async () => {
      const server = await udpServer(['--echo', '--quiet'], { netns });
      for (let i = 0; i < 5; i++) {
        const { runtimeArgv, cliBin } = await import('../../test/helpers/cli.ts');
        const [cmd, prefix] = runtimeArgv(cliBin);
        const result = spawnSync(
          'ip',
          [
            'netns',
            'exec',
            netns,
            cmd,
            ...prefix,
            'udp',
            'client',
            '127.0.0.1',
            String(server.port),
            `try ${i}`,
            '--timeout',
            '400',
            '--retries',
            '10',
          ],
          { encoding: 'utf8', timeout: 30_000 },
        );
        expect(result.status, result.stderr).toBe(0);
        expect(result.stdout).toContain(`Message from server: try ${i}`);
      }
    },
  );
});
