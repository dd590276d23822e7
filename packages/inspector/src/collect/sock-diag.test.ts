import { readFileSync } from 'node:fs';
import { detectRuntime } from '@socklab/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { makeFakeProc } from '../../test/fake-proc.ts';
import { jsonText } from '../../test/json-text.ts';
import { openLabSockets } from '../../test/lab-sockets.ts';
import { readFixtureBytes } from '../../test/read-fixture.ts';
import { nodeProcFs } from '../runtime/node.ts';
import { createWorkerCollect } from '../runtime/node-worker-collect.ts';
import type { SocketFilters, SocketProto } from '../types.ts';
import { WasmRows } from './wasm-rows.ts';

const inet = ['tcp', 'tcp6', 'udp', 'udp6'] as const;

/** A dump's messages (nlmsghdr: u32 length first), `per` to a recv, as the kernel sends them. */
function recvs(dump: Uint8Array, per: number): Uint8Array[] {
  const view = new DataView(dump.buffer, dump.byteOffset, dump.byteLength);
  const out: Uint8Array[] = [];
  let from = 0;
  let at = 0;
  let count = 0;
  while (at < dump.length) {
    at += (view.getUint32(at, true) + 3) & ~3;
    if (++count % per === 0 || at >= dump.length) {
      out.push(dump.subarray(from, at));
      from = at;
    }
  }
  return out;
}

/** The rows' JSON (no owners: none were attached), sorted as netstat's order. */
function rowsText(rows: WasmRows): string {
  rows.sort();
  const decoder = new TextDecoder();
  let text = '';
  for (const piece of rows.pieces(rows.count, 64)) text += decoder.decode(piece);
  return text;
}

