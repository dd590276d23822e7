// The `socklab` command as users run it: after `tsc -b`, dist/bin.js and what it imports bundled
// twice. (1) Into dist/socklab.js and its lazy chunks (dist/socklab-*.js), one per dynamic
// import, so a command loads a few files instead of some fifty modules (Node 20: `socklab
// inspect --proto tcp --json` ~37 ms faster). Chunks sit beside the tsc output on purpose: code
// that finds files from import.meta.url (package.json) sees the same directory either way. Deno
// runs it, and so do Node and Bun for every command but `inspect`. (2) Into
// dist/socklab-cli.cjs, one CommonJS file, which bin/socklab.cjs (package.json "bin") runs for
// `inspect`: Node starts it ~20-30 ms sooner from one file. Servers stay on (1): Node's TCP echo
// server run from a CommonJS bundle moved 15-25% fewer bytes a second on one connection (bench
// and by hand, the untraced path being Node's own socket.pipe(); cause not found), and Deno runs
// CommonJS through its Node layer (~40 ms at start). Third-party plugins stay imports at run
// time, and so do the TCP and UDP transports: with them bundled, the bench measured Node's TCP
// echo server at 0.79-0.88x of raw node:net with 64 connections (three runs; 1.01-1.12x
// unbundled; cause not found), and servers gain nothing from a faster start.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(cli, 'dist');
for (const name of readdirSync(dist)) {
  // The bundles an earlier build wrote.
  if (/^socklab(-[\w]+)?\.c?js$/.test(name)) rmSync(join(dist, name));
}
const bun = join(cli, '..', '..', 'node_modules', '.bin', 'bun');
const external = ['--external=@socklab/transport-tcp', '--external=@socklab/transport-udp'];
// The ES module bin and its chunks: what Deno runs, and what the CommonJS bin imports for every
// command but `inspect`.
build([
  join(dist, 'bin.js'),
  '--format=esm',
  '--splitting',
  `--outdir=${dist}`,
  '--entry-naming=socklab.[ext]',
  '--chunk-naming=socklab-[hash].[ext]',
]);
// The whole CLI as one CommonJS file, for bin/socklab.cjs (package.json "bin") to run `inspect`
// from. Bun writes import.meta.url into CommonJS as the build machine's file URL: it is defined
// here as the URL of the file that runs (in dist, as the module that asks).
build([
  join(dist, 'bin.js'),
  '--format=cjs',
  `--outfile=${join(dist, 'socklab-cli.cjs')}`,
  '--define',
  'import.meta.url=__socklabFileUrl',
  '--banner=const __socklabFileUrl = require("node:url").pathToFileURL(__filename).href;',
]);

// The fd scan's worker prestart alone (~7 KB), for bin/socklab.cjs to run before it loads
// dist/socklab-cli.cjs: V8 compiles that 268 KB file for ~12 ms before its first line runs, and
// the worker boots on the other core meanwhile (the CLI's bundle takes it over, see the
// inspector's node-scan-worker.ts). ~5 ms sooner in paired rounds.
build([
  fileURLToPath(import.meta.resolve('@socklab/inspector/prestart')),
  '--format=cjs',
  `--outfile=${join(dist, 'socklab-prestart.cjs')}`,
]);

function build(args) {
  const run = spawnSync(bun, ['build', ...args, '--target=node', ...external], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (!run.error && run.status === 0) return;
  console.error(
    `socklab: bundling the CLI failed (${run.error?.message ?? `bun build exited ${run.status}`}); run npm ci so that node_modules/.bin/bun exists`,
  );
  process.exit(1);
}
const bundle = readdirSync(dist)
  .filter((name) => /^socklab(-[\w]+)?\.c?js$/.test(name))
  .map((name) => readFileSync(join(dist, name), 'utf8'));
const problems = [
  // Code that runs from its source text (the inspector's scan worker) must not call a free
  // `require`: the bundler rewrites it to a helper the worker does not have, and the worker dies.
  bundle.some((text) => text.includes('__require(')) &&
    'calls require() through a bundler helper; import node: modules instead, or pass require in',
  // import.meta.url must stay the bundle's own URL at run time, not this machine's path.
  bundle.some((text) => text.includes(pathToFileURL(dist).href)) &&
    `holds this machine's path (${dist})`,
].filter(Boolean);
if (problems.length > 0) {
  console.error(`socklab: the bundle ${problems.join('; ')}`);
  process.exit(1);
}
