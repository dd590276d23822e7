import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../test/read-fixture.ts';
import { isListening } from '../filters.ts';
import type { SocketEntry } from '../types.ts';
import { formatIPv6, ipv4ToProcHex, ipv6GroupsToProcHex } from './address.ts';
import { parseProcNetInet, parseProcNetUnix } from './proc-net.ts';

const user = (uid: number) => (uid === 0 ? 'root' : null);

describe('parseProcNetInet on real captures', () => {
  it('reads listening, established and TIME_WAIT tcp rows', () => {
    const { entries, skipped } = parseProcNetInet(readFixture('proc-net-tcp.txt'), 'tcp', user);
    expect(skipped).toBe(0);
    expect(entries).toHaveLength(8);
    expect(entries[0]).toEqual({
      proto: 'tcp',
      state: 'LISTEN',
      local: { address: '127.0.0.1', port: 42807 },
      remote: { address: '0.0.0.0', port: 0 },
      recvQ: 0,
      sendQ: 0,
      uid: 0,
      user: 'root',
      inode: 305910,
      pid: null,
      command: null,
      processes: [],
      hidden: undefined,
    });
    const timeWait = entries.find((e) => e.state === 'TIME_WAIT');
    expect(timeWait).toMatchObject({ local: { port: 51346 }, remote: { port: 43191 }, inode: 0 });
    // The kernel prints uid 0 on TIME_WAIT rows for "unknown": no user is made up.
    expect([timeWait?.uid, timeWait?.user]).toEqual([null, null]);
    expect(entries.filter((e) => e.state === 'ESTABLISHED')).toHaveLength(5);
  });

  it('reads IPv6, loopback and v4-mapped tcp6 rows', () => {
    const { entries, skipped } = parseProcNetInet(readFixture('proc-net-tcp6.txt'), 'tcp6');
    expect(skipped).toBe(0);
    expect(
      entries.map(
        (e) => `${e.local.address}:${e.local.port} ${e.remote.address}:${e.remote.port} ${e.state}`,
      ),
    ).toEqual([
      '::1:39225 :::0 LISTEN',
      ':::41117 :::0 LISTEN',
      '::1:60276 ::1:39225 ESTABLISHED',
      '::1:39225 ::1:60276 ESTABLISHED',
      '::ffff:127.0.0.1:41117 ::ffff:127.0.0.1:52142 ESTABLISHED',
    ]);
  });

  it('calls unconnected UDP sockets UNCONN', () => {
    const v4 = parseProcNetInet(readFixture('proc-net-udp.txt'), 'udp').entries;
    const v6 = parseProcNetInet(readFixture('proc-net-udp6.txt'), 'udp6').entries;
    expect(v4).toMatchObject([
      { proto: 'udp', state: 'UNCONN', local: { address: '127.0.0.1', port: 38128 } },
    ]);
    expect(v6).toMatchObject([
      { proto: 'udp6', state: 'UNCONN', local: { address: '::1', port: 58519 } },
    ]);
  });

  it('skips and counts malformed rows, never counts blank ones', () => {
    const header = readFixture('proc-net-tcp.txt').split('\n')[0];
    const good =
      '   0: 0100007F:A737 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 305910 1 0 100 0 0 10 0';
    const text = [
      header,
      good,
      '   1: zz00007F:A737 00000000:0000 0A',
      'garbage',
      '',
      good.replace('305910', 'x'),
      '  ',
    ].join('\n');
    const result = parseProcNetInet(text, 'tcp');
    expect(result.entries).toHaveLength(1);
    expect(result.skipped).toBe(3);
    expect(parseProcNetInet('', 'tcp')).toEqual({ entries: [], skipped: 0 });
  });
});

