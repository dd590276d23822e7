import type { SocketOwner } from '../types.ts';
import { makeEntry, protoFor, splitHostPort, toCount, toolState } from './entry.ts';
import type { ParseResult } from './proc-net.ts';

const unixStates: Record<string, string> = {
  LISTENING: 'LISTEN',
  CONNECTED: 'ESTABLISHED',
  CONNECTING: 'SYN_SENT',
  DISCONNECTING: 'CLOSING',
  '': 'UNCONN',
};

/**
 * Parses Linux `netstat -an`, `-tan`, `-anp`, `-tanp` output (net-tools). Header lines are
 * ignored; rows that do not fit are counted in `skipped`.
 */
export function parseLinuxNetstat(text: string): ParseResult {
  const result: ParseResult = { entries: [], skipped: 0 };
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('Active ') || trimmed.startsWith('Proto ')) continue;
    const entry = trimmed.startsWith('unix') ? parseUnixRow(trimmed) : parseInetRow(trimmed);
    if (entry) result.entries.push(entry);
    else result.skipped++;
  }
  return result;
}

function parseInetRow(line: string) {
  const cells = line.split(/\s+/);
  const [protoText, recvText, sendText, localText, remoteText] = cells;
  if (!protoText || !localText || !remoteText) return undefined;
  const base = protoText.startsWith('tcp')
    ? 'tcp'
    : protoText.startsWith('udp')
      ? 'udp'
      : undefined;
  if (!base || (protoText !== base && protoText !== `${base}6`)) return undefined;
  const v6 = protoText.endsWith('6');
  const local = splitHostPort(localText, v6);
  const remote = splitHostPort(remoteText, v6);
  const recvQ = toCount(recvText);
  const sendQ = toCount(sendText);
  if (!local || !remote || recvQ === undefined || sendQ === undefined) return undefined;
  // UDP rows may have no state: the next cell is then the PID/Program column (or nothing).
  let rest = cells.slice(5);
  let state: string | undefined;
  if (rest[0] !== undefined && toolState(rest[0]) !== undefined) {
    state = toolState(rest[0]);
    rest = rest.slice(1);
  } else if (base === 'tcp') {
    return undefined;
  } else {
    state = 'UNCONN';
  }
  const owners = parseOwner(rest.join(' '));
  if (owners === undefined) return undefined;
  return makeEntry({
    proto: protoFor(base, v6),
    state: state as string,
    local,
    remote,
    recvQ,
    sendQ,
    processes: owners,
  });
}

// "unix  2      [ ACC ]     STREAM     LISTENING     305917   12193/node           /tmp/lab.sock"
const unixRow =
  /^unix\s+(\d+)\s+\[([^\]]*)\]\s+(\S+)\s+(?:(LISTENING|CONNECTED|CONNECTING|DISCONNECTING)\s+)?(\d+)\s*(\d+\/\S+|-)?\s*(.*)$/;

function parseUnixRow(line: string) {
  const match = unixRow.exec(line);
  if (!match) return undefined;
  const [, , , , stateText = '', inodeText = '', ownerText = '', path = ''] = match;
  const owners = parseOwner(ownerText);
  return makeEntry({
    proto: 'unix',
    state: unixStates[stateText] ?? 'UNKNOWN',
    local: { address: path.trim(), port: 0 },
    remote: { address: '', port: 0 },
    inode: Number(inodeText),
    processes: owners ?? [],
  });
}

/** "12193/node" → one owner; "-" or nothing → none; anything else → undefined (malformed). */
function parseOwner(text: string): SocketOwner[] | undefined {
  const cell = text.trim();
  if (cell === '' || cell === '-') return [];
  const slash = cell.indexOf('/');
  const pid = toCount(cell.slice(0, slash));
  if (slash < 1 || pid === undefined || pid === 0) return undefined;
  return [{ pid, command: cell.slice(slash + 1) || null, fd: null }];
}
