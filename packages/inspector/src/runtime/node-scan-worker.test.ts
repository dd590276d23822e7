import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runtimeName } from '../../../../test/helpers/cli.ts';
import { makeFakeProc } from '../../test/fake-proc.ts';
import { nodeScanWorker, prestartNodeScanWorker } from './node-scan-worker.ts';

// Deno shares its scan with a web Worker (deno-worker-collect.ts); this is the Node and Bun one.
describe.runIf(runtimeName !== 'deno')('the scan worker started ahead', () => {
  it('is the one the next snapshot takes, once', async () => {
    prestartNodeScanWorker();
    const ahead = nodeScanWorker();
    const next = nodeScanWorker();
    expect(next).not.toBe(ahead);
    await Promise.all([ahead.stop(), next.stop()]);
  });

  it('is handed over by a copy of this module in another bundle', async () => {
    // The CLI's bin starts it from dist/socklab-prestart.cjs; the CLI's own bundle takes it.
    const copy = new URL('../../dist/runtime/node-scan-worker.js?copy', import.meta.url).href;
    const other = (await import(copy)) as typeof import('./node-scan-worker.ts');
    const waiting = () =>
      (globalThis as Record<symbol, unknown>)[Symbol.for('@socklab/inspector scan worker')];
    other.prestartNodeScanWorker();
    const started = waiting();
    expect(started).toBeDefined();
    // Started once: a second prestart, from either copy, is the same worker.
    prestartNodeScanWorker();
    expect(waiting()).toBe(started);
    const ahead = nodeScanWorker();
    expect(ahead).toBe(started);
    expect(waiting()).toBeUndefined();
    const next = other.nodeScanWorker();
    expect(next).not.toBe(ahead);
    await Promise.all([ahead.stop(), next.stop()]);
  });

  it('does not keep a process alive when nobody takes it', () => {
    // The built module, in a process of its own that ends right after starting the worker.
    const module = new URL('../../dist/runtime/node-scan-worker.js', import.meta.url).href;
    const script = `import(${JSON.stringify(module)}).then((m) => { m.prestartNodeScanWorker(); console.log('started'); });`;
    const started = Date.now();
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
    expect([run.status, run.stdout, run.stderr]).toEqual([0, 'started\n', '']);
    // Node's own start and exit take well under a second; a worker holding it would take 10 s.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('keeps the process up while a snapshot waits for its answer', () => {
    // A small tree: the worker boots slower than this thread reads it, so the snapshot awaits
    // the worker's message. Unref'd meanwhile, the process ended there (exit 13, no output).
    const fake = makeFakeProc([{ pid: 100, comm: 'server', fds: { 3: 305910 } }]);
    try {
      const module = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);
      const script = `
        const { collectLinuxSockets } = await import(${module('../../dist/collect/linux.js')});
        const { createWorkerCollect } = await import(${module('../../dist/runtime/node-worker-collect.js')});
        const { nodeProcFs } = await import(${module('../../dist/runtime/node.js')});
        const entries = await collectLinuxSockets({}, { procRoot: ${JSON.stringify(fake.root)},
          fs: nodeProcFs, strategy: createWorkerCollect({ minFds: 0, bigAbove: 0 }) });
        console.log(entries.find((e) => e.inode === 305910)?.pid);`;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect([run.status, run.stdout, run.stderr]).toEqual([0, '100\n', '']);
    } finally {
      fake.cleanup();
    }
  });
});
