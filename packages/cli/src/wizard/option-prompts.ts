import { confirm, isCancel, select, text } from '@clack/prompts';
import {
  maxTimerMs,
  type OptionSpec,
  type OptionSpecs,
  optionLabel,
  parseOptionValue,
} from '@socklab/core';
import type { AnyCommand } from '../parse.ts';
import type { WizardTerminal } from './terminal.ts';

/** What one option's prompt looks like: built from its OptionSpec alone. */
export type OptionPrompt =
  | {
      kind: 'text';
      name: string;
      message: string;
      /** Taken on an empty answer, and shown as the placeholder. */
      defaultValue: string | undefined;
      /** The previous answer when asking again, typed in already: clearing it unsets the option. */
      initialValue?: string;
      /** The reason an answer is refused, or undefined. */
      validate(answer: string | undefined): string | undefined;
    }
  | {
      kind: 'select';
      name: string;
      message: string;
      options: { value: string; label: string }[];
      initialValue: string;
    }
  | { kind: 'confirm'; name: string; message: string; initialValue: boolean };

/** Answers as the command line would give them: strings for values, booleans for flags. */
export type RawAnswers = Record<string, string | boolean>;

/** Shown for an optional choice left unset. */
export const unsetChoice = '';

/**
 * One prompt per option the wizard asks (positionals first, `wizard: false` skipped), with the
 * wizard's default (`wizard.default`, else the option's) and inline validation by core's rules.
 * `previous` answers, when asking again, replace the defaults.
 */
export function optionPrompts(command: AnyCommand, previous: RawAnswers = {}): OptionPrompt[] {
  const entries = Object.entries(command.options as OptionSpecs).filter(
    ([, spec]) => spec.wizard !== false,
  );
  const positionals = entries
    .filter(([, spec]) => spec.positional !== undefined)
    .sort(([, a], [, b]) => (a.positional as number) - (b.positional as number));
  const named = entries.filter(([, spec]) => spec.positional === undefined);
  return [...positionals, ...named].map(([name, spec]) => promptFor(name, spec, previous[name]));
}

function promptFor(name: string, spec: OptionSpec, previous: unknown): OptionPrompt {
  const fallback = previous ?? wizardDefault(spec);
  const message = `${optionLabel(name, spec)}: ${spec.help}${rangeNote(spec)}`;
  if (spec.type === 'boolean')
    return { kind: 'confirm', name, message, initialValue: fallback === true };
  if (spec.choices) {
    const options = spec.choices.map((choice) => ({ value: choice, label: choice }));
    if (!spec.required && spec.default === undefined)
      options.unshift({ value: unsetChoice, label: '(not set)' });
    const initialValue = typeof fallback === 'string' ? fallback : (options[0]?.value as string);
    return { kind: 'select', name, message, options, initialValue };
  }
  // Asked again: the previous answer is typed in (editable, or cleared to unset the option), and
  // an empty answer is the option's own default again, not the previous answer.
  const again = typeof previous === 'string' && previous !== '' ? previous : undefined;
  const wizardFallback = again === undefined ? fallback : wizardDefault(spec);
  const defaultValue = wizardFallback === undefined ? undefined : String(wizardFallback);
  return {
    kind: 'text',
    name,
    message,
    defaultValue,
    ...(again === undefined ? {} : { initialValue: again }),
    validate(answer) {
      const given = answer ?? '';
      if (given === '') {
        if (defaultValue !== undefined || !spec.required) return undefined;
        return `${optionLabel(name, spec)} is required: ${spec.help}`;
      }
      // "-" reads standard input on the command line; here standard input is this terminal.
      if (given.trim() === '-' && spec.kind === 'text')
        return `"-" reads standard input, which is this terminal here: type the ${optionLabel(name, spec).replace(/^--/, '')} itself`;
      try {
        parseOptionValue(name, spec, given);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
  };
}

function wizardDefault(spec: OptionSpec): unknown {
  return spec.wizard ? (spec.wizard.default ?? spec.default) : spec.default;
}

function rangeNote(spec: OptionSpec): string {
  if (spec.kind === 'port')
    return spec.allowZero ? ' (0-65535, 0 picks a free port)' : ' (1-65535)';
  if (spec.type !== 'number') return '';
  // Durations stop where timers do, as the parser checks (a range shown is a range enforced).
  const max = spec.max ?? (spec.kind === 'ms' ? maxTimerMs : undefined);
  if (spec.min !== undefined && max !== undefined) return ` (${spec.min}-${max})`;
  if (spec.min !== undefined) return ` (>= ${spec.min})`;
  if (max !== undefined) return ` (<= ${max})`;
  return '';
}

/** Asks each prompt in turn; `undefined` when the user cancels (Ctrl-C, Esc or Ctrl-D). */
export async function askOptions(
  prompts: readonly OptionPrompt[],
  terminal: WizardTerminal,
): Promise<RawAnswers | undefined> {
  const answers: RawAnswers = {};
  const streams = { input: terminal.input, output: terminal.output, signal: terminal.signal };
  for (const prompt of prompts) {
    let answer: string | boolean | symbol;
    if (prompt.kind === 'confirm') {
      answer = await confirm({
        ...streams,
        message: prompt.message,
        initialValue: prompt.initialValue,
      });
    } else if (prompt.kind === 'select') {
      answer = await select({
        ...streams,
        message: prompt.message,
        options: prompt.options,
        initialValue: prompt.initialValue,
      });
    } else {
      answer = await text({
        ...streams,
        message: prompt.message,
        placeholder: prompt.defaultValue,
        defaultValue: prompt.defaultValue,
        ...(prompt.initialValue === undefined ? {} : { initialValue: prompt.initialValue }),
        validate: prompt.validate,
      });
    }
    if (isCancel(answer)) return undefined;
    // An empty answer leaves the option to its default, like leaving it off the command line.
    if (answer !== '') answers[prompt.name] = answer as string | boolean;
  }
  return answers;
}
