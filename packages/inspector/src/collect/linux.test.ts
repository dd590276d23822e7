import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectRuntime, SocketError } from '@socklab/core';
import { afterAll, describe, expect, it } from 'vitest';
import { makeFakeProc } from '../../test/fake-proc.ts';
import { nodeProcFs } from '../runtime/node.ts';
import { createWorkerCollect } from '../runtime/node-worker-collect.ts';
import type { ProcFs } from '../runtime/proc-fs.ts';
import { snapshot } from '../snapshot.ts';
import { sortEntries, sortKeys } from '../sort.ts';
import type { SocketEntry } from '../types.ts';
import { type CollectStrategy, collectSequential } from './collect-plan.ts';
import { collectLinuxSockets } from './linux.ts';

// Inodes from the real /proc/net fixtures: 305910 LISTEN 127.0.0.1:42807, 305912 its client,
// 305911 LISTEN [::1]:39225, 305919 UDP 127.0.0.1:38128, 305917 unix /tmp/fx/lab.sock.
const fake = makeFakeProc([
  {
    pid: 100,
    comm: 'server',
    uid: 1000,
    fds: { 0: '/dev/null', 3: 305910, 4: 305911, 7: 305919, 9: 305917, 12: 'pipe:[77]' },
  },
  { pid: 200, comm: 'forked child', fds: { 3: 305910, 5: 305912 } },
  // A thread of 100 (its /proc entry exists, not listed): Tgid 100.
  { pid: 101, comm: 'server', uid: 1000, tgid: 100, fds: {} },
]);
afterAll(fake.cleanup);

const strategies: Record<string, CollectStrategy> = {
  sequential: collectSequential,
  'worker thread': createWorkerCollect({ minFds: 0, bigAbove: 1 }),
};
// Deno shares the scan with a web Worker instead (the runtime's default there).
if (detectRuntime().name === 'deno') {
  const { createDenoWorkerCollect } = await import('../runtime/deno-worker-collect.ts');
  strategies['deno worker'] = createDenoWorkerCollect(0, 1);
}

