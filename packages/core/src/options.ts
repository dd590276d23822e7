import { parseHost, parsePort } from './endpoint.ts';
import { UsageError } from './errors.ts';
import type { OptionSpec, OptionSpecs } from './plugin.ts';

/** How an option is named in messages: `--timeout`, or `port` for a positional. */
export function optionLabel(name: string, spec: OptionSpec): string {
  return spec.positional !== undefined ? name : `--${name}`;
}

/** A parser's UsageError (its message and reason) with the option's hint. */
function withHint(error: unknown, hint: string): UsageError {
  const { message, reason } = error as UsageError;
  return new UsageError(message, { reason, hint });
}

const decimal = /^-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)$/;

/**
 * Turns one raw value (a string from argv or a prompt, or an already typed value) into the
 * option's type, checking kind, range and choices. Throws a UsageError naming the input.
 */
export function parseOptionValue(name: string, spec: OptionSpec, raw: unknown): unknown {
  const label = optionLabel(name, spec);
  const fail = (why: string, hint?: string): never => {
    throw new UsageError(`Cannot parse ${label} "${String(raw)}": ${why}`, { reason: why, hint });
  };
  let value: unknown = raw;
  if (spec.type === 'boolean') {
    if (typeof raw === 'string') {
      if (['true', '1', 'yes'].includes(raw)) value = true;
      else if (['false', '0', 'no'].includes(raw)) value = false;
      else fail('must be true or false');
    }
    if (typeof value !== 'boolean') fail('must be true or false');
    return value;
  }
  if (spec.type === 'number') {
    if (spec.kind === 'port') {
      let port: number;
      try {
        port = parsePort(raw as string | number, { allowZero: spec.allowZero, name: label });
      } catch (error) {
        throw withHint(error, `use a port ${spec.allowZero ? '0' : '1'}-65535`);
      }
      // A plugin's own bounds (unprivileged ports: min 1024) and validate still apply.
      if (port < minOf(spec) || port > maxOf(spec)) fail(numberRule(spec));
      value = port;
    } else {
      value = parseNumber(raw, spec, fail);
    }
  } else {
    if (typeof raw !== 'string') fail('must be text');
    const text = raw as string;
    if (spec.choices && !spec.choices.includes(text)) {
      // Any case and surrounding spaces (--proto TCP): the value becomes the choice as declared.
      const wanted = text.trim().toLowerCase();
      const choice = spec.choices.find((c) => c.toLowerCase() === wanted);
      if (choice === undefined) fail(`must be one of ${spec.choices.join(', ')}`);
      value = choice;
    }
    if (spec.kind === 'port') {
      try {
        parsePort(text, { allowZero: spec.allowZero, name: label });
      } catch (error) {
        throw withHint(error, `use a port ${spec.allowZero ? '0' : '1'}-65535`);
      }
      value = text.trim();
    }
    if (spec.kind === 'host') {
      try {
        value = parseHost(text, label);
      } catch (error) {
        throw withHint(error, 'use an IP address or a host name');
      }
    }
    const needsText = spec.required || spec.kind === 'path' || spec.kind === 'file';
    if (needsText && text === '' && spec.kind !== 'host') fail('must not be empty');
  }
  const problem = (spec.validate as ((v: unknown) => string | undefined) | undefined)?.(value);
  if (problem) fail(problem);
  return value;
}

function parseNumber(raw: unknown, spec: OptionSpec, fail: (why: string) => never): number {
  const text = String(raw).trim();
  if (typeof raw !== 'number' && !decimal.test(text)) fail(numberRule(spec));
  const number = typeof raw === 'number' ? raw : Number(text);
  if (!Number.isFinite(number)) fail(numberRule(spec));
  // Kinds (ms, count, bytes) are whole, non-negative numbers; a plain number may have a fraction.
  if (spec.kind !== undefined && !Number.isSafeInteger(number)) fail(numberRule(spec));
  if (number < minOf(spec)) fail(numberRule(spec));
  if (number > maxOf(spec)) fail(numberRule(spec));
  return Object.is(number, -0) ? 0 : number;
}

// Durations, counts and sizes are never negative, even without an explicit min.
function minOf(spec: OptionSpec): number {
  return spec.min ?? (spec.kind !== undefined ? 0 : Number.NEGATIVE_INFINITY);
}

/** Longest delay timers take (2^31-1 ms, about 24.8 days): longer ones fire at once or throw. */
export const maxTimerMs = 2_147_483_647;

// Durations beyond what timers support would fire at once (Deno, Bun) or throw (Node).
function maxOf(spec: OptionSpec): number {
  return spec.max ?? (spec.kind === 'ms' ? maxTimerMs : Number.POSITIVE_INFINITY);
}

function numberRule(spec: OptionSpec): string {
  const what =
    spec.kind === 'ms'
      ? 'a whole number of milliseconds'
      : spec.kind
        ? 'a whole number'
        : 'a number';
  const min = minOf(spec);
  const max = maxOf(spec);
  if (Number.isFinite(min) && Number.isFinite(max)) {
    return min < 0 ? `must be ${what} from ${min} to ${max}` : `must be ${what} ${min}-${max}`;
  }
  if (Number.isFinite(min)) return `must be ${what} >= ${min}`;
  if (Number.isFinite(max)) return `must be ${what} <= ${max}`;
  return `must be ${what}`;
}

/**
 * Applies defaults, parses every given value, and checks required options. `raw` holds what
 * the user gave (strings from argv or prompts, or typed values from code).
 */
export function resolveOptions<S extends OptionSpecs>(
  specs: S,
  raw: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(raw)) {
    if (!Object.hasOwn(specs, name))
      throw new UsageError(`Unknown option "--${name}"`, 'see --help');
  }
  for (const [name, spec] of Object.entries(specs)) {
    const given = raw[name];
    if (given === undefined) {
      if (spec.required) {
        const label = optionLabel(name, spec);
        throw new UsageError(`Missing ${label}: ${spec.help}`, {
          reason: 'missing',
          hint: 'see --help',
        });
      }
      out[name] = spec.default ?? (spec.type === 'boolean' ? false : undefined);
      continue;
    }
    out[name] = parseOptionValue(name, spec, given);
  }
  return out;
}
