import type { LabEvent } from './events.ts';
import { parseOptionValue } from './options.ts';

export type OptionType = 'string' | 'number' | 'boolean';

/** What a string or number option means, for validation, help and the wizard's prompt. */
export type OptionKind = 'port' | 'host' | 'ms' | 'count' | 'bytes' | 'text' | 'file' | 'path';

/** Every option kind, for checks and tools. */
export const optionKinds: readonly OptionKind[] = [
  'port',
  'host',
  'ms',
  'count',
  'bytes',
  'text',
  'file',
  'path',
];

interface OptionTypes {
  string: string;
  number: number;
  boolean: boolean;
}

/** Describes one option: the CLI builds parsing, --help and wizard prompts from it. */
export interface OptionSpec<T extends OptionType = OptionType> {
  type: T;
  help: string;
  default?: OptionTypes[T];
  /** Position among the command's positional arguments (0-based); also accepted as --name. */
  positional?: number;
  short?: string;
  required?: boolean;
  kind?: OptionKind;
  /** For string options: the allowed values. */
  choices?: readonly string[];
  /** For number options: inclusive bounds. */
  min?: number;
  max?: number;
  /** For ports: accept 0 ("any free port"), only where a server binds. */
  allowZero?: boolean;
  /** Placeholder in help text: `--timeout <ms>`. */
  placeholder?: string;
  /** Extra check after type and range: return the reason it is wrong, or undefined. */
  validate?: (value: OptionTypes[T]) => string | undefined;
  /** The wizard's own default (e.g. loopback for servers), or false to not ask at all. */
  wizard?: false | { default?: OptionTypes[T] };
}

export type OptionSpecs = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> = S extends OptionSpec<infer T> ? OptionTypes[T] : never;
type Settled<S extends OptionSpec> = S extends { default: unknown }
  ? true
  : S extends { required: true }
    ? true
    : S extends { type: 'boolean' }
      ? true
      : false;

/** The typed values a command's `run` receives. */
export type OptionValues<S extends OptionSpecs> = {
  [K in keyof S]: Settled<S[K]> extends true ? ValueOf<S[K]> : ValueOf<S[K]> | undefined;
};

/** A resolver the caller may inject instead of the runtime's (tests, custom DNS). */
export type Lookup = (
  host: string,
  options: { signal?: AbortSignal },
) => Promise<{ address: string; family: 4 | 6 }[]>;

export interface RunContext {
  /** Aborting it ends the command and closes everything it opened. */
  signal: AbortSignal;
  /** The user asked for every lifecycle event (--trace); plugins may yield finer events. */
  trace?: boolean;
  /** The user asked for payload hex dumps (--hex). */
  hex?: boolean;
  /** Injected resolver; plugins fall back to the runtime's own. */
  lookup?: Lookup;
  /** Standard input, for commands that read a payload from it. */
  stdin?: () => AsyncIterable<Uint8Array>;
}

export interface CommandSpec<S extends OptionSpecs = OptionSpecs> {
  /** `server` in `socklab udp server`; a command named like its plugin is `socklab <name>`. */
  name: string;
  summary: string;
  options: S;
  examples?: readonly string[];
  /**
   * Ctrl-C / SIGTERM is the normal way to stop it (servers, watchers): exit 0.
   * Otherwise an interrupt exits 130.
   */
  graceful?: boolean | ((options: OptionValues<S>) => boolean);
  /** Checks combinations of options; throw a UsageError for conflicts. */
  check?: (options: OptionValues<S>) => void;
  run(options: OptionValues<S>, context: RunContext): AsyncIterable<LabEvent>;
}

/** A command of any option shape: what a plugin holds, and the explicit type for exported commands. */
// biome-ignore lint/suspicious/noExplicitAny: commands differ in option shapes
export type AnyCommand = CommandSpec<any>;

export interface Plugin {
  name: string;
  summary: string;
  version?: string;
  commands: readonly AnyCommand[];
}

const namePattern = /^[a-z][a-z0-9-]*$/;

/** Identity with types, for option inference in `run`. */
export function defineCommand<const S extends OptionSpecs>(spec: CommandSpec<S>): CommandSpec<S> {
  return spec;
}

/** Checks a plugin's shape and returns it frozen. Throws a TypeError naming what is wrong. */
export function definePlugin<const P extends Plugin>(plugin: P): P {
  const fail = (why: string): never => {
    throw new TypeError(`Cannot define plugin "${String(plugin?.name)}": ${why}`);
  };
  if (typeof plugin !== 'object' || plugin === null) fail('a plugin is an object');
  if (typeof plugin.name !== 'string' || !namePattern.test(plugin.name)) {
    fail('name must be lowercase letters, digits and dashes, starting with a letter');
  }
  if (typeof plugin.summary !== 'string' || plugin.summary === '') fail('summary is missing');
  if (!Array.isArray(plugin.commands) || plugin.commands.length === 0) fail('commands is empty');
  const seen = new Set<string>();
  for (const command of plugin.commands) {
    const where = `command "${String(command?.name)}"`;
    if (typeof command?.name !== 'string' || !namePattern.test(command.name)) {
      fail(`${where}: name must be lowercase letters, digits and dashes`);
    }
    if (seen.has(command.name)) fail(`${where} is defined twice`);
    seen.add(command.name);
    if (typeof command.run !== 'function') fail(`${where}: run must be a function`);
    if (typeof command.summary !== 'string') fail(`${where}: summary is missing`);
    if (command.check !== undefined && typeof command.check !== 'function')
      fail(`${where}: check must be a function`);
    if (!['undefined', 'boolean', 'function'].includes(typeof command.graceful)) {
      fail(`${where}: graceful must be a boolean or a function`);
    }
    const problem = checkOptionSpecs(command.options);
    if (problem) fail(`${where}: ${problem}`);
  }
  return Object.freeze(plugin);
}

