import { isSocketError, isUsageError, type SocketErrorCode } from '../errors.ts';
import type { LabEvent, LabEventType } from '../events.ts';
import { resolveOptions } from '../options.ts';
import type { CommandSpec, OptionSpecs, Plugin, RunContext } from '../plugin.ts';
import { checkEvent } from './check-event.ts';

export interface CommandConformanceOptions {
  /** Option values as the CLI would pass them (strings from argv, or typed values). */
  options?: Record<string, unknown>;
  /** Aborts the run after the first event of this type, after N events, or when it returns true. */
  abortAfterEvent?: LabEventType | number | ((event: LabEvent, index: number) => boolean);
  /** Called with each event, before the abort check: start a client once a server listens. */
  onEvent?: (event: LabEvent, index: number) => void | Promise<void>;
  /** trace, hex, lookup, stdin for the run context (the kit owns `signal`). */
  context?: Omit<RunContext, 'signal'>;
  /** The command must end (by itself or by the abort) within this. Default 10 000 ms. */
  timeoutMs?: number;
  /** Abort before asking for the first event: the command must still end promptly. */
  abortBeforeStart?: boolean;
  /** After the abort, the iterator must end within this. Default 2 000 ms. */
  endWithinMs?: number;
  /** The run must throw: "usage" (UsageError), "socket" (any SocketError) or one SocketError code. */
  expectError?: 'usage' | 'socket' | SocketErrorCode;
  /** Types that must appear among the events, e.g. ["listen", "close"]. */
  expectTypes?: readonly LabEventType[];
  /** Extra checks once the command ended (e.g. "the port is free again"): return problems. */
  afterEnd?: (
    result: CommandConformanceResult,
  ) => Promise<string[] | undefined> | string[] | undefined;
}

export interface CommandConformanceResult {
  /** Everything that breaks the contract; empty when the command conforms. */
  problems: string[];
  events: LabEvent[];
  /** What the run threw, if anything. */
  error?: unknown;
  /** True when the kit aborted the run. */
  aborted: boolean;
}

const timedOut = Symbol('timed out');

