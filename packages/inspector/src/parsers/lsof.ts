import type { SocketEntry, SocketOwner } from '../types.ts';
import { makeEntry, protoFor, splitHostPort, toCount, toolState } from './entry.ts';
import type { ParseResult } from './proc-net.ts';

interface OpenFile {
  fd: number | null;
  type?: string;
  device?: string;
  inode?: number;
  protocol?: string;
  name?: string;
  state?: string;
  recvQ?: number;
  sendQ?: number;
}

/**
 * Parses `lsof -i -n -P -F pcuLftdiPnT` (field output: one field per line, its first character
 * says which). `p` starts a process, `f` a file in it. One socket held by several processes
 * becomes one entry listing every owner. Unknown field letters are ignored; lines that are not
 * fields, and socket files that lack a usable name, are counted in `skipped`.
 */
export function parseLsofFields(text: string): ParseResult {
  const bySocket = new Map<string, SocketEntry>();
  const order: SocketEntry[] = [];
  let skipped = 0;
  let pid: number | undefined;
  let command: string | null = null;
  let uid: number | null = null;
  let user: string | null = null;
  let file: OpenFile | undefined;

  const finish = () => {
    if (!file || pid === undefined) return;
    const entry = toEntry(file, uid, user);
    file = undefined;
    if (!entry) {
      skipped++;
      return;
    }
    const owner: SocketOwner = { pid, command, fd: entry.fd };
    const existing = bySocket.get(entry.key);
    if (existing) {
      existing.processes.push(owner);
      return;
    }
    const made = makeEntry({ ...entry.fields, processes: [owner] });
    bySocket.set(entry.key, made);
    order.push(made);
  };

  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '') continue;
    const tag = line[0];
    const value = line.slice(1);
    if (tag === 'p') {
      finish();
      pid = toCount(value);
      command = null;
      uid = null;
      user = null;
      if (pid === undefined) skipped++;
    } else if (tag === 'f') {
      finish();
      file = { fd: toCount(value) ?? null };
    } else if (tag === 'c') command = value;
    else if (tag === 'u') uid = toCount(value) ?? null;
    else if (tag === 'L') user = value;
    else if (file && tag === 't') file.type = value;
    else if (file && tag === 'd') file.device = value;
    else if (file && tag === 'i') file.inode = toCount(value);
    else if (file && tag === 'P') file.protocol = value;
    else if (file && tag === 'n') file.name = value;
    else if (file && tag === 'T') {
      const [key, fieldValue = ''] = value.split('=');
      if (key === 'ST') file.state = fieldValue;
      else if (key === 'QR') file.recvQ = toCount(fieldValue);
      else if (key === 'QS') file.sendQ = toCount(fieldValue);
    } else if (!/^[a-zA-Z]$/.test(tag ?? '')) skipped++;
  }
  finish();
  return { entries: order, skipped };
}

function toEntry(file: OpenFile, uid: number | null, user: string | null) {
  if (file.type !== 'IPv4' && file.type !== 'IPv6') return undefined;
  const base = file.protocol === 'TCP' ? 'tcp' : file.protocol === 'UDP' ? 'udp' : undefined;
  if (!base || !file.name) return undefined;
  const v6 = file.type === 'IPv6';
  const [localText = '', remoteText] = file.name.split('->');
  const local = splitHostPort(localText, v6);
  const remote = remoteText
    ? splitHostPort(remoteText, v6)
    : { address: v6 ? '::' : '0.0.0.0', port: 0 };
  if (!local || !remote) return undefined;
  let state: string | undefined;
  if (base === 'tcp') state = file.state ? toolState(file.state) : 'UNKNOWN';
  else state = remoteText ? 'ESTABLISHED' : 'UNCONN';
  if (!state) return undefined;
  // On Linux the device column of a socket is its inode; on macOS it is a kernel address.
  const inode = file.inode ?? toCount(file.device) ?? 0;
  const key = `${base}${v6 ? 6 : ''} ${file.name} ${file.device ?? ''} ${inode}`;
  return {
    key,
    fd: file.fd,
    fields: {
      proto: protoFor(base, v6),
      state,
      local,
      remote,
      recvQ: file.recvQ ?? 0,
      sendQ: file.sendQ ?? 0,
      uid,
      user,
      inode,
    },
  };
}
