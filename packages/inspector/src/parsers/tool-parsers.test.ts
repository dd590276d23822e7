import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../test/read-fixture.ts';
import type { SocketEntry } from '../types.ts';
import { parseLsofFields } from './lsof.ts';
import { parseLinuxNetstat } from './netstat-linux.ts';
import { parseMacosNetstat } from './netstat-macos.ts';
import { parseWindowsNetstat } from './netstat-windows.ts';
import { parseProcNetInet } from './proc-net.ts';

const row = (e: SocketEntry) =>
  `${e.proto} ${e.local.address}:${e.local.port} ${e.remote.address}:${e.remote.port} ${e.state}`;
const ownerPid = 12193;

describe('parseLinuxNetstat', () => {
  it('agrees with /proc/net on the same sockets (captured together)', () => {
    const { entries, skipped } = parseLinuxNetstat(readFixture('netstat-anp.txt'));
    expect(skipped).toBe(0);
    const fromProc = ['tcp', 'tcp6', 'udp', 'udp6'].flatMap(
      (p) => parseProcNetInet(readFixture(`proc-net-${p}.txt`), p as 'tcp').entries,
    );
    // netstat prints v4-mapped addresses without "::ffff:".
    const normalize = (text: string) => text.replaceAll('::ffff:', '').replace(/ :::0/, ' :::0');
    const inet = entries
      .filter((e) => e.proto !== 'unix')
      .map(row)
      .sort();
    expect(inet).toEqual(fromProc.map((e) => normalize(row(e))).sort());
  });

  it('reads owners, "-" for none, and the unix section', () => {
    const { entries } = parseLinuxNetstat(readFixture('netstat-anp.txt'));
    const listen = entries.find((e) => e.local.port === 42807 && e.state === 'LISTEN');
    expect(listen).toMatchObject({
      pid: ownerPid,
      command: 'node',
      processes: [{ pid: ownerPid, command: 'node', fd: null }],
    });
    expect(entries.find((e) => e.state === 'TIME_WAIT')).toMatchObject({
      pid: null,
      processes: [],
    });
    expect(entries.find((e) => e.proto === 'udp')).toMatchObject({
      state: 'UNCONN',
      pid: ownerPid,
    });
    expect(entries.find((e) => e.proto === 'unix')).toMatchObject({
      state: 'LISTEN',
      inode: 305917,
      local: { address: '/tmp/fx/lab.sock' },
      pid: ownerPid,
    });
  });

  it('reads -tanp output too and counts junk rows', () => {
    const text = `${readFixture('netstat-tanp.txt')}tcp 0 0 nonsense\nsctp 0 0 1.2.3.4:5 6.7.8.9:10 LISTEN -\n`;
    const { entries, skipped } = parseLinuxNetstat(text);
    expect(entries.length).toBeGreaterThan(5);
    expect(skipped).toBe(2);
  });
});

describe('parseLsofFields', () => {
  it('reads a real Linux capture: owners, fds, users, inodes, states', () => {
    const { entries, skipped } = parseLsofFields(readFixture('lsof-F.txt'));
    expect(skipped).toBe(0);
    expect(entries).toHaveLength(12);
    expect(entries[0]).toMatchObject({
      proto: 'tcp',
      state: 'LISTEN',
      local: { address: '127.0.0.1', port: 42807 },
      remote: { address: '0.0.0.0', port: 0 },
      uid: 0,
      user: 'root',
      inode: 305910,
      pid: ownerPid,
      command: 'node',
      processes: [{ pid: ownerPid, command: 'node', fd: 19 }],
    });
    expect(entries.find((e) => e.local.port === 41117 && e.state === 'LISTEN')).toMatchObject({
      proto: 'tcp6',
      local: { address: '::' },
    });
    expect(entries.find((e) => e.proto === 'udp6')).toMatchObject({
      state: 'UNCONN',
      local: { address: '::1', port: 58519 },
    });
    expect(entries.find((e) => e.local.port === 60276)).toMatchObject({
      remote: { address: '::1', port: 39225 },
      state: 'ESTABLISHED',
    });
  });

  it('merges one socket held by two processes', () => {
    const text =
      'p10\ncparent\nf3\ntIPv4\nd999\nPTCP\nn127.0.0.1:80\nTST=LISTEN\np11\ncchild\nf3\ntIPv4\nd999\nPTCP\nn127.0.0.1:80\nTST=LISTEN\n';
    const { entries } = parseLsofFields(text);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.processes.map((o) => o.pid)).toEqual([10, 11]);
  });

  it('reads the macOS field layout (kernel address in d, no inode)', () => {
    const { entries, skipped } = parseLsofFields(readFixture('macos-lsof-F.txt'));
    expect(skipped).toBe(0);
    expect(entries.map(row)).toEqual([
      'tcp6 :::8082 :::0 LISTEN',
      'tcp6 ::1:631 :::0 LISTEN',
      'udp 0.0.0.0:5353 0.0.0.0:0 UNCONN',
    ]);
    expect(entries[0]).toMatchObject({
      pid: 70902,
      command: 'com.docke',
      user: 'bingoobjca',
      uid: 501,
      inode: 0,
    });
  });
});

