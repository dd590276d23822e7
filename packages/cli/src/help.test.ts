import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runMain } from '../test/fixtures.ts';
import { createMemoryIO } from './memory-io.ts';
import { cliVersion } from './version.ts';

describe('--help at every level', () => {
  it('root: every command with its arguments, the common options', async () => {
    for (const args of [['--help'], ['-h']]) {
      const { code, out, err } = await runMain(args);
      expect([code, err]).toEqual([0, '']);
      expect(out).toMatch(/^socklab \d+\.\d+\.\d+: a socket lab for Node, Deno and Bun\n/);
      expect(out).toMatch(/\n {2}fake echo <text> +Print the text back\n/);
      expect(out).toMatch(/\n {2}fake opts <port> \[host\] +Print the parsed options as JSON\n/);
      expect(out).toMatch(/\n {2}solo \[word\] +Say a word\n/);
      expect(out).toMatch(/\n {2}doctor +check/);
      expect(out).toMatch(/\n {2}plugins +list plugins/);
      for (const flag of [
        '--json',
        '--trace',
        '--hex',
        '--debug',
        '-h, --help',
        '-V, --version',
        '--plugin <specifier>',
      ]) {
        expect(out).toContain(`  ${flag}`);
      }
    }
  });

  it('plugin: its commands', async () => {
    const { code, out } = await runMain(['fake', '--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/^socklab fake: Test commands\n\nUsage: socklab fake <command>/);
    expect(out).toMatch(/\n {2}fake bind <port> +Listen on a TCP port once\n/);
  });

  it('command: arguments, options with placeholders, ranges and defaults, examples', async () => {
    for (const args of [
      ['fake', 'opts', '--help'],
      ['fake', 'opts', '-h'],
      ['--help', 'fake', 'opts'],
      ['fake', 'opts', 'not-a-port', '--help'],
    ]) {
      const { code, out, err } = await runMain(args);
      expect([code, err]).toEqual([0, '']);
      expect(out).toContain('Usage: socklab fake opts <port> [host] [options]');
      expect(out).toMatch(/\n {2}port +a port \(required; 1-65535\)\n/);
      expect(out).toMatch(/\n {2}host +a host \(default: "127.0.0.1"\)\n/);
      expect(out).toMatch(/\n {2}--timeout <ms> +how long to wait \(1-60000; default: 1000\)\n/);
      expect(out).toMatch(/\n {2}--mode <fast\|slow> +how \(default: "fast"\)\n/);
      expect(out).toMatch(/\n {2}-k, --keep +keep going\n/);
      expect(out).toMatch(/\n {2}--color, --no-color +use colour \(default: true\)\n/);
      expect(out).toMatch(/\nExamples:\n {2}socklab fake opts 8080 localhost --timeout 500\n/);
      // The command's own --json replaces the common one in its help.
      expect(out).toMatch(/\n {2}--json +the command's own --json\n/);
      expect(out).not.toContain('NDJSON');
    }
  });

  it('a command named like its plugin', async () => {
    const { out } = await runMain(['solo', '--help']);
    expect(out).toContain('Usage: socklab solo [word] [options]');
  });

  it('-V/--version print the version at any level', async () => {
    for (const args of [['-V'], ['--version'], ['fake', 'echo', '-V']]) {
      const { code, out } = await runMain(args);
      expect([code, out]).toEqual([0, `${cliVersion()}\n`]);
    }
    // The constant in version.ts follows package.json (scripts/sync-versions.mjs).
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(cliVersion()).toBe(pkg.version);
  });
});

describe('no arguments', () => {
  it('without a TTY: help on stderr, exit 2', async () => {
    const { code, out, err } = await runMain([]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/^socklab \d/);
    expect(err).toContain('Commands:');
    expect(err.trimEnd().split('\n').at(-1)).toBe(
      'socklab: the wizard needs a terminal (neither stdin nor stdout is one); run a command above, e.g. socklab tcp server --help',
    );
  });

  it('with stdin not a TTY either: help on stderr, exit 2', async () => {
    const { code, err } = await runMain(
      [],
      createMemoryIO({ isTTY: { stdin: false, stdout: true } }),
    );
    expect(code).toBe(2);
    expect(err).toContain('Usage: socklab');
    expect(err).toContain('the wizard needs a terminal (stdin is not one)');
  });
});
