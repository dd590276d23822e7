import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runtimeName } from '../../../../test/helpers/cli.ts';
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
});
