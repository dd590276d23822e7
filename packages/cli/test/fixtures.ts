// Paths of the test-only plugins, and `main` run in-process with only them loaded.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from '@socklab/core';
import { main } from '../src/main.ts';
import { createMemoryIO, type MemoryIO } from '../src/memory-io.ts';
import type { Registry } from '../src/registry.ts';

export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const fixture = (name: string): string => join(fixturesDir, name);
export const fixtureUrl = (name: string): string => pathToFileURL(fixture(name)).href;
export const fakePlugin = fixture('fake-plugin.js');
export const soloPlugin = fixture('solo-plugin.js');
/** The option defaults of the fake plugin's `opts` command (fixtures/fake-plugin.js). */
export const fakeOptsDefaults = {
  host: '127.0.0.1',
  timeout: 1000,
  mode: 'fast',
  keep: false,
  color: true,
  json: false,
};

export interface Run {
  code: number;
  out: string;
  err: string;
  io: MemoryIO;
}

/** `socklab --plugin fake --plugin solo <args>` in-process, with no built-ins and no node_modules search. */
export async function runMain(args: string[], io: MemoryIO = createMemoryIO()): Promise<Run> {
  const code = await main(['--plugin', fakePlugin, '--plugin', soloPlugin, ...args], io, {
    builtins: [],
    searchFrom: [],
  });
  return { code, out: io.out, err: io.err, io };
}

/** A registry holding these plugins as built-ins, without loading anything. */
export function registryOf(plugins: Plugin[]): Registry {
  const loaded = plugins.map((plugin) => ({
    plugin,
    source: 'built-in' as const,
    from: plugin.name,
    version: '0.1.0',
  }));
  return {
    plugins: loaded,
    broken: [],
    find: (name) => loaded.find((l) => l.plugin.name === name),
  };
}
