import { describe, expect, it } from 'vitest';
import { ownerTable } from './shared-collect.ts';
import { controlHeader, isDenied, scanSharedFds, scanSource } from './shared-fd-scan.ts';

// Inodes near 2^32 too: the table keeps them as int32.
const base = 4_294_967_295 - 2000;
/**
 * A big process (100: 2,000 sockets and a pipe), a small one sharing 5 of its sockets (200), one
 * we may not list (300), and two whose links are refused (400 small, 500 big: pid 1 under ptrace
 * rules).
 */
const tree = new Map<string, Map<string, string>>([
  [
    '/p/100/fd/',
    new Map([
      ...Array.from({ length: 2000 }, (_, i) => [String(i + 3), `socket:[${base + i}]`] as const),
      ['2', 'pipe:[9]'],
    ]),
  ],
  [
    '/p/200/fd/',
    new Map(Array.from({ length: 5 }, (_, i) => [String(i + 10), `socket:[${base + i}]`] as const)),
  ],
  ['/p/400/fd/', new Map(Array.from({ length: 50 }, (_, i) => [String(i), 'socket:[7]'] as const))],
  [
    '/p/500/fd/',
    new Map(Array.from({ length: 1500 }, (_, i) => [String(i), 'socket:[8]'] as const)),
  ],
]);
const refused = new Set(['/p/400/fd/', '/p/500/fd/']);

/** One thread's whole scan into a table of `slots` slots, and the lookup over it. */
function scan(slots: number) {
  const big = 2000 + 256;
  const control = new Int32Array(new SharedArrayBuffer(4 * (controlHeader + 3 * 2)));
  const asked = new Map<string, number>();
  const owners = new Int32Array(new SharedArrayBuffer(4 * 3 * slots));
  const spilled = scanSharedFds({
    procRoot: '/p',
    units: [
      ['100', 0],
      ['500', 1],
      ['200', -1],
      ['300', -1],
      ['400', -1],
    ],
    control,
    fdNumbers: new Int32Array(new SharedArrayBuffer(4 * 2 * big)),
    offsets: [0, big],
    capacities: [big, big],
    owners,
    readdir(path) {
      const fds = tree.get(`${path}`);
      if (!fds) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      return [...fds.keys()];
    },
    readlink(path) {
      const cut = path.lastIndexOf('/') + 1;
      const dir = path.slice(0, cut);
      asked.set(dir, (asked.get(dir) ?? 0) + 1);
      return refused.has(dir) ? null : tree.get(dir)?.get(path.slice(cut));
    },
  });
  return { spilled, lookup: ownerTable(owners, [spilled], control), done: control[2], asked };
}

describe('the shared owner table', () => {
  it.each([
    ['fits', 8192, 0],
    // 1,024 slots hold 768; the other 1,237 owners come back in the result, and are found too.
    ['overflows', 1024, 2005 - 768],
  ])('finds every owner of every inode when the table %s', (_name, slots, spills) => {
    const { spilled, lookup, done } = scan(slots);
    expect(done).toBe(1);
    expect(spilled.inodes).toHaveLength(spills);
    // 300 (not listed), 400 and 500 (links refused).
    expect(lookup.unreadable).toBe(3);
    for (let i = 0; i < 2000; i++) {
      const found = lookup.of(base + i);
      const expected = [{ pid: 100, command: null, fd: i + 3 }];
      if (i < 5) expected.push({ pid: 200, command: null, fd: i + 10 });
      expect(found?.sort((a, b) => a.pid - b.pid)).toEqual(expected);
    }
    expect(lookup.of(base + 2000)).toBeUndefined();
    expect(lookup.of(9)).toBeUndefined();
  });

  it('asks for one link of a process whose links are refused, then moves on', () => {
    const { asked, lookup } = scan(8192);
    expect(asked.get('/p/400/fd/')).toBe(1);
    expect(asked.get('/p/500/fd/')).toBe(1);
    expect(asked.get('/p/100/fd/')).toBe(2001);
    expect(lookup.of(7)).toBeUndefined();
    expect(lookup.of(8)).toBeUndefined();
  });

  it('tells a refused link (Node, Bun, Deno) from one that is gone, in the workers too', () => {
    const refusals = [{ code: 'EACCES' }, { code: 'EPERM' }, { name: 'PermissionDenied' }];
    const others = [{ code: 'ENOENT' }, { name: 'NotFound' }, { code: 'ESRCH' }, undefined, null];
    for (const error of refusals) expect(isDenied(error)).toBe(true);
    for (const error of others) expect(isDenied(error)).toBe(false);
    const worker = new Function(`${scanSource()}; return isDenied;`)() as typeof isDenied;
    expect(refusals.map(worker)).toEqual([true, true, true]);
    expect(others.map(worker)).toEqual([false, false, false, false, false]);
  });
});
