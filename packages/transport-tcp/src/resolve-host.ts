import { ipFamily, type Lookup, SocketError, socketErrorCode } from '@socklab/core';

/**
 * An IP literal for `host`: literals as they are, names through `lookup` (or the system's),
 * IPv4 first like the seed. Throws SocketError ENOTFOUND naming the host.
 */
export async function resolveHost(
  host: string,
  lookup: Lookup | undefined,
  signal?: AbortSignal,
): Promise<string> {
  return (await resolveHostAll(host, lookup, signal))[0] as string;
}

/** Every address of `host`, IPv4 ones first (each family in the resolver's order); never empty. */
export async function resolveHostAll(
  host: string,
  lookup: Lookup | undefined,
  signal?: AbortSignal,
): Promise<string[]> {
  if (ipFamily(host) !== undefined) return [host];
  const target = `host ${host}`;
  let found: { address: string; family: 4 | 6 }[];
  try {
    const resolver = lookup ?? (await import('./runtime/lookup.ts')).systemLookup;
    found = await resolver(host, signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    // Resolvers fail in many shapes; whatever it was, the host did not resolve.
    const code = socketErrorCode(error);
    throw new SocketError(code === 'EUNKNOWN' ? 'ENOTFOUND' : code, {
      action: 'resolve',
      target,
      hint: 'check the host name',
      cause: error,
    });
  }
  const ordered = [
    ...found.filter((entry) => entry.family === 4),
    ...found.filter((entry) => entry.family !== 4),
  ].map((entry) => entry.address);
  if (ordered.length === 0)
    throw new SocketError('ENOTFOUND', { action: 'resolve', target, hint: 'check the host name' });
  return [...new Set(ordered)];
}
