import { makeEntry, protoFor, splitHostPort, toCount, toolState } from './entry.ts';
import type { ParseResult } from './proc-net.ts';

/**
 * Parses Windows `netstat -ano`: "  TCP    127.0.0.1:1031   127.0.0.1:1032   ESTABLISHED   10644"
 * and "  UDP    0.0.0.0:53   *:*   4808" (UDP rows have no state). IPv6 addresses are bracketed.
 */
export function parseWindowsNetstat(text: string): ParseResult {
  const result: ParseResult = { entries: [], skipped: 0 };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line === 'Active Connections' || line.startsWith('Proto ')) continue;
    const entry = parseRow(line);
    if (entry) result.entries.push(entry);
    else result.skipped++;
  }
  return result;
}

function parseRow(line: string) {
  const cells = line.split(/\s+/);
  const [protoText, localText, remoteText] = cells;
  const base = protoText === 'TCP' ? 'tcp' : protoText === 'UDP' ? 'udp' : undefined;
  if (!base || !localText || !remoteText) return undefined;
  const v6 = localText.startsWith('[');
  const local = splitHostPort(stripZone(localText), v6);
  const remote =
    remoteText === '*:*'
      ? { address: v6 ? '::' : '0.0.0.0', port: 0 }
      : splitHostPort(stripZone(remoteText), v6);
  if (!local || !remote) return undefined;
  let state: string | undefined;
  let pidText: string | undefined;
  if (base === 'tcp') {
    if (cells.length !== 5) return undefined;
    state = toolState(cells[3] as string);
    pidText = cells[4];
  } else {
    if (cells.length !== 4) return undefined;
    state = remote.port === 0 ? 'UNCONN' : 'ESTABLISHED';
    pidText = cells[3];
  }
  const pid = toCount(pidText);
  if (!state || pid === undefined) return undefined;
  return makeEntry({
    proto: protoFor(base, v6),
    state,
    local,
    remote,
    // PID 0 is the "System Idle Process" Windows lists for TIME_WAIT rows: no real owner.
    processes: pid === 0 ? [] : [{ pid, command: null, fd: null }],
    hidden: pid === 0 ? 'no owning process' : undefined,
  });
}

/** "[fe80::1%12]:1900" → "[fe80::1]:1900": the zone index is not part of the address we report. */
function stripZone(text: string): string {
  return text.replace(/%[^\]]*\]/, ']');
}
