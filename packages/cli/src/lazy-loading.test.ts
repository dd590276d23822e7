// Start-up time: a command line loads only the plugins it needs, and still behaves as when all load.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliModulesBin, esmBin, repoRoot, runCli, runtimeName } from '../../../test/helpers/cli.ts';
import { main } from './main.ts';
import { createMemoryIO } from './memory-io.ts';
import type { PluginCandidate } from './registry.ts';
import { cliVersion } from './version.ts';

const tmp = mkdtempSync(join(tmpdir(), 'socklab-lazy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let dirs = 0;

/** A plugin module that says on stderr when it is imported (fixtures may print; plugins never do). */
function recorderSource(name: string): string {
  return `console.error('imported ${name}');
export default {
  name: '${name}',
  summary: 'records when it is imported',
  commands: [{ name: '${name}', summary: 'say hi', options: {}, async *run() {
    yield { type: 'info', time: new Date().toISOString(), elapsedMs: 0, message: '${name} ran' };
  } }],
};
`;
}

/** A fresh folder with `node_modules/socklab-plugin-<name>` and a plain `<name>-env.js` plugin file. */
function pluginFolder(): { dir: string; envPlugin: string } {
  const dir = join(tmp, `case-${dirs++}`);
  const pkg = join(dir, 'node_modules', 'socklab-plugin-installed');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({ name: 'socklab-plugin-installed', version: '1.0.0', type: 'module' }),
  );
  writeFileSync(join(pkg, 'index.js'), recorderSource('installed'));
  const envPlugin = join(dir, 'from-env.js');
  writeFileSync(envPlugin, recorderSource('from-env'));
  return { dir, envPlugin };
}

/** Stand-ins for the udp, tcp and inspect built-ins that record which ones were imported. */
function recordingBuiltins(fail: string[] = []): {
  imported: string[];
  builtins: PluginCandidate[];
} {
  const imported: string[] = [];
  const builtins = ['udp', 'tcp', 'inspect'].map(
    (name): PluginCandidate => ({
      source: 'built-in',
      from: `@test/${name}`,
      provides: name,
      optional: true,
      load: async () => {
        imported.push(name);
        if (fail.includes(name)) throw new Error(`${name} is broken`);
        return {
          default: {
            name,
            summary: `stand-in ${name}`,
            commands: [
              {
                name,
                summary: 'say hi',
                options: {},
                async *run() {
                  yield { type: 'info', time: '', elapsedMs: 0, message: `built-in ${name} ran` };
                },
              },
            ],
          },
        };
      },
    }),
  );
  return { imported, builtins };
}

describe('which plugins a command line loads (in process)', () => {
  it('--version and a bad root option load none', async () => {
    const { imported, builtins } = recordingBuiltins();
    const io = createMemoryIO();
    expect(await main(['--json', '--version'], io, { builtins, searchFrom: [] })).toBe(0);
    expect(io.out).toBe(`${cliVersion()}\n`);
    expect(await main(['--bogus'], createMemoryIO(), { builtins, searchFrom: [] })).toBe(2);
    expect(imported).toEqual([]);
  });

  it('a built-in command loads only that built-in', async () => {
    const { imported, builtins } = recordingBuiltins();
    const io = createMemoryIO();
    expect(await main(['--json', 'inspect'], io, { builtins, searchFrom: [] })).toBe(0);
    expect(io.out).toContain('built-in inspect ran');
    expect(imported).toEqual(['inspect']);
  });

  it('help, plugins and unknown names load every built-in', async () => {
    for (const argv of [['--help'], ['plugins'], ['inspec'], ['-h', 'lab']]) {
      const { imported, builtins } = recordingBuiltins();
      const at = argv.join(' ');
      await main(argv, createMemoryIO(), { builtins, searchFrom: [] });
      expect(imported, at).toEqual(argv[1] === 'lab' ? [] : ['udp', 'tcp', 'inspect']);
    }
  });

  it('a built-in that fails to load: its name falls to whatever else holds it, as before', async () => {
    const { imported, builtins } = recordingBuiltins(['udp']);
    const { dir } = pluginFolder();
    const other = join(dir, 'node_modules', 'socklab-plugin-udp');
    mkdirSync(other);
    writeFileSync(join(other, 'package.json'), '{"name":"socklab-plugin-udp","type":"module"}');
    writeFileSync(join(other, 'index.js'), recorderSource('udp'));
    const io = createMemoryIO();
    expect(await main(['udp'], io, { builtins, searchFrom: [dir] })).toBe(0);
    expect(io.out).toBe('udp ran\n');
    expect(imported).toContain('tcp');
  });
});

describe('which plugins a command line loads (the binary)', () => {
  it('--version imports no plugin at all', async () => {
    const { dir, envPlugin } = pluginFolder();
    const env = { SOCKLAB_PLUGINS: envPlugin };
    const { code, stdout, stderr } = await runCli(['--version'], { cwd: dir, env });
    expect([code, stdout, stderr]).toEqual([0, `${cliVersion()}\n`, '']);
  });

  it('a built-in command: SOCKLAB_PLUGINS plugins load, installed ones are not searched', async () => {
    const { dir, envPlugin } = pluginFolder();
    const env = { SOCKLAB_PLUGINS: envPlugin };
    const { code, stdout, stderr } = await runCli(['inspect', '--proto', 'tcp', '--json'], {
      cwd: dir,
      env,
    });
    expect(code).toBe(0);
    expect(Array.isArray(JSON.parse(stdout))).toBe(true);
    expect(stderr).toBe('imported from-env\n');
  });

  it('help, plugins and other names load everything, installed plugins included', async () => {
    const { dir, envPlugin } = pluginFolder();
    const env = { SOCKLAB_PLUGINS: envPlugin };
    const help = await runCli(['--help'], { cwd: dir, env });
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('imported from-env\nimported installed\n');
    for (const name of ['udp', 'tcp', 'inspect', 'lab', 'doctor', 'plugins', 'installed'])
      expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    const installed = await runCli(['installed'], { cwd: dir, env });
    expect([installed.code, installed.stdout]).toEqual([0, 'installed ran\n']);
    const listed = await runCli(['plugins'], { cwd: dir, env });
    expect(listed.stdout).toContain('installed 1.0.0');
  });

  it('every built-in command still runs from its own words', async () => {
    for (const words of [
      ['udp', '--help'],
      ['tcp', '--help'],
      ['lab', '--help'],
    ]) {
      const { code, stdout } = await runCli(words);
      expect(code, words.join(' ')).toBe(0);
      expect(stdout).toMatch(new RegExp(`^socklab ${words[0]}`));
    }
    const doctor = await runCli(['doctor', '--json']);
    expect(doctor.code).toBe(0);
    expect(doctor.stdout).toContain('"check":"runtime"');
  });
});

// The module graph itself, seen through Node's ESM debug log (the same files load on every runtime).
describe.runIf(runtimeName === 'node')('modules a command line imports (Node)', () => {
  function modules(args: string[]): string[] {
    const run = spawnSync('node', [cliModulesBin, ...args], {
      env: { ...process.env, NODE_DEBUG: 'esm' },
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(run.status).toBe(0);
    const urls = [...run.stderr.matchAll(/Translating StandardModule (file:\S+)/g)];
    return urls.map((m) => (m[1] as string).replace(/^.*\/packages\//, ''));
  }

  it('--version imports bin.js and version.js only', () => {
    expect(modules(['--version']).sort()).toEqual(['cli/dist/bin.js', 'cli/dist/version.js']);
  });

  it('inspect imports the inspector plugin entry but no other plugin, the lab, the doctor or the wizard', () => {
    const loaded = modules(['inspect', '--proto', 'tcp', '--json']);
    expect(loaded).toContain('inspector/dist/plugin.js');
    // Not the library index: it loads every parser and view.
    expect(loaded).not.toContain('inspector/dist/index.js');
    const unrelated = /transport-(udp|tcp)\/|cli\/dist\/(lab|wizard|builtin\/doctor|help)/;
    expect(loaded.filter((m) => unrelated.test(m))).toEqual([]);
  });

  it("the way to inspect on Deno imports no node: module but node:util (Deno's Node layer costs ~40 ms)", () => {
    // The files Node loads for it, with Deno's own branches in place of Node's (the same files
    // otherwise), and each one's static imports.
    const nodeOnly = [
      'cli/dist/io.js',
      'inspector/dist/prestart.js',
      'inspector/dist/runtime/node.js',
      'inspector/dist/runtime/node-worker-collect.js',
      'inspector/dist/runtime/node-scan-worker.js',
      'inspector/dist/runtime/read-all.js',
    ];
    const denoOnly = [
      'cli/dist/io-deno.js',
      'inspector/dist/runtime/deno.js',
      'inspector/dist/runtime/deno-worker-collect.js',
    ];
    const loaded = modules(['inspect', '--proto', 'tcp', '--json']);
    for (const file of nodeOnly) expect(loaded, file).toContain(file);
    const imports = [...loaded.filter((file) => !nodeOnly.includes(file)), ...denoOnly].flatMap(
      (file) =>
        [
          ...readFileSync(join(repoRoot, 'packages', file), 'utf8').matchAll(
            /^(?:import|export)\b[^;]*?['"](node:[^'"]+)['"]/gm,
          ),
        ].map((m) => `${file} imports ${m[1]}`),
    );
    expect(imports.filter((line) => !line.endsWith(' node:util'))).toEqual([]);
    expect(imports).toContain('cli/dist/parse.js imports node:util');
  });

  it('Deno reads no transport before a command starts (its module graph of the ES module bundle)', () => {
    // Deno reads and parses every module a literal import() names before the program runs: the
    // transports (only udp, tcp and lab use them) were ~10 ms of every command's start there.
    const deno = join(repoRoot, 'node_modules', '.bin', 'deno');
    const info = spawnSync(deno, ['info', '--json', esmBin], {
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(info.status, info.stderr).toBe(0);
    const graph = (JSON.parse(info.stdout) as { modules: { specifier: string }[] }).modules.map(
      (m) => m.specifier,
    );
    // The bundle's lazy chunks are in it (they are literal imports too).
    expect(graph.filter((m) => /cli\/dist\/socklab-\w+\.js$/.test(m)).length).toBeGreaterThan(5);
    expect(graph.filter((m) => /transport-(udp|tcp)/.test(m))).toEqual([]);
  });

  it('udp --help imports the UDP plugin and help, not the inspector or TCP', () => {
    const loaded = modules(['udp', '--help']);
    expect(loaded).toContain('transport-udp/dist/index.js');
    expect(loaded).toContain('cli/dist/help.js');
    expect(loaded.filter((m) => /inspector\/|transport-tcp\//.test(m))).toEqual([]);
  });

  it('--help imports every plugin but not the lab or doctor code, the wizard or clack', () => {
    const loaded = modules(['--help']);
    for (const plugin of ['transport-udp', 'transport-tcp', 'inspector', 'cli/dist/lab/lab-plugin'])
      expect(
        loaded.some((m) => m.startsWith(plugin)),
        plugin,
      ).toBe(true);
    const unused = /cli\/dist\/(lab\/run-lab|builtin\/doctor-checks|wizard)|@clack/;
    expect(loaded.filter((m) => unused.test(m))).toEqual([]);
  });
});
