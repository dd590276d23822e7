import { escapeControls } from '@socklab/core';
import type { SocketEntry } from '../types.ts';
import { hiddenText, lsofAddress } from './address-text.ts';
import { displayWidth, padEndColumns } from './display-width.ts';

/**
 * A table like `lsof -i -n`: COMMAND PID USER FD TYPE NODE NAME, one row per owning process
 * (as lsof lists each open descriptor). Sockets without a visible owner get one row saying why.
 */
export function renderLsofView(entries: readonly SocketEntry[]): string {
  const rows: string[][] = [['COMMAND', 'PID', 'USER', 'FD', 'TYPE', 'NODE', 'NAME']];
  for (const entry of entries) {
    const unix = entry.proto === 'unix';
    const type = unix ? 'unix' : entry.proto.endsWith('6') ? 'IPv6' : 'IPv4';
    const node = unix ? String(entry.inode) : entry.proto.startsWith('tcp') ? 'TCP' : 'UDP';
    const name = unix ? escapeControls(entry.local.address) || '(unnamed)' : inetName(entry);
    const user = entry.user ?? (entry.uid === null ? '-' : String(entry.uid));
    if (entry.processes.length === 0) {
      rows.push([hiddenText(entry), '-', user, '-', type, node, name]);
      continue;
    }
    for (const owner of entry.processes) {
      const fd = owner.fd === null ? '-' : `${owner.fd}u`;
      rows.push([
        escapeControls(owner.command ?? '?'),
        String(owner.pid),
        user,
        fd,
        type,
        node,
        name,
      ]);
    }
  }
  const widths = [0, 0, 0, 0, 0, 0];
  for (const row of rows)
    for (let i = 0; i < 6; i++)
      widths[i] = Math.max(widths[i] as number, displayWidth(row[i] as string));
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          i === 6
            ? cell
            : i === 1
              ? cell.padStart(widths[i] as number)
              : padEndColumns(cell, widths[i] as number),
        )
        .join(' '),
    )
    .join('\n');
}

function inetName(entry: SocketEntry): string {
  const local = lsofAddress(entry.local);
  const connected = entry.remote.port !== 0;
  const name = connected ? `${local}->${lsofAddress(entry.remote)}` : local;
  return entry.proto.startsWith('tcp') ? `${name} (${entry.state})` : name;
}
