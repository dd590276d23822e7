import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectRuntime } from '@socklab/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { makeFakeProc } from '../../test/fake-proc.ts';
import { jsonText } from '../../test/json-text.ts';
import { readFixture } from '../../test/read-fixture.ts';
import { entriesToJSON } from '../render/entries-json.ts';
import { nodeProcFs } from '../runtime/node.ts';
import { createWorkerCollect } from '../runtime/node-worker-collect.ts';
import type { ProcFs } from '../runtime/proc-fs.ts';
import { ownerTable } from '../runtime/shared-collect.ts';
import { ownerSlot } from '../runtime/shared-fd-scan.ts';
import { stateNames } from '../states.ts';
import type { SocketFilters } from '../types.ts';
import { type CollectStrategy, collectSequential, readTable } from './collect-plan.ts';
import { collectLinuxJSON, collectLinuxSockets, type LinuxCollectOptions } from './linux.ts';
import { tableWasm } from './table-wasm.ts';
import { fromBase64 } from './wasm-rows.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** The JavaScript path's JSON of the same snapshot, without the newlines between pieces. */
async function entriesText(filters: SocketFilters, options: LinuxCollectOptions): Promise<string> {
  return entriesToJSON(await collectLinuxSockets(filters, options)).replaceAll('\n', '');
}

const filterSets: SocketFilters[] = [
  {},
  { proto: 'tcp' },
  { proto: 'udp' },
  { proto: 'unix' },
  { listening: true },
  { state: 'ESTABLISHED' },
  { state: 'UNCONN' },
  { state: 'LISTEN', proto: 'tcp' },
  { port: 42807 },
];

