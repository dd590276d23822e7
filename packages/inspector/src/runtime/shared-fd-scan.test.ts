import { describe, expect, it } from 'vitest';
import { ownerTable, ownPid } from './shared-collect.ts';
import { controlHeader, isDenied, scanSharedFds, scanSource } from './shared-fd-scan.ts';

// Inodes near 2^32 too: the table keeps them as int32.
const base = 4_294_967_295 - 2000;
const sockets = (count: number, firstFd: number, firstInode: number) =>
  Array.from(
    { length: count },
    (_, i) => [String(firstFd + i), `socket:[${firstInode + i}]`] as const,
  );
/**
 * Big processes (read in chunks of fd numbers, unlisted): 100 with 2,000 sockets and a pipe (fds
 * 0 and 1 closed); 500 whose links are refused (pid 1 under ptrace rules); 600 with a hole of
 * 4,900 fds below most of its sockets; 700, which exited after it was sized; 800, which closed
 * 500 of its fds after it was sized. Small ones (listed): 200 sharing 5 of 100's sockets, 300 that
 * we may not list, 400 whose links are refused.
 */
const tree = new Map<string, Map<string, string>>([
  ['/p/100/fd/', new Map([['2', 'pipe:[9]'], ...sockets(2000, 3, base)])],
  ['/p/200/fd/', new Map(sockets(5, 10, base))],
  ['/p/400/fd/', new Map(Array.from({ length: 50 }, (_, i) => [String(i), 'socket:[7]'] as const))],
  [
    '/p/500/fd/',
    new Map(Array.from({ length: 1500 }, (_, i) => [String(i), 'socket:[8]'] as const)),
  ],
  [
    '/p/600/fd/',
    new Map([
      ...sockets(100, 0, 10_000),
      // Past the miss that stops the chunks, in the same chunk: only the listing can find them.
      ...sockets(2, 200, 40_000),
      ...sockets(1000, 5000, 20_000),
    ]),
  ],
  // The other thread stops the chunks while this one is in its first (the readlink below plays
  // it): this one still reads its chunk to the end.
  ['/p/900/fd/', new Map([...sockets(30, 0, 50_000), ...sockets(10, 100, 60_000)])],
  ['/p/800/fd/', new Map(sockets(1000, 0, 30_000))],
]);
const refused = new Set(['/p/400/fd/', '/p/500/fd/']);
/** [pid, open fds when sized] of the big ones. */
const big: [string, number][] = [
  ['100', 2001],
  ['500', 1500],
  ['600', 1102],
  ['700', 1200],
  ['800', 1500],
  ['900', 40],
];

/**
 * One thread's whole scan into a table of `slots` slots, and the lookup over it; `byInode`: the
 * links read through linkInode (as Deno's FFI reader gives them) instead of readlink.
 */
function scan(slots: number, backward?: boolean, byInode = false) {
  const control = new Int32Array(new SharedArrayBuffer(4 * (controlHeader + 3 * big.length)));
  const asked = new Map<string, number>();
  const listed: string[] = [];
  const order: string[] = [];
  const owners = new Int32Array(new SharedArrayBuffer(4 * 3 * slots));
  const context = {
    procRoot: '/p',
    small: ['200', '300', '400'],
    big,
    backward,
    control,
    owners,
    readdir(path: string) {
      listed.push(path);
      const fds = tree.get(`${path}`);
      if (path === '/p/700/fd/') throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      if (!fds) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      return [...fds.keys()];
    },
    readlink(path: string) {
      const cut = path.lastIndexOf('/') + 1;
      const dir = path.slice(0, cut);
      if (path === '/p/900/fd/30') {
        // As if the other thread had just stopped 900's chunks after many misses of its own.
        const at = controlHeader + 3 * big.findIndex(([pid]) => pid === '900');
        control[at + 1] = 1000;
        control[at + 2] = 0x3fffffff;
      }
      asked.set(dir, (asked.get(dir) ?? 0) + 1);
      if (order.at(-1) !== dir) order.push(dir);
      return refused.has(dir) ? null : tree.get(dir)?.get(path.slice(cut));
    },
  };
  const released: string[] = [];
  const spilled = scanSharedFds(
    byInode
      ? {
          ...context,
          linkInode(dir, fd) {
            const target = context.readlink(dir + fd);
            if (target === null) return -2;
            if (target === undefined) return -1;
            return target.startsWith('socket:[') ? Number(target.slice(8, -1)) : 0;
          },
          release: () => released.push('released'),
        }
      : context,
  );
  return {
    spilled,
    lookup: ownerTable(owners, [spilled], control),
    done: control[2],
    asked,
    listed,
    order,
    released,
  };
}

