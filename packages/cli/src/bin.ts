#!/usr/bin/env node
import process from 'node:process';
import { cliVersion } from './version.ts';

const argv = process.argv.slice(2);
// `socklab --version` alone needs only package.json: answer before the rest of the CLI loads.
const versionOnly = argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V');
if (versionOnly) process.stdout.write(`${cliVersion()}\n`);
const code = versionOnly ? 0 : await (await import('./main.ts')).main(argv);
process.exitCode = code;
// Let sockets finish closing and output drain; if a leaked handle keeps the loop alive, end anyway.
const timer = setTimeout(() => process.exit(code), 2000);
const deno = (globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno;
if (typeof timer === 'object' && typeof timer?.unref === 'function') timer.unref();
else deno?.unrefTimer?.(timer as unknown as number);
