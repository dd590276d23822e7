// Fixtures the bad-input rows need: files with awkward contents, ports that are free, closed or held.

import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createTcpServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BadInputFixtures {
  dir: string;
  /** Bytes that are not UTF-8: a lone continuation byte, an overlong NUL, a surrogate, 0xFF. */
  invalidUtf8File: string;
  invalidUtf8: Uint8Array;
  /** A file that does not exist, a directory, and a path under a regular file (ENOTDIR). */
  missingFile: string;
  directory: string;
  notADirectory: string;
  /** Ports that were free a moment ago, and ports we hold bound ourselves (for "in use"). */
  freeTcp: number[];
  freeUdp: number[];
  heldTcp: number;
  heldUdp: number;
  close(): Promise<void>;
}

export const invalidUtf8 = new Uint8Array([
  0x61, 0x80, 0x62, 0xc0, 0x80, 0xed, 0xa0, 0x80, 0xff, 0xfe, 0x00, 0x1b, 0x5b, 0x33, 0x31, 0x6d,
  0x07, 0x0a, 0x63,
]);

async function tcpPort(): Promise<Server> {
  const server = createTcpServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

async function udpPort(): Promise<UdpSocket> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return socket;
}

/**
 * `count` ports free now, below the kernel's ephemeral range where it can: a port that a port-0
 * bind handed out and took back is soon handed to another test running beside this one (a Bun
 * run once found its "free" UDP port held afterwards), while nothing binds below that range by
 * itself. Without /proc, port-0 ports.
 */
async function freePorts(proto: 'tcp' | 'udp', count: number): Promise<number[]> {
  let low = 0;
  try {
    low = Number.parseInt(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'latin1'), 10);
  } catch {}
  const ports: number[] = [];
  for (let port = low - 1; port >= 10_000 && ports.length < count; port--) {
    if (await isBindable(proto, port)) ports.push(port);
  }
  if (ports.length === count) return ports;
  // Held all at once, so that they differ.
  const rest = Array.from({ length: count - ports.length });
  if (proto === 'tcp') {
    const servers = await Promise.all(rest.map(tcpPort));
    ports.push(...servers.map((s) => (s.address() as { port: number }).port));
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  } else {
    const sockets = await Promise.all(rest.map(udpPort));
    ports.push(...sockets.map((s) => s.address().port));
    await Promise.all(sockets.map((s) => new Promise((r) => s.close(() => r(undefined)))));
  }
  return ports;
}

export async function createFixtures(count: number): Promise<BadInputFixtures> {
  const dir = mkdtempSync(join(tmpdir(), 'socklab-bad-input-'));
  const invalidUtf8File = join(dir, 'invalid-utf8.bin');
  writeFileSync(invalidUtf8File, invalidUtf8);
  chmodSync(invalidUtf8File, 0o644);
  const regular = join(dir, 'regular.txt');
  writeFileSync(regular, 'hello');
  // Distinct free ports for every row that could bind, so a leftover listener is pinned on its row.
  const freeTcp = await freePorts('tcp', count);
  const freeUdp = await freePorts('udp', count);
  const heldTcpServer = await tcpPort();
  const heldUdpSocket = await udpPort();
  return {
    dir,
    invalidUtf8File,
    invalidUtf8,
    missingFile: join(dir, 'does-not-exist.bin'),
    directory: dir,
    notADirectory: join(regular, 'child'),
    freeTcp,
    freeUdp,
    heldTcp: (heldTcpServer.address() as { port: number }).port,
    heldUdp: heldUdpSocket.address().port,
    async close() {
      await new Promise((r) => heldTcpServer.close(r));
      await new Promise((r) => heldUdpSocket.close(() => r(undefined)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** True when `port` can be bound on 127.0.0.1 right now (nothing of ours left on it). */
export async function isBindable(proto: 'tcp' | 'udp', port: number): Promise<boolean> {
  try {
    if (proto === 'tcp') {
      const server = createTcpServer();
      server.listen(port, '127.0.0.1');
      await Promise.race([
        once(server, 'listening'),
        once(server, 'error').then(([e]) => Promise.reject(e)),
      ]);
      await new Promise((r) => server.close(r));
    } else {
      const socket = createSocket('udp4');
      socket.bind(port, '127.0.0.1');
      await Promise.race([
        once(socket, 'listening'),
        once(socket, 'error').then(([e]) => Promise.reject(e)),
      ]);
      await new Promise((r) => socket.close(() => r(undefined)));
    }
    return true;
  } catch {
    return false;
  }
}

/** True while any process of the (detached) group `pgid` is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
