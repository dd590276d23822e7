import { describe, expect, it } from 'vitest';
import { readFixture } from '../../test/read-fixture.ts';
import { makeEntry } from '../parsers/entry.ts';
import { parseProcNetInet, parseProcNetUnix } from '../parsers/proc-net.ts';
import { renderNetstatView } from './netstat-view.ts';

const tcp = parseProcNetInet(readFixture('proc-net-tcp.txt'), 'tcp', () => null).entries;
const unix = parseProcNetUnix(readFixture('proc-net-unix-states.txt')).entries;

describe('renderNetstatView', () => {
  it('puts unix sockets in a table of their own, path last, as netstat -anp does', () => {
    const long = { ...unix[1], local: { address: `/run/${'deep/'.repeat(12)}s.sock`, port: 0 } };
    const text = renderNetstatView([...tcp, long as (typeof unix)[0], ...unix.slice(2)]);
    const [inet, unixTable, ...rest] = text.split('\n\n');
    expect(rest).toEqual([]);
    const inetLines = (inet as string).split('\n');
    expect(inetLines[0]).toMatch(/^Proto Recv-Q Send-Q Local Address +Foreign Address +State/);
    expect(inetLines).toHaveLength(tcp.length + 1);
    const unixLines = (unixTable as string).split('\n');
    expect(unixLines[0]).toBe('Proto State       I-Node   PID/Program name         Path');
    expect(unixLines).toHaveLength(unix.length);
    // The inode column starts at the same place on every row, whatever the path's length.
    const column = (line: string) => line.indexOf(' ', 'unix  '.length + 11) + 1;
    const starts = unixLines.slice(1).map(column);
    expect(new Set(starts).size).toBe(1);
    expect(unixLines[1]).toMatch(/^unix {2}UNCONN +9252382 +- +\/run\/(deep\/){12}s\.sock$/);
    expect(unixLines).toContain(
      'unix  LISTEN      9252383  -                        /tmp/fx/stream.sock',
    );
  });

  it('keeps one header when there are no sockets, and no empty inet table before unix ones', () => {
    expect(renderNetstatView([])).toMatch(/^Proto Recv-Q Send-Q Local Address/);
    expect(renderNetstatView(unix).split('\n')[0]).toMatch(/^Proto State {7}I-Node/);
    // --proto unix and nothing found: the unix table's header, not the Internet one.
    expect(renderNetstatView([], { unix: true })).toBe(
      'Proto State       I-Node   PID/Program name         Path',
    );
  });
});

describe('renderNetstatView column widths', () => {
  it('widens a column for a longer value, so the columns after it stay in line', () => {
    const row = (local: string, recvQ: number) =>
      makeEntry({
        proto: 'tcp6',
        state: 'LISTEN',
        local: { address: local, port: 52559 },
        remote: { address: '::', port: 0 },
        recvQ,
        inode: 1,
        processes: [{ pid: 7, command: 'python3', fd: 3 }],
      });
    const lines = renderNetstatView([row('::ffff:127.200.200.200', 0), row('::1', 12345678)]).split(
      '\n',
    );
    expect(lines).toEqual([
      'Proto   Recv-Q Send-Q Local Address                Foreign Address         State       PID/Program name',
      'tcp6         0      0 ::ffff:127.200.200.200:52559 :::*                    LISTEN      7/python3',
      'tcp6  12345678      0 ::1:52559                    :::*                    LISTEN      7/python3',
    ]);
  });
});
