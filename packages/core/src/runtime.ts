export type RuntimeName = 'node' | 'deno' | 'bun';

export interface RuntimeInfo {
  name: RuntimeName;
  version: string;
}

interface RuntimeGlobals {
  Bun?: { version: string };
  Deno?: { version: { deno: string } };
  process?: { versions?: { node?: string } };
}

/** Which runtime runs this code, found through `globalThis` (no runtime imports). */
export function detectRuntime(): RuntimeInfo {
  const g = globalThis as RuntimeGlobals;
  if (g.Bun) return { name: 'bun', version: g.Bun.version };
  if (g.Deno) return { name: 'deno', version: g.Deno.version.deno };
  return { name: 'node', version: g.process?.versions?.node ?? 'unknown' };
}
