import { definePlugin, type Plugin } from '@socklab/core';
import { importWhenCalled, tcpPackage, udpPackage } from './import-when-called.ts';
import { cliVersion } from './version.ts';

/**
 * The file-system side of plugins (package folders, specifiers, versions), imported only when a
 * command line needs it: `socklab inspect` needs none, and on Deno node:fs alone costs ~50 ms.
 */
const files = () => import('./plugin-packages.ts');

/** Where a plugin came from, as `socklab plugins` shows it. */
export type PluginSource = 'built-in' | '--plugin' | 'env' | 'node_modules';

export interface LoadedPlugin {
  plugin: Plugin;
  source: PluginSource;
  /** The specifier, package directory or package name it was loaded from. */
  from: string;
  version: string | undefined;
}

export interface BrokenPlugin {
  /** The plugin's name when known, else the specifier or package name. */
  name: string;
  source: PluginSource;
  from: string;
  /** One line saying what is wrong. */
  error: string;
}

export interface Registry {
  plugins: LoadedPlugin[];
  broken: BrokenPlugin[];
  find(name: string): LoadedPlugin | undefined;
}

/** Something that may hold a plugin as its default export. */
export interface PluginCandidate {
  source: PluginSource;
  from: string;
  load: () => Promise<unknown>;
  version?: string;
  /** The plugin's name for error reports when it cannot be loaded (defaults to `from`). */
  name?: string;
  /** The package folder, so a package named with --plugin is not loaded again from node_modules. */
  dir?: string;
  /** The module file, when the specifier named one: a syntax error is located in it. */
  file?: string;
  /** Built-ins still being written: a missing default export is skipped, not broken. */
  optional?: boolean;
  /** A built-in's plugin name, known before loading: a command naming it loads it alone. */
  provides?: string;
}

export interface LoadRegistryOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** `--plugin` specifiers, in order. */
  specifiers?: readonly string[];
  /** Defaults to the UDP, TCP and inspector packages. */
  builtins?: readonly PluginCandidate[];
  /** Plugins that are part of the CLI itself (doctor, plugins): loaded after the built-ins. */
  internal?: readonly Plugin[];
  /** Folders whose node_modules (and their parents') are searched; default: cwd and the CLI's folder. */
  searchFrom?: readonly string[];
  /**
   * Load only the built-in that provides this name (and every --plugin / SOCKLAB_PLUGINS one),
   * without searching node_modules (a built-in wins any name clash, so nothing found there could
   * run) or looking up the built-ins' versions (nothing shows them for one command).
   */
  only?: string;
  /** How long a plugin that is not built in may take to import (default: `pluginLoadTimeoutMs`). */
  loadTimeoutMs?: number;
}

/**
 * A plugin's import that never settles (a top-level await on nothing) left no work for the event
 * loop: Node and Bun ended every command at once with exit 0 and no output, Deno with its own
 * error. A slow one held every command. Past this, the plugin is listed as broken instead.
 */
export const pluginLoadTimeoutMs = 10_000;

/** The built-in plugin packages by command name, imported only when needed. */
const builtinPackages: readonly { name: string; from: string; load: () => Promise<unknown> }[] = [
  { name: 'udp', from: '@socklab/transport-udp', load: () => importWhenCalled(udpPackage) },
  { name: 'tcp', from: '@socklab/transport-tcp', load: () => importWhenCalled(tcpPackage) },
  // The plugin entry alone: the library's index loads every parser and view.
  {
    name: 'inspect',
    from: '@socklab/inspector',
    load: () => import('@socklab/inspector/plugin'),
  },
];

/**
 * The built-in plugin packages, imported lazily so one failing never stops the others. Their
 * versions are looked up once loadRegistry has loaded all plugins (not for one command: nothing
 * shows them there).
 */
export function builtinCandidates(): PluginCandidate[] {
  return builtinPackages.map(({ name, from, load }) => ({
    source: 'built-in',
    from,
    provides: name,
    optional: true,
    load,
  }));
}

