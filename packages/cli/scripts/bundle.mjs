// The `socklab` command as users run it: after `tsc -b`, dist/bin.js and what it imports bundled
// twice, beside the tsc output (code that finds files from import.meta.url sees the same
// directory either way):
// - dist/socklab.cjs, one CommonJS file, the package's bin, for Node and Bun. Node loads it with
//   one synchronous require, where ES modules cost it its asynchronous loader per file: `socklab
//   inspect --proto tcp --json` with 20,000 sockets ~25 ms faster on Node 20 than ESM chunks,
//   which were in turn ~37 ms faster than the ~50 modules tsc writes; `--version` and `--help` no
//   slower. Dynamic imports inside stay lazy (the bundler wraps each module in an init function).
//   import.meta.url becomes the bundle's own file URL, made on first use.
// - dist/socklab.js and its chunks (socklab-*.js, one per dynamic import), ES modules, for Deno
//   (`npm:@socklab/cli/bin`; JSR's bin is src/bin.ts): Deno runs CommonJS through its Node layer,
//   ~40 ms at start, where `socklab inspect` on ES modules loads only node:util (parseArgs).
// Third-party plugins stay imports at run time, and so do the TCP and UDP transports: with them
// bundled, the bench measured Node's TCP echo server at 0.79-0.88x of raw node:net with 64
// connections (three runs; 1.01-1.12x unbundled; cause not found), and servers gain nothing from
// a faster start.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(cli, 'dist');
for (const name of readdirSync(dist)) {
  if (/^socklab(-[\w]+)?\.c?js$/.test(name)) rmSync(join(dist, name));
}
const bun = join(cli, '..', '..', 'node_modules', '.bin', 'bun');
const external = ['--external=@socklab/transport-tcp', '--external=@socklab/transport-udp'];
build(
  '--format=cjs',
  `--outfile=${join(dist, 'socklab.cjs')}`,
  '--define=import.meta.url=__socklabModule.url',
  '--banner=const __socklabModule = { get url() { return require("node:url").pathToFileURL(__filename).href; } };',
);
build(
  '--format=esm',
  '--splitting',
  `--outdir=${dist}`,
  '--entry-naming=socklab.[ext]',
  '--chunk-naming=socklab-[hash].[ext]',
);

function build(...args) {
  const argv = ['build', join(dist, 'bin.js'), '--target=node', ...args, ...external];
  const run = spawnSync(bun, argv, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (run.error || run.status !== 0) {
    console.error(
      `socklab: bundling the CLI failed (${run.error?.message ?? `bun build exited ${run.status}`}); run npm ci so that node_modules/.bin/bun exists`,
    );
    process.exit(1);
  }
}

const bundle = readFileSync(join(dist, 'socklab.cjs'), 'utf8');
const esm = readdirSync(dist)
  .filter((name) => /^socklab(-[\w]+)?\.js$/.test(name))
  .map((name) => readFileSync(join(dist, name), 'utf8'));
const problems = [
  // Code that runs from its source text (the inspector's scan worker) must not call a free
  // `require`: the bundler rewrites it to a helper the worker does not have, and the worker dies.
  [bundle, ...esm].some((text) => text.includes('__require(')) &&
    'calls require() through a bundler helper; import node: modules instead, or pass require in',
  // Node 20 cannot require() an ES module: packages left outside load with import() only.
  ...new Set(
    [...bundle.matchAll(/\brequire\("([^"]+)"\)/g)]
      .filter(([, id]) => !id.startsWith('node:'))
      .map(([, id]) => `requires ${id}; import it dynamically (await import()) instead`),
  ),
  // import.meta.url must be the bundle's own URL at run time, not this machine's path.
  bundle.includes(pathToFileURL(dist).href) && `holds this machine's path (${dist})`,
].filter(Boolean);
if (problems.length > 0) {
  console.error(`socklab: the bundle ${problems.join('; ')}`);
  process.exit(1);
}
