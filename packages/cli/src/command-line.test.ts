import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeOptsDefaults as defaults, fakePlugin, runMain } from '../test/fixtures.ts';
import { formatCommandLine, shellQuote } from './command-line.ts';
import { loadRegistry } from './registry.ts';

const registry = await loadRegistry({
  cwd: process.cwd(),
  specifiers: [fakePlugin],
  builtins: [],
  searchFrom: [],
});
const plugin = registry.find('fake')?.plugin;
if (!plugin) throw new Error('fixture plugin did not load');
const opts = plugin.commands.find((c) => c.name === 'opts');
const echo = plugin.commands.find((c) => c.name === 'echo');
if (!opts || !echo) throw new Error('fixture commands missing');

/** Splits a line made by shellQuote back into words (single quotes only). */
function shellSplit(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)) {
    words.push(match[1] !== undefined ? match[1].replaceAll(`'\\''`, "'") : (match[2] as string));
  }
  return words;
}

describe('formatCommandLine', () => {
  it('leaves defaults out and keeps positionals in order', () => {
    expect(formatCommandLine(plugin, opts, { port: 80, ...defaults })).toBe('socklab fake opts 80');
    expect(
      formatCommandLine(plugin, opts, { port: 80, ...defaults, host: '::1', timeout: 5 }),
    ).toBe('socklab fake opts 80 ::1 --timeout 5');
    expect(
      formatCommandLine(plugin, opts, { port: 80, ...defaults, keep: true, color: false }),
    ).toBe('socklab fake opts 80 --keep --no-color');
    expect(formatCommandLine(plugin, echo, { text: "it's -x" })).toBe(
      `socklab fake echo 'it'\\''s -x'`,
    );
    expect(formatCommandLine(plugin, echo, { text: '-x' })).toBe('socklab fake echo -- -x');
  });

  it('quotes for the shell', () => {
    expect(shellQuote('hello')).toBe('hello');
    expect(shellQuote('[::1]:80')).toBe('[::1]:80');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote('$HOME')).toBe("'$HOME'");
  });

  it('gives back the same values when parsed (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          port: fc.integer({ min: 1, max: 65535 }),
          host: fc.constantFrom('127.0.0.1', '::1', 'localhost', 'example.com'),
          timeout: fc.integer({ min: 1, max: 60000 }),
          mode: fc.constantFrom('fast', 'slow'),
          keep: fc.boolean(),
          color: fc.boolean(),
          json: fc.boolean(),
          name: fc.option(
            fc.string({ minLength: 1 }).filter((s) => !s.includes(' ')),
            { nil: undefined },
          ),
        }),
        async (values) => {
          const line = formatCommandLine(plugin, opts, values);
          const { code, out, err } = await runMain(shellSplit(line).slice(1));
          expect(err).toBe('');
          expect(code).toBe(0);
          expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(values)));
        },
      ),
      { numRuns: 60 },
    );
  });
});
