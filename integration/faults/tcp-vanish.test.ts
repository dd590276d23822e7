// Peers that vanish without a FIN or RST: the client sits in a network namespace joined to the
// server's by a veth pair, and the test deletes the link. Only --idle-timeout can notice; the server
// must reap them and keep serving. Needs root and `ip netns` (skipped with the reason otherwise).
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { type Server, startLoad, startServer } from './helpers.ts';

const id = `${process.pid % 10000}${Math.floor(Math.random() * 1000)}`;
const serverNs = `socklab-vs-${id}`;
const clientNs = `socklab-vc-${id}`;
const ip = (...args: string[]) => spawnSync('ip', args, { encoding: 'utf8' });

function setUpNamespaces(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for ip netns';
  const steps = [
    ['netns', 'add', serverNs],
    ['netns', 'add', clientNs],
    [
      '-n',
      serverNs,
      'link',
      'add',
      'vs0',
      'type',
      'veth',
      'peer',
      'name',
      'vc0',
      'netns',
      clientNs,
    ],
    ['-n', serverNs, 'addr', 'add', '10.213.7.1/30', 'dev', 'vs0'],
    ['-n', clientNs, 'addr', 'add', '10.213.7.2/30', 'dev', 'vc0'],
    ['-n', serverNs, 'link', 'set', 'lo', 'up'],
    ['-n', serverNs, 'link', 'set', 'vs0', 'up'],
    ['-n', clientNs, 'link', 'set', 'vc0', 'up'],
  ];
  for (const step of steps) {
    const result = ip(...step);
    if (result.status !== 0)
      return `ip ${step.join(' ')} failed: ${(result.stderr || result.error?.message || '').trim()}`;
  }
  return undefined;
}

const unavailable = setUpNamespaces();
let server: Server | undefined;
afterAll(async () => {
  await server?.stop('SIGKILL');
  ip('netns', 'del', serverNs);
  ip('netns', 'del', clientNs);
});

describe('tcp server and peers that vanish without FIN', () => {
  it.skipIf(unavailable !== undefined)(
    `reaps them with --idle-timeout and keeps serving${unavailable ? ` (skipped: ${unavailable})` : ''}`,
    async () => {
      // 0.0.0.0 only inside the test's own namespace: reachable from the client namespace and lo.
      server = await startServer(
        ['tcp', 'server', '--host', '0.0.0.0', '--port', '0', '--idle-timeout', '1500', '--json'],
        { netns: serverNs },
      );
      const count = 20;
      const peers = startLoad(
        'hold',
        { host: '10.213.7.1', port: server.port, count },
        { netns: clientNs },
      );
      expect(await peers.result('ready', 15_000)).toEqual({ open: count });
      // The wire is cut: nothing the client namespace does from now on reaches the server.
      expect(ip('-n', serverNs, 'link', 'del', 'vs0').status).toBe(0);
      peers.child.kill('SIGKILL');
      const local = startLoad(
        'hold',
        { host: '127.0.0.1', port: server.port, count: 1 },
        { netns: serverNs },
      );
      expect(await local.result('ready', 10_000)).toEqual({ open: 1 });
      local.release();
      await local.result('done');
      const reaped = () =>
        server
          ?.stdout()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line))
          .filter(
            (e) =>
              e.type === 'close' && e.connection !== undefined && /idle/.test(String(e.reason)),
          ).length ?? 0;
      const deadline = Date.now() + 10_000;
      while (reaped() < count && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(reaped()).toBe(count);
      // With --json the non-loopback notice is an info event on stdout.
      expect(server.stdout()).toMatch(/"type":"info".*listening on every interface \(/i);
      const stopped = await server.stop('SIGTERM');
      expect(stopped).toEqual({ code: 0, signal: null });
    },
  );
});