function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof timedOut> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<typeof timedOut>((resolve) => {
    timer = setTimeout(() => resolve(timedOut), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function isAbortError(error: unknown, signal: AbortSignal): boolean {
  if (error === signal.reason) return true;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'AbortError') return true;
  return isSocketError(error) && error.code === 'EABORTED';
}

function matchesAbort(
  rule: CommandConformanceOptions['abortAfterEvent'],
  event: LabEvent,
  index: number,
): boolean {
  if (rule === undefined) return false;
  if (typeof rule === 'number') return index + 1 >= rule;
  if (typeof rule === 'function') return rule(event, index);
  return event.type === rule;
}

/**
 * Runs one command of a plugin the way the CLI does (options resolved from their descriptors,
 * `check`, then `run` with an AbortSignal) and checks the contract: every event well-formed
 * with a monotonic clock, errors thrown are SocketError or UsageError, and aborting ends the
 * iterator promptly (returning, or throwing the signal's reason; a graceful command throws
 * nothing else).
 */
export async function runCommandConformance(
  plugin: Plugin,
  commandName: string,
  options: CommandConformanceOptions = {},
): Promise<CommandConformanceResult> {
  const problems: string[] = [];
  const events: LabEvent[] = [];
  const controller = new AbortController();
  const result: CommandConformanceResult = { problems, events, aborted: false };
  const command = plugin.commands.find((c) => c.name === commandName) as
    | CommandSpec<OptionSpecs>
    | undefined;
  if (!command) {
    problems.push(`plugin "${plugin.name}" has no command "${commandName}"`);
    return result;
  }
  const finish = async (): Promise<CommandConformanceResult> => {
    const { expectError, expectTypes } = options;
    if (expectError !== undefined) {
      const ok =
        expectError === 'usage'
          ? isUsageError(result.error)
          : expectError === 'socket'
            ? isSocketError(result.error)
            : isSocketError(result.error) && result.error.code === expectError;
      if (!ok) {
        const got = result.error === undefined ? 'nothing' : describeError(result.error);
        problems.push(
          `expected ${expectError === 'usage' ? 'a UsageError' : expectError === 'socket' ? 'a SocketError' : `SocketError ${expectError}`}, got ${got}`,
        );
      }
    }
    for (const type of expectTypes ?? []) {
      if (!events.some((e) => e.type === type))
        problems.push(`no "${type}" event (got ${events.map((e) => e.type).join(', ') || 'none'})`);
    }
    const extra = await options.afterEnd?.(result);
    if (extra) problems.push(...extra);
    return result;
  };

  let values: Record<string, unknown>;
  try {
    values = resolveOptions(command.options, options.options ?? {});
    command.check?.(values as never);
  } catch (error) {
    result.error = error;
    if (!isUsageError(error))
      problems.push(`bad options must throw a UsageError, got ${describeError(error)}`);
    return finish();
  }
  const graceful =
    typeof command.graceful === 'function'
      ? command.graceful(values as never)
      : command.graceful === true;

  let iterator: AsyncIterator<LabEvent>;
  try {
    const iterable = command.run(values as never, {
      ...options.context,
      signal: controller.signal,
    });
    if (typeof iterable?.[Symbol.asyncIterator] !== 'function') {
      problems.push('run must return an AsyncIterable of LabEvents (an async generator)');
      return finish();
    }
    iterator = iterable[Symbol.asyncIterator]();
  } catch (error) {
    result.error = error;
    if (!isSocketError(error) && !isUsageError(error)) {
      problems.push(`run threw ${describeError(error)}: throw a SocketError or a UsageError`);
    }
    return finish();
  }

  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const endWithinMs = options.endWithinMs ?? 2_000;
  let abortedAt = 0;
  const abort = (why: string) => {
    if (result.aborted) return;
    result.aborted = true;
    abortedAt = performance.now();
    controller.abort(new DOMException(why, 'AbortError'));
  };
  if (options.abortBeforeStart) abort('aborted before start');
  // A next() that outlived a deadline is raced again, so no event is lost.
  let pending: Promise<IteratorResult<LabEvent>> | undefined;
  for (;;) {
    const budget = result.aborted
      ? endWithinMs - (performance.now() - abortedAt)
      : timeoutMs - (performance.now() - started);
    let step: IteratorResult<LabEvent> | typeof timedOut;
    try {
      pending ??= iterator.next();
      step = await within(pending, Math.max(budget, 0));
    } catch (error) {
      result.error = error;
      if (result.aborted) {
        // Ending with the signal's reason is fine (the CLI expects it); anything else is not,
        // and a graceful command must not fail while stopping.
        if (!isAbortError(error, controller.signal) && (graceful || !isSocketError(error))) {
          problems.push(
            graceful
              ? `a graceful command must stop cleanly when aborted, it threw ${describeError(error)}`
              : `aborted, it threw ${describeError(error)}: end quietly or throw the signal's reason`,
          );
        }
      } else if (!isSocketError(error) && !isUsageError(error)) {
        problems.push(`threw ${describeError(error)}: throw a SocketError or a UsageError`);
      }
      break;
    }
    if (step === timedOut) {
      if (result.aborted) {
        problems.push(`the iterator did not end within ${endWithinMs} ms of the abort`);
        break;
      }
      if (options.abortAfterEvent !== undefined) {
        problems.push(
          `no abort point reached within ${timeoutMs} ms (events: ${events.map((e) => e.type).join(', ') || 'none'})`,
        );
      } else {
        problems.push(`the command did not end within ${timeoutMs} ms`);
      }
      abort('conformance timeout');
      continue;
    }
    pending = undefined;
    if (step.done) break;
    const event = step.value;
    const index = events.length;
    for (const problem of checkEvent(event, events[index - 1]))
      problems.push(`event #${index} (${String(event?.type)}): ${problem}`);
    events.push(event);
    try {
      await options.onEvent?.(event, index);
    } catch (error) {
      problems.push(`onEvent failed on event #${index}: ${describeError(error)}`);
      abort('onEvent failed');
      continue;
    }
    if (!result.aborted && matchesAbort(options.abortAfterEvent, event, index))
      abort('conformance abort');
  }
  return finish();
}

/** Throws an Error listing the problems, for test frameworks: `assertConformance(await run…)`. */
export function assertConformance(
  result: { problems: string[] } | string[],
  label = 'plugin',
): void {
  const problems = Array.isArray(result) ? result : result.problems;
  if (problems.length > 0) {
    throw new Error(`${label} breaks the socklab plugin contract:\n- ${problems.join('\n- ')}`);
  }
}
