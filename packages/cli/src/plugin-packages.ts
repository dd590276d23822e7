import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A package found in a node_modules folder. */
export interface FoundPackage {
  name: string;
  dir: string;
}

const pluginName = /^socklab-plugin-[a-z0-9][a-z0-9._-]*$/;

/**
 * Packages named `socklab-plugin-*` or `@scope/socklab-plugin-*` in the node_modules folders
 * from each start directory upward. The first one found of a name wins, as Node's resolution would.
 */
export function findPluginPackages(startDirs: readonly string[]): FoundPackage[] {
  const found = new Map<string, FoundPackage>();
  for (const start of startDirs) {
    for (const dir of ancestors(start)) {
      const modules = join(dir, 'node_modules');
      for (const entry of list(modules)) {
        if (pluginName.test(entry) && !found.has(entry))
          found.set(entry, { name: entry, dir: join(modules, entry) });
        if (!entry.startsWith('@')) continue;
        for (const scoped of list(join(modules, entry))) {
          const name = `${entry}/${scoped}`;
          if (pluginName.test(scoped) && !found.has(name))
            found.set(name, { name, dir: join(modules, entry, scoped) });
        }
      }
    }
  }
  return [...found.values()];
}

/** The package directory of `name` in the node_modules folders from `start` upward. */
export function findPackageDir(name: string, start: string): string | undefined {
  for (const dir of ancestors(start)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
  }
  return undefined;
}

export interface PackageManifest {
  name?: string;
  version?: string;
  entry: string;
}

/** Reads a package's name, version and ESM entry file (exports ".", then module, main, index.js). */
export function readPackage(dir: string): PackageManifest {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const exported = pickExport(pkg.exports);
  const main =
    typeof pkg.module === 'string'
      ? pkg.module
      : typeof pkg.main === 'string'
        ? pkg.main
        : undefined;
  return {
    name: typeof pkg.name === 'string' ? pkg.name : undefined,
    version: typeof pkg.version === 'string' ? pkg.version : undefined,
    entry: join(dir, exported ?? main ?? 'index.js'),
  };
}

const conditions = ['import', 'node', 'default'];

function pickExport(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (typeof exports !== 'object' || exports === null) return undefined;
  const map = exports as Record<string, unknown>;
  if ('.' in map) return pickExport(map['.']);
  for (const condition of conditions) {
    if (condition in map) {
      const picked = pickExport(map[condition]);
      if (picked) return picked;
    }
  }
  return undefined;
}

function* ancestors(start: string): Generator<string> {
  let dir = start;
  while (true) {
    yield dir;
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}