describe('parseProcNetUnix', () => {
  it('reads a listening unix socket with its path', () => {
    const { entries, skipped } = parseProcNetUnix(readFixture('proc-net-unix.txt'));
    expect(skipped).toBe(0);
    expect(entries).toMatchObject([
      { proto: 'unix', state: 'LISTEN', local: { address: '/tmp/fx/lab.sock' }, inode: 305917 },
    ]);
  });

  it('--listening keeps what ss -lx shows that waits for peers: LISTEN, and UNCONN bound to a path', () => {
    // Captured with a bound datagram socket, a stream listener with one accepted connection,
    // and an unbound stream and datagram socket; `ss -lx` showed the last two as well.
    const { entries, skipped } = parseProcNetUnix(readFixture('proc-net-unix-states.txt'));
    expect(skipped).toBe(0);
    expect(entries).toHaveLength(8);
    const listening = entries.filter(isListening).map((e) => `${e.state} ${e.local.address}`);
    expect(listening).toEqual(['UNCONN /tmp/fx/dgram.sock', 'LISTEN /tmp/fx/stream.sock']);
  });

  it('keeps paths with spaces, unnamed sockets and connection states', () => {
    const text = [
      'Num       RefCount Protocol Flags    Type St Inode Path',
      '0000000000000000: 00000003 00000000 00000000 0001 03  1663',
      'nonsense line here',
      '0000000000000000: 00000002 00000000 00000000 0002 01 1700 /run/my socket',
      '0000000000000000: 00000002 00000000 00000000 0001 01 1701 @abstract',
    ].join('\n');
    const { entries, skipped } = parseProcNetUnix(text);
    expect(skipped).toBe(1);
    expect(entries.map((e) => [e.state, e.local.address, e.inode])).toEqual([
      ['ESTABLISHED', '', 1663],
      ['UNCONN', '/run/my socket', 1700],
      ['UNCONN', '@abstract', 1701],
    ]);
  });
});

describe('parseProcNetUnix with newlines in paths', () => {
  // What the kernel printed for paths "/tmp/a\nb.sock" and "@x\n\ny" (it writes them as they are).
  const rows = [
    'Num       RefCount Protocol Flags    Type St Inode Path',
    '0000000000000000: 00000002 00000000 00010000 0001 01 1800 /tmp/a',
    'b.sock',
    '0000000000000000: 00000003 00000000 00000000 0001 03  1801',
    '0000000000000000: 00000002 00000000 00000000 0002 01 1802 @x',
    '',
    'y',
    '',
  ];
  const expected = [
    ['LISTEN', '/tmp/a\nb.sock', 1800],
    ['ESTABLISHED', '', 1801],
    ['UNCONN', '@x\n\ny', 1802],
  ];
  const view = (entries: SocketEntry[]) => entries.map((e) => [e.state, e.local.address, e.inode]);

  it('reads the lines after a row with a path that are not rows as the rest of its path', () => {
    const { entries, skipped } = parseProcNetUnix(rows.join('\n'));
    expect(skipped).toBe(0);
    expect(view(entries)).toEqual(expected);
  });

  it('keeps spaces at either end of a path (bind("  lead"), "/tmp/trail  ", abstract "\\0 abs ")', () => {
    const text = [
      'Num       RefCount Protocol Flags    Type St Inode Path',
      '000000000d3e6910: 00000002 00000000 00010000 0001 01 19526383   lead',
      '000000009739f12b: 00000002 00000000 00010000 0001 01 19526382 /tmp/trail  ',
      '00000000af6d5eac: 00000002 00000000 00010000 0001 01 19526384 @ abs ',
      '00000000af6d5eac: 00000002 00000000 00010000 0001 01 19526385 /tmp/nl ',
      ' x',
    ].join('\n');
    const { entries, skipped } = parseProcNetUnix(text);
    expect(skipped).toBe(0);
    expect(entries.map((e) => e.local.address)).toEqual([
      '  lead',
      '/tmp/trail  ',
      '@ abs ',
      '/tmp/nl \n x',
    ]);
  });

  it('continues the last row of the piece before (options.previous)', () => {
    const first = parseProcNetUnix(rows.slice(0, 2).join('\n'));
    const second = parseProcNetUnix(`${rows.slice(2).join('\n')}`, {
      header: false,
      previous: first.entries.at(-1),
    });
    expect(first.skipped + second.skipped).toBe(0);
    expect(view([...first.entries, ...second.entries])).toEqual(expected);
  });
});

