import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { detectRuntime } from '@socklab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabSockets, openLabSockets } from '../test/lab-sockets.ts';
import { collectLinuxSockets } from './collect/linux.ts';
import { runtimeProcFs } from './runtime/pick-proc-fs.ts';
import { type SnapshotOptions, snapshot, snapshotJSON } from './snapshot.ts';
import { stateFromSs } from './states.ts';
import type { SocketEntry, SocketFilters } from './types.ts';

// The truth: `ss` from iproute2 reads the kernel over netlink, independently of /proc/net.
const ss = ['/usr/bin/ss', '/bin/ss', '/usr/sbin/ss', '/sbin/ss'].find((path) => existsSync(path));

interface SsRow {
  state: string;
  local: string;
  remote: string;
  owners: string;
}

/** Rows of `ss -tanp` / `ss -uanp`: State Recv-Q Send-Q Local:Port Peer:Port [users:((...))]. */
function parseSs(text: string): SsRow[] {
  return text
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [state = '', , , local = '', remote = '', ...rest] = line.trim().split(/\s+/);
      const owners = [...rest.join(' ').matchAll(/\("([^"]*)",pid=(\d+),fd=(\d+)\)/g)]
        .map((m) => `${m[2]}/${m[1]}/${m[3]}`)
        .sort()
        .join(' ');
      return {
        state: stateFromSs(state),
        local: ssAddress(local),
        remote: ssAddress(remote),
        owners,
      };
    });
}

/** "[::1]:80" → "::1:80", "*:80" → ":::80", "0.0.0.0:*" → "0.0.0.0:0". */
function ssAddress(text: string): string {
  const at = text.lastIndexOf(':');
  let host = text.slice(0, at).replace(/^\[|\]$/g, '');
  const port = text.slice(at + 1);
  if (host === '*') host = '::';
  return `${host}:${port === '*' ? 0 : port}`;
}

function asSs(entry: SocketEntry): SsRow {
  return {
    state: entry.state,
    local: `${entry.local.address}:${entry.local.port}`,
    remote: `${entry.remote.address}:${entry.remote.port}`,
    owners: entry.processes
      .map((o) => `${o.pid}/${o.command}/${o.fd}`)
      .sort()
      .join(' '),
  };
}

/** snapshotJSON's text, parsed (its pieces are views: each decoded before the next). */
async function viaJSON(filters: SocketFilters, options?: SnapshotOptions): Promise<SocketEntry[]> {
  const json = await snapshotJSON(filters, options);
  const decoder = new TextDecoder();
  let text = '';
  for (const piece of json.pieces) text += decoder.decode(piece);
  const entries = JSON.parse(text) as SocketEntry[];
  expect(entries).toHaveLength(json.entries);
  return entries;
}

async function viaSharedJSON(filters: SocketFilters): Promise<SocketEntry[]> {
  return viaJSON(filters, { fs: { ...(await runtimeProcFs()), collect: await sharedScan() } });
}

// The entries as objects, and as the JSON `socklab inspect --json` prints (rows that never
// became objects: WebAssembly on Linux).
describe.skipIf(!ss).each([
  ['snapshot', snapshot],
  ['snapshotJSON', viaJSON],
  // With the scan worker whatever the machine's open files: on Deno with FFI permission, the
  // tables from the kernel's sock_diag dump and the links read with readlinkat.
  ['snapshotJSON, shared scan', viaSharedJSON],
])('the collector agrees with ss on sockets this test opens (%s)', (_name, snapshot) => {
  let lab: LabSockets;
  beforeAll(async () => {
    lab = await openLabSockets();
  });
  afterAll(() => lab?.close());

  const ours = (ports: number[]) => (row: { local: string; remote: string }) =>
    ports.some((p) => row.local.endsWith(`:${p}`) || row.remote.endsWith(`:${p}`));
  const port = (address: string) => Number(address.slice(address.lastIndexOf(':') + 1));
  // Exactly this test's TCP sockets, by port pair: a server that had one of these ports before
  // (another test, in parallel) may have left TIME_WAITs on it.
  const ourTcp = (row: { local: string; remote: string }) =>
    [
      [lab.listenPort, 0],
      [lab.timeWaitPort, 0],
      [lab.clientPort, lab.listenPort],
      [lab.listenPort, lab.clientPort],
      [lab.timeWaitClientPort, lab.timeWaitPort],
    ].some(([local, remote]) => port(row.local) === local && port(row.remote) === remote);

  it('tcp: LISTEN, both ESTABLISHED ends and the TIME_WAIT, with pids, commands and fds', async () => {
    const expected = parseSs(
      execFileSync(ss as string, ['-tanp'], { encoding: 'utf8', maxBuffer: 1 << 28 }),
    ).filter(ourTcp);
    const entries = await snapshot({ proto: 'tcp' });
    const actual = entries.map(asSs).filter(ourTcp);
    const key = (r: SsRow) => `${r.state} ${r.local} ${r.remote} ${r.owners}`;
    expect(actual.map(key).sort()).toEqual(expected.map(key).sort());
    // Make sure the comparison covered every kind of row it is meant to.
    expect(actual.map((r) => r.state).sort()).toEqual([
      'ESTABLISHED',
      'ESTABLISHED',
      'LISTEN',
      'LISTEN',
      'TIME_WAIT',
    ]);
    const listen = entries.find((e) => e.local.port === lab.listenPort && e.state === 'LISTEN');
    expect(listen?.pid).toBe(process.pid);
    expect(listen?.command).toBeTruthy();
    expect(
      entries.find(
        (e) =>
          e.state === 'TIME_WAIT' &&
          e.local.port === lab.timeWaitClientPort &&
          e.remote.port === lab.timeWaitPort,
      )?.hidden,
    ).toBe('no owning process');
  });

  it('udp: the bound socket is UNCONN with its owner', async () => {
    const expected = parseSs(
      execFileSync(ss as string, ['-uanp'], { encoding: 'utf8', maxBuffer: 1 << 28 }),
    ).filter(ours([lab.udpPort]));
    const actual = (await snapshot({ proto: 'udp', port: lab.udpPort })).map(asSs);
    expect(actual).toEqual(expected);
    expect(actual).toHaveLength(1);
    expect(actual[0]?.state).toBe('UNCONN');
    expect(actual[0]?.owners).toContain(`${process.pid}/`);
  });
});

