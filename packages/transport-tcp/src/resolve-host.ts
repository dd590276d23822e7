import {
  ipFamily,
  isTimeoutReason,
  type Lookup,
  resolveAddresses,
  SocketError,
} from '@socklab/core';

export interface ResolveHostOptions {
  /** The resolver; the runtime's own when not given. */
  lookup?: Lookup;
  /** Ends the wait; when it carries a deadline, `timeout` says how long it was. */
  signal?: AbortSignal;
  /** The deadline in `signal`, ms: once it passes, a SocketError ETIMEDOUT says so. */
  timeout?: number;
}

/**
 * Every address of `host`, IPv4 first (core's `resolveAddresses`), with the system's resolver
 * unless one is given. The one place a resolve deadline becomes "Cannot resolve host x: timed
 * out" (the client command and connectEcho both come here).
 */
export async function resolveHostAll(
  host: string,
  options: ResolveHostOptions = {},
): Promise<string[]> {
  // A literal needs no resolver: the runtime's lookup module is not even loaded.
  if (ipFamily(host) !== undefined) return [host];
  const { signal, timeout } = options;
  const resolver = options.lookup ?? (await import('./runtime/lookup.ts')).systemLookup;
  try {
    return await resolveAddresses(host, resolver, signal);
  } catch (error) {
    if (timeout && signal?.aborted && isTimeoutReason(signal.reason))
      throw new SocketError('ETIMEDOUT', {
        action: 'resolve',
        target: `host ${host}`,
        reason: `timed out: no answer within ${timeout} ms`,
        hint: 'raise --timeout or check the resolver',
        cause: error,
      });
    throw error;
  }
}

/** The first address of `host`, IPv4 preferred like the seed. */
export async function resolveHost(host: string, options: ResolveHostOptions = {}): Promise<string> {
  return (await resolveHostAll(host, options))[0] as string;
}
