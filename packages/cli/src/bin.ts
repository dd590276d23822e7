#!/usr/bin/env node
import process from 'node:process';
import { cliVersion } from './version.ts';

const argv = process.argv.slice(2);
// `socklab --version` alone needs only package.json: answer before the rest of the CLI loads.
const versionOnly = argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V');
if (versionOnly) process.stdout.write(`${cliVersion()}\n`);
// `socklab inspect` with thousands of sockets scans /proc with a worker: it boots now, on the
// other core, while the rest of the CLI loads (the inspector decides whether it is worth it).
const prestarting =
  argv[0] === 'inspect'
    ? import('@socklab/inspector/prestart').then((m) => m.prestartScanWorker()).catch(() => {})
    : undefined;
const loading = versionOnly ? undefined : import('./main.ts');
await prestarting;
const code = loading ? await (await loading).main(argv) : 0;
process.exitCode = code;
// Let sockets finish closing and output drain; if a leaked handle keeps the loop alive, end anyway.
const timer = setTimeout(() => process.exit(code), 2000);
const deno = (globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno;
if (typeof timer === 'object' && typeof timer?.unref === 'function') timer.unref();
else deno?.unrefTimer?.(timer as unknown as number);
