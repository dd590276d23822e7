import { tcpStateName, udpStateName } from '../states.ts';
import type { SocketEntry, SocketOwner, SocketProto } from '../types.ts';
import { hexAt, ipv4FromProcHex, ipv6FromProcHex } from './address.ts';

/** What a parser returns: the rows it understood and how many lines it skipped as malformed. */
export interface ParseResult<T = SocketEntry> {
  entries: T[];
  skipped: number;
}

/** How a text starts: with the table's header line (the default), or (a later piece) without. */
export interface ParseOptions {
  header?: boolean;
  /**
   * /proc/net/unix in pieces: the last row of the piece before, which lines at the start of this
   * one may continue (a path with a newline in it).
   */
  previous?: SocketEntry;
}

/** Maps a uid to a user name (null when unknown). */
export type UserLookup = (uid: number) => string | null;

const noUser: UserLookup = () => null;

/** The owners of a socket nobody is known to hold: one shared, frozen empty list. */
export const noOwners: SocketOwner[] = Object.freeze([]) as unknown as SocketOwner[];

const encoder = new TextEncoder();
const utf8 = new TextDecoder();

/** The table as bytes: the collector reads bytes; text (fixtures, other sources) is encoded. */
function tableBytes(text: string | Uint8Array): Uint8Array {
  return typeof text === 'string' ? encoder.encode(text) : text;
}

/**
 * Parses /proc/net/tcp, tcp6, udp or udp6, or a piece of one (whole lines), as text or as the
 * bytes read. Hand-written scanning of bytes (no decoding, no regex, no split per line): with
 * 20,000 sockets this table is 4 MB and parsing sits on the inspector's critical path.
 */
export function parseProcNetInet(
  text: string | Uint8Array,
  proto: Exclude<SocketProto, 'unix'>,
  user: UserLookup = noUser,
  options: ParseOptions = {},
): ParseResult {
  const bytes = tableBytes(text);
  const entries: SocketEntry[] = [];
  let skipped = 0;
  const v6 = proto === 'tcp6' || proto === 'udp6';
  const addressLength = v6 ? 32 : 8;
  const stateName = proto === 'tcp' || proto === 'tcp6' ? tcpStateName : udpStateName;
  let lineStart = bodyStart(bytes, options);
  if (lineStart < 0) return { entries, skipped: isBlank(bytes, 0, bytes.length) ? 0 : 1 };
  const end = bytes.length;
  while (lineStart < end) {
    const lineEnd = lineEndAt(bytes, lineStart, end);
    const entry = parseInetLine(
      bytes,
      lineStart,
      lineEnd,
      proto,
      v6,
      addressLength,
      stateName,
      user,
    );
    if (entry) entries.push(entry);
    else if (!isBlank(bytes, lineStart, lineEnd)) skipped++;
    lineStart = lineEnd + 1;
  }
  return { entries, skipped };
}

function parseInetLine(
  s: Uint8Array,
  start: number,
  end: number,
  proto: Exclude<SocketProto, 'unix'>,
  v6: boolean,
  addressLength: number,
  stateName: (code: number) => string,
  user: UserLookup,
): SocketEntry | undefined {
  // "  12: " then fixed-width hex fields: local, remote, state, tx:rx, tr:when, retransmits.
  let p = start;
  while (p < end && s[p] === 32) p++;
  while (p < end && isDigit(s[p] as number)) p++;
  if (s[p] !== 58 || s[p + 1] !== 32) return undefined;
  p += 2;
  const fixed = 2 * (addressLength + 5) + 1 + 3 + 18 + 12 + 9;
  if (p + fixed > end) return undefined;
  const localAddress = v6 ? ipv6FromProcHex(s, p) : ipv4FromProcHex(s, p);
  p += addressLength;
  if (localAddress === undefined || s[p] !== 58) return undefined;
  const localPort = hex(s, p + 1, 4);
  p += 5;
  if (localPort < 0 || s[p] !== 32) return undefined;
  p++;
  const remoteAddress = v6 ? ipv6FromProcHex(s, p) : ipv4FromProcHex(s, p);
  p += addressLength;
  if (remoteAddress === undefined || s[p] !== 58) return undefined;
  const remotePort = hex(s, p + 1, 4);
  p += 5;
  if (remotePort < 0 || s[p] !== 32) return undefined;
  const state = hex(s, p + 1, 2);
  p += 3;
  if (state < 0 || s[p] !== 32) return undefined;
  const sendQ = hex(s, p + 1, 8);
  if (sendQ < 0 || s[p + 9] !== 58) return undefined;
  const recvQ = hex(s, p + 10, 8);
  p += 18;
  if (recvQ < 0 || s[p] !== 32) return undefined;
  // tr:tm->when (2:8 hex) and retrnsmt (8 hex) are not part of an entry: skip them, by their
  // fixed width when the kernel's format holds (the parser runs mostly unoptimized: every
  // character looked at counts), else as tokens.
  if (s[p + 3] === 58 && s[p + 12] === 32 && s[p + 21] === 32) {
    p += 21;
  } else {
    p = skipToken(s, skipSpaces(s, p, end), end);
    p = skipToken(s, skipSpaces(s, p, end), end);
  }
  p = skipSpaces(s, p, end);
  const uidEnd = skipToken(s, p, end);
  const uid = decimal(s, p, uidEnd);
  p = skipToken(s, skipSpaces(s, uidEnd, end), end); // timeout
  p = skipSpaces(s, p, end);
  const inodeEnd = skipToken(s, p, end);
  const inode = decimal(s, p, inodeEnd);
  if (uid < 0 || inode < 0) return undefined;
  // A TIME_WAIT row (06) has no socket left: the kernel prints uid 0 for "unknown", not root.
  const owned = state !== 6;
  return {
    proto,
    state: stateName(state),
    local: { address: localAddress, port: localPort },
    remote: { address: remoteAddress, port: remotePort },
    recvQ,
    sendQ,
    uid: owned ? uid : null,
    user: owned ? user(uid) : null,
    inode,
    pid: null,
    command: null,
    processes: noOwners,
    hidden: undefined,
  };
}

