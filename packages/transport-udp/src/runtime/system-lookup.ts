import { lookup } from 'node:dns/promises';
import { abortPromise, type Lookup } from '@socklab/core';

// getaddrinfo through node:dns on every runtime: Deno.resolveDns skips /etc/hosts.
export const systemLookup: Lookup = async (host, { signal } = {}) => {
  const pending = lookup(host, { all: true, verbatim: true }) as Promise<
    { address: string; family: number }[]
  >;
  const found = await (signal ? Promise.race([pending, abortPromise(signal)]) : pending);
  return found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};
