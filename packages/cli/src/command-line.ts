import type { OptionSpecs, Plugin } from '@socklab/core';
import type { AnyCommand } from './parse.ts';

/**
 * The one-line command that runs `command` with `values` again (the wizard prints it):
 * `socklab udp client 127.0.0.1 65432 hello --timeout 2000`. Defaults are left out; words
 * are quoted for a POSIX shell. Parsing the line gives the same values back.
 */
export function formatCommandLine(
  plugin: Plugin,
  command: AnyCommand,
  values: Record<string, unknown>,
): string {
  const specs = command.options as OptionSpecs;
  const words = ['socklab', plugin.name];
  if (command.name !== plugin.name) words.push(command.name);
  const fallback = (name: string) =>
    specs[name]?.default ?? (specs[name]?.type === 'boolean' ? false : undefined);
  const differs = (name: string) => values[name] !== undefined && values[name] !== fallback(name);
  const positionals = Object.entries(specs)
    .filter(([, spec]) => spec.positional !== undefined)
    .sort(([, a], [, b]) => (a.positional as number) - (b.positional as number));
  // Positionals up to the last one that must be given; earlier ones then appear even at their default.
  let last = -1;
  positionals.forEach(([name, spec], index) => {
    if (differs(name) || (spec.required && values[name] !== undefined)) last = index;
  });
  const given = positionals
    .slice(0, last + 1)
    .map(([name, spec]) => String(values[name] ?? spec.default ?? ''));
  const options: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.positional !== undefined || !differs(name)) continue;
    const value = values[name];
    if (spec.type === 'boolean') options.push(value ? `--${name}` : `--no-${name}`);
    else options.push(`--${name}`, String(value));
  }
  // A positional starting with "-" would read as an option: put it after "--".
  if (given.some((word) => word.startsWith('-') && word !== '-'))
    return [...words, ...options, '--', ...given].map(shellQuote).join(' ');
  return [...words, ...given, ...options].map(shellQuote).join(' ');
}

/** Quotes a word for sh/bash/zsh when it has anything but plainly safe characters. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_\-.,:/@%+=[\]]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
