#!/usr/bin/env node
import process from 'node:process';
import { main } from './main.ts';

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Let sockets finish closing and output drain; if a leaked handle keeps the loop alive, end anyway.
const timer = setTimeout(() => process.exit(code), 2000);
const deno = (globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno;
if (typeof timer === 'object' && typeof timer?.unref === 'function') timer.unref();
else deno?.unrefTimer?.(timer as unknown as number);
