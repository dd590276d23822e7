import { styleText } from 'node:util';
import { confirm, isCancel, S_BAR, select, text } from '@clack/prompts';
import {
  isLoopback,
  maxTimerMs,
  type OptionSpec,
  type OptionSpecs,
  optionLabel,
  parseOptionValue,
} from '@socklab/core';
import type { AnyCommand } from '../parse.ts';
import { askWithSignal, type WizardTerminal } from './terminal.ts';
import { terminalColumns, wrapText } from './wrap-text.ts';

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
  const message = `${optionLabel(name, spec)}: ${promptHelp(spec)}${rangeNote(spec)}`;
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

/**
 * The option's help, its own default told apart from the one the wizard proposes instead (the UDP
 * server binds the host name's address, like the seed; the wizard proposes loopback).
 */
function promptHelp(spec: OptionSpec): string {
  const proposed = spec.wizard ? spec.wizard.default : undefined;
  if (proposed === undefined || proposed === spec.default) return spec.help;
  const said = /\s*\(default:? ([^()]+)\)$/.exec(spec.help);
  const own = said ? said[1] : spec.default;
  if (own === undefined) return spec.help;
  const why =
    spec.kind === 'host' && isLoopback(String(proposed))
      ? `${proposed} keeps it on loopback`
      : `the wizard proposes ${proposed}`;
  const help = said ? spec.help.slice(0, said.index) : spec.help;
  return `${help} (the command's own default is ${own}; ${why})`;
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
  const columns = terminalColumns(terminal.output);
  for (const prompt of prompts) {
    // Clack wraps these itself, keeping a space at the start of a wrapped line: wrapped here, the
    // lines read as a text prompt's do.
    const message = wrapText(prompt.message, columns).join('\n');
    const answer = await askWithSignal<string | boolean | symbol>(terminal.signal, (signal) => {
      const streams = { input: terminal.input, output: terminal.output, signal };
      if (prompt.kind === 'confirm')
        return confirm({ ...streams, message, initialValue: prompt.initialValue });
      if (prompt.kind === 'select')
        return select({
          ...streams,
          message,
          options: prompt.options,
          initialValue: prompt.initialValue,
        });
      return text({ ...streams, ...textPrompt(prompt, terminal.color !== false, columns) });
    });
    if (isCancel(answer)) return undefined;
    // An empty answer leaves the option to its default, like leaving it off the command line.
    if (answer !== '') answers[prompt.name] = answer as string | boolean;
  }
  return answers;
}

/**
 * A text prompt's message and error lines wrapped inside the frame (clack prints them as they
 * are). Without colour a placeholder looks exactly like typed text: the message says the default
 * instead, and the empty answer shows the cursor alone, as clack draws it after typed text.
 */
function textPrompt(
  prompt: Extract<OptionPrompt, { kind: 'text' }>,
  color: boolean,
  columns: number,
) {
  const said = !color && prompt.defaultValue ? ` (default ${prompt.defaultValue})` : '';
  return {
    message: wrapText(prompt.message + said, columns).join(`\n${styleText('gray', S_BAR)}  `),
    placeholder: color ? prompt.defaultValue : '\u2588',
    defaultValue: prompt.defaultValue,
    ...(prompt.initialValue === undefined ? {} : { initialValue: prompt.initialValue }),
    validate(answer: string | undefined) {
      const reason = prompt.validate(answer);
      // Clack draws the reason after the frame's end (└  ), so its lines align under it.
      return reason === undefined ? undefined : wrapText(reason, columns).join('\n   ');
    },
  };
}