describe('address formatting', () => {
  it('compresses IPv6 like RFC 5952', () => {
    expect(formatIPv6([0, 0, 0, 0, 0, 0, 0, 1])).toBe('::1');
    expect(formatIPv6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1])).toBe('2001:db8::1:0:0:1');
    expect(formatIPv6([0xfe80, 0, 0, 0, 0x1c2d, 0x3e4f, 0x5a6b, 0x7c8d])).toBe(
      'fe80::1c2d:3e4f:5a6b:7c8d',
    );
    expect(formatIPv6([1, 2, 3, 4, 5, 6, 7, 8])).toBe('1:2:3:4:5:6:7:8');
    expect(formatIPv6([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1])).toBe('::ffff:127.0.0.1');
  });
});

// The kernel's format: "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu ..."
function procLine(
  sl: number,
  local: string,
  lport: number,
  remote: string,
  rport: number,
  st: number,
  tx: number,
  rx: number,
  uid: number,
  inode: number,
): string {
  const h = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
  return `${String(sl).padStart(4)}: ${local}:${h(lport, 4)} ${remote}:${h(rport, 4)} ${h(st, 2)} ${h(tx, 8)}:${h(rx, 8)} 00:00000000 00000000 ${String(uid).padStart(5)} ${String(0).padStart(8)} ${inode} 1 0000000000000000 20 4 30 10 -1`;
}

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
const groups = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 });
const row = fc.record({
  sl: fc.nat(200_000),
  lport: fc.nat(65535),
  rport: fc.nat(65535),
  st: fc.integer({ min: 1, max: 12 }),
  tx: fc.nat(0xffffffff),
  rx: fc.nat(0xffffffff),
  uid: fc.nat(4_000_000_000),
  inode: fc.nat(Number.MAX_SAFE_INTEGER >>> 0),
});

describe('a table parsed in pieces (as the collector reads it)', () => {
  it('gives what the whole text gives, wherever the pieces are cut between lines', () => {
    const tables = ['tcp', 'tcp6', 'udp', 'udp6', 'unix'] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...tables),
        fc.array(fc.nat(100), { maxLength: 6 }),
        (table, cuts) => {
          // Some damage too, so skipped rows add up across pieces as well.
          const text = `${readFixture(`proc-net-${table}.txt`)}garbage\n  \n`;
          const lines = text.split(/(?<=\n)/);
          // The first piece always has the header line (the reader cuts after whole lines).
          const at = [...new Set(cuts.map((c) => 1 + (c % lines.length)))].sort((x, y) => x - y);
          const pieces = [0, ...at, lines.length]
            .slice(1)
            .map((end, i, ends) => lines.slice(i === 0 ? 0 : ends[i - 1], end).join(''));
          // The collector hands each unix piece the row before it (a path may go on).
          let previous: SocketEntry | undefined;
          const parse = (piece: string, header: boolean) =>
            table === 'unix'
              ? parseProcNetUnix(piece, { header, previous })
              : parseProcNetInet(piece, table, user, { header });
          const parts = pieces.map((piece, i) => {
            const part = parse(piece, i === 0);
            previous = part.entries.at(-1) ?? previous;
            return part;
          });
          previous = undefined;
          const whole = parse(text, true);
          expect(parts.flatMap((p) => p.entries)).toEqual(whole.entries);
          expect(parts.reduce((sum, p) => sum + p.skipped, 0)).toBe(whole.skipped);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads the bytes the collector reads as it reads the text (UTF-8 unix paths too)', () => {
    const encoder = new TextEncoder();
    for (const table of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
      const text = `${readFixture(`proc-net-${table}.txt`)}garbage\n`;
      expect(parseProcNetInet(encoder.encode(text), table, user)).toEqual(
        parseProcNetInet(text, table, user),
      );
    }
    const unix = `${readFixture('proc-net-unix.txt')}0000000000000000: 00000002 00000000 00010000 0001 01 1702 /run/caf\u00e9 \u65e5.sock\n`;
    const parsed = parseProcNetUnix(encoder.encode(unix));
    expect(parsed).toEqual(parseProcNetUnix(unix));
    expect(parsed.entries.at(-1)?.local.address).toBe('/run/caf\u00e9 \u65e5.sock');
  });

  it('reads a later piece from its first line (no header to skip)', () => {
    const [header, first] = readFixture('proc-net-tcp.txt').split('\n');
    expect(parseProcNetInet(`${first}\n`, 'tcp', user, { header: false }).entries).toHaveLength(1);
    expect(parseProcNetInet(`${header}\n${first}\n`, 'tcp', user).entries).toHaveLength(1);
    expect(parseProcNetInet('', 'tcp', user, { header: false })).toEqual({
      entries: [],
      skipped: 0,
    });
  });
});

