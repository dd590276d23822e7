import { detectRuntime } from '@socklab/core';
import type { ProcFs } from './proc-fs.ts';

let cached: Promise<ProcFs> | undefined;

/** The ProcFs adapter of the running runtime, loaded once. */
export function runtimeProcFs(): Promise<ProcFs> {
  cached ??= (async () => {
    const name = detectRuntime().name;
    if (name === 'deno') return (await import('./deno.ts')).default;
    if (name === 'bun') return (await import('./bun.ts')).default;
    return (await import('./node.ts')).default;
  })();
  return cached;
}

export type { ProcFs } from './proc-fs.ts';
