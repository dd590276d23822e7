import type { SocketAddress, SocketEntry } from '../types.ts';
import { makeEntry, toCount, toolState, toPort } from './entry.ts';
import type { ParseResult } from './proc-net.ts';

/**
 * Parses macOS `netstat -anv -p tcp` / `-p udp`. Two layouts exist: before macOS 13
 * "... (state) rhiwat shiwat pid epid state options", since then
 * "... (state) rxbytes txbytes rhiwat shiwat process:pid state options ..." where the process
 * name may contain spaces. The header line says which one follows.
 */
export function parseMacosNetstat(text: string): ParseResult {
  const result: ParseResult = { entries: [], skipped: 0 };
  let modern = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('Active ')) continue;
    if (line.startsWith('Proto ')) {
      modern = line.includes('process:pid');
      continue;
    }
    const entry = parseRow(line, modern);
    if (entry) result.entries.push(entry);
    else result.skipped++;
  }
  return result;
}

function parseRow(line: string, modern: boolean): SocketEntry | undefined {
  const cells = line.split(/\s+/);
  const [protoText = '', recvText, sendText, localText = '', remoteText = ''] = cells;
  const match = /^(tcp|udp)(4|6|46)$/.exec(protoText);
  if (!match) return undefined;
  const base = match[1] as 'tcp' | 'udp';
  const v6 = match[2] !== '4';
  const local = splitDotted(localText, v6);
  const remote = splitDotted(remoteText, v6);
  const recvQ = toCount(recvText);
  const sendQ = toCount(sendText);
  if (!local || !remote || recvQ === undefined || sendQ === undefined) return undefined;
  let at = 5;
  let state: string | undefined;
  if (base === 'tcp') {
    state = toolState(cells[5] ?? '');
    at = 6;
  } else {
    state = remote.port === 0 ? 'UNCONN' : 'ESTABLISHED';
  }
  if (!state) return undefined;
  let pid: number | undefined;
  let command: string | null = null;
  if (modern) {
    // rxbytes txbytes rhiwat shiwat, then "name:pid" (the name may hold spaces).
    at += 4;
    for (let end = at; end < cells.length; end++) {
      const found = /^(.*):(\d+)$/.exec(cells.slice(at, end + 1).join(' '));
      if (found) {
        command = found[1] || null;
        pid = Number(found[2]);
        break;
      }
    }
  } else {
    pid = toCount(cells[at + 2]); // rhiwat shiwat pid epid
  }
  if (pid === undefined) return undefined;
  return makeEntry({
    proto: v6 ? `${base}6` : base,
    state,
    local,
    remote,
    recvQ,
    sendQ,
    processes: pid === 0 ? [] : [{ pid, command, fd: null }],
  });
}

/** BSD "address.port": "127.0.0.1.8080", "*.8080", "::1.631", "fe80::1%lo0.3000", "*.*". */
function splitDotted(text: string, v6: boolean): SocketAddress | undefined {
  const at = text.lastIndexOf('.');
  if (at < 1) return undefined;
  let host = text.slice(0, at);
  const portText = text.slice(at + 1);
  const port = portText === '*' ? 0 : toPort(portText);
  if (port === undefined) return undefined;
  host = host.replace(/%.*$/, '');
  if (host === '*') host = v6 ? '::' : '0.0.0.0';
  return { address: host, port };
}