describe('parseProcNetInet properties', () => {
  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const result = parseProcNetInet(`header\n${text}`, 'tcp');
        expect(result.entries.length + result.skipped).toBeLessThanOrEqual(text.split('\n').length);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string(), (text) => void parseProcNetInet(text, 'udp6')),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string(), (text) => void parseProcNetUnix(text)),
      { numRuns: 300 },
    );
  });

  it('never throws on real rows with random damage', () => {
    const lines = readFixture('proc-net-tcp.txt').split('\n');
    fc.assert(
      fc.property(
        fc.nat(lines.length - 1),
        fc.nat(200),
        fc.string({ maxLength: 4 }),
        (line, at, junk) => {
          const damaged = [...lines];
          const target = damaged[line] as string;
          damaged[line] = target.slice(0, at) + junk + target.slice(at + junk.length);
          const result = parseProcNetInet(damaged.join('\n'), 'tcp');
          expect(result.entries.length + result.skipped).toBeGreaterThanOrEqual(7);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads rows whose timer fields are not at their usual widths', () => {
    const text =
      'header\n' +
      '   0: 0100007F:1F90 0100007F:C350 01 00000001:00000002 00:00000000 00000000  1000 0 4242 1\n' +
      '   1: 0100007F:1F90 0100007F:C351 01 00000000:00000000 2:1A 0 1000 0 4243 1\n';
    const { entries, skipped } = parseProcNetInet(text, 'tcp');
    expect(skipped).toBe(0);
    expect(entries.map((e) => [e.remote.port, e.sendQ, e.recvQ, e.uid, e.inode])).toEqual([
      [50000, 1, 2, 1000, 4242],
      [50001, 0, 0, 1000, 4243],
    ]);
  });

  it('round-trips generated IPv4 rows', () => {
    fc.assert(
      fc.property(row, ipv4, ipv4, (r, local, remote) => {
        const text = `header\n${procLine(r.sl, ipv4ToProcHex(local), r.lport, ipv4ToProcHex(remote), r.rport, r.st, r.tx, r.rx, r.uid, r.inode)}\n`;
        const { entries, skipped } = parseProcNetInet(text, 'tcp');
        expect(skipped).toBe(0);
        expect(entries[0]).toMatchObject({
          local: { address: local, port: r.lport },
          remote: { address: remote, port: r.rport },
          sendQ: r.tx,
          recvQ: r.rx,
          // TIME_WAIT (6) rows carry no owner: their uid column means "unknown".
          uid: r.st === 6 ? null : r.uid,
          inode: r.inode,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips generated IPv6 rows (little-endian words)', () => {
    fc.assert(
      fc.property(row, groups, groups, (r, local, remote) => {
        const text = `header\n${procLine(r.sl, ipv6GroupsToProcHex(local), r.lport, ipv6GroupsToProcHex(remote), r.rport, r.st, r.tx, r.rx, r.uid, r.inode)}`;
        const { entries } = parseProcNetInet(text, 'tcp6');
        expect(entries[0]?.local).toEqual({ address: formatIPv6(local), port: r.lport });
        expect(entries[0]?.remote).toEqual({ address: formatIPv6(remote), port: r.rport });
        // The text is a valid IPv6 literal: URL parsing accepts it and agrees on the groups.
        expect(new URL(`http://[${entries[0]?.local.address}]/`).hostname).toBeTruthy();
      }),
      { numRuns: 300 },
    );
  });
});
