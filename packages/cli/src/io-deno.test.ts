import { describe, expect, it } from 'vitest';
import { denoIO } from './io-deno.ts';

/** A Deno namespace for denoIO: what it writes, which signals it listens to. */
function fakeDeno(options: { stdoutLink?: string; noSigterm?: boolean; failWrite?: Error } = {}) {
  const listeners = new Map<string, () => void>();
  const written = { sync: [] as string[], async: [] as string[], stderr: [] as string[] };
  const decoder = new TextDecoder();
  const output = (sync: string[], async: string[]) => ({
    isTerminal: () => false,
    writeSync(bytes: Uint8Array) {
      if (options.failWrite) throw options.failWrite;
      sync.push(decoder.decode(bytes));
      return bytes.length;
    },
    async write(bytes: Uint8Array) {
      if (options.failWrite) throw options.failWrite;
      async.push(decoder.decode(bytes));
      return bytes.length;
    },
  });
  const deno = {
    stdin: { isTerminal: () => false, readable: new ReadableStream<Uint8Array>() },
    stdout: output(written.sync, written.async),
    stderr: output(written.stderr, written.stderr),
    env: { toObject: () => ({ HOME: '/home/lab' }) },
    cwd: () => '/lab',
    exit: (code?: number): never => {
      throw new Error(`exit ${code}`);
    },
    addSignalListener(signal: string, handler: () => void) {
      if (signal === 'SIGTERM' && options.noSigterm) throw new TypeError('not on Windows');
      listeners.set(signal, handler);
    },
    removeSignalListener(signal: string) {
      listeners.delete(signal);
    },
    readLinkSync(path: string) {
      if (path !== '/proc/self/fd/1' || options.stdoutLink === undefined) throw new Error('ENOENT');
      return options.stdoutLink;
    },
  };
  return { deno: deno as unknown as Parameters<typeof denoIO>[0], listeners, written };
}

describe('denoIO (the Deno namespace alone)', () => {
  it('writes a file synchronously and a pipe through async writes, stderr synchronously', async () => {
    const file = fakeDeno({ stdoutLink: '/tmp/out.json' });
    const io = denoIO(file.deno);
    io.stdout('to a file\n');
    io.stdout(new TextEncoder().encode('bytes\n'));
    io.stderr('a warning\n');
    expect(file.written).toEqual({
      sync: ['to a file\n', 'bytes\n'],
      async: [],
      stderr: ['a warning\n'],
    });
    expect([io.env.HOME, io.cwd, io.isTTY]).toEqual([
      '/home/lab',
      '/lab',
      { stdin: false, stdout: false, stderr: false },
    ]);

    const pipe = fakeDeno({ stdoutLink: 'pipe:[4242]' });
    const piped = denoIO(pipe.deno);
    piped.stdout('to a pipe\n');
    await piped.flush?.();
    expect(pipe.written.sync).toEqual([]);
    expect(pipe.written.async).toEqual(['to a pipe\n']);
  });

  it('stops the command once when stdout fails: a closed pipe is no failure, a full disk is', async () => {
    const closed = fakeDeno({
      stdoutLink: 'pipe:[1]',
      failWrite: Object.assign(new Error('Broken pipe (os error 32)'), { name: 'BrokenPipe' }),
    });
    const io = denoIO(closed.deno);
    const seen: string[] = [];
    io.onSignal?.((signal) => seen.push(signal));
    io.stdout('lost\n');
    await io.flush?.();
    expect([seen, io.outputClosed?.(), io.outputFailure?.()]).toEqual([
      ['SIGTERM'],
      true,
      undefined,
    ]);

    const full = fakeDeno({
      stdoutLink: '/tmp/full',
      failWrite: new Error('No space left on device (os error 28)'),
    });
    const fullIO = denoIO(full.deno);
    fullIO.stdout('lost\n');
    fullIO.stdout('and this\n');
    await Promise.resolve();
    expect([fullIO.outputClosed?.(), fullIO.outputFailure?.()]).toEqual([
      false,
      'no space left on device',
    ]);
  });

  it('listens to SIGINT and SIGTERM while a command runs, and to SIGINT alone where SIGTERM does not exist', () => {
    for (const noSigterm of [false, true]) {
      const { deno, listeners } = fakeDeno({ noSigterm });
      const io = denoIO(deno);
      const seen: string[] = [];
      const stop = io.onSignal?.((signal) => seen.push(signal));
      expect([...listeners.keys()].sort()).toEqual(noSigterm ? ['SIGINT'] : ['SIGINT', 'SIGTERM']);
      listeners.get('SIGINT')?.();
      expect(seen).toEqual(['SIGINT']);
      stop?.();
      expect(listeners.size).toBe(0);
    }
  });
});