describe('a sock_diag dump (netlink) gives the rows /proc/net gives', () => {
  // Captured together by scripts/capture-sock-diag.py (fixtures README): the dump's own messages
  // and /proc/net's lines of the same sockets; owners in a fake /proc tree.
  const fake = makeFakeProc(
    [
      { pid: 100, comm: 'server', uid: 1000, fds: { 3: 23674787, 4: 23674788, 5: 23674797 } },
      { pid: 200, comm: 'other', fds: { 7: 23674992, 8: 23674806 } },
    ],
    [...inet, 'unix'],
    {
      fixture: (table) =>
        table === 'unix' ? 'proc-net-unix.txt' : `sock-diag-proc-net-${table}.txt`,
    },
  );
  afterAll(fake.cleanup);
  const dumps = Object.fromEntries(inet.map((t) => [t, readFixtureBytes(`sock-diag-${t}.bin`)]));
  /** The tables a dump gave whole (not the partial ones, nor the ones read from /proc/net). */
  const dumped: SocketProto[] = [];

  /** A strategy that gets the inet tables from the captured dumps, `per` messages a recv. */
  function fromDumps(per: number, stopAfter = Number.POSITIVE_INFINITY) {
    return createWorkerCollect({
      minFds: 0,
      bigAbove: 1,
      dumpTable(procRoot, proto, onBytes) {
        expect(procRoot).toBe(fake.root);
        const parts = recvs(dumps[proto] as Uint8Array, per);
        for (const [i, part] of parts.entries()) {
          if (i >= stopAfter) return false;
          const status = onBytes(part);
          if (status === 1) dumped.push(proto);
          if (status !== 0) return status === 1;
        }
        return false;
      },
    });
  }

  const filterSets: SocketFilters[] = [
    {},
    { proto: 'tcp' },
    { proto: 'udp' },
    { state: 'SYN_RECV' },
    { state: 'LISTEN' },
    { listening: true },
    { state: 'TIME_WAIT' },
  ];

  it.each([1, 3, 100])('byte for byte, in any recv sizes (%i messages a recv)', async (per) => {
    const options = { procRoot: fake.root, passwdPath: fake.passwd, fs: nodeProcFs, uid: 1000 };
    const text = createWorkerCollect({ minFds: 0, bigAbove: 1 });
    for (const filters of filterSets) {
      for (const sort of ['proto', false] as const) {
        const expected = await jsonText(filters, { ...options, sort, strategy: text });
        dumped.length = 0;
        const got = await jsonText(filters, { ...options, sort, strategy: fromDumps(per) });
        expect(got).toBe(expected);
        expect(dumped).toEqual(
          filters.proto === 'udp'
            ? ['udp', 'udp6']
            : filters.proto === 'tcp'
              ? ['tcp', 'tcp6']
              : [...inet],
        );
      }
    }
    // Not only the same: what the kernel's two forms differ in came out as /proc/net has it.
    const all = JSON.parse(
      await jsonText({ proto: 'tcp' }, { ...options, strategy: fromDumps(per) }),
    );
    const requests = all.filter((e: { state: string }) => e.state === 'SYN_RECV');
    expect(requests).toHaveLength(2); // sock_diag says uid 0 for them, /proc/net the listener's
    for (const request of requests) expect(request).toMatchObject({ uid: 65534, inode: 0 });
    const listeners = all.filter((e: { state: string }) => e.state === 'LISTEN');
    expect(listeners).toHaveLength(6); // sock_diag gives their backlog limit as the send queue
    for (const listener of listeners) expect(listener.sendQ).toBe(0);
    expect(listeners.map((e: { recvQ: number }) => e.recvQ).sort()).toEqual([0, 0, 0, 0, 0, 1]);
    expect(all.map((e: { sendQ: number }) => e.sendQ)).toContain(0x39b600);
    expect(all.filter((e: { state: string }) => e.state === 'TIME_WAIT')).toMatchObject([
      { uid: null, inode: 0 },
    ]);
  });

  it('reads /proc/net after a dump that failed partway, with no row twice', async () => {
    const options = { procRoot: fake.root, passwdPath: fake.passwd, fs: nodeProcFs };
    const expected = await jsonText(
      {},
      { ...options, strategy: createWorkerCollect({ minFds: 0 }) },
    );
    for (const stopAfter of [0, 1, 3]) {
      dumped.length = 0;
      const got = await jsonText({}, { ...options, strategy: fromDumps(4, stopAfter) });
      expect(got).toBe(expected);
      // tcp, tcp6, udp and udp6: 12, 9, 2 and 2 messages and a done, in 4, 3, 1 and 1 recvs of 4.
      expect(dumped).toEqual(
        stopAfter === 0 ? [] : stopAfter === 1 ? ['udp', 'udp6'] : ['tcp6', 'udp', 'udp6'],
      );
    }
  });

  it('says when the kernel refused, and what is not a dump', () => {
    const rows = WasmRows.create({}) as WasmRows;
    // NLMSG_ERROR with -ENOENT (no tcp_diag), and an NLMSG_DONE carrying -EINTR.
    const refused = new Uint8Array(36);
    new DataView(refused.buffer).setUint32(0, 36, true);
    new DataView(refused.buffer).setUint16(4, 2, true);
    new DataView(refused.buffer).setInt32(16, -2, true);
    expect(rows.parseDiag('tcp', refused)).toBe(-2);
    const interrupted = new Uint8Array(20);
    new DataView(interrupted.buffer).setUint32(0, 20, true);
    new DataView(interrupted.buffer).setUint16(4, 3, true);
    new DataView(interrupted.buffer).setInt32(16, -4, true);
    expect(rows.parseDiag('tcp', interrupted)).toBe(-4);
    expect(
      rows.parseDiag(
        'tcp',
        new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]),
      ),
    ).toBe(-1000);
    expect(rows.parseDiag('tcp', new Uint8Array(0))).toBe(0);
    expect(rows.count).toBe(0);
  });

  it('reads nothing past the bytes it was given', () => {
    // The module's input buffer still holds a dump from before (given as text: no row from it);
    // then a message of 17 bytes, whose padded end is past the bytes given.
    const rows = WasmRows.create({}) as WasmRows;
    const dump = dumps.tcp as Uint8Array;
    const stale = new Uint8Array(20 + dump.length);
    new DataView(stale.buffer).setUint32(0, 20, true);
    new DataView(stale.buffer).setUint16(4, 1, true); // NLMSG_NOOP
    stale.set(dump, 20);
    rows.parse('tcp', stale, false);
    expect(rows.count).toBe(0);
    const odd = new Uint8Array(17);
    new DataView(odd.buffer).setUint32(0, 17, true);
    new DataView(odd.buffer).setUint16(4, 1, true);
    expect(rows.parseDiag('tcp', odd)).toBe(0);
    expect(rows.count).toBe(0);
    // The same dump given as a dump: its rows.
    expect(rows.parseDiag('tcp', stale)).toBe(1);
    expect(rows.count).toBe(12);
  });

  it('never traps on malformed or cut dumps (fuzzed)', () => {
    const whole = dumps.tcp6 as Uint8Array;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }),
          fc.integer({ min: 0, max: whole.length }).map((n) => whole.slice(0, n)),
          fc
            .tuple(fc.integer({ min: 0, max: whole.length - 1 }), fc.integer({ min: 0, max: 255 }))
            .map(([at, value]) => {
              const copy = whole.slice();
              copy[at] = value;
              return copy;
            }),
        ),
        fc.constantFrom<SocketProto>(...inet),
        (bytes, proto) => {
          const rows = WasmRows.create({}) as WasmRows;
          const status = rows.parseDiag(proto, bytes);
          expect(Number.isInteger(status)).toBe(true);
          expect(() => rowsText(rows)).not.toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe.runIf(detectRuntime().name === 'deno')('the live dump on Deno (FFI to libc)', () => {
  it('lists the sockets of this test as /proc/net does', async () => {
    const { openSockDiag } = await import('../runtime/deno-sock-diag.ts');
    const diag = openSockDiag();
    expect(diag, 'the tests run with -A: FFI is allowed').not.toBeNull();
    const lab = await openLabSockets();
    try {
      for (const port of [lab.listenPort, lab.timeWaitPort, lab.udpPort]) {
        for (const proto of inet) {
          const viaDump = WasmRows.create({ port }) as WasmRows;
          expect(diag?.dump(proto, (bytes) => viaDump.parseDiag(proto, bytes))).toBe(true);
          const viaText = WasmRows.create({ port }) as WasmRows;
          viaText.parse(proto, readFileSync(`/proc/net/${proto}`), true);
          expect(rowsText(viaDump)).toBe(rowsText(viaText));
          if (proto === 'tcp' && port !== lab.udpPort) expect(viaDump.count).toBeGreaterThan(1);
          if (proto === 'udp' && port === lab.udpPort) expect(viaDump.count).toBe(1);
        }
      }
    } finally {
      await lab.close();
    }
  });

  it('is used by inspect’s worker strategy, with what the text gives', async () => {
    const { createDenoWorkerCollect } = await import('../runtime/deno-worker-collect.ts');
    const { denoProcFs } = await import('../runtime/deno.ts');
    const lab = await openLabSockets();
    try {
      const { openSockDiag } = await import('../runtime/deno-sock-diag.ts');
      const options = { fs: denoProcFs, sort: 'proto' as const };
      const filters = { port: lab.listenPort };
      const tables: string[] = [];
      const counted = () => ({
        dump(proto: SocketProto, onBytes: (bytes: Uint8Array) => number) {
          const done = openSockDiag()?.dump(proto, onBytes) ?? false;
          if (done) tables.push(proto);
          return done;
        },
      });
      const strategy = createDenoWorkerCollect(0, 1000, counted);
      const dumped = await jsonText(filters, { ...options, strategy });
      expect(tables).toEqual(['tcp', 'tcp6', 'udp', 'udp6']);
      const read = await jsonText(filters, {
        ...options,
        strategy: createDenoWorkerCollect(0, 1000, () => null),
      });
      expect(dumped).toBe(read);
      expect(JSON.parse(dumped).length).toBeGreaterThanOrEqual(3);
    } finally {
      await lab.close();
    }
  });
});
