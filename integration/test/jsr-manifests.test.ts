// JSR manifests (jsr.json): in step with package.json, pointing at sources that type-check with Deno.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runtimeName } from '../../test/helpers/cli.ts';
import { denoCheck, jsrPackages } from '../scripts/deno-check.mjs';

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const packages: {
  dir: string;
  manifest: { name: string; version: string; exports: Record<string, string> | string };
}[] = jsrPackages();

describe('jsr.json manifests', () => {
  it('exist for every package, in step with package.json, exporting existing sources', () => {
    const names = packages.map((p) => readJson(join(p.dir, 'package.json')).name).sort();
    expect(names).toEqual([
      '@socklab/cli',
      '@socklab/core',
      '@socklab/inspector',
      '@socklab/transport-tcp',
      '@socklab/transport-udp',
      'socklab-plugin-unix',
    ]);
    for (const { dir, manifest } of packages) {
      const pkg = readJson(join(dir, 'package.json'));
      expect(manifest.version, dir).toBe(pkg.version);
      expect(manifest.name).toMatch(/^@[a-z0-9-]+\/[a-z0-9-]+$/);
      if (pkg.name.startsWith('@socklab/')) expect(manifest.name).toBe(pkg.name);
      const exports =
        typeof manifest.exports === 'string' ? { '.': manifest.exports } : manifest.exports;
      for (const file of Object.values(exports)) {
        expect(file).toMatch(/^\.\/src\/.*\.ts$/);
        expect(existsSync(join(dir, file)), `${dir} ${file}`).toBe(true);
      }
    }
  });

  it.runIf(runtimeName === 'node')(
    'sync-versions copies package.json versions into jsr.json, deno.json and src/version.ts',
    () => {
      const root = mkdtempSync(join(tmpdir(), 'socklab-sync-'));
      try {
        const write = (file: string, json: unknown) => {
          mkdirSync(join(root, file, '..'), { recursive: true });
          writeFileSync(join(root, file), JSON.stringify(json));
        };
        write('packages/a/package.json', { name: '@x/a', version: '1.2.0' });
        write('packages/a/jsr.json', { name: '@x/a', version: '1.1.0', exports: './src/index.ts' });
        write('packages/b/package.json', { name: '@x/b', version: '0.2.0' });
        write('packages/b/deno.json', { name: '@x/b', version: '0.2.0' });
        write('examples/c/package.json', { name: 'c', version: '3.0.0' });
        write('examples/c/deno.json', { name: '@x/c' });
        mkdirSync(join(root, 'packages/a/src'));
        writeFileSync(
          join(root, 'packages/a/src/version.ts'),
          "// the CLI's\nconst version = '1.1.0';\nexport const v = version;\n",
        );
        const out = execFileSync(
          process.execPath,
          [join(repoRoot, 'scripts', 'sync-versions.mjs'), root],
          { encoding: 'utf8' },
        );
        expect(readJson(join(root, 'packages/a/jsr.json'))).toEqual({
          name: '@x/a',
          version: '1.2.0',
          exports: './src/index.ts',
        });
        expect(readJson(join(root, 'packages/b/deno.json')).version).toBe('0.2.0');
        expect(readJson(join(root, 'examples/c/deno.json')).version).toBe('3.0.0');
        expect(readFileSync(join(root, 'packages/a/src/version.ts'), 'utf8')).toBe(
          "// the CLI's\nconst version = '1.2.0';\nexport const v = version;\n",
        );
        expect(out).toContain('packages/a/jsr.json 1.1.0 -> 1.2.0');
        expect(out).toContain('packages/a/src/version.ts 1.1.0 -> 1.2.0');
        expect(out).toContain('3 file(s) updated');
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  );

  // A deno.json beside a package.json in an npm workspace makes Deno resolve @socklab/* to the
  // TypeScript sources: Deno runs of dist/ would then test code users never install.
  it.runIf(runtimeName === 'node')(
    'Deno runs the built CLI against built packages, not sources',
    () => {
      const stray = packages.map((p) => join(p.dir, 'deno.json')).filter((f) => existsSync(f));
      expect(stray).toEqual([]);
      expect(
        existsSync(join(repoRoot, 'deno.json')) || existsSync(join(repoRoot, 'deno.jsonc')),
      ).toBe(false);
      const info = execFileSync(
        join(repoRoot, 'node_modules', '.bin', 'deno'),
        ['info', '--json', join(repoRoot, 'packages', 'cli', 'dist', 'bin.js')],
        { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' } },
      );
      const modules: string[] = JSON.parse(info).modules.map(
        (m: { specifier: string }) => m.specifier,
      );
      expect(modules.filter((m) => m.includes('/packages/core/dist/')).length).toBeGreaterThan(0);
      expect(modules.filter((m) => /\/packages\/[^/]+\/src\//.test(m))).toEqual([]);
    },
    60_000,
  );

  // Deno drives itself from Node: one run is enough, and it needs no network.
  describe.runIf(runtimeName === 'node')('deno check of the TypeScript sources', () => {
    it.each(packages.map((p) => [p.dir.slice(repoRoot.length + 1), p.dir]))(
      '%s',
      (_name, dir) => {
        const { ok, output } = denoCheck(dir, packages);
        expect(ok, output).toBe(true);
      },
      120_000,
    );
  });

  // Works offline: every package type-checks with Deno's types and has explicit types.
  describe.runIf(runtimeName === 'node')('deno publish --dry-run', () => {
    it.each([
      'packages/core',
      'packages/transport-udp',
      'packages/cli',
      'packages/inspector',
      'packages/transport-tcp',
      'examples/socklab-plugin-unix',
    ])(
      '%s',
      (dir) => {
        const result = spawnSync(
          join(repoRoot, 'node_modules', '.bin', 'deno'),
          ['publish', '--dry-run', '--allow-dirty'],
          {
            cwd: join(repoRoot, dir),
            encoding: 'utf8',
            env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
          },
        );
        expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
        expect(result.stderr).toContain('Dry run complete');
      },
      120_000,
    );
  });
});
