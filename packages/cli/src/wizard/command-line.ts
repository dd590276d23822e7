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
  for (const [name, spec] of positionals.slice(0, last + 1))
    words.push(shellQuote(String(values[name] ?? spec.default ?? '')));
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.positional !== undefined || !differs(spec, values[name])) continue;
    const value = values[name];
    if (spec.type === 'boolean') words.push(value ? `--${name}` : `--no-${name}`);
    else words.push(`--${name}`, shellQuote(String(value)));
  }
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
