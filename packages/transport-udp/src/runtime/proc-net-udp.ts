// The rows of Linux's /proc/net/udp and udp6 that finding one socket's drop counter needs.
import { expandIPv6 } from '@socklab/core';

export interface ProcUdpRow {
  /** Local address and port as the kernel prints them: `0100007F:D431`. */
  local: string;
  inode: string;
  /** Datagrams dropped, mostly because the receive buffer was full. */
  drops: number;
}

/** Rows of "sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops". */
export function parseProcNetUdp(text: string): ProcUdpRow[] {
  const rows: ProcUdpRow[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 13) continue;
    const drops = Number(fields[12]);
    if (!Number.isSafeInteger(drops)) continue;
    rows.push({ local: fields[1] as string, inode: fields[9] as string, drops });
  }
  return rows;
}

/**
 * An IP literal and port the way /proc/net/udp{,6} prints them: each 32-bit word of the address
 * in host byte order, then the port, in upper-case hex. Undefined for anything but an IP literal.
 */
export function procNetLocal(
  address: string,
  port: number,
  littleEndian: boolean,
): string | undefined {
  let bytes: number[];
  if (address.includes(':')) {
    const groups = expandIPv6(address);
    if (!groups) return undefined;
    bytes = groups.flatMap((g) => [g >>> 8, g & 0xff]);
  } else {
    bytes = address.split('.').map(Number);
    if (bytes.length !== 4 || bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) {
      return undefined;
    }
  }
  let hex = '';
  for (let word = 0; word < bytes.length; word += 4) {
    const four = bytes.slice(word, word + 4);
    if (littleEndian) four.reverse();
    for (const b of four) hex += b.toString(16).padStart(2, '0');
  }
  return `${hex.toUpperCase()}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
}
