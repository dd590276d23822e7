#!/usr/bin/env node
import { cliVersion } from './version.ts';

// No node: import here, nor on the way to `socklab inspect` on Deno (its Node layer costs it
// ~50 ms at start): Deno's own namespace there, Node's and Bun's global `process` elsewhere.
const deno = (globalThis as { Deno?: DenoBin }).Deno;
const argv = deno ? deno.args : process.argv.slice(2);
// `socklab inspect` with thousands of sockets scans /proc with a worker: it boots now, on the
// other core, while the rest of the CLI loads (the inspector decides whether it is worth it).
// One import (prestart's own imports load with it), then the worker starts synchronously. Not
// on Deno, whose worker starts with the snapshot (an unused one would keep the process alive).
const prestarting =
  argv[0] === 'inspect' && !deno
    ? import('@socklab/inspector/prestart').then((m) => m.prestartScanWorker()).catch(() => {})
    : undefined;
// `socklab --version` alone needs only the version: answer before the rest of the CLI loads.
const versionOnly = argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V');
if (versionOnly) {
  const line = `${cliVersion()}\n`;
  if (deno) {
    try {
      deno.stdout.writeSync(new TextEncoder().encode(line));
    } catch (error) {
      void versionNotWritten(error, (text) => deno.stderr.writeSync(text)).then(deno.exit);
    }
  } else {
    process.stdout.on('error', (error) => {
      void versionNotWritten(error, (text) => process.stderr.write(text)).then(process.exit);
    });
    process.stdout.write(line);
  }
} else void run();

/**
 * As for any command: 0 when the reader of stdout went away, else the one line and 1. Loaded
 * only then: `--version` imports nothing else on its way.
 */
async function versionNotWritten(
  error: unknown,
  stderr: (text: Uint8Array) => unknown,
): Promise<number> {
  const { isBrokenPipe, writeErrorReason } = await import('./io-output.ts');
  if (isBrokenPipe(error)) return 0;
  const why = writeErrorReason(error);
  stderr(
    new TextEncoder().encode(
      `socklab: Cannot write standard output: ${why}; check where it goes (a full disk, a device that went away)\n`,
    ),
  );
  return 1;
}

async function run(): Promise<void> {
  const loading = import('./main.ts');
  await prestarting;
  // The command is done and main() has flushed its output: end now, rather than wait for the
  // runtime to tear its heap down piece by piece (Node: ~20 ms after `inspect` with 20,000
  // sockets, ~100 ms with a few hundred MB) or for a handle something leaked.
  const code = await (await loading).main(argv);
  if (deno) deno.exit(code);
  else process.exit(code);
}

interface DenoBin {
  args: string[];
  stdout: { writeSync(bytes: Uint8Array): number };
  stderr: { writeSync(bytes: Uint8Array): number };
  exit(code: number): never;
}
