import { parseArgs } from 'node:util';
import {
  type AnyCommand,
  type OptionSpec,
  type OptionSpecs,
  type Plugin,
  parseOptionValue,
  resolveOptions,
  UsageError,
} from '@socklab/core';
import { type CommonFlagName, commonFlags, type OutputFlags } from './common-flags.ts';
import type { LoadedPlugin, Registry } from './registry.ts';
import { closest } from './suggest.ts';

export type { AnyCommand } from '@socklab/core';

/** What the command line asks for. */
export type Invocation =
  | { kind: 'wizard'; flags: OutputFlags }
  | { kind: 'version' }
  | { kind: 'help'; path: string[] }
  | {
      kind: 'run';
      loaded: LoadedPlugin;
      command: AnyCommand;
      path: string[];
      options: Record<string, unknown>;
      flags: OutputFlags;
    }
  | { kind: 'error'; error: UsageError; path: string[]; exitCode: 1 | 2 };

type ParseOption = { type: 'boolean' | 'string'; short?: string };

const rootFlags = ['json', 'trace', 'hex', 'debug', 'help', 'version'] as const;

/** Reads argv (without --plugin flags) into what to do. Never throws for bad input. */
export function parseInvocation(argv: readonly string[], registry: Registry): Invocation {
  let path: string[] = [];
  try {
    return parse(argv, registry, (p) => {
      path = p;
    });
  } catch (error) {
    if (error instanceof UsageError) return { kind: 'error', error, path, exitCode: 2 };
    throw error;
  }
}

function parse(
  argv: readonly string[],
  registry: Registry,
  at: (path: string[]) => void,
): Invocation {
  const terminator = argv.indexOf('--');
  const head = terminator === -1 ? argv : argv.slice(0, terminator);
  const first = head.findIndex((arg) => !arg.startsWith('-') || arg === '-');
  const rootArgs = first === -1 ? argv : argv.slice(0, first);
  const root = parseTokens(rootArgs, {}, rootOptions(), []);
  if (root.positionals.length > 0)
    throw new UsageError(`Unexpected argument "${root.positionals[0]}"`);
  if (first === -1) {
    if (root.flags.help) return { kind: 'help', path: [] };
    if (root.flags.version) return { kind: 'version' };
    return { kind: 'wizard', flags: outputFlags(root.flags, {}) };
  }
  const name = argv[first] as string;
  const loaded = registry.find(name);
  if (!loaded) {
    const broken = registry.broken.find((b) => b.name === name);
    if (broken) {
      return {
        kind: 'error',
        error: new UsageError(`Cannot load plugin "${name}": ${broken.error}`, {
          reason: broken.error,
          hint: 'see socklab plugins',
        }),
        path: [],
        exitCode: 1,
      };
    }
    // A plugin given by --plugin or SOCKLAB_PLUGINS that did not load may be the one with this
    // command: say so, with why, and exit 1 (a failure to load, not a typo, is the likely cause).
    const unloaded = registry.broken
      .filter((b) => b.source === '--plugin' || b.source === 'env')
      .map(
        (b) =>
          `${b.source === 'env' ? 'SOCKLAB_PLUGINS' : '--plugin'} ${b.from} did not load: ${b.error}`,
      );
    const unknown = `Unknown command "${name}"${didYouMean(name, topNames(registry))}: use one of ${topNames(registry).join(', ')}`;
    if (unloaded.length === 0) throw new UsageError(unknown, { reason: 'unknown command' });
    return {
      kind: 'error',
      error: new UsageError(`${unknown}; ${unloaded.join('; ')}`, {
        reason: `unknown command; ${unloaded.join('; ')}`,
        hint: 'socklab plugins lists them all',
      }),
      path: [],
      exitCode: 1,
    };
  }
  const plugin = loaded.plugin;
  at([plugin.name]);
  const after = argv.slice(first + 1);
  const next = after.findIndex((arg) => !arg.startsWith('-') || arg === '-' || arg === '--');
  const nextName = next === -1 || after[next] === '--' ? undefined : after[next];
  const sub = plugin.commands.find((c) => c.name === nextName && c.name !== plugin.name);
  const self = plugin.commands.find((c) => c.name === plugin.name);
  let command: AnyCommand;
  let rest: string[];
  if (sub) {
    command = sub;
    rest = [...after.slice(0, next), ...after.slice(next + 1)];
  } else if (self) {
    command = self;
    rest = after;
  } else {
    const pluginArgs = parseTokens(after, {}, rootOptions(), []);
    if (pluginArgs.flags.help) return { kind: 'help', path: [plugin.name] };
    const names = plugin.commands.map((c) => c.name).join(', ');
    if (nextName !== undefined) {
      const near = didYouMean(
        nextName,
        plugin.commands.map((c) => c.name),
        `${plugin.name} `,
      );
      throw new UsageError(
        `Unknown command "${plugin.name} ${nextName}"${near}: use one of ${names}`,
        { reason: 'unknown command' },
      );
    }
    throw new UsageError(`Missing command after "${plugin.name}": use one of ${names}`, {
      reason: 'missing command',
    });
  }
  const path = command.name === plugin.name ? [plugin.name] : [plugin.name, command.name];
  at(path);
  const specs = command.options as OptionSpecs;
  const parsed = parseTokens(rest, specs, commandOptions(specs), []);
  const given = { ...pickCommon(root.flags, specs), ...parsed.flags };
  if (given.help === true && !('help' in specs)) return { kind: 'help', path };
  if (given.version === true && !('version' in specs)) return { kind: 'version' };
  const raw = { ...pickSpecValues(root.flags, specs), ...parsed.values };
  assignPositionals(specs, parsed.positionals, raw);
  const options = resolveOptions(specs, raw);
  command.check?.(options as never);
  return { kind: 'run', loaded, command, path, options, flags: outputFlags(given, specs) };
}

