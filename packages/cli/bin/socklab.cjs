#!/usr/bin/env node
// `socklab` as Node and Bun run it (package.json "bin"). `socklab inspect` runs from
// dist/socklab-cli.cjs, the whole CLI bundled as one CommonJS file (scripts/bundle.mjs):
// Node 20 starts `inspect` ~20-30 ms sooner from it than from the ES module bin and its chunks
// (no module graph to link and evaluate a promise at a time). Every other command imports the
// ES module bin (dist/socklab.js), so the servers run from the modules they always ran from:
// Node's TCP echo server moved 15-25% fewer bytes a second when it ran from a CommonJS bundle
// (cause not found). This file stays small: every command reads it. Deno runs dist/socklab.js
// (through this file only when started as `npm:@socklab/cli`: its Node layer for CommonJS costs
// that start ~35 ms). Before the CommonJS bundle, `inspect` runs dist/socklab-prestart.cjs, the
// fd scan worker's prestart alone, so that the worker boots while V8 compiles the bundle.
'use strict';

// Not `--version`: the ES module bin answers it from its first, small file. Not on Deno
// (`deno run npm:@socklab/cli`): its Node layer would load the CommonJS bundle slowly.
const bundled = !('Deno' in globalThis) && process.argv[2] === 'inspect';
const file = bundled ? '../dist/socklab-cli.cjs' : '../dist/socklab.js';

function failed(error) {
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  const where = require('node:path').join(__dirname, file);
  process.stderr.write(
    `socklab: cannot load ${where} (${reason}); run npm run build, or reinstall @socklab/cli\n`,
  );
  process.exit(1);
}

if (bundled) {
  // The fd scan's worker first, from a small file: it boots on the other core while V8 compiles
  // the big one (the snapshot takes it; it starts only with thousands of open files).
  try {
    require('../dist/socklab-prestart.cjs').prestartScanWorker();
  } catch {
    // Then the bundle's own prestart tries again.
  }
  try {
    require(file);
  } catch (error) {
    failed(error);
  }
} else {
  import(file).catch(failed);
}
