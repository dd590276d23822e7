// The `socklab` command as users run it: after `tsc -b`, dist/bin.js and what it imports bundled
// into dist/socklab.js and its lazy chunks (dist/socklab-*.js), one per dynamic import, so a
// command loads a few files instead of some fifty modules (Node 20: `socklab inspect --proto tcp
// --json` ~37 ms faster). Chunks sit beside the tsc output on purpose: code that finds files from
// import.meta.url (package.json, the wizard) sees the same directory either way. Third-party
// plugins stay imports at run time, and so do the TCP and UDP transports: with them bundled, the
// bench measured Node's TCP echo server at 0.79-0.88x of raw node:net with 64 connections (three
// runs; 1.01-1.12x unbundled; cause not found), and servers gain nothing from a faster start.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(cli, 'dist');
for (const name of readdirSync(dist)) {
  if (/^socklab(-[\w]+)?\.js$/.test(name)) rmSync(join(dist, name));
}
const bun = join(cli, '..', '..', 'node_modules', '.bin', 'bun');
const run = spawnSync(
  bun,
  [
    'build',
    join(dist, 'bin.js'),
    '--target=node',
    '--format=esm',
    '--splitting',
    `--outdir=${dist}`,
    '--entry-naming=socklab.[ext]',
    '--chunk-naming=socklab-[hash].[ext]',
    '--external=@socklab/transport-tcp',
    '--external=@socklab/transport-udp',
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
if (run.error || run.status !== 0) {
  console.error(
    `socklab: bundling the CLI failed (${run.error?.message ?? `bun build exited ${run.status}`}); run npm ci so that node_modules/.bin/bun exists`,
  );
  process.exit(1);
}
// Code that runs from its source text (the inspector's scan worker) must not call a free
// `require`: the bundler rewrites it to a helper the worker does not have, and the worker dies.
for (const name of readdirSync(dist)) {
  if (!name.startsWith('socklab')) continue;
  if (readFileSync(join(dist, name), 'utf8').includes('__require(')) {
    console.error(
      `socklab: the bundle calls require() (dist/${name}); import node: modules instead, or pass require in`,
    );
    process.exit(1);
  }
}
