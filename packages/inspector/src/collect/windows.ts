import { toSocketError } from '@socklab/core';
import { matchesPid, matchesSocket } from '../filters.ts';
import { parseWindowsNetstat } from '../parsers/netstat-windows.ts';
import type { SocketEntry, SocketFilters } from '../types.ts';
import type { RunTool } from './run-tool.ts';

/** Windows: `netstat -ano` (PIDs, no names; unix sockets are not listed). */
export async function collectWindowsSockets(
  filters: SocketFilters,
  run: RunTool,
): Promise<SocketEntry[]> {
  if (filters.proto === 'unix') return [];
  let text: string;
  try {
    text = await run('netstat', ['-ano']);
  } catch (error) {
    throw toSocketError(error, {
      action: 'run',
      target: 'netstat -ano',
      hint: 'is netstat on PATH?',
    });
  }
  return parseWindowsNetstat(text).entries.filter(
    (e) => matchesSocket(e, filters) && matchesPid(e, filters.pid),
  );
}
