// The `socklab` command as users run it: after `tsc -b`, dist/bin.js and what it imports bundled
// into one CommonJS file, dist/socklab.cjs. Node loads it with one synchronous require, where an
// ES module graph costs it the asynchronous ESM loader per file: `socklab inspect --proto tcp
// --json` with 20,000 sockets ~25 ms faster on Node 20 than ESM chunks (one per dynamic import),
// which were in turn ~37 ms faster than the ~50 modules tsc writes; Bun and Deno run it at the
// same speed as the chunks. Dynamic imports inside it stay lazy (the bundler wraps each module in
// an init function), so `socklab --version` does not pay for the wizard. The bundle sits beside
// the tsc output on purpose: code that finds files from import.meta.url (package.json) sees the
// same directory either way; import.meta.url becomes the bundle's own file URL. Third-party
// plugins stay imports at run time, and so do the TCP and UDP transports: with them bundled, the
// bench measured Node's TCP echo server at 0.79-0.88x of raw node:net with 64 connections (three
// runs; 1.01-1.12x unbundled; cause not found), and servers gain nothing from a faster start.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(cli, 'dist');
for (const name of readdirSync(dist)) {
  // This bundle, and the ESM chunks (socklab.js, socklab-*.js) that earlier builds wrote.
  if (/^socklab(-[\w]+)?\.c?js$/.test(name)) rmSync(join(dist, name));
}
const bun = join(cli, '..', '..', 'node_modules', '.bin', 'bun');
const run = spawnSync(
  bun,
  [
    'build',
    join(dist, 'bin.js'),
    '--target=node',
    '--format=cjs',
    `--outfile=${join(dist, 'socklab.cjs')}`,
    '--define=import.meta.url=__socklabModuleUrl',
    '--banner=const __socklabModuleUrl = require("node:url").pathToFileURL(__filename).href;',
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
const bundle = readFileSync(join(dist, 'socklab.cjs'), 'utf8');
const problems = [
  // Code that runs from its source text (the inspector's scan worker) must not call a free
  // `require`: the bundler rewrites it to a helper the worker does not have, and the worker dies.
  bundle.includes('__require(') &&
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
  console.error(`socklab: the bundle (dist/socklab.cjs) ${problems.join('; ')}`);
  process.exit(1);
}
