import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/** What the CLI needs from @socklab/inspector's library API (optional: guarded at run time). */
interface SocketEntry {
  proto?: string;
  state?: string;
  local?: { address?: string; port?: number };
  pid?: number | null;
  command?: string | null;
  hidden?: string;
}

/** "held by python3, pid 1234" for a port in use, from the inspector when it is available. */
export async function describePortHolder(
  proto: string,
  port: number,
  timeoutMs = 2000,
): Promise<string | undefined> {
  let snapshot: unknown;
  try {
    snapshot = ((await import('@socklab/inspector')) as { snapshot?: unknown }).snapshot;
  } catch {
    return undefined;
  }
  if (typeof snapshot !== 'function') return undefined;
  try {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const result = await Promise.race([
      (snapshot as (filters: object) => Promise<unknown>)({ port, proto }),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    const list = (
      Array.isArray(result) ? result : ((result as { sockets?: unknown })?.sockets ?? [])
    ) as SocketEntry[];
    const holders = list.filter(
      (e) =>
        e?.local?.port === port && (e.proto ?? '').startsWith(proto) && e.state !== 'TIME_WAIT',
    );
    const known = holders.find((e) => typeof e.pid === 'number');
    if (known) return `held by ${known.command ?? 'a process'}, pid ${known.pid}`;
    const hidden = holders.find((e) => e.hidden);
    if (hidden) return `held by a process socklab cannot see (${hidden.hidden})`;
  } catch {}
  return undefined;
}

/** A port near `port` that could be bound a moment ago on `host` (undefined when none is). */
export async function findFreePortNear(
  proto: string,
  host: string,
  port: number,
  tries = 20,
): Promise<number | undefined> {
  for (let candidate = port + 1; candidate <= Math.min(65535, port + tries); candidate++) {
    if (await canBind(proto, host, candidate)) return candidate;
  }
  return undefined;
}

function canBind(proto: string, host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (proto.startsWith('udp')) {
      const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      socket.once('error', () => {
        try {
          socket.close();
        } catch {}
        resolve(false);
      });
      socket.bind(port, host, () => socket.close(() => resolve(true)));
      return;
    }
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The protocol, host and port in a SocketError target such as "udp 127.0.0.1:65432". */
export function parseTarget(
  target: string,
): { proto: string; host: string; port: number } | undefined {
  const match = /^(udp|tcp)[46]?\s+\[?([^\]\s]*?)\]?:(\d+)$/.exec(target.trim());
  if (!match) return undefined;
  return { proto: match[1] as string, host: match[2] || '127.0.0.1', port: Number(match[3]) };
}