interface Parsed {
  /** Common flags that the command does not override. */
  flags: Partial<Record<CommonFlagName, boolean>>;
  /** Raw values of the command's own options (strings, or booleans for flags). */
  values: Record<string, unknown>;
  positionals: string[];
}

/** Tokenises with parseArgs (non-strict) and reports unknown or malformed options ourselves. */
function parseTokens(
  args: readonly string[],
  specs: OptionSpecs,
  options: Record<string, ParseOption>,
  positionals: string[],
): Parsed {
  const { tokens } = parseArgs({
    args: [...args],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const out: Parsed = { flags: {}, values: {}, positionals };
  let lastNumber = -1;
  for (const token of tokens) {
    // parseArgs reads "-1" as short options; a negative number is a value (checked later).
    if (
      token.kind === 'option' &&
      /^-[0-9]/.test(args[token.index] ?? '') &&
      !(token.name in options)
    ) {
      if (token.index !== lastNumber) out.positionals.push(args[token.index] as string);
      lastNumber = token.index;
      continue;
    }
    if (token.kind === 'positional') {
      out.positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const { name, rawName, value } = token;
    const spec = specs[name];
    const negated = name.startsWith('no-') ? specs[name.slice(3)] : undefined;
    if (spec) {
      if (spec.type === 'boolean') {
        out.values[name] = value === undefined ? true : parseOptionValue(name, spec, value);
      } else {
        // `--pid --port 80`: parseArgs takes "--port" as --pid's value; it is the next option.
        const next = value !== undefined && !token.inlineValue && /^--[a-z]/.test(value);
        if (value === undefined || next)
          throw new UsageError(`Missing value for ${rawName}: ${spec.help}`, {
            reason: 'missing value',
          });
        out.values[name] = value;
      }
    } else if (negated?.type === 'boolean' && options[name]) {
      if (value !== undefined) throw new UsageError(`${rawName} takes no value`);
      out.values[name.slice(3)] = false;
    } else if (name in commonFlags && options[name]) {
      // --json=false as a command's flags take it; --help and --version take no value.
      if (value !== undefined && !negatableFlags.includes(name))
        throw new UsageError(`${rawName} takes no value`);
      out.flags[name as CommonFlagName] =
        value === undefined
          ? true
          : (parseOptionValue(name, commonFlags[name as CommonFlagName], value) as boolean);
    } else if (name.startsWith('no-') && negatableFlags.includes(name.slice(3)) && options[name]) {
      if (value !== undefined) throw new UsageError(`${rawName} takes no value`);
      out.flags[name.slice(3) as CommonFlagName] = false;
    } else {
      const known = Object.keys(options).map((o) => `--${o}`);
      throw new UsageError(
        `Unknown option "${rawName}"${rawName.startsWith('--') ? didYouMean(rawName, known) : ''}`,
      );
    }
  }
  return out;
}

function rootOptions(): Record<string, ParseOption> {
  const options: Record<string, ParseOption> = {};
  for (const name of rootFlags) {
    const flag = commonFlags[name] as OptionSpec;
    options[name] = flag.short ? { type: 'boolean', short: flag.short } : { type: 'boolean' };
    if (negatableFlags.includes(name)) options[`no-${name}`] = { type: 'boolean' };
  }
  return options;
}

/** parseArgs options for a command: its own options, `--no-x` for each of its flags, common flags. */
function commandOptions(specs: OptionSpecs): Record<string, ParseOption> {
  const options: Record<string, ParseOption> = {};
  const shorts = new Set<string>();
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = { type: spec.type === 'boolean' ? 'boolean' : 'string' };
    if (spec.short) {
      options[name].short = spec.short;
      shorts.add(spec.short);
    }
    // Every flag can be turned off by name (scripts state what they mean), not only those on by default.
    if (spec.type === 'boolean' && !(`no-${name}` in specs))
      options[`no-${name}`] = { type: 'boolean' };
  }
  for (const [name, flag] of Object.entries(commonFlags) as [string, OptionSpec][]) {
    if (name in options) continue;
    options[name] =
      flag.short && !shorts.has(flag.short)
        ? { type: 'boolean', short: flag.short }
        : { type: 'boolean' };
    if (negatableFlags.includes(name) && !(`no-${name}` in options))
      options[`no-${name}`] = { type: 'boolean' };
  }
  return options;
}

/** Common flags that also take `=true|false` and `--no-` (the output ones, as a command's flags do). */
const negatableFlags: readonly string[] = ['json', 'trace', 'hex', 'debug'];

/** Root flags given before the command name that are really the command's own options. */
function pickSpecValues(flags: Parsed['flags'], specs: OptionSpecs): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(flags).filter(([name]) => specs[name]?.type === 'boolean'),
  );
}

