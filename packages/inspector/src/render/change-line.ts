import { escapeControls } from '@socklab/core';
import type { SocketChange } from '../watch.ts';
import { hiddenText, netstatAddress } from './address-text.ts';

/** "+ tcp 127.0.0.1:5000 127.0.0.1:65432 ESTABLISHED 123/node", "-" closed, "~" state change. */
export function changeLine(change: SocketChange): string {
  const { entry } = change;
  const mark = change.change === 'opened' ? '+' : change.change === 'closed' ? '-' : '~';
  const state = change.from ? `${change.from} -> ${entry.state}` : entry.state;
  const local =
    entry.proto === 'unix'
      ? escapeControls(entry.local.address) || '-'
      : netstatAddress(entry.local);
  const remote = entry.proto === 'unix' ? '-' : netstatAddress(entry.remote);
  const owner =
    entry.pid === null ? hiddenText(entry) : `${entry.pid}/${escapeControls(entry.command ?? '?')}`;
  return `${mark} ${entry.proto} ${local} ${remote} ${state} ${owner}`;
}
