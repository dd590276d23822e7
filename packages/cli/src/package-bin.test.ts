// The package's bin (bin/socklab.cjs, package.json "bin"), as Node and Bun run `socklab`:
// `inspect` from the CommonJS bundle (dist/socklab-cli.cjs), every other command from the ES
// module bundle (dist/socklab.js), with the same answers either way. Deno runs the ES module
// bundle itself, so there is nothing to test there.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esmBin, packageBin, repoRoot, runtimeName } from '../../../test/helpers/cli.ts';

const cliDir = join(repoRoot, 'packages', 'cli');

function run(bin: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 20_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.skipIf(runtimeName === 'deno')('bin/socklab.cjs', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is the package.json bin, and ships', () => {
    const pkg = JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8'));
    expect(join(cliDir, pkg.bin.socklab)).toBe(packageBin);
    expect(pkg.files).toContain('bin');
    // What the bin runs first for `inspect`: the scan worker's prestart, alone.
    const prestart = createRequire(import.meta.url)(join(cliDir, 'dist', 'socklab-prestart.cjs'));
    expect(Object.keys(prestart)).toEqual(['prestartScanWorker']);
    expect(readFileSync(packageBin, 'utf8')).toContain("require('../dist/socklab-prestart.cjs')");
  });

  it('inspect lists what the ES module bundle lists, this test’s socket and owner included', () => {
    const args = ['inspect', '--proto', 'tcp', '--port', String(port), '--json'];
    const viaPackage = run(packageBin, args);
    const viaModules = run(esmBin, args);
    expect([viaPackage.code, viaPackage.stderr]).toEqual([0, '']);
    expect([viaModules.code, viaModules.stderr]).toEqual([0, '']);
    const listed = JSON.parse(viaPackage.stdout);
    expect(listed).toEqual(JSON.parse(viaModules.stdout));
    expect(listed).toContainEqual(
      expect.objectContaining({
        proto: 'tcp',
        state: 'LISTEN',
        local: { address: '127.0.0.1', port },
        pid: process.pid,
      }),
    );
  });

  it('bad input to inspect: the same one line and exit 2 as the ES module bundle', () => {
    const args = ['inspect', '--state', 'bogus'];
    const viaPackage = run(packageBin, args);
    expect(viaPackage.code).toBe(2);
    expect(viaPackage.stderr).toMatch(
      /^socklab: Cannot parse --state "bogus": unknown state;.*\n$/,
    );
    expect(viaPackage).toEqual(run(esmBin, args));
  });

  it('other commands answer as the ES module bundle does', () => {
    for (const args of [['--help'], ['-V'], ['tcp', 'server', '--bogus'], ['frobnicate']]) {
      const viaPackage = run(packageBin, args);
      expect(viaPackage, args.join(' ')).toEqual(run(esmBin, args));
    }
  });

  it.skipIf(runtimeName !== 'node')(
    'Node loads the CommonJS bundle for inspect only, the ES module bundle for the rest',
    () => {
      const loaded = (args: string[]) => run(packageBin, args, { NODE_DEBUG: 'module,esm' }).stderr;
      const inspect = loaded(['inspect', '--proto', 'tcp', '--port', String(port)]);
      expect(inspect).toContain(join(cliDir, 'dist', 'socklab-cli.cjs'));
      expect(inspect).not.toContain('dist/socklab.js');
      const help = loaded(['tcp', '--help']);
      expect(help).toContain('dist/socklab.js');
      expect(help).not.toContain('socklab-cli.cjs');
    },
  );

  it('a missing bundle: one line that names it and the fix, exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-bin-'));
    try {
      mkdirSync(join(dir, 'bin'));
      mkdirSync(join(dir, 'dist'));
      const bin = join(dir, 'bin', 'socklab.cjs');
      copyFileSync(packageBin, bin);
      for (const [args, file] of [
        [['--help'], 'socklab.js'],
        [['inspect'], 'socklab-cli.cjs'],
      ] as const) {
        const { code, stdout, stderr } = run(bin, [...args]);
        expect([code, stdout]).toEqual([1, '']);
        // The whole path of the missing file, then why, then the fix.
        const [line = '', ...rest] = stderr.split('\n');
        expect(rest).toEqual(['']);
        expect(line.startsWith(`socklab: cannot load ${join(dir, 'dist', file)} (`)).toBe(true);
        expect(line.endsWith('); run npm run build, or reinstall @socklab/cli')).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
