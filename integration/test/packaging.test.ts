// Every package as users get it: `npm pack`, installed from the tarballs alone in empty
// projects, then each README's example and the `socklab` bin run on Node, Deno and Bun.
// The npm work happens once, under Node; this file drives Deno and Bun itself.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killGroup, repoRoot, runtimeName } from '../../test/helpers/cli.ts';
import { extractReadmeExample } from './readme-example.ts';

type Runtime = 'node' | 'deno' | 'bun';
const runtimes: Runtime[] = ['node', 'deno', 'bun'];
const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);

interface Packed {
  dir: string;
  name: string;
  version: string;
  tarball: string;
  files: string[];
  unpackedSize: number;
}

const packageDirs = [
  'packages/core',
  'packages/transport-udp',
  'packages/transport-tcp',
  'packages/inspector',
  'packages/cli',
  'examples/socklab-plugin-unix',
];
// Packages whose prepack rewrites `./x.ts` to `./x.js` in their .d.ts (for Deno's checker).
const fixedDeclarations = ['@socklab/core', 'socklab-plugin-unix'];

// npm run from `npm test` passes npm_* settings (workspace, prefix…) that must not leak in.
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith('npm_')) env[key] = value;
  }
  return {
    ...env,
    DENO_NO_UPDATE_CHECK: '1',
    NO_COLOR: '1',
    FORCE_COLOR: undefined,
    NO_UPDATE_NOTIFIER: '1',
  };
};

function run(
  command: string,
  args: string[],
  options: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv },
) {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: { ...cleanEnv(), ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
  });
  const output = `$ ${command} ${args.join(' ')}\n${result.stdout}${result.stderr}`;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, output };
}

/** argv that runs a JS or TS file on a runtime (Deno as socklab always runs it). */
function runtimeArgv(runtime: Runtime, file: string): [string, string[]] {
  if (runtime === 'node') return [process.execPath, [file]];
  if (runtime === 'bun') return [bin('bun'), [file]];
  return [bin('deno'), ['run', '-A', '--unstable-net', file]];
}

let work = '';
const packed = new Map<string, Packed>();

/** An empty project with the given tarballs installed in one `npm i`. */
function install(project: string, names: string[]): string {
  const dir = join(work, project);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: `probe-${project}`, private: true, type: 'module' }),
  );
  const tarballs = names.map((name) => {
    const found = packed.get(name);
    if (!found) throw new Error(`${name} was not packed`);
    return found.tarball;
  });
  const result = run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs],
    {
      cwd: dir,
      timeoutMs: 180_000,
    },
  );
  if (result.code !== 0) throw new Error(`npm install failed in ${project}:\n${result.output}`);
  return dir;
}

/** Writes the README example as example.ts (Deno, Bun) and example.mjs (Node, types stripped). */
function writeExample(dir: string, packageDir: string): string {
  const code = extractReadmeExample(readFileSync(join(repoRoot, packageDir, 'README.md'), 'utf8'));
  writeFileSync(join(dir, 'example.ts'), code);
  const js = ts.transpileModule(code, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
  }).outputText;
  writeFileSync(join(dir, 'example.mjs'), js);
  return code;
}

function runExample(dir: string, runtime: Runtime) {
  const [command, args] = runtimeArgv(runtime, runtime === 'node' ? 'example.mjs' : 'example.ts');
  return run(command, args, { cwd: dir, timeoutMs: 30_000 });
}

function socklab(dir: string, runtime: Runtime, args: string[], env?: NodeJS.ProcessEnv) {
  // Node runs the installed bin link, as a user would; Bun its target (as bunx does); Deno the
  // CLI's modules.
  const cli = join(dir, 'node_modules', '@socklab', 'cli');
  const file =
    runtime === 'node'
      ? join(dir, 'node_modules', '.bin', 'socklab')
      : runtime === 'bun'
        ? join(cli, 'bin', 'socklab.cjs')
        : join(cli, 'dist', 'bin.js');
  const [command, prefix] = runtime === 'node' ? [file, []] : runtimeArgv(runtime, file);
  return run(command, [...prefix, ...args], { cwd: dir, timeoutMs: 30_000, env });
}

function spawnSocklab(dir: string, runtime: Runtime, args: string[]): ChildProcess {
  const file = join(dir, 'node_modules', '@socklab', 'cli', 'dist', 'bin.js');
  const [command, prefix] = runtimeArgv(runtime, file);
  return spawn(command, [...prefix, ...args], {
    cwd: dir,
    env: cleanEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
}

/** Collects a child's stdout until `pattern` shows up (or throws after timeoutMs). */
function waitFor(child: ChildProcess, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  let seen = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} within ${timeoutMs} ms; got: ${seen}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve(seen);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`exited before ${pattern}; got: ${seen}`));
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

