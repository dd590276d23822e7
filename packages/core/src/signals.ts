/** An AbortSignal that fires when any of the given ones does (undefined ones are skipped). */
export function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length === 1) return present[0] as AbortSignal;
  return AbortSignal.any(present);
}

// Timers hold at most 2^31-1 ms; longer delays would fire at once (Deno, Bun) or throw (Node).
const longestDelay = 2_147_483_647;
const delay = (ms: number) => Math.min(Math.max(ms, 0), longestDelay);

/** `ms` as a timer can hold it (0 to 2^31-1): longer delays would fire at once or throw. */
export const timerDelay: (ms: number) => number = delay;

/** `signal` linked with a deadline of `ms` milliseconds (no deadline when ms is undefined or 0). */
export function withTimeout(signal: AbortSignal | undefined, ms: number | undefined): AbortSignal {
  const deadline = ms ? AbortSignal.timeout(delay(ms)) : undefined;
  return anySignal(signal, deadline) ?? new AbortController().signal;
}

/** True when the reason of an aborted signal is a timeout rather than a cancel. */
export function isTimeoutReason(reason: unknown): boolean {
  return (reason as { name?: string } | undefined)?.name === 'TimeoutError';
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delay(ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A promise that rejects with the signal's reason when it aborts; never resolves. */
export function abortPromise(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** Runs `cleanup` once when the signal aborts; returns a function that detaches it. */
export function onAbort(signal: AbortSignal, cleanup: () => void): () => void {
  if (signal.aborted) {
    cleanup();
    return () => {};
  }
  signal.addEventListener('abort', cleanup, { once: true });
  return () => signal.removeEventListener('abort', cleanup);
}
