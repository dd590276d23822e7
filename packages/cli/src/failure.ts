import type { LabEvent } from '@socklab/core';
import { denoLacksUnstableNet } from './deno-net.ts';
import type { CliIO } from './io.ts';
import { escapeLine } from './render/escape-controls.ts';

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  target?: string;
  hint?: string;
  stack?: string;
  cause?: unknown;
}

/** UsageError by name too: a plugin may bundle its own copy of core. */
export function isUsageError(error: unknown): boolean {
  return (error as ErrorLike | undefined)?.name === 'UsageError';
}

export function isSocketError(error: unknown): boolean {
  const e = error as ErrorLike | undefined;
  return e?.name === 'SocketError' && typeof e.code === 'string';
}

/**
 * Neither a usage nor a socket failure, nor a native error with a code: a bug (a TypeError, a
 * plain `throw new Error`), which deserves its origin and the way to its stack.
 */
export function isUnexpected(error: unknown): boolean {
  if (isUsageError(error) || isSocketError(error)) return false;
  const e = error as ErrorLike | undefined;
  return typeof e?.code !== 'string' && e?.name !== 'PluginEventError';
}

/**
 * The one line (controls escaped) for a usage error: message, its hint when it adds something, and where to read more.
 * `socklab: Cannot parse port "abc": port must be a number 1-65535 (see socklab udp client --help)`
 */
export function usageLine(error: unknown, path: readonly string[]): string {
  const e = error as ErrorLike;
  // Core's hints "see --help" and "use a port …" repeat what the message or the pointer says.
  const hint =
    e.hint && !/^see\b/.test(e.hint) && !/^use a port\b/.test(e.hint) ? `; ${e.hint}` : '';
  return escapeLine(`socklab: ${e.message}${hint} (see ${['socklab', ...path].join(' ')} --help)`);
}

/** The one line (controls escaped) for a runtime failure, enriched for ports in use and Deno's missing flag. */
export async function runtimeLine(error: unknown): Promise<string> {
  const e = (
    typeof error === 'object' && error !== null ? error : { message: String(error) }
  ) as ErrorLike;
  let message = e.message || String(error);
  let hint = e.hint;
  if (isSocketError(e) && e.code === 'EADDRINUSE' && e.target) {
    // Only this failure needs sockets (node:net, node:dgram): keep them off every start-up.
    const { describePortHolder, findFreePortNear, parseTarget } = await import('./port-holder.ts');
    const target = parseTarget(e.target);
    if (target) {
      const [holder, free] = await Promise.all([
        describePortHolder(target.proto, target.port),
        findFreePortNear(target.proto, target.host, target.port).catch(() => undefined),
      ]);
      if (holder) message += ` (${holder})`;
      if (free !== undefined)
        hint = hint ? `${hint}, e.g. ${free} is free` : `port ${free} is free`;
    }
  }
  // Deno without --unstable-net fails UDP with "listenDatagram is not a function" and the like.
  const causeText = String((e.cause as ErrorLike | undefined)?.message ?? '');
  if (
    denoLacksUnstableNet() &&
    /listenDatagram|unstable|not a function/i.test(message + causeText)
  ) {
    hint = `${hint ? `${hint}; ` : ''}UDP under Deno needs --unstable-net: deno run -A --unstable-net …`;
  }
  return escapeLine(`socklab: ${message}${hint ? `; ${hint}` : ''}`);
}

/** With --debug: the stack and its causes. */
export function writeDebug(io: Pick<CliIO, 'stderr'>, error: unknown): void {
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    const e = current as ErrorLike;
    io.stderr(`${depth === 0 ? '' : 'caused by: '}${e?.stack ?? String(current)}\n`);
    current = e?.cause;
  }
}

/**
 * The failure as a last NDJSON `error` event, so --json consumers see why the stream ended:
 * `code` is the error's (`EUSAGE` for bad input, which has none), `reason` the error's own.
 */
export function failureEvent(error: unknown, line: string, started: number): LabEvent {
  const e = error as { code?: unknown; reason?: unknown };
  const event: LabEvent = {
    type: 'error',
    time: new Date().toISOString(),
    elapsedMs: Math.round((performance.now() - started) * 1000) / 1000,
    message: line.replace(/^socklab: /, ''),
  };
  if (typeof e?.code === 'string') event.code = e.code;
  else if (isUsageError(error)) event.code = 'EUSAGE';
  if (typeof e?.reason === 'string') event.reason = e.reason;
  // A UsageError of an older copy of core has no reason of its own: its message says it all.
  else if (isUsageError(error)) event.reason = String((error as Error).message);
  return event;
}

/** `--json` among the words before `--`: a failure before any command ran still ends in an event. */
export function wantsJSON(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}
