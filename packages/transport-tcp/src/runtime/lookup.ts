import { lookup as dnsLookup } from 'node:dns/promises';
import type { Lookup } from '@socklab/core';

/** The runtime's resolver (node:dns works on Node, Deno and Bun), in core's Lookup shape. */
export const systemLookup: Lookup = async (host, options) => {
  options.signal?.throwIfAborted();
  const found = await dnsLookup(host, { all: true });
  return found.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
};
