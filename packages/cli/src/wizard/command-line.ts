import type { OptionSpec, OptionSpecs, Plugin } from '@socklab/core';
import { type AnyCommand, commandWords } from '../parse.ts';

/**
 * The one-line command that repeats a wizard run: `socklab udp client 127.0.0.1 65432 hello
 * --timeout 2000`. Only values that differ from the defaults are written, shell-quoted.
 */
export function commandLine(
  plugin: Plugin,
  command: AnyCommand,
  values: Record<string, unknown>,
  options: { pluginFlag?: string } = {},
): string {
  const specs = command.options as OptionSpecs;
  const words = ['socklab'];
  if (options.pluginFlag !== undefined) words.push('--plugin', shellQuote(options.pluginFlag));
  words.push(...commandWords(plugin, command).split(' '));
  const positionals = Object.entries(specs)
    .filter(([, spec]) => spec.positional !== undefined)
    .sort(([, a], [, b]) => (a.positional as number) - (b.positional as number));
  // A positional can only be left out when every one after it is left out too.
  let last = -1;
  positionals.forEach(([name, spec], index) => {
    if (spec.required || differs(spec, values[name])) last = index;
  });
  const given = positionals
    .slice(0, last + 1)
    .map(([name, spec]) => String(values[name] ?? spec.default ?? ''));
  // A positional starting with "-" (a message "-x", "--help") would read as an option: then the
  // options come first and the positionals after "--".
  const guarded = given.some((word) => word.startsWith('-') && word !== '-');
  if (!guarded) words.push(...given.map(shellQuote));
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.positional !== undefined || !differs(spec, values[name])) continue;
    const value = values[name];
    if (spec.type === 'boolean') words.push(value ? `--${name}` : `--no-${name}`);
    // --reply=-x: a value starting with "-" would read as an option after a space.
    else if (String(value).startsWith('-')) words.push(shellQuote(`--${name}=${String(value)}`));
    else words.push(`--${name}`, shellQuote(String(value)));
  }
  if (guarded) words.push('--', ...given.map(shellQuote));
  return words.join(' ');
}

function differs(spec: OptionSpec, value: unknown): boolean {
  if (value === undefined) return false;
  if (spec.type === 'boolean') return value !== (spec.default ?? false);
  return value !== spec.default;
}

/** A word a POSIX shell reads back as-is: bare when safe, else in single quotes. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
