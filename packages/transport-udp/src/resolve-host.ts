import { ipFamily, type Lookup, SocketError } from '@socklab/core';

/**
 * The addresses to try for `host`, IPv4 first like the seed's gethostbyname, then the rest.
 * An IP literal is returned as is, without a lookup.
 */
export async function resolveHost(
  host: string,
  lookup: Lookup,
  signal?: AbortSignal,
): Promise<string[]> {
  if (ipFamily(host)) return [host];
  let found: { address: string; family: 4 | 6 }[];
  try {
    found = await lookup(host, { signal });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw unknownHost(host, error);
  }
  if (found.length === 0) throw unknownHost(host);
  const ordered = [...found.filter((a) => a.family === 4), ...found.filter((a) => a.family !== 4)];
  return [...new Set(ordered.map((a) => a.address))];
}

function unknownHost(host: string, cause?: unknown): SocketError {
  return new SocketError('ENOTFOUND', {
    action: 'resolve',
    target: `host ${host}`,
    hint: 'check the spelling, or use an IP address such as 127.0.0.1',
    cause,
  });
}