describe.each(Object.entries(strategies))('collectLinuxSockets (%s)', (_name, strategy) => {
  const collect = (filters = {}, fs: ProcFs = nodeProcFs, uid = 0) =>
    collectLinuxSockets(filters, {
      procRoot: fake.root,
      passwdPath: fake.passwd,
      fs,
      strategy,
      uid,
    });

  it('maps inodes to every owner, first one in pid/command', async () => {
    const entries = await collect();
    const listen = entries.find((e) => e.inode === 305910);
    expect(listen).toMatchObject({ pid: 100, command: 'server', user: 'root', state: 'LISTEN' });
    expect(listen?.processes).toEqual([
      { pid: 100, command: 'server', fd: 3 },
      { pid: 200, command: 'forked child', fd: 3 },
    ]);
    expect(entries.find((e) => e.inode === 305912)).toMatchObject({
      pid: 200,
      command: 'forked child',
      state: 'ESTABLISHED',
    });
    // /proc/net/unix has no uid: the owner's effective one (as lsof shows); the table's elsewhere.
    expect(entries.find((e) => e.proto === 'unix')).toMatchObject({
      pid: 100,
      uid: 1000,
      user: 'lab',
      local: { address: '/tmp/fx/lab.sock' },
    });
    expect(listen?.uid).toBe(0);
    expect(entries.find((e) => e.proto === 'udp')).toMatchObject({ pid: 100, state: 'UNCONN' });
  });

  it('--pid keeps every owner of its sockets, and fails for a process it cannot tell about', async () => {
    // 200 shares 305910 with 100: its rows still name both, 100 first (pid order, as ss).
    const child = await collect({ pid: 200 });
    expect(child.map((e) => e.inode).sort()).toEqual([305910, 305912]);
    expect(child.find((e) => e.inode === 305910)?.processes.map((p) => p.pid)).toEqual([100, 200]);
    // 300's fds cannot be listed: no empty table that would read as "no sockets".
    await expect(collect({ pid: 300 }, nodeProcFs, 1000)).rejects.toMatchObject({
      code: 'EACCES',
      message:
        "Cannot inspect process 300: permission denied (its sockets' owners are hidden from this user)",
      hint: 'run as root, e.g. with sudo',
    });
    // Root refused too (pid 1 in a container): "run as root" would be no help.
    await expect(collect({ pid: 300 }, nodeProcFs, 0)).rejects.toMatchObject({
      code: 'EACCES',
      message:
        "Cannot inspect process 300: permission denied (the kernel hides its sockets' owners even from root)",
      hint: expect.not.stringContaining('run as root'),
    });
    await expect(collect({ pid: 999 })).rejects.toMatchObject({ code: 'ESRCH' });
    // A thread's id: named as such, with its process's.
    await expect(collect({ pid: 101 })).rejects.toMatchObject({
      name: 'UsageError',
      message: 'Cannot filter by pid 101: it is a thread of process 100',
      reason: 'pid is a thread, not a process',
      hint: 'use --pid 100',
    });
  });

  it('says why an owner is missing', async () => {
    // Root, yet one process (300) cannot be listed: its sockets may be the unowned ones.
    const entries = await collect();
    expect(entries.find((e) => e.state === 'TIME_WAIT')).toMatchObject({
      pid: null,
      hidden: 'no owning process',
    });
    expect(entries.find((e) => e.inode === 305913)).toMatchObject({
      pid: null,
      hidden: 'permission denied',
    });
    const open = makeFakeProc([{ pid: 100, comm: 'server', fds: { 3: 305910 } }], ['tcp', 'tcp6'], {
      unlistable: false,
    });
    try {
      const visible = await collectLinuxSockets(
        { proto: 'tcp' },
        { procRoot: open.root, fs: nodeProcFs, strategy, uid: 0 },
      );
      expect(visible.find((e) => e.inode === 305913)).toMatchObject({
        pid: null,
        hidden: 'owner not visible',
      });
      expect(visible.find((e) => e.inode === 305910)).toMatchObject({ pid: 100 });
    } finally {
      open.cleanup();
    }
    const hidden = await collect({}, nodeProcFs, 1000);
    expect(hidden.find((e) => e.inode === 305913)).toMatchObject({
      pid: null,
      command: null,
      hidden: 'needs root',
    });
    expect(hidden.find((e) => e.inode === 305910)).toMatchObject({ pid: 100 });
  });

  it('finds the same sockets and owners as the sequential way', async () => {
    const canonical = (entries: SocketEntry[]) =>
      entries.map((e) => JSON.stringify(e)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const sequential = await collectLinuxSockets(
      {},
      {
        procRoot: fake.root,
        passwdPath: fake.passwd,
        fs: nodeProcFs,
        strategy: collectSequential,
        uid: 0,
      },
    );
    expect(sequential.length).toBeGreaterThan(10);
    expect(canonical(await collect())).toEqual(canonical(sequential));
  });

  it('sorts by every key, the same whether it sorted during the scan or after', async () => {
    const unsorted = await collect();
    for (const key of sortKeys) {
      const sorted = await collectLinuxSockets(
        {},
        {
          procRoot: fake.root,
          passwdPath: fake.passwd,
          fs: nodeProcFs,
          strategy,
          uid: 0,
          sort: key,
        },
      );
      expect(sorted, key).toEqual(sortEntries([...unsorted], key));
    }
  });

  it('keeps a unix socket path in UTF-8 (real socket, real /proc)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-é-'));
    const path = join(dir, 'lab-日本.sock');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      const entries = await collectLinuxSockets(
        { proto: 'unix', listening: true },
        { fs: nodeProcFs, strategy, uid: 0 },
      );
      expect(entries.find((e) => e.local.address === path)).toMatchObject({
        state: 'LISTEN',
        pid: process.pid,
        uid: process.getuid?.(),
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps unix socket paths with newlines or spaces at the end (real sockets, real /proc)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-nl-'));
    const paths = [
      join(dir, 'new\nline.sock'),
      join(dir, 'trailing  '),
      join(dir, 'two\n\nnew lines\n.sock'),
    ];
    const servers = paths.map(() => createServer());
    for (const [i, server] of servers.entries())
      await new Promise<void>((resolve) => server.listen(paths[i], resolve));
    try {
      const entries = await collectLinuxSockets(
        { proto: 'unix', pid: process.pid },
        {
          fs: nodeProcFs,
          strategy,
          uid: 0,
        },
      );
      const mine = entries.filter((e) => e.local.address.startsWith(dir));
      expect(mine.map((e) => e.local.address).sort()).toEqual(paths);
    } finally {
      for (const server of servers) await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails clearly when a table cannot be read', async () => {
    const noTables = makeFakeProc([{ pid: 100, comm: 'server', fds: { 3: 305910 } }], []);
    try {
      const tables = collectLinuxSockets({}, { procRoot: noTables.root, fs: nodeProcFs, strategy });
      await expect(tables).rejects.toBeInstanceOf(SocketError);
      await expect(tables).rejects.toThrow(
        `Cannot read ${noTables.root}/net/tcp: no such file (is /proc mounted?)`,
      );
    } finally {
      noTables.cleanup();
    }
  });

  it('applies filters, --pid included', async () => {
    expect(
      (await collect({ proto: 'tcp' })).every((e) => e.proto === 'tcp' || e.proto === 'tcp6'),
    ).toBe(true);
    expect((await collect({ proto: 'udp' })).map((e) => e.proto).sort()).toEqual(['udp', 'udp6']);
    const byPid = await collect({ pid: 200 });
    expect(byPid.map((e) => e.inode).sort()).toEqual([305910, 305912]);
    expect((await collect({ port: 42807 })).map((e) => e.inode).sort()).toEqual([
      305910, 305912, 305915,
    ]);
    expect(
      (await collect({ state: 'LISTEN', proto: 'tcp' })).map((e) => e.local.port).sort(),
    ).toEqual([39225, 41117, 42807, 43191]);
  });
});

describe('collectLinuxSockets reads only what it needs, and fails clearly', () => {
  it('reads only tcp and tcp6 for --proto tcp', async () => {
    const read: string[] = [];
    const spy: ProcFs = {
      ...nodeProcFs,
      collect: undefined,
      readText: (path) => {
        read.push(path.slice(fake.root.length));
        return nodeProcFs.readText(path);
      },
    };
    await collectLinuxSockets({ proto: 'tcp' }, { procRoot: fake.root, fs: spy });
    expect(read.sort()).toEqual(['/net/tcp', '/net/tcp6']);
  });

  it('lists a socket once when a chunked read saw it twice', async () => {
    const twice = makeFakeProc([], ['tcp']);
    try {
      const lines = readFileSync(`${twice.root}/net/tcp`, 'utf8').trimEnd().split('\n');
      writeFileSync(`${twice.root}/net/tcp`, `${[...lines, lines[1], lines[4]].join('\n')}\n`);
      const entries = await collectLinuxSockets(
        { proto: 'tcp' },
        { procRoot: twice.root, fs: nodeProcFs, owners: false },
      );
      expect(entries).toHaveLength(lines.length - 1);
    } finally {
      twice.cleanup();
    }
  });

  it('says "permission denied" when even root may not read a process\'s links', async () => {
    // Like pid 1 under ptrace restrictions: the fd list is readable, its links are not.
    let asked = 0;
    const guarded: ProcFs = {
      ...nodeProcFs,
      collect: undefined,
      readLink(path) {
        if (!path.startsWith(`${fake.root}/100/`)) return nodeProcFs.readLink(path);
        asked++;
        return null;
      },
    };
    const entries = await collectLinuxSockets({}, { procRoot: fake.root, fs: guarded, uid: 0 });
    // The first refusal tells for the whole process: its other links are not asked for.
    expect(asked).toBe(1);
    expect(entries.find((e) => e.inode === 305911)).toMatchObject({
      pid: null,
      hidden: 'permission denied',
    });
    expect(entries.find((e) => e.inode === 305912)).toMatchObject({ pid: 200 });
  });

  it('skips a missing IPv6 table', async () => {
    const noV6 = makeFakeProc([], ['tcp', 'udp', 'unix']);
    try {
      const entries = await collectLinuxSockets({}, { procRoot: noV6.root, fs: nodeProcFs });
      expect(entries.some((e) => e.proto === 'tcp6')).toBe(false);
      expect(entries.length).toBeGreaterThan(0);
    } finally {
      noV6.cleanup();
    }
  });

  it('tells Deno without --allow-all how to read /proc', async () => {
    // Deno refuses /proc to anything less than -A, with a NotCapable error.
    const notCapable = Object.assign(new Error('Requires all access to "/proc"'), {
      name: 'NotCapable',
    });
    const refused: ProcFs = {
      ...nodeProcFs,
      collect: undefined,
      listDir() {
        throw notCapable;
      },
    };
    const attempt = collectLinuxSockets({}, { procRoot: fake.root, fs: refused });
    await expect(attempt).rejects.toBeInstanceOf(SocketError);
    await expect(attempt).rejects.toThrow(
      `Cannot read ${fake.root}: Deno reads /proc only with --allow-all`,
    );
    await expect(attempt).rejects.toMatchObject({ hint: 'run deno with -A' });
  });

  it('throws a SocketError naming what is missing when /proc is not there', async () => {
    const attempt = snapshot({}, { procRoot: '/nonexistent-proc', platform: 'linux' });
    await expect(attempt).rejects.toBeInstanceOf(SocketError);
    await expect(attempt).rejects.toThrow(
      'Cannot read /nonexistent-proc: no such directory (is /proc mounted?)',
    );
    const noTables = makeFakeProc([], []);
    try {
      const tables = collectLinuxSockets({}, { procRoot: noTables.root, fs: nodeProcFs });
      await expect(tables).rejects.toThrow(
        `Cannot read ${noTables.root}/net/tcp: no such file (is /proc mounted?)`,
      );
    } finally {
      noTables.cleanup();
    }
  });
});
