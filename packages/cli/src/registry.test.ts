import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fakePlugin, fixture, fixtureUrl, soloPlugin } from '../test/fixtures.ts';
import { builtinCandidates, loadRegistry } from './registry.ts';

const tmp = mkdtempSync(join(tmpdir(), 'socklab-registry-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A package in <root>/node_modules/<name> whose default export is a plugin named `plugin`. */
function installPackage(root: string, name: string, plugin: string, version = '1.2.3'): void {
  const dir = join(root, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, version, type: 'module', exports: { '.': { import: './main.js' } } }),
  );
  writeFileSync(
    join(dir, 'main.js'),
    // A plain object: the registry runs definePlugin's checks itself.
    `export default { name: ${JSON.stringify(plugin)}, summary: 'From node_modules', commands: [
  { name: 'hello', summary: 'Say hello', options: {}, async *run() {} },
] };\n`,
  );
}

const none = { builtins: [], searchFrom: [] };

describe('loadRegistry', () => {
  it('loads --plugin specifiers as absolute paths and file URLs, in order', async () => {
    const registry = await loadRegistry({
      cwd: tmp,
      specifiers: [fakePlugin, fixtureUrl('solo-plugin.js')],
      ...none,
    });
    expect(registry.plugins.map((p) => [p.plugin.name, p.source, p.version])).toEqual([
      ['fake', '--plugin', '9.9.9'],
      ['solo', '--plugin', undefined],
    ]);
    expect(registry.broken).toEqual([]);
    expect(registry.find('solo')?.plugin.commands[0]?.name).toBe('solo');
    expect(registry.find('nope')).toBeUndefined();
  });

  it('loads relative paths from the cwd and SOCKLAB_PLUGINS after --plugin', async () => {
    const registry = await loadRegistry({
      cwd: fixture('.'),
      specifiers: ['./solo-plugin.js'],
      env: { SOCKLAB_PLUGINS: ` ${fakePlugin} , ,` },
      ...none,
    });
    expect(registry.plugins.map((p) => [p.plugin.name, p.source])).toEqual([
      ['solo', '--plugin'],
      ['fake', 'env'],
    ]);
  });

  it('records broken plugins with one line each and keeps loading the others', async () => {
    const registry = await loadRegistry({
      cwd: tmp,
      specifiers: [
        fixture('throws-on-import.js'),
        fixture('bad-descriptor.js'),
        fixture('no-default.js'),
        fixture('missing.js'),
        fixture('reserved-flag.js'),
        fakePlugin,
      ],
      ...none,
    });
    expect(registry.plugins.map((p) => p.plugin.name)).toEqual(['fake']);
    const broken = Object.fromEntries(
      registry.broken.map((b) => [b.name.replace(/.*\//, ''), b.error]),
    );
    expect(broken['throws-on-import.js']).toBe('boom while loading');
    expect(broken.bad).toBe('Cannot define plugin "bad": commands is empty');
    expect(broken['no-default.js']).toMatch(/^no default export/);
    expect(broken['missing.js']).toMatch(/./);
    expect(broken.reserved).toBe(
      'Cannot define plugin "reserved": command "reserved": option "help": --help belongs to the CLI',
    );
    for (const b of registry.broken) expect(b.error).not.toContain('\n');
  });

  it('a plugin whose import never finishes is listed as broken, and the others still load', async () => {
    // A top-level await on nothing: the event loop had no work left and the command ended with
    // exit 0 and no output (Node, Bun); a slow one held every command.
    const hangs = join(tmp, 'hangs.mjs');
    writeFileSync(hangs, 'await new Promise(() => {});\nexport default {};\n');
    const slow = join(tmp, 'slow.mjs');
    writeFileSync(
      slow,
      'await new Promise((r) => setTimeout(r, 60_000).unref?.());\nexport default {};\n',
    );
    const registry = await loadRegistry({
      cwd: tmp,
      specifiers: [hangs, slow, fakePlugin],
      loadTimeoutMs: 200,
      ...none,
    });
    expect(registry.plugins.map((p) => p.plugin.name)).toEqual(['fake']);
    expect(registry.broken.map((b) => [b.from, b.error])).toEqual([
      [hangs, 'its import did not finish within 200 ms (a top-level await that never ends?)'],
      [slow, 'its import did not finish within 200 ms (a top-level await that never ends?)'],
    ]);
  });

  it('keeps the first of two plugins with one name and lists the second as broken', async () => {
    const registry = await loadRegistry({
      cwd: tmp,
      specifiers: [fakePlugin, fixture('clash-plugin.js')],
      ...none,
    });
    expect(registry.plugins).toHaveLength(1);
    expect(registry.find('fake')?.plugin.commands.map((c) => c.name)).toContain('echo');
    expect(registry.broken).toEqual([
      expect.objectContaining({
        name: 'fake',
        source: '--plugin',
        error: `name "fake" is already taken by the plugin from ${fakePlugin}`,
      }),
    ]);
  });

  it('puts built-ins first, then the CLI internals, and lets them win clashes', async () => {
    const builtin = {
      source: 'built-in' as const,
      from: '@x/solo',
      load: () => import(soloPlugin),
      optional: true,
    };
    const skipped = {
      source: 'built-in' as const,
      from: '@x/empty',
      load: async () => ({}),
      optional: true,
    };
    const { doctorPlugin } = await import('./builtin/doctor.ts');
    const registry = await loadRegistry({
      cwd: tmp,
      builtins: [skipped, builtin],
      internal: [doctorPlugin],
      specifiers: [soloPlugin],
      searchFrom: [],
    });
    expect(registry.plugins.map((p) => [p.plugin.name, p.source])).toEqual([
      ['solo', 'built-in'],
      ['doctor', 'built-in'],
    ]);
    expect(registry.broken[0]?.error).toBe('name "solo" is already taken by the built-in plugin');
  });

  it('finds socklab-plugin-* and @scope/socklab-plugin-* packages from the start folders upward', async () => {
    const root = join(tmp, 'project');
    const deep = join(root, 'a', 'b');
    mkdirSync(deep, { recursive: true });
    installPackage(root, 'socklab-plugin-alpha', 'alpha');
    installPackage(root, '@acme/socklab-plugin-beta', 'beta', '2.0.0');
    installPackage(root, 'not-a-plugin', 'gamma');
    installPackage(deep, 'socklab-plugin-alpha', 'alpha-near');
    mkdirSync(join(root, 'node_modules', 'socklab-plugin-broken'), { recursive: true });
    writeFileSync(
      join(root, 'node_modules', 'socklab-plugin-broken', 'package.json'),
      '{ not json',
    );
    const registry = await loadRegistry({ cwd: deep, builtins: [], searchFrom: [deep] });
    expect(registry.broken.filter((b) => b.name !== 'socklab-plugin-broken')).toEqual([]);
    expect(registry.plugins.map((p) => [p.plugin.name, p.source, p.version])).toEqual([
      ['alpha-near', 'node_modules', '1.2.3'],
      ['beta', 'node_modules', '2.0.0'],
    ]);
    expect(registry.find('beta')?.from).toBe(
      join(root, 'node_modules', '@acme', 'socklab-plugin-beta'),
    );
    expect(registry.broken.map((b) => b.name)).toEqual(['socklab-plugin-broken']);
  });

  it('does not load a package twice when --plugin names it and it is installed', async () => {
    const root = join(tmp, 'twice');
    installPackage(root, 'socklab-plugin-twice', 'twice');
    const registry = await loadRegistry({
      cwd: root,
      builtins: [],
      specifiers: ['socklab-plugin-twice'],
      searchFrom: [root],
    });
    expect(registry.plugins.map((p) => [p.plugin.name, p.source, p.from, p.version])).toEqual([
      ['twice', '--plugin', 'socklab-plugin-twice', '1.2.3'],
    ]);
    expect(registry.broken).toEqual([]);
  });

  it('loads a package directory named by path or file: URL through its package.json', async () => {
    const root = join(tmp, 'by-dir');
    installPackage(root, 'socklab-plugin-dir', 'dir', '3.1.4');
    installPackage(root, 'socklab-plugin-url', 'url');
    const registry = await loadRegistry({
      cwd: root,
      builtins: [],
      specifiers: ['./node_modules/socklab-plugin-dir'],
      env: {
        SOCKLAB_PLUGINS: pathToFileURL(join(root, 'node_modules', 'socklab-plugin-url')).href,
      },
      searchFrom: [root],
    });
    expect(registry.broken).toEqual([]);
    expect(registry.plugins.map((p) => [p.plugin.name, p.source, p.from, p.version])).toEqual([
      ['dir', '--plugin', './node_modules/socklab-plugin-dir', '3.1.4'],
      ['url', 'env', pathToFileURL(join(root, 'node_modules', 'socklab-plugin-url')).href, '1.2.3'],
    ]);
  });

  it('says what is missing when a directory has no package.json', async () => {
    const empty = join(tmp, 'empty-dir');
    mkdirSync(empty, { recursive: true });
    const registry = await loadRegistry({ cwd: tmp, specifiers: [empty], ...none });
    expect(registry.plugins).toEqual([]);
    expect(registry.broken).toEqual([
      expect.objectContaining({ name: empty, error: expect.stringMatching(/package\.json/) }),
    ]);
  });

  it('loads the real built-ins without failing on ones still being written', async () => {
    const registry = await loadRegistry({
      cwd: tmp,
      builtins: builtinCandidates(),
      searchFrom: [],
    });
    expect(registry.broken.filter((b) => b.source === 'built-in')).toEqual([]);
    for (const loaded of registry.plugins) expect(loaded.source).toBe('built-in');
  });
});
