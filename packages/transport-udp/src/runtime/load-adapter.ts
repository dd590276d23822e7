import { detectRuntime } from '@socklab/core';
import type { UdpAdapter } from './contract.ts';

let loading: Promise<UdpAdapter> | undefined;

/** The UDP adapter of the runtime running this code, imported on first use. */
export function loadAdapter(): Promise<UdpAdapter> {
  loading ??= (async () => {
    const runtime = detectRuntime().name;
    if (runtime === 'bun') return (await import('./bun.ts')).adapter;
    if (runtime === 'deno') return (await import('./deno.ts')).adapter;
    return (await import('./node.ts')).adapter;
  })();
  return loading;
}
