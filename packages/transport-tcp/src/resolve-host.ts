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
  if (ipFamily(host) !== undefined) return host;
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
  const pick = found.find((entry) => entry.family === 4) ?? found[0];
  if (!pick)
    throw new SocketError('ENOTFOUND', { action: 'resolve', target, hint: 'check the host name' });
  return pick.address;
}
