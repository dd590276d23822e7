import { describe, expect, it } from 'vitest';
import { makeEntry } from '../parsers/entry.ts';
import type { SocketEntry } from '../types.ts';
import { displayWidth } from './display-width.ts';
import { renderLsofView } from './lsof-view.ts';
import { renderNetstatView } from './netstat-view.ts';

// /proc/<pid>/comm holds 15 bytes of any text: `echo -n 日本語サーバ > /proc/self/comm` gives 日本語サー.
const socket = (proto: 'tcp' | 'unix', command: string, inode: number): SocketEntry =>
  makeEntry({
    proto,
    state: 'LISTEN',
    local:
      proto === 'unix' ? { address: '/tmp/s.sock', port: 0 } : { address: '127.0.0.1', port: 80 },
    remote: { address: proto === 'unix' ? '' : '0.0.0.0', port: 0 },
    inode,
    user: 'root',
    processes: [{ pid: 7, command, fd: 3 }],
  });

describe('columns after wide characters', () => {
  it('displayWidth counts wide characters twice and combining marks not at all', () => {
    expect(displayWidth('node')).toBe(4);
    expect(displayWidth('日本語サー')).toBe(10);
    expect(displayWidth('café')).toBe(4);
    expect(displayWidth('cafe\u0301')).toBe(4);
    expect(displayWidth('a😀')).toBe(3);
  });

  it('lsof view: the columns stay in line after a CJK command', () => {
    const text = renderLsofView([socket('tcp', '日本語サー', 1), socket('tcp', 'node', 2)]);
    expect(text.split('\n')).toEqual([
      'COMMAND    PID USER FD TYPE NODE NAME',
      '日本語サー   7 root 3u IPv4 TCP  127.0.0.1:80 (LISTEN)',
      'node         7 root 3u IPv4 TCP  127.0.0.1:80 (LISTEN)',
    ]);
  });

  it('netstat view: the unix path column stays in line after a CJK command', () => {
    const text = renderNetstatView([socket('unix', '日本語サー', 1), socket('unix', 'node', 2)]);
    expect(text.split('\n')).toEqual([
      'Proto State       I-Node   PID/Program name         Path',
      'unix  LISTEN      1        7/日本語サー             /tmp/s.sock',
      'unix  LISTEN      2        7/node                   /tmp/s.sock',
    ]);
  });
});
