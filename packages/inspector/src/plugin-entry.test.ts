// `socklab inspect --json` is on the benchmark against `ss`: the CLI loads the plugin entry, and
// the views, --watch and the other platforms' collectors load only when a command line needs them.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cliModulesBin, runtimeName } from '../../../test/helpers/cli.ts';

// A module.register() resolve hook (Node) that prints every inspector module the process loads.
const recorder = `data:text/javascript,${encodeURIComponent(`
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
import { writeSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const at = result.url.indexOf('/inspector/dist/');
  // Written at once: the hooks run on their own thread, and a stream write from there may be
  // lost when the process exits right after its last import (lsof-view.js, say).
  if (at >= 0) writeSync(2, 'loaded ' + result.url.slice(at + 16) + '\\\\n');
  return result;
}\`));
`)}`;

function loadedModules(args: string[]): string[] {
  const run = spawnSync(process.execPath, ['--import', recorder, cliModulesBin, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(run.status, run.stderr).toBe(0);
  return [...run.stderr.matchAll(/^loaded (\S+)$/gm)].map((m) => m[1] as string);
}

describe.runIf(runtimeName === 'node')('what `socklab inspect` loads', () => {
  const optional = [
    'index.js',
    'watch.js',
    'render/lsof-view.js',
    'render/netstat-view.js',
    'render/change-line.js',
    'collect/macos.js',
    'collect/windows.js',
    'parsers/lsof.js',
    'parsers/netstat-macos.js',
    'parsers/netstat-windows.js',
  ];

  it('--json loads the plugin entry and the Linux collector only', () => {
    const loaded = loadedModules(['inspect', '--json', '--proto', 'unix']);
    expect(loaded).toContain('plugin.js');
    expect(loaded).toContain('collect/linux.js');
    expect(loaded.filter((m) => optional.includes(m))).toEqual([]);
  });

  it('a table style loads its view', () => {
    const loaded = loadedModules(['inspect', '--style', 'lsof', '--proto', 'unix']);
    expect(loaded).toContain('render/lsof-view.js');
    expect(loaded).not.toContain('render/netstat-view.js');
  });
});
