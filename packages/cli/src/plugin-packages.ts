import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PluginCandidate, PluginSource } from './registry.ts';

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

/** A built-in package's version, from its package.json near the CLI. */
export function packageVersion(name: string): string | undefined {
  try {
    const dir = findPackageDir(name, cliDir());
    return dir ? readPackage(dir).version : undefined;
  } catch {
    return undefined;
  }
}

/** A --plugin / SOCKLAB_PLUGINS specifier: a path, a file: (or other) URL, or a package name. */
export function specifierCandidate(
  specifier: string,
  source: PluginSource,
  cwd: string,
): PluginCandidate {
  const path =
    isAbsolute(specifier) || specifier.startsWith('.') ? resolve(cwd, specifier) : undefined;
  const fileUrl = specifier.startsWith('file:') ? safeFileURLToPath(specifier) : undefined;
  const local = path ?? fileUrl;
  // ESM cannot import a directory: load the package in it, as a package name would be.
  if (local && isDirectory(local)) return directoryCandidate(local, source, specifier);
  if (path) {
    const url = pathToFileURL(path).href;
    return { source, from: specifier, file: path, load: () => import(url) };
  }
  if (/^[a-z][a-z0-9+.-]+:/i.test(specifier))
    return { source, from: specifier, load: () => import(specifier) };
  const dir = /^(@[^/]+\/)?[^/@]+$/.test(specifier) ? findPackageDir(specifier, cwd) : undefined;
  if (dir) return packageCandidate(dir, specifier, source, specifier);
  // Not installed near the cwd: let the runtime resolve it from the CLI's own location.
  return { source, from: specifier, load: () => import(specifier) };
}

/** A package directory given by path: named after its package.json, which must exist. */
function directoryCandidate(dir: string, source: PluginSource, from: string): PluginCandidate {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) {
    const error = `Cannot load plugin directory ${dir}: no package.json in it (name its entry file instead)`;
    return { source, from, name: from, dir, load: () => Promise.reject(new Error(error)) };
  }
  let name = dir;
  try {
    name = readPackage(dir).name ?? dir;
  } catch {}
  return packageCandidate(dir, name, source, from);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function safeFileURLToPath(url: string): string | undefined {
  try {
    return fileURLToPath(url);
  } catch {
    return undefined;
  }
}

// The version is known once loaded: `load` sets it on this very object, so do not copy it.
export function packageCandidate(
  dir: string,
  name: string,
  source: PluginSource,
  from: string = source === 'node_modules' ? dir : name,
): PluginCandidate {
  let version: string | undefined;
  const load = async () => {
    const manifest = readPackage(dir);
    version = manifest.version;
    return import(pathToFileURL(manifest.entry).href);
  };
  const candidate: PluginCandidate = {
    source,
    name,
    dir,
    from,
    load: async () => {
      const module = await load();
      candidate.version = version;
      return module;
    },
  };
  return candidate;
}

export function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/** The CLI's own folder (dist/, or the bundle's). */
export function cliDir(): string {
  return fileURLToPath(new URL('.', import.meta.url).href);
}
