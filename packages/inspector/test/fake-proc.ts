import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFixture } from './read-fixture.ts';

export interface FakeProcess {
  pid: number;
  comm: string;
  /** Its effective uid, written to a status file (none when absent). */
  uid?: number;
  /** Its thread group (process) when it is a thread; the status file says so. */
  tgid?: number;
  /** fd number → socket inode (other link targets: a string). */
  fds: Record<number, number | string>;
}

/** A /proc-like tree for tests: net/* from the real fixtures, fd symlinks per process. */
export function makeFakeProc(
  processes: FakeProcess[],
  tables = ['tcp', 'tcp6', 'udp', 'udp6', 'unix'],
  {
    unlistable = true,
    fixture = (table: string) => `proc-net-${table}.txt`,
  }: { unlistable?: boolean; fixture?: (table: string) => string } = {},
) {
  const root = mkdtempSync(join(tmpdir(), 'socklab-proc-'));
  mkdirSync(join(root, 'net'));
  for (const table of tables) writeFileSync(join(root, 'net', table), readFixture(fixture(table)));
  for (const process of processes) {
    mkdirSync(join(root, String(process.pid), 'fd'), { recursive: true });
    writeFileSync(join(root, String(process.pid), 'comm'), `${process.comm}\n`);
    if (process.uid !== undefined) {
      const u = process.uid;
      writeFileSync(
        join(root, String(process.pid), 'status'),
        `Name:\t${process.comm}\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t${process.tgid ?? process.pid}\nUid:\t${u + 1}\t${u}\t${u}\t${u}\nGid:\t0\t0\t0\t0\n`,
      );
    }
    for (const [fd, target] of Object.entries(process.fds)) {
      symlinkSync(
        typeof target === 'number' ? `socket:[${target}]` : target,
        join(root, String(process.pid), 'fd', fd),
      );
    }
  }
  mkdirSync(join(root, 'self'));
  // A process whose fd table cannot be listed (like another user's, when not root): fd is a file.
  if (unlistable) {
    mkdirSync(join(root, '300'));
    writeFileSync(join(root, '300', 'fd'), '');
  }
  const passwd = join(root, 'passwd');
  writeFileSync(
    passwd,
    'root:x:0:0:root:/root:/bin/sh\n# comment\nbroken line\nlab:x:1000:1000::/home/lab:/bin/sh\n',
  );
  return { root, passwd, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