/** Every socket of the tree with its owners, as the lookup should give them. */
function expectedOwners(): Map<number, { pid: number; command: null; fd: number }[]> {
  const all = new Map<number, { pid: number; command: null; fd: number }[]>();
  for (const [dir, fds] of tree) {
    if (refused.has(dir)) continue;
    const pid = Number(dir.split('/')[2]);
    for (const [fd, target] of fds) {
      if (!target.startsWith('socket:[')) continue;
      const inode = Number(target.slice(8, -1));
      all.set(inode, [...(all.get(inode) ?? []), { pid, command: null, fd: Number(fd) }]);
    }
  }
  return all;
}

describe('the shared fd scan', () => {
  it.each([
    ['fits', 8192, 0, false, false],
    // 1,024 slots hold 768; the other owners come back in the result, and are found too.
    ['overflows', 1024, 2005 + 1102 + 1000 + 40 - 768, false, false],
    ['fits, big processes taken last to first', 8192, 0, true, false],
    ['fits, links read as inodes', 8192, 0, false, true],
    ['overflows, links read as inodes', 1024, 2005 + 1102 + 1000 + 40 - 768, true, true],
  ])(
    'finds every owner of every inode when the table %s',
    (_name, slots, spills, backward, byInode) => {
      const { spilled, lookup, done, released } = scan(slots, backward, byInode);
      expect(done).toBe(1);
      expect(released).toEqual(byInode ? ['released'] : []);
      expect(spilled.inodes).toHaveLength(spills);
      // 300 (not listed), 400 and 500 (links refused); not 700, which exited.
      expect(lookup.unreadable).toBe(3);
      const expected = expectedOwners();
      expect(expected.size).toBe(2000 + 1102 + 1000 + 40);
      for (const [inode, owners] of expected) {
        expect(lookup.of(inode)?.sort((a, b) => a.pid - b.pid)).toEqual(owners);
      }
      expect(lookup.of(base + 2000)).toBeUndefined();
      expect(lookup.of(9)).toBeUndefined();
    },
  );

  it.each([false, true])(
    'lists a big process only when its fd numbers have too many holes (as inodes: %s)',
    (byInode) => {
      const { asked, listed } = scan(8192, false, byInode);
      // 100: fds 0 to 2,002 read, all it had open; never listed. The others may miss 64 links and
      // one more per 16 found; the next miss stops their chunks, and they are listed for the fds
      // past the chunk in hand. 600: 100 found, 70 holes, then the miss at fd 170 (its fds from
      // 5,000 come from the listing). 700: 65 gone; the listing finds it gone. 800: its 1,000, then
      // 127 misses (it closed 500 fds since it was sized).
      expect(asked.get('/p/100/fd/')).toBe(2003);
      expect(asked.get('/p/600/fd/')).toBe(100 + 71 + 2 + 1000);
      // 900: its first chunk read to fd 109, where it had found all 40 (the chunks being stopped).
      expect(asked.get('/p/900/fd/')).toBe(110);
      expect(asked.get('/p/700/fd/')).toBe(65);
      expect(asked.get('/p/800/fd/')).toBe(1000 + 64 + (1000 >> 4) + 1);
      expect(listed).toEqual([
        '/p/600/fd/',
        '/p/700/fd/',
        '/p/800/fd/',
        '/p/200/fd/',
        '/p/300/fd/',
        '/p/400/fd/',
      ]);
    },
  );

  it('takes the big processes first to last, or last to first (the other thread)', () => {
    // Two threads on one process's fds slow each other: each starts on its own.
    const dirs = (pids: string[]) => pids.map((pid) => `/p/${pid}/fd/`);
    expect(scan(8192).order).toEqual(
      dirs(['100', '500', '600', '700', '800', '900', '200', '400']),
    );
    expect(scan(8192, true).order).toEqual(
      dirs(['900', '800', '700', '600', '500', '100', '200', '400']),
    );
  });

  it.each([false, true])(
    'asks for one link of a process whose links are refused, then moves on (as inodes: %s)',
    (byInode) => {
      const { asked, lookup } = scan(8192, false, byInode);
      expect(asked.get('/p/400/fd/')).toBe(1);
      expect(asked.get('/p/500/fd/')).toBe(1);
      expect(lookup.of(7)).toBeUndefined();
      expect(lookup.of(8)).toBeUndefined();
    },
  );

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

describe('the scanning process', () => {
  it("is found by Deno's pid where Deno is, without touching the process global", () => {
    const g = globalThis as { Deno?: unknown };
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'process');
    const hadDeno = 'Deno' in g;
    if (!hadDeno) g.Deno = { pid: 4242 };
    const expected = (g.Deno as { pid: number }).pid;
    // On Deno, `process` is Node's layer, loaded on first use: reading it costs ~11 ms there.
    Object.defineProperty(globalThis, 'process', {
      configurable: true,
      get() {
        throw new Error('process read');
      },
    });
    try {
      expect(ownPid()).toBe(expected);
    } finally {
      if (saved) Object.defineProperty(globalThis, 'process', saved);
      if (!hadDeno) delete g.Deno;
    }
  });
});