describe('parseMacosNetstat', () => {
  it('reads the legacy layout (pid column)', () => {
    const tcp = parseMacosNetstat(readFixture('macos-netstat-anv-tcp-legacy.txt'));
    expect(tcp.skipped).toBe(0);
    expect(tcp.entries.map(row)).toEqual([
      'tcp6 :::8082 :::0 LISTEN',
      'tcp6 :::80 :::0 LISTEN',
      'tcp 0.0.0.0:3000 0.0.0.0:0 LISTEN',
    ]);
    expect(tcp.entries.map((e) => e.pid)).toEqual([70902, 92386, 12345]);
    const udp = parseMacosNetstat(readFixture('macos-netstat-anv-udp-legacy.txt'));
    expect(udp.entries).toMatchObject([
      { proto: 'udp', state: 'UNCONN', local: { port: 5353 }, pid: 321 },
    ]);
  });

  it('reads the macOS 13+ layout (process:pid, names with spaces)', () => {
    const { entries, skipped } = parseMacosNetstat(readFixture('macos-netstat-anv-modern.txt'));
    expect(skipped).toBe(0);
    expect(
      entries.map((e) => [e.proto, e.local.address, e.local.port, e.state, e.pid, e.command]),
    ).toEqual([
      ['tcp', '127.0.0.1', 56177, 'LISTEN', 53558, 'app_inkwell'],
      ['tcp6', '::1', 631, 'LISTEN', 412, 'cupsd'],
      ['tcp', '0.0.0.0', 22, 'LISTEN', 1, 'launchd'],
      ['udp', '0.0.0.0', 5353, 'UNCONN', 21865, 'adb'],
      ['udp', '192.168.0.105', 64161, 'ESTABLISHED', 855, 'Brave Browser He'],
    ]);
  });
});

describe('parseWindowsNetstat', () => {
  it('reads a real Windows 10 capture', () => {
    const { entries, skipped } = parseWindowsNetstat(readFixture('windows-netstat-ano.txt'));
    expect(skipped).toBe(0);
    expect(entries).toHaveLength(14);
    expect(entries[2]).toMatchObject({
      proto: 'tcp',
      state: 'ESTABLISHED',
      local: { address: '127.0.0.1', port: 1031 },
      pid: 10644,
    });
    expect(entries.find((e) => e.local.address === '::1' && e.proto === 'tcp6')).toMatchObject({
      state: 'LISTEN',
      pid: 6088,
    });
    expect(entries.filter((e) => e.proto === 'udp6').map((e) => e.state)).toEqual([
      'UNCONN',
      'UNCONN',
    ]);
  });

  it('handles CRLF, zones and PID 0 for TIME_WAIT', () => {
    const { entries, skipped } = parseWindowsNetstat(readFixture('windows-netstat-ano-crlf.txt'));
    expect(skipped).toBe(0);
    expect(entries[1]).toMatchObject({
      state: 'TIME_WAIT',
      pid: null,
      hidden: 'no owning process',
    });
    expect(entries[2]).toMatchObject({
      proto: 'udp6',
      local: { address: 'fe80::1c2d:3e4f:5a6b:7c8d', port: 1900 },
    });
  });
});

describe('tool parsers never throw', () => {
  const parsers = { parseLinuxNetstat, parseMacosNetstat, parseWindowsNetstat, parseLsofFields };
  const fixtures = [
    'netstat-anp.txt',
    'macos-netstat-anv-modern.txt',
    'macos-netstat-anv-tcp-legacy.txt',
    'windows-netstat-ano.txt',
    'lsof-F.txt',
    'macos-lsof-F.txt',
  ].map(readFixture);
  for (const [name, parse] of Object.entries(parsers)) {
    it(`${name}: on any text, and on damaged real captures`, () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), (text) => {
          const result = parse(text);
          expect(result.skipped).toBeGreaterThanOrEqual(0);
        }),
        { numRuns: 300 },
      );
      fc.assert(
        fc.property(
          fc.constantFrom(...fixtures),
          fc.nat(4000),
          fc.string({ maxLength: 6 }),
          (text, at, junk) => {
            parse(text.slice(0, at) + junk + text.slice(at + junk.length));
          },
        ),
        { numRuns: 300 },
      );
    });
  }
});
