// Misbehaving peers against `socklab tcp server`: resets mid-stream, a reader that never reads,
// slowloris, and a flood of connections. The server must stay up, keep serving, and keep its memory.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { cliBin, killGroup, runtimeArgv } from '../../test/helpers/cli.ts';
import {
  echoProbe,
  MiB,
  rss,
  type Server,
  sampleRss,
  startLoad,
  startServer,
  stress,
  tcpSocketsOnPort,
  watchChild,
} from './helpers.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop('SIGKILL')));
});
async function serve(args: string[]): Promise<Server> {
  const server = await startServer(['tcp', 'server', '--port', '0', ...args]);
  servers.push(server);
  return server;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `rounds` request/reply exchanges of 100 bytes on one connection; true when every reply matched. */
function pingPong(port: number, rounds: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const request = Buffer.alloc(100, 0x61);
    let pending = 0;
    let done = 0;
    socket.on('connect', () => {
      pending = request.length;
      socket.write(request);
    });
    socket.on('data', (chunk) => {
      if (chunk.some((byte) => byte !== 0x61)) return finish(false);
      pending -= chunk.length;
      if (pending > 0) return;
      if (++done === rounds) return finish(pending === 0);
      pending = request.length;
      socket.write(request);
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
  });
}

/** Waits until `check` holds (polling), or fails with `what` after `timeoutMs`. */
async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(50);
  }
}

