import { describe, expect, it } from 'vitest';
import { makeEntry } from '../parsers/entry.ts';
import type { SocketEntry } from '../types.ts';
import { changeLine } from './change-line.ts';
import { renderLsofView } from './lsof-view.ts';
import { renderNetstatView } from './netstat-view.ts';

// /proc/<pid>/comm and unix paths may hold any byte but NUL: `echo -n $'ev\nil' > /proc/self/comm`.
const command = 'ev\nil\tx\x1b[2J\x7f\x9b';
const escaped = 'ev\\nil\\tx\\x1b[2J\\x7f\\x9b';
const owners = [{ pid: 4242, command, fd: 3 }];
const tcp = makeEntry({
  proto: 'tcp',
  state: 'LISTEN',
  local: { address: '127.0.0.1', port: 5000 },
  remote: { address: '0.0.0.0', port: 0 },
  inode: 11,
  processes: owners,
});
const unix = makeEntry({
  proto: 'unix',
  state: 'LISTEN',
  local: { address: '/tmp/a\tb\x1b[31m.sock', port: 0 },
  remote: { address: '', port: 0 },
  inode: 12,
  processes: owners,
});
const entries: SocketEntry[] = [tcp, unix];

describe('table cells with control characters', () => {
  it('netstat view: a row per socket, the command and the path escaped', () => {
    const lines = renderNetstatView(entries).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(new RegExp(`LISTEN +4242/${escapeRegExp(escaped)}$`));
    expect(lines[4]).toMatch(/^unix {2}LISTEN +12 +4242\/\S+ +\/tmp\/a\\tb\\x1b\[31m\.sock$/);
    for (const control of ['\t', '\x1b', '\x7f', '\x9b'])
      expect(lines.join('\n')).not.toContain(control);
  });

  it('lsof view: a row per owner, the columns in line', () => {
    const lines = renderLsofView(entries).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]?.startsWith(`${escaped} 4242 `)).toBe(true);
    expect(lines[2]?.endsWith(' /tmp/a\\tb\\x1b[31m.sock')).toBe(true);
    const type = lines[0]?.indexOf(' TYPE ');
    expect([lines[1]?.indexOf(' IPv4 '), lines[2]?.indexOf(' unix ')]).toEqual([type, type]);
  });

  it('--watch change lines: one line each', () => {
    expect(changeLine({ change: 'opened', entry: tcp })).toBe(
      `+ tcp 127.0.0.1:5000 0.0.0.0:* LISTEN 4242/${escaped}`,
    );
    expect(changeLine({ change: 'closed', entry: unix })).toBe(
      `- unix /tmp/a\\tb\\x1b[31m.sock - LISTEN 4242/${escaped}`,
    );
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
