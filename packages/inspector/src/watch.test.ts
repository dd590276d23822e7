import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFakeProc } from '../test/fake-proc.ts';
import { makeEntry } from './parsers/entry.ts';
import { changeLine } from './render/change-line.ts';
import { nodeProcFs } from './runtime/node.ts';
import { snapshot } from './snapshot.ts';
import { diffSnapshots, watch } from './watch.ts';

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

  it('a connection its process closed (inode 0 from then on) changes state, it is not closed and opened', () => {
    const client = entry(5, 'ESTABLISHED', 777);
    const orphan = makeEntry({
      ...entry(5, 'FIN_WAIT2', 0),
      processes: [],
      hidden: 'no owning process',
    });
    const changes = diffSnapshots([client, entry(6, 'LISTEN')], [orphan, entry(6, 'LISTEN')]);
    expect(changes.map(changeLine)).toEqual([
      '~ tcp 127.0.0.1:5 127.0.0.1:9 ESTABLISHED -> FIN_WAIT2 -',
    ]);
    // Two sockets of the same ends, both with inodes: a new socket, not a state change.
    const reused = diffSnapshots([client], [entry(5, 'SYN_SENT', 778)]);
    expect(reused.map((c) => c.change)).toEqual(['closed', 'opened']);
  });

  it('a socket whose owner was not seen this time keeps the owner seen before, up to its close', () => {
    const owned = entry(7, 'ESTABLISHED', 900);
    const unseen = makeEntry({
      ...entry(7, 'CLOSE_WAIT', 900),
      processes: [],
      hidden: 'permission denied',
    });
    const changes = diffSnapshots([owned], [unseen]);
    expect(changes.map(changeLine)).toEqual([
      '~ tcp 127.0.0.1:7 127.0.0.1:9 ESTABLISHED -> CLOSE_WAIT 42/lab',
    ]);
    expect(diffSnapshots([unseen], []).map(changeLine)).toEqual([
      '- tcp 127.0.0.1:7 127.0.0.1:9 CLOSE_WAIT 42/lab',
    ]);
  });
});

describe('watch --pid', () => {
  it('reports the sockets of a process that exits as closed, then fails with ESRCH', async () => {
    // Inodes of the real /proc/net fixtures: 305910 LISTEN 127.0.0.1:42807, 305917 a unix socket.
    const fake = makeFakeProc([{ pid: 100, comm: 'server', fds: { 3: 305910, 9: 305917 } }]);
    try {
      const options = {
        procRoot: fake.root,
        passwdPath: fake.passwd,
        fs: nodeProcFs,
        interval: 50,
      };
      const baseline = await snapshot({ pid: 100 }, options);
      // Then the process exits and is reaped: its /proc entry is gone.
      rmSync(join(fake.root, '100'), { recursive: true });
      const seen: string[] = [];
      const error = await (async () => {
        try {
          for await (const change of watch({ pid: 100 }, { ...options, baseline }))
            seen.push(changeLine(change));
        } catch (caught) {
          return caught;
        }
      })();
      expect(seen.sort()).toEqual([
        '- tcp 127.0.0.1:42807 0.0.0.0:* LISTEN 100/server',
        '- unix /tmp/fx/lab.sock - LISTEN 100/server',
      ]);
      expect(error).toMatchObject({ code: 'ESRCH' });
    } finally {
      fake.cleanup();
    }
  });
});
