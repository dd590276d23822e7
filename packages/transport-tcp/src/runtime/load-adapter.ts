import { detectRuntime } from '@socklab/core';
import type { TcpAdapter } from './contract.ts';

let cached: Promise<TcpAdapter> | undefined;

/** The fastest adapter for the runtime running this code (measured; see README "Runtimes"). */
export function loadAdapter(): Promise<TcpAdapter> {
  cached ??= pick();
  return cached;
}

async function pick(): Promise<TcpAdapter> {
  const forced = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env?.SOCKLAB_TCP_ADAPTER;
  const name = forced ?? detectRuntime().name;
  if (name === 'bun') return (await import('./bun.ts')).bunAdapter;
  if (name === 'deno') return (await import('./deno.ts')).denoAdapter;
  return (await import('./node.ts')).nodeAdapter;
}
