#!/usr/bin/env node
import process from 'node:process';
import { cliVersion } from './version.ts';

const argv = process.argv.slice(2);
// `socklab inspect` with thousands of sockets scans /proc with a worker: it boots now, on the
// other core, while the rest of the CLI loads (the inspector decides whether it is worth it).
// One import (prestart's own imports load with it), then the worker starts synchronously.
const prestarting =
  argv[0] === 'inspect'
    ? import('@socklab/inspector/prestart').then((m) => m.prestartScanWorker()).catch(() => {})
    : undefined;
// `socklab --version` alone needs only package.json: answer before the rest of the CLI loads.
const versionOnly = argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V');
if (versionOnly) process.stdout.write(`${cliVersion()}\n`);
// No top-level await: the bundle is CommonJS (scripts/bundle.mjs), which has none.
else void run();

async function run(): Promise<void> {
  const loading = import('./main.ts');
  await prestarting;
  // The command is done and main() has flushed its output: end now, rather than wait for the
  // runtime to tear its heap down piece by piece (Node: ~20 ms after `inspect` with 20,000
  // sockets, ~100 ms with a few hundred MB) or for a handle something leaked.
  process.exit(await (await loading).main(argv));
}