// Colour and cursor codes the wizard writes to its terminal.
const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[a-zA-Z]`, 'g');

/** Bytes of every file under a folder (symlinks not followed). */
function folderSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += folderSize(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

describe.runIf(runtimeName === 'node')('packed packages, installed alone', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'socklab-packaging-'));
    mkdirSync(join(work, 'tarballs'));
    for (const packageDir of packageDirs) {
      const result = run('npm', ['pack', '--json', '--pack-destination', join(work, 'tarballs')], {
        cwd: join(repoRoot, packageDir),
        timeoutMs: 120_000,
      });
      if (result.code !== 0) throw new Error(`npm pack failed in ${packageDir}:\n${result.output}`);
      const [info] = JSON.parse(result.stdout.slice(result.stdout.indexOf('['))) as {
        name: string;
        version: string;
        filename: string;
        unpackedSize: number;
        files: { path: string }[];
      }[];
      if (!info) throw new Error(`npm pack printed no JSON in ${packageDir}`);
      packed.set(info.name, {
        dir: packageDir,
        name: info.name,
        version: info.version,
        tarball: join(work, 'tarballs', info.filename),
        files: info.files.map((f) => f.path),
        unpackedSize: info.unpackedSize,
      });
    }
  }, 300_000);

  afterAll(() => {
    if (work && !process.env.SOCKLAB_KEEP_PACKAGING) rmSync(work, { recursive: true, force: true });
  });

  it('packs each package with its README, licence fields, built files and exports, no tests', () => {
    expect([...packed.keys()].sort()).toEqual([
      '@socklab/cli',
      '@socklab/core',
      '@socklab/inspector',
      '@socklab/transport-tcp',
      '@socklab/transport-udp',
      'socklab-plugin-unix',
    ]);
    for (const p of packed.values()) {
      const manifest = JSON.parse(readFileSync(join(repoRoot, p.dir, 'package.json'), 'utf8'));
      expect(manifest.license, p.name).toBe('MIT');
      expect(manifest.engines?.node, p.name).toMatch(/^>=\s*20/);
      expect(
        manifest.repository,
        `${p.name}: no repository field until there is one`,
      ).toBeUndefined();
      expect(p.files, p.name).toEqual(expect.arrayContaining(['package.json', 'README.md']));
      expect(
        p.files.filter((f) => /\.test\.|tsbuildinfo/.test(f)),
        p.name,
      ).toEqual([]);
      for (const [key, target] of Object.entries(manifest.exports as Record<string, unknown>)) {
        const conditions =
          typeof target === 'string' ? { default: target } : (target as Record<string, string>);
        for (const file of Object.values(conditions)) {
          expect(p.files, `${p.name} exports["${key}"] -> ${file}`).toContain(
            file.replace(/^\.\//, ''),
          );
        }
        if (key !== './package.json')
          expect(Object.keys(conditions)[0], `${p.name} ${key}: types first`).toBe('types');
      }
      for (const target of Object.values((manifest.bin ?? {}) as Record<string, string>)) {
        expect(p.files).toContain(target.replace(/^\.\//, ''));
      }
    }
  });

  it.each(fixedDeclarations)(
    '%s ships declarations that import .js files (Deno can read them)',
    (name) => {
      const p = packed.get(name) as Packed;
      const dir = install(
        `dts-${name.replace(/\W/g, '-')}`,
        name === '@socklab/core' ? [name] : ['@socklab/core', name],
      );
      const root = join(dir, 'node_modules', name, 'dist');
      const offenders = p.files
        .filter((f) => f.endsWith('.d.ts'))
        .map((f) => join(dir, 'node_modules', name, f))
        .filter((f) => /from\s+['"]\.{1,2}\/[^'"]+\.ts['"]/.test(readFileSync(f, 'utf8')));
      expect(offenders).toEqual([]);
      expect(existsSync(join(root, 'index.d.ts'))).toBe(true);
      // Deno type-checks code using the installed package through those declarations.
      const probe = `import plugin from '${name === '@socklab/core' ? '@socklab/core/testing' : name}';\nconsole.log(typeof plugin);\n`;
      writeFileSync(
        join(dir, 'check.ts'),
        name === '@socklab/core'
          ? "import { checkPlugin } from '@socklab/core/testing';\nimport { parseEndpoint } from '@socklab/core';\nconst port: number = parseEndpoint('[::1]:80').port;\nconsole.log(checkPlugin({}), port);\n"
          : probe,
      );
      const checked = run(bin('deno'), ['check', 'check.ts'], { cwd: dir, timeoutMs: 60_000 });
      expect(checked.code, checked.output).toBe(0);
    },
    120_000,
  );

  // name, folder, tarballs installed, what the output must show (for the examples we own).
  const examples: [string, string, string[], RegExp][] = [
    [
      '@socklab/core',
      'packages/core',
      ['@socklab/core'],
      /port must be 1-65535[\s\S]*ECONNREFUSED/,
    ],
    [
      '@socklab/transport-udp',
      'packages/transport-udp',
      ['@socklab/core', '@socklab/transport-udp'],
      /./,
    ],
    [
      '@socklab/transport-tcp',
      'packages/transport-tcp',
      ['@socklab/core', '@socklab/transport-tcp'],
      /./,
    ],
    ['@socklab/inspector', 'packages/inspector', ['@socklab/core', '@socklab/inspector'], /./],
    [
      'socklab-plugin-unix',
      'examples/socklab-plugin-unix',
      ['@socklab/core', 'socklab-plugin-unix'],
      /Received b'Hello'/,
    ],
  ];
  it.each(examples)(
    '%s: the README example runs with only core beside it, on Node, Deno and Bun',
    (name, packageDir, names, expected) => {
      const dir = install(`example-${name.replace(/\W/g, '-')}`, names);
      const installed = readdirSync(join(dir, 'node_modules', '@socklab')).sort();
      expect(installed).toEqual(
        names
          .filter((n) => n.startsWith('@socklab/'))
          .map((n) => n.slice('@socklab/'.length))
          .sort(),
      );
      writeExample(dir, packageDir);
      for (const runtime of runtimes) {
        const result = runExample(dir, runtime);
        expect(result.code, `${name} README example on ${runtime}\n${result.output}`).toBe(0);
        expect(result.stdout.trim(), `${name} on ${runtime} printed nothing`).not.toBe('');
        expect(result.stdout, `${name} on ${runtime}`).toMatch(expected);
      }
    },
    180_000,
  );

  describe('@socklab/cli with its dependencies and a third-party plugin', () => {
    let dir = '';
    beforeAll(() => {
      dir = install('cli', [
        '@socklab/core',
        '@socklab/transport-udp',
        '@socklab/transport-tcp',
        '@socklab/inspector',
        '@socklab/cli',
        'socklab-plugin-unix',
      ]);
    }, 240_000);

    it('reports the installed size of the CLI with its dependencies', () => {
      const bare = install('cli-size', [
        '@socklab/core',
        '@socklab/transport-udp',
        '@socklab/transport-tcp',
        '@socklab/inspector',
        '@socklab/cli',
      ]);
      const modules = join(bare, 'node_modules');
      const bytes = folderSize(modules);
      const count = readdirSync(modules)
        .flatMap((e) => (e.startsWith('@') ? readdirSync(join(modules, e)) : [e]))
        .filter((e) => !e.startsWith('.')).length;
      console.log(
        `installed size of @socklab/cli with its dependencies: ${(bytes / 1024).toFixed(0)} KiB in ${count} packages`,
      );
      expect(bytes).toBeLessThan(8 * 1024 * 1024);
    }, 180_000);

    it.each(runtimes)(
      'runs the installed bin on %s: --version, doctor, plugins, --help, inspect',
      (runtime) => {
        const version = socklab(dir, runtime, ['--version']);
        expect(version.code, version.output).toBe(0);
        expect(version.stdout.trim()).toBe(packed.get('@socklab/cli')?.version);
        const doctor = socklab(dir, runtime, ['doctor']);
        expect(doctor.code, doctor.output).toBe(0);
        expect(doctor.stdout).toContain(runtime);
        const plugins = socklab(dir, runtime, ['plugins']);
        expect(plugins.code, plugins.output).toBe(0);
        expect(plugins.stdout).toMatch(
          /^unix 0\.1\.0 {2}\(node_modules: .*socklab-plugin-unix\)$/m,
        );
        expect(plugins.stdout).not.toContain('broken');
        const help = socklab(dir, runtime, ['--help']);
        expect(help.code, help.output).toBe(0);
        expect(help.stdout).toMatch(/^ {2}unix server\b/m);
        expect(help.stdout).toMatch(/^ {2}unix client \[message\]/m);
        const unixHelp = socklab(dir, runtime, ['unix', 'client', '--help']);
        expect(unixHelp.code, unixHelp.output).toBe(0);
        expect(unixHelp.stdout).toContain('--path <file>');
        // Node and Bun: from the CommonJS bundle the tarball ships (dist/socklab-cli.cjs).
        const inspect = socklab(dir, runtime, ['inspect', '--proto', 'unix', '--json']);
        expect(inspect.code, inspect.output).toBe(0);
        expect(Array.isArray(JSON.parse(inspect.stdout))).toBe(true);
      },
      120_000,
    );

    it.each(runtimes)(
      'serves and echoes with the installed unix plugin on %s',
      async (runtime) => {
        const path = join(dir, `${runtime}.sock`);
        const server = spawnSocklab(dir, runtime, ['unix', 'server', '--path', path]);
        try {
          await waitFor(server, /Listening on unix /);
          const client = socklab(dir, runtime, ['unix', 'client', '--path', path, 'Hello, unix']);
          expect(client.code, client.output).toBe(0);
          expect(client.stdout).toContain("Received b'Hello, unix'");
          const json = socklab(dir, runtime, ['--json', 'unix', 'client', '--path', path, 'x']);
          expect(json.code, json.output).toBe(0);
          expect(
            json.stdout
              .trim()
              .split('\n')
              .map((l) => JSON.parse(l).type),
          ).toEqual(['connect', 'send', 'recv', 'close']);
          server.kill('SIGINT');
          expect(await exitOf(server)).toBe(0);
          expect(existsSync(path)).toBe(false);
        } finally {
          killGroup(server);
        }
        const missing = socklab(dir, runtime, ['unix', 'client', '--path', path]);
        expect(missing.code).toBe(1);
        expect(missing.stderr).toContain(
          `Cannot connect to unix ${path}: no such file or directory`,
        );
        const usage = socklab(dir, runtime, ['unix', 'client', '--path', path, '--timeout', '-1']);
        expect(usage.code, usage.output).toBe(2);
      },
      60_000,
    );

    it.each(runtimes)(
      "shows the plugin's commands in the wizard's menu on %s",
      async (runtime) => {
        const file = join(dir, 'node_modules', '@socklab', 'cli', 'dist', 'bin.js');
        const [command, prefix] = runtimeArgv(runtime, file);
        const line = [command, ...prefix].map((w) => `'${w}'`).join(' ');
        // A real terminal of a known size, so every menu entry fits.
        const wizard = spawn('script', ['-qfec', `stty cols 200 rows 60; ${line}`, '/dev/null'], {
          cwd: dir,
          env: cleanEnv(),
          stdio: ['pipe', 'pipe', 'pipe'],
          detached: true,
        });
        try {
          const menu = (await waitFor(wizard, /socklab unix client/)).replace(ansi, '');
          expect(menu).toContain('What do you want to run?');
          expect(menu).toContain('socklab unix server');
        } finally {
          killGroup(wizard);
        }
      },
      60_000,
    );

    it.each(runtimes)(
      'lists broken plugins with their error and keeps every other command working on %s',
      (runtime) => {
        const broken = (name: string, files: Record<string, string>) => {
          const pkg = join(dir, 'node_modules', name);
          mkdirSync(pkg, { recursive: true });
          writeFileSync(
            join(pkg, 'package.json'),
            JSON.stringify({ name, version: '0.0.1', type: 'module', main: 'index.js' }),
          );
          for (const [file, text] of Object.entries(files)) writeFileSync(join(pkg, file), text);
        };
        broken('socklab-plugin-throws', { 'index.js': "throw new Error('boom at import');\n" });
        broken('socklab-plugin-bad-descriptor', {
          'index.js':
            "export default { name: 'baddesc', summary: 'bad', commands: [{ name: 'go', summary: 's', options: { port: { type: 'port', help: 'p' } }, async *run() {} }] };\n",
        });
        const plugins = socklab(dir, runtime, ['plugins']);
        expect(plugins.output).toMatch(/socklab-plugin-throws.*broken.*boom at import/);
        expect(plugins.output).toMatch(/baddesc|socklab-plugin-bad-descriptor/);
        expect(plugins.output).toMatch(/type must be string, number or boolean/);
        expect(plugins.stdout).toMatch(/^unix 0\.1\.0/m);
        expect([0, 1]).toContain(plugins.code);
        const version = socklab(dir, runtime, ['--version']);
        expect(version.code, version.output).toBe(0);
        const help = socklab(dir, runtime, ['unix', '--help']);
        expect(help.code, help.output).toBe(0);
        const doctor = socklab(dir, runtime, ['doctor']);
        expect(doctor.code, doctor.output).toBe(0);
      },
      60_000,
    );
  });
});
