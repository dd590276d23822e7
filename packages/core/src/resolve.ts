import { ipFamily } from './endpoint.ts';
import { SocketError, type SocketErrorCode, socketErrorCode } from './errors.ts';
import type { Lookup } from './plugin.ts';
import { onAbort } from './signals.ts';

/**
 * The addresses to try for `host`, IPv4 first like the seed's `gethostbyname` (each family in
 * the resolver's order, without repeats); never empty. An IP literal comes back as it is,
 * without a lookup. A failed or empty lookup throws SocketError ENOTFOUND naming the host (a
 * resolver's own code where core knows it, e.g. ETIMEDOUT); an aborted `signal`, its reason.
 */
export async function resolveAddresses(
  host: string,
  lookup: Lookup,
  signal?: AbortSignal,
): Promise<string[]> {
  if (ipFamily(host) !== undefined) return [host];
  let found: unknown;
  let detach = () => {};
  try {
    signal?.throwIfAborted();
    const asked = lookup(host, signal ? { signal } : {});
    // A resolver that ignores the signal (getaddrinfo cannot be cancelled) must not hold us.
    found = signal
      ? await new Promise((resolve, reject) => {
          detach = onAbort(signal, () => reject(signal.reason));
          Promise.resolve(asked).then(resolve, reject);
        })
      : await asked;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    // Resolvers fail in many shapes; unless it says otherwise, the host did not resolve.
    const code = socketErrorCode(error);
    throw unknownHost(host, code === 'EUNKNOWN' ? 'ENOTFOUND' : code, error);
  } finally {
    detach();
  }
  if (!Array.isArray(found)) throw unknownHost(host, 'ENOTFOUND');
  const answers = found.filter(
    (entry): entry is { address: string; family: 4 | 6 } =>
      typeof entry?.address === 'string' && ipFamily(entry.address) !== undefined,
  );
  const ordered = [
    ...answers.filter((entry) => ipFamily(entry.address) === 4),
    ...answers.filter((entry) => ipFamily(entry.address) !== 4),
  ];
  if (ordered.length === 0) throw unknownHost(host, 'ENOTFOUND');
  return [...new Set(ordered.map((entry) => entry.address))];
}

function unknownHost(host: string, code: SocketErrorCode, cause?: unknown): SocketError {
  return new SocketError(code, {
    action: 'resolve',
    target: `host ${host}`,
    hint: 'check the spelling, or use an IP address such as 127.0.0.1',
    ...(cause === undefined ? {} : { cause }),
  });
}
