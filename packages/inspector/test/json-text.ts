import { expect } from 'vitest';
import { collectLinuxJSON, type LinuxCollectOptions } from '../src/collect/linux.ts';
import type { SocketFilters } from '../src/types.ts';

/** What collectLinuxJSON writes, as one text (pieces are views: each decoded before the next). */
export async function jsonText(
  filters: SocketFilters,
  options: LinuxCollectOptions,
): Promise<string> {
  const json = await collectLinuxJSON(filters, options);
  if (!json) throw new Error('collectLinuxJSON declined');
  const decoder = new TextDecoder();
  let text = '';
  for (const piece of json.pieces) text += decoder.decode(piece);
  expect(JSON.parse(text)).toHaveLength(json.entries);
  return text;
}
