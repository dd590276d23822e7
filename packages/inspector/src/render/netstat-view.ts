import { escapeControls } from '@socklab/core';
import type { SocketEntry } from '../types.ts';
import { hiddenText, netstatAddress } from './address-text.ts';
import { padEndColumns } from './display-width.ts';

export interface NetstatViewOptions {
  /** Only unix sockets were asked for (`--proto unix`): an empty table has their header. */
  unix?: boolean;
}

const unixHeader = 'Proto State       I-Node   PID/Program name         Path';

/**
 * A table like Linux `netstat -anp`: Proto Recv-Q Send-Q Local Address Foreign Address State
 * PID/Program name. Unix sockets follow in a table of their own, as netstat prints them, with
 * the path last so long paths do not push the other columns out of line.
 */
export function renderNetstatView(
  entries: readonly SocketEntry[],
  options: NetstatViewOptions = {},
): string {
  const inet: string[][] = [];
  const unix: string[] = [];
  for (const entry of entries) {
    const owner =
      entry.pid === null
        ? hiddenText(entry)
        : `${entry.pid}/${escapeControls(entry.command ?? '?')}`;
    if (entry.proto === 'unix') {
      unix.push(
        `unix  ${entry.state.padEnd(11)} ${String(entry.inode).padEnd(8)} ${padEndColumns(owner, 24)} ${escapeControls(entry.local.address) || '-'}`.trimEnd(),
      );
      continue;
    }
    inet.push([
      entry.proto,
      String(entry.recvQ),
      String(entry.sendQ),
      netstatAddress(entry.local),
      netstatAddress(entry.remote),
      entry.state,
      owner,
    ]);
  }
  const tables: string[] = [];
  const empty = inet.length === 0 && unix.length === 0;
  if (inet.length > 0 || (empty && !options.unix)) tables.push(inetTable(inet));
  if (unix.length > 0 || (empty && options.unix)) tables.push([unixHeader, ...unix].join('\n'));
  return tables.join('\n\n');
}

/** The inet columns' header and least widths (netstat's); a longer value widens its column. */
const inetColumns = [
  ['Proto', 5],
  ['Recv-Q', 6],
  ['Send-Q', 6],
  ['Local Address', 23],
  ['Foreign Address', 23],
  ['State', 11],
  ['PID/Program name', 0],
] as const;

/**
 * The inet rows in columns at least as wide as netstat's, wider where a value is longer (a
 * v4-mapped address such as ::ffff:127.200.200.200:52559, a queue of millions of bytes), so
 * that no row pushes the columns after it out of line. Queues are right-aligned.
 */
function inetTable(rows: readonly string[][]): string {
  const widths: number[] = inetColumns.map(([, least]) => least);
  for (const row of rows)
    for (let i = 0; i < widths.length; i++)
      widths[i] = Math.max(widths[i] as number, (row[i] as string).length);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => {
        if (i === cells.length - 1) return cell;
        const width = widths[i] as number;
        return i === 1 || i === 2 ? cell.padStart(width) : cell.padEnd(width);
      })
      .join(' ');
  return [line(inetColumns.map(([name]) => name)), ...rows.map(line)].join('\n');
}