function pickCommon(flags: Parsed['flags'], specs: OptionSpecs): Parsed['flags'] {
  return Object.fromEntries(Object.entries(flags).filter(([name]) => !(name in specs)));
}

function assignPositionals(
  specs: OptionSpecs,
  positionals: readonly string[],
  raw: Record<string, unknown>,
): void {
  const slots = Object.entries(specs)
    .filter(([, spec]) => spec.positional !== undefined)
    .sort(([, a], [, b]) => (a.positional as number) - (b.positional as number));
  for (const [index, value] of positionals.entries()) {
    const slot = slots[index];
    if (!slot) throw new UsageError(`Unexpected argument "${value}"`, choiceHint(specs, value));
    const [name] = slot;
    if (raw[name] !== undefined)
      throw new UsageError(`${name} is given twice: "${value}" and --${name} "${raw[name]}"`);
    raw[name] = value;
  }
}

/** `inspect tcp`: the stray word is a value of one option (--proto tcp), so say to give it so. */
function choiceHint(specs: OptionSpecs, value: string): { hint: string } | undefined {
  const wanted = value.toLowerCase();
  const owners = Object.entries(specs).flatMap(([name, spec]) => {
    const choice = spec.positional === undefined ? spec.choices : undefined;
    const match = choice?.find((c) => String(c).toLowerCase() === wanted);
    return match === undefined ? [] : [`--${name} ${match}`];
  });
  return owners.length === 1 ? { hint: `use ${owners[0]}` } : undefined;
}

function outputFlags(flags: Parsed['flags'], specs: OptionSpecs): OutputFlags {
  const on = (name: CommonFlagName) => !(name in specs) && flags[name] === true;
  return { json: on('json'), trace: on('trace'), hex: on('hex'), debug: on('debug') };
}

function didYouMean(input: string, candidates: readonly string[], prefix = ''): string {
  const near = closest(input, candidates);
  return near ? ` (did you mean "${prefix}${near}"?)` : '';
}

/** What can follow `socklab`: each plugin's name. */
export function topNames(registry: Registry): string[] {
  return registry.plugins.map((p) => p.plugin.name);
}

/** `<host> <port> [message]` for a command's positionals. */
export function positionalUsage(command: AnyCommand): string {
  return Object.entries(command.options as OptionSpecs)
    .filter(([, spec]) => spec.positional !== undefined)
    .sort(([, a], [, b]) => (a.positional as number) - (b.positional as number))
    .map(([name, spec]) => (spec.required ? `<${name}>` : `[${name}]`))
    .join(' ');
}

/** The words that run a command: `udp server`, or `inspect` when named like its plugin. */
export function commandWords(plugin: Plugin, command: AnyCommand): string {
  return command.name === plugin.name ? plugin.name : `${plugin.name} ${command.name}`;
}
