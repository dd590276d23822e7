import type { SocketEntry } from '../types.ts';
import { hiddenText, netstatAddress } from './address-text.ts';
import { cellText } from './cell-text.ts';
import { padEndColumns } from './display-width.ts';

const inetHeader =
  'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name';
const unixHeader = 'Proto State       I-Node   PID/Program name         Path';

/**
 * A table like Linux `netstat -anp`: Proto Recv-Q Send-Q Local Address Foreign Address State
 * PID/Program name. Unix sockets follow in a table of their own, as netstat prints them, with
 * the path last so long paths do not push the other columns out of line.
 */
export function renderNetstatView(entries: readonly SocketEntry[]): string {
  const inet: string[] = [];
  const unix: string[] = [];
  for (const entry of entries) {
    const owner =
      entry.pid === null ? hiddenText(entry) : `${entry.pid}/${cellText(entry.command ?? '?')}`;
    if (entry.proto === 'unix') {
      unix.push(
        `unix  ${entry.state.padEnd(11)} ${String(entry.inode).padEnd(8)} ${padEndColumns(owner, 24)} ${cellText(entry.local.address) || '-'}`.trimEnd(),
      );
      continue;
    }
    inet.push(
      `${entry.proto.padEnd(5)} ${String(entry.recvQ).padStart(6)} ${String(entry.sendQ).padStart(6)} ` +
        `${netstatAddress(entry.local).padEnd(23)} ${netstatAddress(entry.remote).padEnd(23)} ${entry.state.padEnd(11)} ${owner}`,
    );
  }
  const tables: string[] = [];
  if (inet.length > 0 || unix.length === 0) tables.push([inetHeader, ...inet].join('\n'));
  if (unix.length > 0) tables.push([unixHeader, ...unix].join('\n'));
  return tables.join('\n\n');
}
