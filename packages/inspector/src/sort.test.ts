// --sort keys: every key orders as documented, falling back to netstat's order (protocol, local
// port, local address, remote port, remote address, inode), and sorting only reorders.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeEntry } from './parsers/entry.ts';
import { sortEntries, sortKeys } from './sort.ts';
import type { SocketEntry, SocketProto } from './types.ts';

const protos: SocketProto[] = ['tcp', 'tcp6', 'udp', 'udp6', 'unix'];
const states = ['LISTEN', 'ESTABLISHED', 'TIME_WAIT', 'UNCONN'];
// Two values each, so ties on every field before the last one (the fall-backs) happen often.
const address = fc.constantFrom('127.0.0.1', '::1');
const port = fc.constantFrom(80, 5000);

const entry = fc
  .record({
    proto: fc.constantFrom(...protos),
    state: fc.constantFrom(...states),
    local: fc.record({ address, port }),
    remote: fc.record({ address, port }),
    inode: fc.integer({ min: 0, max: 50 }),
    pid: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  })
  .map(({ pid, ...fields }) =>
    makeEntry({
      ...fields,
      processes: pid === undefined ? [] : [{ pid, command: 'x', fd: 3 }],
      hidden: pid === undefined ? 'no owning process' : undefined,
    }),
  );

/** The documented order, written out field by field. */
function fields(e: SocketEntry, key: string): (number | string)[] {
  const netstat = [
    protos.indexOf(e.proto),
    e.local.port,
    e.local.address,
    e.remote.port,
    e.remote.address,
    e.inode,
  ];
  const first: Record<string, (number | string)[]> = {
    proto: [],
    local: [e.local.port, e.local.address],
    remote: [e.remote.port, e.remote.address],
    state: [e.state],
    pid: [e.pid ?? Number.MAX_SAFE_INTEGER],
    inode: [e.inode],
  };
  return [...(first[key] ?? []), ...netstat];
}

function inOrder(a: SocketEntry, b: SocketEntry, key: string): boolean {
  const x = fields(a, key);
  const y = fields(b, key);
  for (let i = 0; i < x.length; i++) {
    if (x[i] === y[i]) continue;
    return (x[i] as number | string) < (y[i] as number | string);
  }
  return true;
}

describe('sortEntries', () => {
  it.each(sortKeys)('--sort %s orders as documented and keeps every entry', (key) => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 60 }), (list) => {
        const sorted = sortEntries([...list], key);
        expect(new Set(sorted)).toEqual(new Set(list));
        expect(sorted).toHaveLength(list.length);
        for (let i = 1; i < sorted.length; i++) {
          expect(inOrder(sorted[i - 1] as SocketEntry, sorted[i] as SocketEntry, key)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