describe('tcp server against misbehaving peers', () => {
  it('survives peers that reset mid-stream (SO_LINGER 0) and closes their sockets', async () => {
    const server = await serve(['--json']);
    const load = startLoad('reset', {
      port: server.port,
      count: stress ? 500 : 100,
      bytes: 256 * 1024,
    });
    expect(await load.result<{ resets: number }>('done', 30_000)).toEqual({
      resets: stress ? 500 : 100,
    });
    expect(await echoProbe(server.port)).toBe(true);
    await until(
      () => tcpSocketsOnPort(server.port).every((s) => s === 'LISTEN' || s === 'TIME_WAIT'),
      'reset sockets closed',
    );
    // Complete lines only: the server may be writing the last one.
    const events = () =>
      server
        .stdout()
        .split('\n')
        .slice(0, -1)
        .map((line) => JSON.parse(line));
    const ids = (type: string) =>
      new Set(
        events()
          .filter((e) => e.type === type && e.connection !== undefined)
          .map((e) => e.connection as number),
      );
    // Every peer was accepted, and every accepted connection is reported closed (the report may
    // trail the kernel's socket table). A connection that never reports its close leaks its fd.
    await until(() => {
      const closed = ids('close');
      return [...ids('accept')].every((id) => closed.has(id));
    }, 'a close event for every accepted connection');
    expect(ids('accept').size).toBeGreaterThanOrEqual(stress ? 500 : 100);
    const closes = events().filter((e) => e.type === 'close' && e.connection !== undefined);
    expect(closes.some((e) => /reset/.test(String(e.reason)) || e.code === 'ECONNRESET')).toBe(
      true,
    );
    expect(server.stderr()).not.toMatch(/^\s+at /m);
    expect((await server.stop('SIGTERM')).code).toBe(0);
  });

  it('applies backpressure to a peer that never reads: RSS grows by at most 64 MiB', async () => {
    const server = await serve(['--quiet']);
    await echoProbe(server.port);
    const baseline = rss(server.pid);
    const peak = sampleRss(server.pid, 50);
    const load = startLoad('no-read', {
      port: server.port,
      limit: stress ? 2048 * MiB : 512 * MiB,
      stallMs: 1500,
      timeMs: 20_000,
    });
    const ready = await load.result<{ written: number; flushed: number }>('ready', 30_000);
    // Without backpressure the server would have read (and buffered) all of it.
    expect(ready.written).toBeLessThan(stress ? 2048 * MiB : 512 * MiB);
    expect(await echoProbe(server.port)).toBe(true);
    const grown = peak.stop() - baseline;
    load.release();
    await load.result('done');
    expect(grown, `server RSS grew by ${(grown / MiB).toFixed(1)} MiB`).toBeLessThanOrEqual(
      64 * MiB,
    );
  });

  it('--idle-timeout ends slowloris peers sending one byte a second, and keeps serving', async () => {
    const server = await serve(['--idle-timeout', '600', '--json']);
    const count = stress ? 200 : 20;
    const load = startLoad('slow', { port: server.port, count, maxMs: 6000 });
    await sleep(300);
    expect(await echoProbe(server.port)).toBe(true);
    const { closedAfter } = await load.result<{ closedAfter: (number | null)[] }>('done', 20_000);
    // Each was cut within about idle-timeout of its first silence, not left to trickle on for 6 s.
    expect(closedAfter.filter((ms) => ms === null)).toEqual([]);
    for (const ms of closedAfter) expect(ms).toBeLessThan(3000);
    const closes = server
      .stdout()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((e) => e.type === 'close' && e.connection !== undefined);
    expect(closes.filter((e) => /idle/.test(String(e.reason))).length).toBe(count);
  });

  it('keeps echoing while its stdout stalls under --trace, drops events instead, and says so', {
    timeout: 60_000,
  }, async () => {
    const server = await serve(['--trace']);
    const baseline = rss(server.pid);
    // Nobody reads the server's stdout now: the pipe fills and its writes stop.
    server.child.stdout?.pause();
    const connections = 20;
    const rounds = stress ? 2000 : 500;
    // 2 trace events per round trip: far more than the server's backlog of 4096.
    const results = await Promise.all(
      Array.from({ length: connections }, () => pingPong(server.port, rounds)),
    );
    expect(results).toEqual(results.map(() => true));
    const stalled = rss(server.pid);
    server.child.stdout?.resume();
    const notice = await server.line(/Output too slow: dropped (\d+) events?/, 20_000);
    expect(Number(notice[1])).toBeGreaterThan(0);
    expect(
      stalled - baseline,
      `RSS grew ${((stalled - baseline) / MiB).toFixed(1)} MiB`,
    ).toBeLessThanOrEqual(64 * MiB);
    expect((await server.stop('SIGTERM')).code).toBe(0);
    // The trace summary: "close tcp 127.0.0.1:<port> … stopped".
    expect(server.stdout()).toMatch(/^close tcp \S+ .* stopped$/m);
  });

  it('stops as on SIGTERM when the reader of its stdout goes away (socklab … | head)', {
    timeout: 30_000,
  }, async () => {
    // A real pipeline (sed -u 3q: head, unbuffered): bash waits for both ends and exits with the
    // server's own status.
    const [cmd, prefix] = runtimeArgv(cliBin);
    const server = watchChild(
      spawn(
        'bash',
        [
          '-c',
          'set -o pipefail; "$@" | sed -u 3q',
          'bash',
          cmd,
          ...prefix,
          'tcp',
          'server',
          '--host',
          '127.0.0.1',
          '--port',
          '0',
          '--trace',
        ],
        { env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' }, detached: true },
      ),
    );
    try {
      const port = Number((await server.line(/^listen tcp 127\.0\.0\.1:(\d+)/))[1]);
      // Echo traffic until the server is gone: every round trip is two more trace lines.
      const traffic = Array.from({ length: 4 }, () => pingPong(port, 1_000_000));
      const exit = await Promise.race([
        server.exited,
        sleep(20_000).then(() => 'still running' as const),
      ]);
      expect(exit).toEqual({ code: 0, signal: null });
      await Promise.all(traffic);
      expect(server.stderr()).toBe('');
      expect(server.stdout().split('\n').filter(Boolean)).toHaveLength(3);
      expect(tcpSocketsOnPort(port)).not.toContain('LISTEN');
    } finally {
      killGroup(server.child);
    }
  });

  const flood = stress ? 10_000 : 1_000;
  it(`stays up through a flood of ${flood} connections, serves during and after, and returns to its memory`, {
    timeout: stress ? 180_000 : 60_000,
  }, async () => {
    const server = await serve(['--quiet', '--max-connections', String(flood + 100)]);
    expect(await echoProbe(server.port)).toBe(true);
    await sleep(300);
    const baseline = rss(server.pid);
    const load = startLoad('flood', { port: server.port, count: flood, inFlight: 200 });
    const ready = await load.result<{
      open: number;
      failed: number;
      echoed: number;
      probed: number;
    }>('ready', stress ? 150_000 : 45_000);
    expect(ready).toMatchObject({ open: flood, failed: 0, echoed: 5, probed: 5 });
    expect(await echoProbe(server.port)).toBe(true);
    const during = rss(server.pid);
    load.release();
    await load.result('done', 30_000);
    await until(
      () => tcpSocketsOnPort(server.port).filter((s) => s === 'ESTABLISHED').length === 0,
      'flood connections closed',
      20_000,
    );
    await sleep(2000);
    const after = rss(server.pid);
    expect(await echoProbe(server.port)).toBe(true);
    expect(
      after - baseline,
      `RSS baseline ${(baseline / MiB).toFixed(1)} MiB, during ${(during / MiB).toFixed(1)} MiB, 2 s after ${(after / MiB).toFixed(1)} MiB`,
    ).toBeLessThanOrEqual(64 * MiB);
    expect((await server.stop('SIGTERM')).code).toBe(0);
  });
});
