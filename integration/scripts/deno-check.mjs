// Type-checks every package's TypeScript sources with Deno, as JSR would see them: each
// package's jsr.json `exports`, with @socklab/* imports mapped to the other packages' sources.
// No DOM lib: its URL type clashes with @types/node's in Deno's checker; Deno's own globals come from deno.ns.
// Usage: node integration/scripts/deno-check.mjs [package-dir...]; exits 1 when a check fails.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const deno = join(root, 'node_modules', '.bin', 'deno');

/** Every package dir with a jsr.json, and its manifest. */
export function jsrPackages() {
  const dirs = ['packages', 'examples'].flatMap((group) =>
    readdirSync(join(root, group)).map((name) => join(root, group, name)),
  );
  return dirs
    .filter((dir) => existsSync(join(dir, 'jsr.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'jsr.json'), 'utf8')) }));
}

function exportsOf(manifest) {
  return typeof manifest.exports === 'string' ? { '.': manifest.exports } : manifest.exports;
}

/** Runs `deno check` on one package's exports; returns { ok, output }. */
export function denoCheck(dir, packages = jsrPackages()) {
  const imports = {};
  for (const { dir: other, manifest } of packages) {
    for (const [key, file] of Object.entries(exportsOf(manifest))) {
      imports[key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`] = join(other, file);
    }
  }
  // npm names of the packages (the example's npm name differs from its JSR name).
  for (const { dir: other, manifest } of packages) {
    const npmName = JSON.parse(readFileSync(join(other, 'package.json'), 'utf8')).name;
    if (npmName !== manifest.name) imports[npmName] = join(other, exportsOf(manifest)['.']);
  }
  const temp = mkdtempSync(join(tmpdir(), 'socklab-deno-check-'));
  const config = join(temp, 'deno.json');
  // Deno looks for npm packages (e.g. @types/node) in node_modules beside the config.
  symlinkSync(join(root, 'node_modules'), join(temp, 'node_modules'), 'dir');
  const bunTypes = join(root, 'node_modules', 'bun-types', 'index.d.ts');
  writeFileSync(
    config,
    JSON.stringify({
      imports,
      nodeModulesDir: 'manual',
      compilerOptions: {
        lib: ['deno.ns', 'deno.unstable', 'esnext'],
        types: existsSync(bunTypes) ? [bunTypes] : [],
      },
    }),
  );
  const manifest = packages.find((p) => p.dir === dir)?.manifest;
  const entries = Object.values(exportsOf(manifest)).map((file) => join(dir, file));
  const result = spawnSync(deno, ['check', '--quiet', '--config', config, ...entries], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
  });
  rmSync(temp, { recursive: true, force: true });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const packages = jsrPackages();
  const wanted = process.argv.slice(2).map((d) => join(process.cwd(), d));
  let failed = 0;
  for (const { dir } of packages) {
    if (wanted.length > 0 && !wanted.includes(dir)) continue;
    const { ok, output } = denoCheck(dir, packages);
    console.log(`${ok ? 'ok  ' : 'FAIL'} deno check ${relative(root, dir)}`);
    if (!ok) {
      failed++;
      console.log(output);
    }
  }
  process.exit(failed > 0 ? 1 : 0);
}