/** The runtime's shared scan, with a worker whatever the machine's open files. */
async function sharedScan() {
  if (detectRuntime().name === 'deno') {
    return (await import('./runtime/deno-worker-collect.ts')).createDenoWorkerCollect(0);
  }
  return (await import('./runtime/node-worker-collect.ts')).createWorkerCollect({ minFds: 0 });
}

/**
 * A Node child holding `count` loopback connections (both ends), then closing those from `from`
 * to `to`: a process with a wide hole in its fd numbers. Prints its port and its fd numbers.
 */
const holeHolder = `
const net = require('node:net');
const fs = require('node:fs');
const [count, from, to] = process.argv.slice(1).map(Number);
const accepted = [];
const server = net.createServer((s) => accepted.push(s)).listen(0, '127.0.0.1', async () => {
  const clients = [];
  for (let i = 0; i < count; i++)
    clients.push(await new Promise((ok) => { const c = net.connect(server.address().port, '127.0.0.1', () => ok(c)); }));
  while (accepted.length < count) await new Promise((ok) => setTimeout(ok, 5));
  await Promise.all([...clients.slice(from, to), ...accepted.slice(from, to)].map(
    (s) => new Promise((ok) => { s.once('close', ok); s.destroy(); })));
  console.log(JSON.stringify({ port: server.address().port, fds: fs.readdirSync('/proc/self/fd').map(Number) }));
});
setTimeout(() => process.exit(0), 60000).unref();
process.stdin.on('end', () => process.exit(0)).resume();
`;

describe.skipIf(!ss)('the shared scan agrees with ss on a process with thousands of fds', () => {
  it('finds every owner and fd past a wide hole in the fd numbers', async () => {
    // 1,500 connections, both ends in one other process; then 900 of them closed, from the
    // 300th: a hole of ~1,800 fds below the last 600, more than the chunked reading of fd
    // numbers lets pass before it lists the process for the rest. (Not this process: it is
    // always listed whole, its fds changing as the scan's worker starts.)
    const child = spawn(
      process.execPath.includes('deno') ? 'node' : process.execPath,
      ['-e', holeHolder, '1500', '300', '1200'],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout?.on('data', (d: Buffer) => {
          out += d;
          if (out.includes('\n')) resolve(out);
        });
        child.once('exit', (code) => reject(new Error(`the holder exited (${code})`)));
      });
      const { port, fds } = JSON.parse(line) as { port: number; fds: number[] };
      expect(Math.max(...fds) - fds.length).toBeGreaterThan(1000);

      const established = (row: SsRow) =>
        row.state === 'ESTABLISHED' &&
        (row.local.endsWith(`:${port}`) || row.remote.endsWith(`:${port}`));
      const expected = parseSs(
        execFileSync(ss as string, ['-tanp'], { encoding: 'utf8', maxBuffer: 1 << 28 }),
      ).filter(established);
      const entries = await collectLinuxSockets(
        { proto: 'tcp', port },
        { fs: await runtimeProcFs(), strategy: await sharedScan(), uid: 0 },
      );
      const actual = entries.map(asSs).filter(established);
      const key = (r: SsRow) => `${r.local} ${r.remote} ${r.owners}`;
      expect(actual).toHaveLength(2 * 600);
      expect(actual.map(key).sort()).toEqual(expected.map(key).sort());
      expect(entries.filter((e) => e.state === 'ESTABLISHED' && e.pid !== child.pid)).toEqual([]);
    } finally {
      child.stdin?.end();
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    }
  }, 60_000);
});
