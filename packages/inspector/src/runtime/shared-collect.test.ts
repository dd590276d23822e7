import { afterAll, describe, expect, it } from 'vitest';
import { makeFakeProc } from '../../test/fake-proc.ts';
import { nodeProcFs } from './node.ts';
import { openNodeTable } from './node-worker-collect.ts';
import type { ProcFs } from './proc-fs.ts';
import { collectShared, type ScanWorker } from './shared-collect.ts';

const fds = (first: number) =>
  Object.fromEntries(Array.from({ length: 40 }, (_, fd) => [fd, first + fd]));
const fake = makeFakeProc(
  [101, 102, 103].map((pid) => ({ pid, comm: `p${pid}`, fds: fds(pid * 1000) })),
  ['tcp'],
  { unlistable: false },
);
afterAll(() => fake.cleanup());

describe('collectShared', () => {
  it('takes the big processes last to first on this thread (its worker: first to last)', async () => {
    // Two threads on one process's fds slow each other (~25% a link): each starts on its own.
    const order: string[] = [];
    const fs: ProcFs = {
      ...nodeProcFs,
      readLink(path) {
        const dir = path.slice(0, path.lastIndexOf('/'));
        if (order.at(-1) !== dir) order.push(dir);
        return nodeProcFs.readLink(path);
      },
    };
    // A worker that takes no share (it counts itself done at once): this thread scans it all.
    const idle: ScanWorker = {
      start: (data) => Atomics.add(data.control, 2, 1),
      result: Promise.resolve({ inodes: [], pids: [], fds: [] }),
      stop: () => undefined,
    };
    const owners = await collectShared(
      { procRoot: fake.root, tables: ['tcp'], owners: true, onTable() {} },
      fs,
      {
        minFds: 0,
        bigAbove: 10,
        fdCount: () => 40,
        startWorker: () => idle,
        openTable: openNodeTable,
      },
    );
    const listed = nodeProcFs.listDir(fake.root).filter((name) => /^\d+$/.test(name));
    expect(order).toEqual(listed.reverse().map((pid) => `${fake.root}/${pid}/fd`));
    for (const pid of [101, 102, 103]) {
      expect(owners?.of(pid * 1000 + 39)).toEqual([{ pid, command: null, fd: 39 }]);
    }
  });
});