/**
 * Parses /proc/net/unix: "Num RefCount Protocol Flags Type St Inode Path". The listening flag
 * (__SO_ACCEPTCON, 0x10000) makes LISTEN; St 1/2/3/4 are unconnected, connecting, connected,
 * disconnecting. Paths are UTF-8, and may go on over several lines (a newline in a path).
 */
export function parseProcNetUnix(
  text: string | Uint8Array,
  options: ParseOptions = {},
): ParseResult {
  const bytes = tableBytes(text);
  const entries: SocketEntry[] = [];
  let skipped = 0;
  let lineStart = bodyStart(bytes, options);
  if (lineStart < 0) return { entries, skipped: isBlank(bytes, 0, bytes.length) ? 0 : 1 };
  // The kernel prints a path as it is, newlines too: the lines after a row with a path that are
  // not rows are the rest of it (blank ones count once text follows them).
  let last = options.previous;
  let blanks = 0;
  while (lineStart < bytes.length) {
    const lineEnd = lineEndAt(bytes, lineStart, bytes.length);
    const entry = parseUnixLine(bytes, lineStart, lineEnd);
    if (entry) {
      entries.push(entry);
      last = entry;
      blanks = 0;
    } else if (isBlank(bytes, lineStart, lineEnd)) {
      blanks++;
    } else if (last && last.local.address !== '') {
      const rest = utf8.decode(bytes.subarray(lineStart, lineEnd));
      last.local.address += `${'\n'.repeat(blanks + 1)}${rest}`;
      blanks = 0;
    } else {
      skipped++;
    }
    lineStart = lineEnd + 1;
  }
  return { entries, skipped };
}

const unixStates = ['UNKNOWN', 'UNCONN', 'SYN_SENT', 'ESTABLISHED', 'CLOSING'];

function parseUnixLine(s: Uint8Array, start: number, end: number): SocketEntry | undefined {
  const tokens: [number, number][] = [];
  let p = skipSpaces(s, start, end);
  while (p < end && tokens.length < 7) {
    const tokenEnd = skipToken(s, p, end);
    tokens.push([p, tokenEnd]);
    p = skipSpaces(s, tokenEnd, end);
  }
  if (tokens.length < 7) return undefined;
  const field = (i: number) => tokens[i] as [number, number];
  if (s[field(0)[1] - 1] !== 58) return undefined;
  const [flagsStart, flagsEnd] = field(3);
  const [stStart, stEnd] = field(5);
  const flags = hex(s, flagsStart, flagsEnd - flagsStart);
  const st = hex(s, stStart, stEnd - stStart);
  const inode = decimal(s, ...field(6));
  if (flags < 0 || st < 0 || inode < 0) return undefined;
  // The path is the rest of the line after one space, as it is (spaces at either end included);
  // abstract names start with '@'.
  const inodeEnd = field(6)[1];
  const path = inodeEnd < end ? utf8.decode(s.subarray(inodeEnd + 1, end)) : '';
  return {
    proto: 'unix',
    state: flags & 0x10000 ? 'LISTEN' : (unixStates[st] ?? 'UNKNOWN'),
    local: { address: path, port: 0 },
    remote: { address: '', port: 0 },
    recvQ: 0,
    sendQ: 0,
    uid: null,
    user: null,
    inode,
    pid: null,
    command: null,
    processes: noOwners,
    hidden: undefined,
  };
}

/**
 * Where the line at `start` ends (its newline, or `end`). A loop here, not `indexOf`: a typed
 * array's indexOf is a call into the runtime per line, slower than the loop once it is compiled.
 */
function lineEndAt(s: Uint8Array, start: number, end: number): number {
  let p = start;
  while (p < end && s[p] !== 10) p++;
  return p;
}

/** Where the rows start: after the header line, if there is one; -1 when nothing follows it. */
function bodyStart(bytes: Uint8Array, options: ParseOptions): number {
  if (options.header === false) return 0;
  const newline = bytes.indexOf(10);
  return newline < 0 ? -1 : newline + 1;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Only spaces, tabs and line ends. */
function isBlank(s: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = s[i];
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return false;
  }
  return true;
}

function skipSpaces(s: Uint8Array, p: number, end: number): number {
  while (p < end && s[p] === 32) p++;
  return p;
}

function skipToken(s: Uint8Array, p: number, end: number): number {
  while (p < end && s[p] !== 32) p++;
  return p;
}

/** `length` hex digits at `start`, or -1 (also for an empty or too long field). */
function hex(s: Uint8Array, start: number, length: number): number {
  if (length <= 0 || length > 12) return -1;
  return hexAt(s, start, length);
}

/** Decimal digits in [start, end), or -1 when empty or not all digits. */
function decimal(s: Uint8Array, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = s[i] as number;
    if (c < 48 || c > 57) return -1;
    value = value * 10 + (c - 48);
  }
  return value;
}
