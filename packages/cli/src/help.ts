import type { OptionSpec, OptionSpecs, Plugin } from '@socklab/core';
import { commonFlags, pluginFlagHelp } from './common-flags.ts';
import { type AnyCommand, commandWords, positionalUsage } from './parse.ts';
import type { Registry } from './registry.ts';
import { cliVersion } from './version.ts';

/** Help for `socklab`, `socklab <plugin>` or `socklab <plugin> <command>`, from the specs. */
export function helpText(registry: Registry, path: readonly string[]): string {
  const loaded = path[0] === undefined ? undefined : registry.find(path[0]);
  if (!loaded) return rootHelp(registry);
  const plugin = loaded.plugin;
  const command =
    path.length > 1
      ? plugin.commands.find((c) => c.name === path[1])
      : plugin.commands.find((c) => c.name === plugin.name);
  return command ? commandHelp(plugin, command) : pluginHelp(plugin);
}

export function rootHelp(registry: Registry): string {
  const rows: [string, string][] = [];
  for (const { plugin } of registry.plugins) {
    for (const command of plugin.commands)
      rows.push([usageWords(plugin, command), command.summary]);
  }
  const lines = [
    `socklab ${cliVersion()}: a socket lab for Node, Deno and Bun`,
    '',
    'Usage: socklab <command> [arguments] [options]',
    '       socklab                 (in a terminal: a guided wizard)',
    '',
    'Commands:',
    ...table(rows),
    '',
    'Common options:',
    ...table([...commonRows({}), ['--plugin <specifier>', pluginFlagHelp]]),
    '',
    'Run "socklab <command> --help" for its arguments and options.',
  ];
  if (registry.broken.length > 0) {
    const names = registry.broken.map((b) => b.name).join(', ');
    lines.push(`Plugins that failed to load: ${names} (see socklab plugins)`);
  }
  return `${lines.join('\n')}\n`;
}

export function pluginHelp(plugin: Plugin): string {
  const rows = plugin.commands.map((c): [string, string] => [usageWords(plugin, c), c.summary]);
  return `${[
    `socklab ${plugin.name}: ${plugin.summary}`,
    '',
    `Usage: socklab ${plugin.name} <command> [arguments] [options]`,
    '',
    'Commands:',
    ...table(rows),
    '',
    `Run "socklab ${plugin.name} <command> --help" for its arguments and options.`,
  ].join('\n')}\n`;
}

export function commandHelp(plugin: Plugin, command: AnyCommand): string {
  const specs = command.options as OptionSpecs;
  const entries = Object.entries(specs);
  const positionals = entries
    .filter(([, spec]) => spec.positional !== undefined)
    .sort(([, a], [, b]) => (a.positional as number) - (b.positional as number));
  const named = entries.filter(([, spec]) => spec.positional === undefined);
  const lines = [
    `socklab ${commandWords(plugin, command)}: ${command.summary}`,
    '',
    `Usage: socklab ${[commandWords(plugin, command), positionalUsage(command)].filter(Boolean).join(' ')} [options]`,
  ];
  if (positionals.length > 0) {
    lines.push(
      '',
      'Arguments:',
      ...table(positionals.map(([name, spec]) => [name, describe(spec)])),
    );
  }
  if (named.length > 0) {
    lines.push(
      '',
      'Options:',
      ...table(named.map(([name, spec]) => [optionColumn(name, spec), describe(spec)])),
    );
  }
  lines.push('', 'Common options:', ...table(commonRows(specs)));
  if (command.examples && command.examples.length > 0) {
    lines.push('', 'Examples:', ...command.examples.map((e: string) => `  ${e}`));
  }
  return `${lines.join('\n')}\n`;
}

function usageWords(plugin: Plugin, command: AnyCommand): string {
  return [commandWords(plugin, command), positionalUsage(command)].filter(Boolean).join(' ');
}

function commonRows(specs: OptionSpecs): [string, string][] {
  const shorts = new Set(Object.values(specs).map((s) => s.short));
  return (Object.entries(commonFlags) as [string, OptionSpec][])
    .filter(([name]) => !(name in specs))
    .map(([name, flag]) => [
      flag.short && !shorts.has(flag.short) ? `-${flag.short}, --${name}` : `--${name}`,
      flag.help,
    ]);
}

function optionColumn(name: string, spec: OptionSpec): string {
  const flag = spec.short ? `-${spec.short}, --${name}` : `--${name}`;
  if (spec.type === 'boolean') return spec.default === true ? `${flag}, --no-${name}` : flag;
  return `${flag} ${placeholder(spec)}`;
}

function placeholder(spec: OptionSpec): string {
  if (spec.placeholder)
    return spec.placeholder.startsWith('<') ? spec.placeholder : `<${spec.placeholder}>`;
  if (spec.choices) return `<${spec.choices.join('|')}>`;
  return `<${spec.kind ?? (spec.type === 'number' ? 'n' : 'text')}>`;
}

function describe(spec: OptionSpec): string {
  const notes: string[] = [];
  if (spec.required) notes.push('required');
  if (spec.choices && spec.positional !== undefined)
    notes.push(`one of ${spec.choices.join(', ')}`);
  if (spec.kind === 'port') notes.push(spec.allowZero ? '0-65535, 0 picks a free port' : '1-65535');
  else if (spec.min !== undefined && spec.max !== undefined) notes.push(`${spec.min}-${spec.max}`);
  else if (spec.min !== undefined) notes.push(`>= ${spec.min}`);
  else if (spec.max !== undefined) notes.push(`<= ${spec.max}`);
  if (spec.default !== undefined && !(spec.type === 'boolean' && spec.default === false)) {
    notes.push(
      `default: ${spec.type === 'string' ? JSON.stringify(spec.default) : String(spec.default)}`,
    );
  }
  return notes.length > 0 ? `${spec.help} (${notes.join('; ')})` : spec.help;
}

/** Two aligned columns, indented by two spaces. */
function table(rows: [string, string][]): string[] {
  const width = Math.min(34, Math.max(0, ...rows.map(([left]) => left.length)));
  return rows.map(([left, right]) =>
    left.length > width
      ? `  ${left}\n  ${' '.repeat(width)}  ${right}`
      : `  ${left.padEnd(width)}  ${right}`,
  );
}
