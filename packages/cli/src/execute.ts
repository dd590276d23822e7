import { type LabEvent, type Lookup, labEventTypes, type Plugin } from '@socklab/core';
import type { OutputFlags } from './common-flags.ts';
import { denoRerunHint, udpUnavailable } from './deno-net.ts';
import { exitCodes } from './exit-codes.ts';
import {
  failureEvent,
  isUnexpected,
  isUsageError,
  runtimeLine,
  usageLine,
  writeDebug,
} from './failure.ts';
import type { CliIO, StopSignal } from './io.ts';
import type { AnyCommand } from './parse.ts';
import { escapeLine } from './render/escape-controls.ts';
import { createRenderer, type OutputMode, type Renderer, useColor } from './render/index.ts';

export interface ExecuteOptions {
  io: CliIO;
  plugin: Plugin;
  command: AnyCommand;
  /** Already resolved and checked option values. */
  options: Record<string, unknown>;
  flags?: Partial<OutputFlags>;
  /** Replaces the renderer chosen from the flags (the wizard draws its own). */
  renderer?: Renderer;
  /** The words typed after `socklab`, for messages (`udp client`). */
  argv?: readonly string[];
  lookup?: Lookup;
}

export { exitCodes } from './exit-codes.ts';

/**
 * Runs a command: aborts it on SIGINT/SIGTERM (a second one exits at once), renders its events,
 * reports a failure in one line, and returns the exit code. Never calls process.exit itself
 * except for the second interrupt.
 */
export async function executeCommand(run: ExecuteOptions): Promise<number> {
  const { io, plugin, command, options } = run;
  const flags = run.flags ?? {};
  const path = command.name === plugin.name ? [plugin.name] : [plugin.name, command.name];
  // A command's own --json (inspect's array, its NDJSON changes) is machine output: --trace would
  // put "info +2 ms" before it, so it wins over --trace as the common --json does.
  const ownJSON = options.json === true && Object.hasOwn(command.options, 'json');
  const mode: OutputMode = flags.json ? 'json' : flags.trace && !ownJSON ? 'trace' : 'plain';
  if (udpUnavailable(plugin.name)) {
    const line = escapeLine(
      `socklab: UDP under Deno needs --unstable-net; run: ${denoRerunHint(run.argv ?? path)}`,
    );
    if (mode === 'json' && !run.renderer) {
      const unsupported = { code: 'ENOTSUP', reason: 'UDP under Deno needs --unstable-net' };
      io.stdout(`${JSON.stringify(failureEvent(unsupported, line, performance.now()))}\n`);
    }
    io.stderr(`${line}\n`);
    return exitCodes.failure;
  }
  const renderer =
    run.renderer ??
    createRenderer(mode, io, {
      hex: flags.hex,
      color: useColor(io.isTTY.stdout, io.env),
      terminal: { stdout: io.isTTY.stdout, stderr: io.isTTY.stderr ?? io.isTTY.stdout },
    });
  const graceful =
    typeof command.graceful === 'function'
      ? command.graceful(options as never)
      : command.graceful === true;
  const controller = new AbortController();
  let interrupted: StopSignal | undefined;
  const stopListening = io.onSignal?.((signal) => {
    if (interrupted) {
      io.stderr('socklab: interrupted again, exiting now\n');
      io.forceExit?.(signal === 'SIGTERM' ? exitCodes.terminated : exitCodes.interrupted);
      return;
    }
    interrupted = signal;
    controller.abort(new DOMException(`Interrupted by ${signal}`, 'AbortError'));
  });
  // Stopped by a signal: 0 for a graceful command, else 130 (143 for SIGTERM); a reader of stdout that went away
  // (`socklab inspect --json | head`) is no interruption either: it had what it wanted.
  const stoppedCode = () =>
    graceful || io.outputClosed?.()
      ? exitCodes.ok
      : interrupted === 'SIGTERM'
        ? exitCodes.terminated
        : exitCodes.interrupted;
  const started = performance.now();
  let outcome: number = exitCodes.failure;
  const settle = (code: number): number => {
    outcome = code;
    return code;
  };
  // Signal listeners do not keep the event loop alive; a command waiting only on its signal must not end early.
  const keepAlive = setInterval(() => {}, 1 << 30);
  try {
    const events = command.run(options as never, {
      signal: controller.signal,
      trace: flags.trace === true,
      hex: flags.hex === true,
      lookup: run.lookup,
      stdin: io.stdin,
    });
    const stopped = new Promise<void>((resolve) =>
      controller.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    // for-await calls the generator's return() when we leave early, so it closes its sockets.
    for await (const event of events) {
      const problem = eventProblem(event);
      if (problem)
        throw new PluginEventError(`Cannot show an event of ${path.join(' ')}: ${problem}`);
      renderer.event(event);
      // A slow reader of our stdout pauses the loop (until a stop signal): the command's queue
      // is bounded, this process's stdout buffer is not.
      const drained = io.drained?.();
      if (drained) await Promise.race([drained, stopped]);
    }
    if (interrupted) return settle(stoppedCode());
    return settle(exitCodes.ok);
  } catch (error) {
    if (interrupted) return settle(stoppedCode());
    if (isUsageError(error)) {
      const line = usageLine(error, path);
      if (mode === 'json' && !run.renderer)
        io.stdout(`${JSON.stringify(failureEvent(error, line, started))}\n`);
      io.stderr(`${line}\n`);
      if (flags.debug) writeDebug(io, error);
      return settle(exitCodes.usage);
    }
    let line = await runtimeLine(error);
    if (isUnexpected(error)) {
      const next = flags.debug ? 'its stack follows' : 'run again with --debug for its stack';
      line += ` (unexpected, from the ${plugin.name} plugin); ${next}`;
    }
    if (mode === 'json' && !run.renderer)
      io.stdout(`${JSON.stringify(failureEvent(error, line, started))}\n`);
    io.stderr(`${line}\n`);
    if (flags.debug) writeDebug(io, error);
    return settle(exitCodes.failure);
  } finally {
    clearInterval(keepAlive);
    // The outcome is known: a stop signal from now until the process exits keeps it.
    stopListening?.(outcome);
  }
}

/** A plugin yielded something that is no event: its message says so (no "unexpected" note). */
class PluginEventError extends Error {
  override name = 'PluginEventError';
}

/**
 * What makes a command's event unfit to render, or undefined. Built-in commands never fail this;
 * a plugin's event without its type, time or elapsedMs would break --json and --trace readers.
 */
function eventProblem(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null)
    return `${JSON.stringify(event)} is not an event`;
  const { type, time, elapsedMs } = event as Partial<LabEvent>;
  if (!labEventTypes.includes(type as LabEvent['type'])) {
    return `unknown type ${JSON.stringify(type)} (one of ${labEventTypes.join(', ')}; a bug in the plugin)`;
  }
  if (typeof time !== 'string' || typeof elapsedMs !== 'number') {
    return `its ${type} event has no time or elapsedMs (make events with createEventClock; a bug in the plugin)`;
  }
  return undefined;
}