describe('collectLinuxJSON writes what entriesToJSON writes of collectLinuxSockets', () => {
  // Real /proc/net captures (test/fixtures), owners in a fake /proc tree: shared sockets, a
  // process whose fds cannot be listed, a TIME_WAIT row.
  const fake = makeFakeProc([
    {
      pid: 100,
      comm: 'server',
      uid: 1000,
      fds: { 0: '/dev/null', 3: 305910, 4: 305911, 7: 305919, 9: 305917 },
    },
    { pid: 200, comm: 'forked "child"\\é', fds: { 3: 305910, 5: 305912 } },
  ]);
  afterAll(fake.cleanup);
  const strategies: Record<string, CollectStrategy> = {
    sequential: collectSequential,
    'worker thread (shared owner table)': createWorkerCollect({ minFds: 0, bigAbove: 1 }),
  };

  it.each(Object.entries(strategies))('on real table captures (%s)', async (_name, strategy) => {
    for (const filters of filterSets) {
      for (const sort of ['proto', false] as const) {
        for (const uid of [0, 1000, undefined]) {
          const options = {
            procRoot: fake.root,
            passwdPath: fake.passwd,
            fs: nodeProcFs,
            strategy,
            uid,
            sort,
          };
          expect(await jsonText(filters, options)).toBe(await entriesText(filters, options));
        }
      }
    }
  });

  it('declines a --pid filter and orders other than netstat’s (they need entries)', async () => {
    const options = { procRoot: fake.root, passwdPath: fake.passwd, fs: nodeProcFs };
    expect(await collectLinuxJSON({ pid: 100 }, options)).toBeUndefined();
    expect(await collectLinuxJSON({}, { ...options, sort: 'local' })).toBeUndefined();
  });

  it('on made-up tables: any rows, malformed lines, duplicates, shared and hidden owners', async () => {
    await fc.assert(
      fc.asyncProperty(procArbitrary(), async (proc) => {
        for (const [filters, sort] of proc.requests) {
          const options: LinuxCollectOptions = {
            procRoot: '/p',
            passwdPath: '/p/passwd',
            fs: proc.fs,
            strategy: proc.shared ? sharedTableStrategy(proc) : collectSequential,
            uid: proc.callerUid,
            sort,
          };
          const expected = await entriesText(filters, options);
          expect(await jsonText(filters, options)).toBe(expected);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('the WebAssembly module', () => {
  it('decodes the same whichever decoder the runtime has (fromBase64, Buffer, atob)', () => {
    // The committed text, decoded the plain way: 0asm, version 1.
    const plain = Uint8Array.from(atob(tableWasm), (c) => c.charCodeAt(0));
    expect([...plain.subarray(0, 8)]).toEqual([0, 97, 115, 109, 1, 0, 0, 0]);
    const typed = Uint8Array as { fromBase64?: unknown };
    const g = globalThis as { Buffer?: unknown };
    const saved = [
      [typed, 'fromBase64', Object.getOwnPropertyDescriptor(typed, 'fromBase64')],
      [g, 'Buffer', Object.getOwnPropertyDescriptor(g, 'Buffer')],
    ] as const;
    const ways: Uint8Array[] = [fromBase64(tableWasm)];
    try {
      // What this runtime has (Bun, Deno: fromBase64), then without it (Node's Buffer), then
      // with neither (atob and a loop).
      delete typed.fromBase64;
      ways.push(fromBase64(tableWasm));
      delete g.Buffer;
      ways.push(fromBase64(tableWasm));
    } finally {
      for (const [owner, key, descriptor] of saved) {
        if (descriptor) Object.defineProperty(owner, key, descriptor);
      }
    }
    for (const bytes of ways) expect(bytes).toEqual(plain);
  });

  // The committed module is what assembly/table.ts compiles to (asc runs on Node).
  it.runIf(detectRuntime().name === 'node')('is built from its source', () => {
    const run = spawnSync(
      process.execPath,
      [join(here, '../../scripts/build-wasm.mjs'), '--check'],
      {
        encoding: 'utf8',
      },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it.runIf(detectRuntime().name === 'node')(
    'is not needed: without WebAssembly (node --jitless) the same JSON comes out',
    () => {
      const fake = makeFakeProc([{ pid: 100, comm: 'server', fds: { 3: 305910, 4: 305912 } }]);
      try {
        const script = `
          import { snapshotJSON } from ${JSON.stringify(join(here, '../../dist/snapshot.js'))};
          const json = await snapshotJSON({}, { procRoot: ${JSON.stringify(fake.root)}, passwdPath: ${JSON.stringify(fake.passwd)} });
          let text = '';
          for (const piece of json.pieces) text += new TextDecoder().decode(piece);
          process.stdout.write(text);`;
        const run = (flags: string[]) =>
          spawnSync(process.execPath, [...flags, '--input-type=module', '-e', script], {
            encoding: 'utf8',
          });
        const withWasm = run([]);
        const without = run(['--jitless']);
        expect(withWasm).toMatchObject({ status: 0, stderr: '' });
        // Node says that --jitless turns WebAssembly off.
        expect(without).toMatchObject({
          status: 0,
          stderr: expect.not.stringMatching(/Error|at /),
        });
        expect(JSON.parse(withWasm.stdout).length).toBeGreaterThan(3);
        expect(without.stdout).toBe(withWasm.stdout);
      } finally {
        fake.cleanup();
      }
    },
  );
});

describe('the owner table', () => {
  it('is filled by the fd scan in the module’s own memory: nothing is copied after the scan', async () => {
    const fake = makeFakeProc([{ pid: 100, comm: 'server', fds: { 3: 305910 } }]);
    try {
      let table: Int32Array | undefined;
      const bits = 10;
      const slot = ownerSlot(305910, bits);
      const strategy: CollectStrategy = async (request, fs) => {
        for (const proto of request.tables) {
          request.onTable(proto, await readTable(fs, request.procRoot, proto));
        }
        table = request.ownerTable?.(2 ** bits);
        if (!table) throw new Error('no owner table offered');
        table.set([305910, 100, 3], slot * 3);
        const control = new Int32Array(4);
        control[1] = 1;
        return ownerTable(table, [], control);
      };
      const json = await collectLinuxJSON(
        { proto: 'tcp' },
        { procRoot: fake.root, passwdPath: fake.passwd, fs: nodeProcFs, strategy },
      );
      // Shared, so that the scan's worker writes into it too.
      expect(table?.buffer).toBeInstanceOf(SharedArrayBuffer);
      // Changed after the owners were attached, before the JSON is written: a copy would not see it.
      (table as Int32Array)[slot * 3 + 1] = 101;
      let text = '';
      for (const piece of json?.pieces ?? []) text += new TextDecoder().decode(piece);
      const entries = JSON.parse(text) as { inode: number; pid: number | null }[];
      expect(entries.find((entry) => entry.inode === 305910)?.pid).toBe(101);
    } finally {
      fake.cleanup();
    }
  });
});

// ---- made-up /proc trees ----

interface MadeUpProc {
  fs: ProcFs;
  /** Use a scan's shared owner table (as the two-thread scan makes it) instead of a Map. */
  shared: boolean;
  /** That table is the one the request offers (the WebAssembly rows' own memory). */
  inPlace: boolean;
  owners: [inode: number, pid: number, fd: number][];
  unreadable: number;
  callerUid: number | undefined;
  requests: [SocketFilters, 'proto' | false][];
}

const hex = (value: number, width: number) =>
  (value >>> 0).toString(16).toUpperCase().padStart(width, '0').slice(-width);

/** IPv6 words as /proc prints them: zero runs, ::1, v4-mapped, anything. */
const v6Words = fc.oneof(
  fc.constant([0, 0, 0, 0x01000000]),
  fc.tuple(
    fc.constant(0),
    fc.constant(0),
    fc.constant(0xffff0000),
    fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  ),
  fc.array(fc.constantFrom(0, 0, 0, 0x100, 0xffff, 0xb80d0120, 0xffffffff), {
    minLength: 4,
    maxLength: 4,
  }),
  fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { minLength: 4, maxLength: 4 }),
);

const inodePool = [0, 0, 1, 7, 305910, 305911, 2 ** 31, 2 ** 32 - 1, 123456789];

function rowArbitrary(v6: boolean) {
  const address = v6
    ? v6Words.map((words) => words.map((w) => hex(w, 8)).join(''))
    : fc
        .oneof(fc.constantFrom(0x0100007f, 0, 0x0200a8c0), fc.integer({ min: 0, max: 2 ** 32 - 1 }))
        .map((w) => hex(w, 8));
  const port = fc.oneof(fc.constantFrom(0, 22, 42807, 65535), fc.integer({ min: 0, max: 65535 }));
  return fc
    .record({
      sl: fc.nat(9999),
      local: address,
      localPort: port,
      remote: address,
      remotePort: port,
      state: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 255 })),
      sendQ: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
      recvQ: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
      uid: fc.oneof(
        fc.constantFrom(0, 1000, 65534, 4242),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.constant(999999999999999),
      ),
      inode: fc.oneof(
        fc.constantFrom(...inodePool),
        fc.integer({ min: 1, max: 2 ** 32 - 1 }),
        fc.constant(999999999999999),
      ),
      // The kernel's fixed widths, or a variant the parser reads as tokens.
      timer: fc.constantFrom('00:00000000 00000000', '02:000000A3 00000001', '0:0 0'),
      mangle: fc.oneof(
        { weight: 12, arbitrary: fc.constant('none') },
        fc.constantFrom('cut', 'lower', 'garbage', 'blank', 'nospace', 'letters'),
      ),
    })
    .map((r) => {
      let line = `${String(r.sl).padStart(4)}: ${r.local}:${hex(r.localPort, 4)} ${r.remote}:${hex(r.remotePort, 4)} ${hex(r.state, 2)} ${hex(r.sendQ, 8)}:${hex(r.recvQ, 8)} ${r.timer} ${String(r.uid).padStart(5)}        0 ${r.inode} 1 0000000000000000 100 0 0 10 0`;
      if (r.mangle === 'cut') line = line.slice(0, Math.floor(line.length / 2));
      if (r.mangle === 'lower') line = line.toLowerCase();
      if (r.mangle === 'garbage') line = 'sl  local_address rem_address';
      if (r.mangle === 'blank') line = '   ';
      if (r.mangle === 'nospace') line = line.replace(': ', ':');
      if (r.mangle === 'letters') line = line.replace(/ (\d+) 1 0000/, ' x$1 1 0000');
      return line;
    });
}

function tableArbitrary(v6: boolean) {
  return fc.array(rowArbitrary(v6), { maxLength: 300 }).chain((rows) =>
    // Repeat some rows, as a table read in pieces can.
    fc.subarray(rows).map((again) => [...rows, ...again]),
  );
}

const header =
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';

function procArbitrary(): fc.Arbitrary<MadeUpProc> {
  return fc
    .record({
      tcp: tableArbitrary(false),
      tcp6: tableArbitrary(true),
      udp: tableArbitrary(false),
      udp6: fc.option(tableArbitrary(true), { nil: undefined }),
      unix: fc.boolean(),
      processes: fc.array(
        fc.record({
          comm: fc.oneof(
            fc.constantFrom('server', 'node', 'a "b"\\c'),
            fc.string({ maxLength: 15 }),
          ),
          fds: fc.array(fc.tuple(fc.nat(4000), fc.constantFrom(...inodePool.slice(2), 42, 43)), {
            maxLength: 12,
          }),
        }),
        { maxLength: 6 },
      ),
      hidden: fc.boolean(),
      shared: fc.boolean(),
      inPlace: fc.boolean(),
      callerUid: fc.constantFrom(0, 1000, undefined),
      requests: fc.array(
        fc.tuple(
          fc.record(
            {
              proto: fc.constantFrom('tcp', 'udp'),
              state: fc.constantFrom(...stateNames),
              port: fc.constantFrom(22, 42807, 65535),
              listening: fc.boolean(),
            },
            { requiredKeys: [] },
          ),
          fc.constantFrom('proto' as const, false as const),
        ),
        { minLength: 1, maxLength: 3 },
      ),
    })
    .map((made) => {
      const files = new Map<string, string>();
      files.set('/p/net/tcp', [header, ...made.tcp].join('\n'));
      files.set('/p/net/tcp6', [header, ...made.tcp6].join('\n'));
      files.set('/p/net/udp', [header, ...made.udp].join('\n'));
      if (made.udp6) files.set('/p/net/udp6', `${[header, ...made.udp6].join('\n')}\n`);
      files.set(
        '/p/net/unix',
        made.unix
          ? readFixture('proc-net-unix.txt')
          : 'Num RefCount Protocol Flags Type St Inode Path\n',
      );
      files.set(
        '/p/passwd',
        'root:x:0:0::/root:/bin/sh\nlab:x:1000:1000::/home/lab:/bin/sh\nweird:x:4242:1::/:/bin/sh\n',
      );
      const links = new Map<string, string>();
      const dirs = new Map<string, string[]>();
      const owners: MadeUpProc['owners'] = [];
      const pids: string[] = [];
      made.processes.forEach((process, i) => {
        const pid = 100 + i;
        pids.push(String(pid));
        files.set(`/p/${pid}/comm`, `${process.comm}\n`);
        const fds = [...new Map(process.fds).entries()];
        dirs.set(
          `/p/${pid}/fd`,
          fds.map(([fd]) => String(fd)),
        );
        for (const [fd, inode] of fds) {
          links.set(`/p/${pid}/fd/${fd}`, `socket:[${inode}]`);
          owners.push([inode, pid, fd]);
        }
      });
      // A process whose fds may not be read (another user's, when not root).
      if (made.hidden) pids.push('999');
      dirs.set('/p', [...pids, 'self', 'net']);
      const fs: ProcFs = {
        async readText(path) {
          return this.readTextSync(path);
        },
        readTextSync(path) {
          const text = files.get(path);
          if (text === undefined)
            throw Object.assign(new Error(`ENOENT ${path}`), { code: 'ENOENT' });
          return text;
        },
        listDir(path) {
          if (path === '/p/999/fd') throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
          const names = dirs.get(path);
          if (!names) throw Object.assign(new Error(`ENOENT ${path}`), { code: 'ENOENT' });
          return names;
        },
        readLink(path) {
          return links.get(path);
        },
      };
      return {
        fs,
        shared: made.shared,
        inPlace: made.inPlace,
        owners,
        unreadable: made.hidden ? 1 : 0,
        callerUid: made.callerUid,
        requests: made.requests,
      };
    });
}

/**
 * The two-thread scan's result without threads: its owner table filled as scanSharedFds fills
 * it (a small table, so that some owners spill outside it as they do past 3/4 full).
 */
function sharedTableStrategy(proc: MadeUpProc): CollectStrategy {
  return async (request, fs) => {
    for (const proto of request.tables) {
      request.onTable(proto, await readTable(fs, request.procRoot, proto));
    }
    request.onTablesRead?.();
    const slots = 16;
    const offered = proc.inPlace ? request.ownerTable?.(slots) : undefined;
    const table = offered ?? new Int32Array(3 * slots);
    const control = new Int32Array(4);
    const spilled = { inodes: [] as number[], pids: [] as number[], fds: [] as number[] };
    for (const [inode, pid, fd] of proc.owners) {
      if (control[1]++ >= slots - (slots >> 2)) {
        spilled.inodes.push(inode >>> 0);
        spilled.pids.push(pid);
        spilled.fds.push(fd);
        continue;
      }
      let slot = ownerSlot(inode | 0, 4);
      while (table[slot * 3] !== 0) slot = (slot + 1) & (slots - 1);
      table.set([inode | 0, pid, fd], slot * 3);
    }
    control[3] = proc.unreadable;
    return ownerTable(table, [spilled], control);
  };
}
