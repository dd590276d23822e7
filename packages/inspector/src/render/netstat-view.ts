import type { SocketEntry } from '../types.ts';
import { hiddenText, netstatAddress } from './address-text.ts';

/**
 * A table like Linux `netstat -anp`: Proto Recv-Q Send-Q Local Address Foreign Address State
 * PID/Program name. Unix sockets show their path as the local address.
 */
export function renderNetstatView(entries: readonly SocketEntry[]): string {
  const lines = [
    'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name',
  ];
  for (const entry of entries) {
    const unix = entry.proto === 'unix';
    const local = unix ? entry.local.address || '-' : netstatAddress(entry.local);
    const remote = unix ? '-' : netstatAddress(entry.remote);
    const owner = entry.pid === null ? hiddenText(entry) : `${entry.pid}/${entry.command ?? '?'}`;
    lines.push(
      `${entry.proto.padEnd(5)} ${String(entry.recvQ).padStart(6)} ${String(entry.sendQ).padStart(6)} ` +
        `${local.padEnd(23)} ${remote.padEnd(23)} ${entry.state.padEnd(11)} ${owner}`,
    );
  }
  return lines.join('\n');
}