/** The types each kind of value comes in. */
const kindTypes: Record<OptionKind, readonly OptionType[]> = {
  port: ['number', 'string'],
  ms: ['number'],
  count: ['number'],
  bytes: ['number'],
  host: ['string'],
  text: ['string'],
  file: ['string'],
  path: ['string'],
};

/** Flags the CLI keeps for itself; commands may still shadow --json, --trace and --hex. */
export const reservedOptionNames: readonly string[] = ['help', 'version', 'debug', 'plugin'];
export const reservedShortFlags: readonly string[] = ['h', 'V'];

/** Returns what is wrong with a set of option specs, or undefined. */
export function checkOptionSpecs(specs: OptionSpecs): string | undefined {
  if (typeof specs !== 'object' || specs === null) return 'options must be an object';
  const positions: number[] = [];
  const shorts = new Set<string>();
  for (const [name, spec] of Object.entries(specs)) {
    const where = `option "${name}"`;
    if (!/^[a-z][a-z0-9-]*$/.test(name)) return `${where}: name must be kebab-case`;
    if (reservedOptionNames.includes(name)) return `${where}: --${name} belongs to the CLI`;
    if (typeof spec?.short === 'string' && reservedShortFlags.includes(spec.short)) {
      return `${where}: -${spec.short} belongs to the CLI`;
    }
    if (!['string', 'number', 'boolean'].includes(spec?.type)) {
      return `${where}: type must be string, number or boolean`;
    }
    if (typeof spec.help !== 'string' || spec.help === '') return `${where}: help is missing`;
    if (spec.kind !== undefined && !optionKinds.includes(spec.kind)) {
      return `${where}: kind must be one of ${optionKinds.join(', ')}`;
    }
    if (spec.kind !== undefined && !kindTypes[spec.kind].includes(spec.type)) {
      return `${where}: kind ${spec.kind} needs type ${kindTypes[spec.kind].join(' or ')}`;
    }
    if (spec.required && spec.default !== undefined) {
      return `${where}: a required option has no default (drop one of them)`;
    }
    if (spec.choices !== undefined) {
      if (spec.type !== 'string') return `${where}: choices need type string`;
      if (
        !Array.isArray(spec.choices) ||
        spec.choices.length === 0 ||
        !spec.choices.every((c) => typeof c === 'string')
      ) {
        return `${where}: choices must be a non-empty list of strings`;
      }
    }
    for (const bound of ['min', 'max'] as const) {
      if (spec[bound] !== undefined && (spec.type !== 'number' || !Number.isFinite(spec[bound]))) {
        return `${where}: ${bound} must be a finite number on a number option`;
      }
    }
    if (spec.min !== undefined && spec.max !== undefined && spec.min > spec.max) {
      return `${where}: min is above max`;
    }
    for (const fn of ['validate'] as const) {
      if (spec[fn] !== undefined && typeof spec[fn] !== 'function')
        return `${where}: ${fn} must be a function`;
    }
    if (spec.default !== undefined && typeof spec.default !== spec.type) {
      return `${where}: default must be a ${spec.type}`;
    }
    if (
      spec.choices &&
      spec.default !== undefined &&
      !spec.choices.includes(String(spec.default))
    ) {
      return `${where}: default is not one of its choices`;
    }
    if (spec.default !== undefined) {
      try {
        parseOptionValue(name, spec, spec.default);
      } catch (error) {
        return `${where}: default ${JSON.stringify(spec.default)} is invalid (${(error as Error).message})`;
      }
    }
    if (spec.short !== undefined) {
      if (!/^[a-zA-Z]$/.test(spec.short) || shorts.has(spec.short)) {
        return `${where}: short must be one unused letter`;
      }
      shorts.add(spec.short);
    }
    if (spec.positional !== undefined) {
      if (spec.type === 'boolean') return `${where}: a flag cannot be positional`;
      if (!Number.isInteger(spec.positional) || spec.positional < 0) {
        return `${where}: positional must be a whole number >= 0`;
      }
      positions.push(spec.positional);
    }
  }
  positions.sort((a, b) => a - b);
  if (positions.some((p, i) => p !== i)) return 'positional indexes must be 0, 1, 2… without gaps';
  return undefined;
}

/** The command's path as typed: `["udp", "server"]`, or `["inspect"]` when named like the plugin. */
export function commandPath(plugin: Plugin, command: CommandSpec<OptionSpecs>): string[] {
  return command.name === plugin.name ? [plugin.name] : [plugin.name, command.name];
}
