import { describe, expect, it } from 'vitest';
import { makeEntry } from './parsers/entry.ts';
import { changeLine } from './render/change-line.ts';
import { diffSnapshots } from './watch.ts';

const entry = (port: number, state: string, inode = port) =>
  makeEntry({
    proto: 'tcp',
    state,
    local: { address: '127.0.0.1', port },
    remote: { address: '127.0.0.1', port: 9 },
    inode,
    processes: [{ pid: 42, command: 'lab', fd: 3 }],
  });

describe('diffSnapshots', () => {
  it('reports closed, state changes, then opened sockets', () => {
    const before = [entry(1, 'ESTABLISHED'), entry(2, 'ESTABLISHED'), entry(3, 'LISTEN')];
    const after = [entry(1, 'ESTABLISHED'), entry(2, 'CLOSE_WAIT'), entry(4, 'SYN_SENT')];
    const changes = diffSnapshots(before, after);
    expect(changes.map((c) => [c.change, c.entry.local.port, c.from])).toEqual([
      ['closed', 3, undefined],
      ['state', 2, 'ESTABLISHED'],
      ['opened', 4, undefined],
    ]);
    expect(changes.map(changeLine)).toEqual([
      '- tcp 127.0.0.1:3 127.0.0.1:9 LISTEN 42/lab',
      '~ tcp 127.0.0.1:2 127.0.0.1:9 ESTABLISHED -> CLOSE_WAIT 42/lab',
      '+ tcp 127.0.0.1:4 127.0.0.1:9 SYN_SENT 42/lab',
    ]);
    expect(diffSnapshots(after, after)).toEqual([]);
  });
});