/** Loads built-ins, then --plugin and SOCKLAB_PLUGINS specifiers, then node_modules packages. */
export async function loadRegistry(options: LoadRegistryOptions): Promise<Registry> {
  const plugins: LoadedPlugin[] = [];
  const broken: BrokenPlugin[] = [];
  const add = (loaded: LoadedPlugin) => {
    const taken = plugins.find((p) => p.plugin.name === loaded.plugin.name);
    if (taken) {
      broken.push({
        name: loaded.plugin.name,
        source: loaded.source,
        from: loaded.from,
        error: `name "${loaded.plugin.name}" is already taken by ${describeSource(taken)}`,
      });
    } else {
      plugins.push(loaded);
    }
  };
  const seenDirs = new Set<string>();
  const take = async (candidate: PluginCandidate) => {
    if (candidate.dir) seenDirs.add((await files()).realDir(candidate.dir));
    const result = await loadCandidate(candidate, options.loadTimeoutMs ?? pluginLoadTimeoutMs);
    if (result && 'error' in result) broken.push(result);
    else if (result) add(result);
  };
  const only = options.only;
  for (const candidate of options.builtins ?? builtinCandidates())
    if (only === undefined || candidate.provides === only) await take(candidate);
  for (const plugin of options.internal ?? []) {
    if (only !== undefined && plugin.name !== only) continue;
    add({
      plugin,
      source: 'built-in',
      from: '@socklab/cli',
      version: plugin.version ?? cliVersion(),
    });
  }
  for (const specifier of options.specifiers ?? [])
    await take((await files()).specifierCandidate(specifier, '--plugin', options.cwd));
  for (const specifier of splitList(options.env?.SOCKLAB_PLUGINS)) {
    await take((await files()).specifierCandidate(specifier, 'env', options.cwd));
  }
  if (only === undefined) {
    const { cliDir, findPluginPackages, packageCandidate, packageVersion, realDir } = await files();
    for (const found of findPluginPackages(options.searchFrom ?? [options.cwd, cliDir()])) {
      if (!seenDirs.has(realDir(found.dir)))
        await take(packageCandidate(found.dir, found.name, 'node_modules'));
    }
    for (const loaded of plugins) {
      if (loaded.source === 'built-in' && loaded.version === undefined)
        loaded.version = packageVersion(loaded.from);
    }
  }
  return { plugins, broken, find: (name) => plugins.find((p) => p.plugin.name === name) };
}

function describeSource(loaded: LoadedPlugin): string {
  return loaded.source === 'built-in' ? 'the built-in plugin' : `the plugin from ${loaded.from}`;
}

async function loadCandidate(
  candidate: PluginCandidate,
  timeoutMs: number,
): Promise<LoadedPlugin | BrokenPlugin | undefined> {
  const fail = (error: unknown, name = candidate.name ?? candidate.from): BrokenPlugin => ({
    name,
    source: candidate.source,
    from: candidate.from,
    error: oneLine(error),
  });
  let module: unknown;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const loading = candidate.load();
    // Built-ins are part of socklab; the timer also keeps the event loop alive while it waits.
    module =
      candidate.source === 'built-in'
        ? await loading
        : await Promise.race([
            loading,
            new Promise((_, reject) => {
              timer = setTimeout(
                () =>
                  reject(
                    new Error(
                      `its import did not finish within ${timeoutMs} ms (a top-level await that never ends?)`,
                    ),
                  ),
                timeoutMs,
              );
            }),
          ]);
  } catch (error) {
    const { loadErrorText } = await import('./load-error.ts');
    return fail(await loadErrorText(error, candidate.file));
  } finally {
    clearTimeout(timer);
  }
  const value = (module as { default?: unknown } | undefined)?.default;
  if (value === undefined) {
    if (candidate.optional) return undefined;
    return fail('no default export: export default definePlugin({ name, summary, commands })');
  }
  try {
    const plugin = definePlugin(value as Plugin);
    return {
      plugin,
      source: candidate.source,
      from: candidate.from,
      version: plugin.version ?? candidate.version,
    };
  } catch (error) {
    const name = (value as { name?: unknown }).name;
    return fail(error, typeof name === 'string' && name !== '' ? name : candidate.from);
  }
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The first line of an error's message, for one-line reports. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (
    text
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? 'unknown error'
  );
}
