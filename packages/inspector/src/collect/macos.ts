import { toSocketError } from '@socklab/core';
import { matchesPid, matchesSocket, protosFor } from '../filters.ts';
import { parseMacosNetstat } from '../parsers/netstat-macos.ts';
import type { SocketEntry, SocketFilters } from '../types.ts';
import type { RunTool } from './run-tool.ts';

/** macOS: `netstat -anv -p tcp` and `-p udp` (PIDs included; names on macOS 13+). */
export async function collectMacosSockets(
  filters: SocketFilters,
  run: RunTool,
): Promise<SocketEntry[]> {
  const protos = new Set(protosFor(filters).map((p) => p.replace('6', '')));
  const entries: SocketEntry[] = [];
  for (const proto of ['tcp', 'udp'] as const) {
    if (!protos.has(proto)) continue;
    let text: string;
    try {
      text = await run('netstat', ['-anv', '-p', proto]);
    } catch (error) {
      throw toSocketError(error, {
        action: 'run',
        target: `netstat -anv -p ${proto}`,
        hint: 'is netstat on PATH?',
      });
    }
    for (const entry of parseMacosNetstat(text).entries) {
      if (matchesSocket(entry, filters) && matchesPid(entry, filters.pid)) entries.push(entry);
    }
  }
  return entries;
}
