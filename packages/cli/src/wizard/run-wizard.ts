import { cancel, intro, isCancel, log, outro, select } from '@clack/prompts';
import { resolveOptions } from '@socklab/core';
import { denoRerunHint, udpUnavailable } from '../deno-net.ts';
import { executeCommand, exitCodes } from '../execute.ts';
import type { CliIO } from '../io.ts';
import type { Registry } from '../registry.ts';
import { useColor } from '../render/index.ts';
import { cliVersion } from '../version.ts';
import { commandLine } from './command-line.ts';
import { askOptions, optionPrompts, type RawAnswers } from './option-prompts.ts';
import { listScenarios, type Scenario } from './scenarios.ts';
import { createSpinner } from './spinner.ts';
import {
  askWithSignal,
  processTerminal,
  type WizardTerminal,
  watchEndOfInput,
} from './terminal.ts';
import { createWizardRenderer, framedIO } from './wizard-renderer.ts';
import { terminalColumns, wrapText } from './wrap-text.ts';

/**
 * `socklab` in a terminal: pick a scenario, answer one prompt per option, watch it run, and get
 * the one-line command that repeats it. Resolves to the exit code: the command's own, or 130
 * when a prompt is cancelled (Ctrl-C or Esc).
 */
export async function runWizard(
  registry: Registry,
  io: CliIO,
  given: WizardTerminal = processTerminal(),
): Promise<number> {
  const endOfInput = watchEndOfInput(given.input);
  try {
    const color = given.color ?? useColor(io.isTTY.stdout, io.env);
    const terminal = { ...given, signal: endOfInput.signal, color };
    return await wizard(registry, io, terminal, endOfInput.stop);
  } finally {
    endOfInput.stop();
  }
}

async function wizard(
  registry: Registry,
  io: CliIO,
  terminal: WizardTerminal,
  promptsDone: () => void,
): Promise<number> {
  const stopped = () => {
    cancel('Cancelled: nothing was run.', { output: terminal.output });
    return exitCodes.interrupted;
  };
  intro(`socklab ${cliVersion()}: the socket lab`, { output: terminal.output });
  const scenarios = listScenarios(registry);
  const chosen = await askWithSignal(terminal.signal, (signal) =>
    select<Scenario>({
      input: terminal.input,
      output: terminal.output,
      signal,
      message: 'What do you want to run?',
      options: scenarios.map((s) => ({ value: s, label: s.label, hint: s.hint })),
      maxItems: 12,
    }),
  );
  if (isCancel(chosen)) return stopped();
  const { plugin, command, words } = chosen;
  // Said before its questions, not after them: UDP cannot run in this Deno at all.
  if (udpUnavailable(plugin.name)) {
    outro(`UDP under Deno needs --unstable-net; run: ${denoRerunHint([])} (exit 1)`, {
      output: terminal.output,
    });
    return exitCodes.failure;
  }

  let previous: RawAnswers = {};
  let options: Record<string, unknown>;
  for (;;) {
    const answers = await askOptions(optionPrompts(command, previous), terminal);
    if (!answers) return stopped();
    try {
      options = resolveOptions(command.options, answers);
      command.check?.(options as never);
      break;
    } catch (error) {
      // Each answer was valid alone; together they conflict (e.g. a message and --size).
      const reason = `${(error as Error).message}: answer again (clear an answer to unset it)`;
      log.error(framedText(reason, terminal), { output: terminal.output });
      previous = answers;
    }
  }

  promptsDone();
  const line = commandLine(plugin, command, options, { pluginFlag: chosen.pluginFlag });
  const server =
    typeof command.graceful === 'function'
      ? command.graceful(options as never)
      : command.graceful === true;
  log.step(framedText(`Running: ${line}`, terminal), { output: terminal.output });
  const spinner = createSpinner(terminal.output);
  const waiting = server ? `Running ${words} (Ctrl-C stops it)` : `Running ${words}`;
  spinner.start(waiting);
  const runIO = framedIO(io, {
    spinner,
    onInterrupt: () => terminal.output.write('\r'),
    keys: terminal.input,
    columns: terminalColumns(terminal.output),
  });
  const renderer = createWizardRenderer(runIO, {
    spinner,
    waiting,
    server,
    color: terminal.color !== false,
    onReady: server ? () => runIO.stdout('Ready. Press Ctrl-C to stop it.\n') : undefined,
  });
  let code: number;
  try {
    code = await executeCommand({
      io: runIO,
      plugin,
      command,
      options,
      renderer,
      argv: line.split(' ').slice(1),
    });
  } finally {
    spinner.stop();
    runIO.endLine();
  }
  const verdict =
    code === exitCodes.ok
      ? 'Done'
      : code === exitCodes.interrupted || code === exitCodes.terminated
        ? 'Interrupted'
        : 'Failed';
  outro(`${verdict} (exit ${code}). To run it again without the wizard:\n   ${line}`, {
    output: terminal.output,
  });
  return code;
}

/** A log line wrapped inside the frame: clack adds the guide bar to each of its lines. */
function framedText(text: string, terminal: WizardTerminal): string {
  return wrapText(text, terminalColumns(terminal.output)).join('\n');
}
