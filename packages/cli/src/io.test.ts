import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { written } from './io.ts';
import { outputGuard, type StopSignal, stopSignals } from './io-output.ts';

describe('written (what flush waits for before the process exits)', () => {
  it('resolves only once output queued in the process has gone to the OS', async () => {
    // A real socket whose peer does not read yet: writes queue in the process, as on an
    // asynchronous pipe (macOS).
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address() as { port: number };
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const client = connect(address.port, '127.0.0.1');
    await once(client, 'connect');
    const [peer] = await accepted;
    peer.pause();
    try {
      expect(written(client)).toBeUndefined();
      const chunk = Buffer.alloc(1 << 20);
      while (client.write(chunk)) {}
      expect(client.writableLength).toBeGreaterThan(0);
      let done = false;
      const flushed = written(client)?.then(() => {
        done = true;
      });
      expect(flushed).toBeDefined();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(done).toBe(false);
      peer.resume();
      await flushed;
      expect(client.writableLength).toBe(0);
    } finally {
      client.destroy();
      peer.destroy();
      server.close();
    }
  });
});

describe('stopSignals (the runtime listeners behind CliIO.onSignal)', () => {
  it('a command done keeps its exit code: a later stop signal exits with it at once', () => {
    const guard = outputGuard();
    let stop: ((signal: StopSignal) => void) | undefined;
    const attached: string[] = [];
    const exits: number[] = [];
    const onSignal = stopSignals(
      guard,
      (onStop) => {
        stop = onStop;
        attached.push('on');
        return () => attached.push('off');
      },
      (code) => exits.push(code),
    );
    const seen: StopSignal[] = [];
    // Ended without an outcome (the wizard's prompts): detached, as before.
    onSignal((signal) => seen.push(signal))();
    expect(attached).toEqual(['on', 'off']);
    // A command that ran: its handler gets the signal while it runs.
    const done = onSignal((signal) => seen.push(signal));
    stop?.('SIGINT');
    expect(seen).toEqual(['SIGINT']);
    // Done with exit 0 ("Lab passed"): still listening, and a signal no longer makes it 130.
    done(0);
    expect(attached).toEqual(['on', 'off', 'on']);
    guard.writeFailed(Object.assign(new Error('full'), { code: 'ENOSPC' }));
    expect(exits).toEqual([]);
    stop?.('SIGINT');
    expect([seen, exits]).toEqual([['SIGINT'], [0]]);
    // A next command listens afresh: its handlers, not the last outcome.
    onSignal((signal) => seen.push(signal))();
    stop?.('SIGTERM');
    expect([seen, exits, attached.at(-1)]).toEqual([['SIGINT'], [0], 'off']);
  });
});
