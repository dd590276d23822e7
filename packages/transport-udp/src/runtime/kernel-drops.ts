import { readdir, readFile, readlink } from 'node:fs/promises';
import { endianness } from 'node:os';
import process from 'node:process';
import type { EventAddress } from '@socklab/core';
import { type ProcUdpRow, parseProcNetUdp, procNetLocal } from './proc-net-udp.ts';

/**
 * Counts the datagrams the kernel dropped for the UDP socket bound to `local` (receive buffer
 * full): the "drops" column of Linux's /proc/net/udp{,6}, on the row whose inode is one of this
 * process's sockets. Each call reads the table: call it now and then, never per datagram.
 * Undefined where the OS does not tell (not Linux, no /proc) and once the socket is closed.
 */
export function kernelDropCounter(local: EventAddress): () => Promise<number | undefined> {
  if (process.platform !== 'linux') return async () => undefined;
  const table = local.address.includes(':') ? '/proc/net/udp6' : '/proc/net/udp';
  const key = procNetLocal(local.address, local.port, endianness() === 'LE');
  if (key === undefined) return async () => undefined;
  let inode: string | undefined;
  return async () => {
    let rows: ProcUdpRow[];
    try {
      rows = parseProcNetUdp(await readFile(table, 'utf8'));
    } catch {
      return undefined;
    }
    inode ??= await ownInode(rows.filter((row) => row.local === key));
    return inode === undefined ? undefined : rows.find((row) => row.inode === inode)?.drops;
  };
}

/** The candidate whose inode is one of this process's open sockets (SO_REUSEPORT may share a port). */
async function ownInode(candidates: ProcUdpRow[]): Promise<string | undefined> {
  if (candidates.length === 0) return undefined;
  const wanted = new Set(candidates.map((row) => `socket:[${row.inode}]`));
  let fds: string[];
  try {
    fds = await readdir('/proc/self/fd');
  } catch {
    // Cannot see our own fds: trust the address and port when they name one socket only.
    return candidates.length === 1 ? candidates[0]?.inode : undefined;
  }
  for (const fd of fds) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (wanted.has(target)) return target.slice(8, -1);
  }
  return undefined;
}
