import { ipFamily, type Lookup, resolveAddresses } from '@socklab/core';

/** Every address of `host`, IPv4 first (core's `resolveAddresses`), with the system's resolver unless one is given. */
export async function resolveHostAll(
  host: string,
  lookup: Lookup | undefined,
  signal?: AbortSignal,
): Promise<string[]> {
  // A literal needs no resolver: the runtime's lookup module is not even loaded.
  if (ipFamily(host) !== undefined) return [host];
  const resolver = lookup ?? (await import('./runtime/lookup.ts')).systemLookup;
  return resolveAddresses(host, resolver, signal);
}

/** The first address of `host`, IPv4 preferred like the seed. */
export async function resolveHost(
  host: string,
  lookup: Lookup | undefined,
  signal?: AbortSignal,
): Promise<string> {
  return (await resolveHostAll(host, lookup, signal))[0] as string;
}
