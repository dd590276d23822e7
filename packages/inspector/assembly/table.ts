// The inet tables' rows for `socklab inspect --json`, in WebAssembly: /proc/net/tcp, tcp6, udp
// and udp6 parsed, filtered, deduplicated, sorted, joined with their owners and written as JSON,
// byte for byte what the JavaScript path makes of them (src/parsers/proc-net.ts, the collector
// in src/collect/linux.ts, src/sort.ts, src/render/entries-json.ts; tests compare the two).
// Why: with 20,000 sockets the JavaScript path runs mostly before the JIT has optimized it,
// and that was most of the gap to `ss -tanp` (issue #6; PERFORMANCE.md). Compiled ahead of
// time, this code runs at full speed from its first row on every runtime.
//
// AssemblyScript (https://www.assemblyscript.org), compiled by scripts/build-wasm.mjs into
// src/collect/table-wasm.ts. No managed objects: plain memory, a bump allocator, no frees
// (one module instance serves one snapshot). All numbers fit the JSON writer's rules: ports,
// queues and fds are u32, uids and inodes up to 15 decimal digits (u64), as the parser takes.
// Lint (biome.json): == compares values here (=== is identity in AssemblyScript), and the
// compiler wants a return after an endless loop.

// ---- memory ----

/**
 * `size` bytes of fresh memory, from the runtime's bump allocator ("stub": nothing is freed or
 * reused), so they are zero: tables whose empty slots are zero need no clearing (clearing would
 * only touch their pages early).
 */
function alloc(size: usize): usize {
  return heap.alloc(size);
}

/** A region that grows by doubling (copied to fresh memory): base, used bytes, capacity. */
class Region {
  base: usize = 0;
  used: usize = 0;
  size: usize = 0;
}

/** Where `more` bytes go at the end of `r` (grown to `first` bytes at least, then by doubling). */
function room(r: Region, more: usize, first: usize): usize {
  if (r.used + more > r.size) {
    let size = r.size == 0 ? first : r.size * 2;
    while (size < r.used + more) size *= 2;
    const grown = alloc(size);
    if (r.used > 0) memory.copy(grown, r.base, r.used);
    r.base = grown;
    r.size = size;
  }
  return r.base + r.used;
}

// ---- configuration (set by the JavaScript side before parsing) ----

/**
 * Strings as JSON text (quotes included), by index: 0-31 state names (16 TCP codes, then 16 UDP
 * codes; a code past 15 is UNKNOWN, as code 0), 32-35 the protocols, 36-39 why an owner is
 * hidden (NO_OWNING_PROCESS and the others, below).
 */
const strings = new Region();
let stringIndex: usize = 0; // u32 offset, u32 length per string
const STRINGS: u32 = 40;
const PROTOS: u32 = 32;

/** 32 flags, by (TCP or UDP, state code as above): 1 when a row in that state passes the filters. */
let stateKeep: usize = 0;
let portFilter: i32 = -1;

/** Where the JavaScript side writes strings (JSON text) before calling setString. */
export function scratch(size: usize): usize {
  return room(scratchRegion, size, 4096);
}
const scratchRegion = new Region();

export function setString(index: u32, length: u32): void {
  if (index >= STRINGS) return;
  if (stringIndex == 0) stringIndex = alloc(<usize>STRINGS * 8);
  const at = room(strings, length, 16384);
  memory.copy(at, scratchRegion.base, length);
  store<u32>(stringIndex + <usize>index * 8, <u32>strings.used);
  store<u32>(stringIndex + <usize>index * 8, length, 4);
  strings.used += length;
}

/** The state flags to fill (32 bytes), and the port filter (-1: none). */
export function filters(port: i32): usize {
  portFilter = port;
  if (stateKeep == 0) stateKeep = alloc(32);
  return stateKeep;
}

/** A state code's number among the strings and flags (UDP's after TCP's). */
function stateSlot(proto: u32, code: u32): u32 {
  return (proto >= 2 ? 16 : 0) + (code < 16 ? code : 0);
}

// ---- addresses: each distinct one formatted once, rows keep its id ----

const texts = new Region(); // the formatted addresses, ASCII
const textIndex = new Region(); // per id: u32 offset, u32 length, u32 rank
let textCount: u32 = 0;
const SLOT: usize = 24; // w0 w1 w2 w3, family | (id << 4), unused
let slots: usize = 0;
let slotCount: u32 = 0;

function mix(a: u32, b: u32, c: u32, d: u32, e: u32): u32 {
  let h = a * 0x9e3779b1;
  h = (h ^ (h >>> 15) ^ b) * 0x85ebca77;
  h = (h ^ (h >>> 13) ^ c) * 0xc2b2ae3d;
  h = (h ^ (h >>> 16) ^ d ^ e) * 0x9e3779b1;
  return h ^ (h >>> 16);
}

function growSlots(): void {
  const count: u32 = slotCount == 0 ? 4096 : slotCount * 2;
  const grown = alloc(<usize>count * SLOT);
  for (let i: u32 = 0; i < slotCount; i++) {
    const from = slots + <usize>i * SLOT;
    const tag = load<u32>(from, 16);
    if (tag == 0) continue;
    let j =
      mix(load<u32>(from), load<u32>(from, 4), load<u32>(from, 8), load<u32>(from, 12), tag & 15) &
      (count - 1);
    while (load<u32>(grown + <usize>j * SLOT, 16) != 0) j = (j + 1) & (count - 1);
    memory.copy(grown + <usize>j * SLOT, from, SLOT);
  }
  slots = grown;
  slotCount = count;
}

/** The id of an address: 4 words as /proc prints them (IPv4: w0 only), family 4 or 6. */
function addressId(w0: u32, w1: u32, w2: u32, w3: u32, family: u32): u32 {
  if ((textCount + 1) * 2 > slotCount) growSlots();
  const mask = slotCount - 1;
  for (let j = mix(w0, w1, w2, w3, family) & mask; ; j = (j + 1) & mask) {
    const slot = slots + <usize>j * SLOT;
    const tag = load<u32>(slot, 16);
    if (tag == 0) {
      const id = formatAddress(w0, w1, w2, w3, family);
      store<u32>(slot, w0);
      store<u32>(slot, w1, 4);
      store<u32>(slot, w2, 8);
      store<u32>(slot, w3, 12);
      store<u32>(slot, (id << 4) | family, 16);
      return id;
    }
    if (
      (tag & 15) == family &&
      load<u32>(slot) == w0 &&
      load<u32>(slot, 4) == w1 &&
      load<u32>(slot, 8) == w2 &&
      load<u32>(slot, 12) == w3
    )
      return tag >>> 4;
  }
  return unreachable();
}

function decimalByte(p: usize, v: u32): usize {
  if (v >= 100) {
    store<u8>(p++, <u8>(48 + v / 100));
    v %= 100;
    store<u8>(p++, <u8>(48 + v / 10));
  } else if (v >= 10) {
    store<u8>(p++, <u8>(48 + v / 10));
  }
  store<u8>(p++, <u8>(48 + (v % 10)));
  return p;
}

/** A little-endian word as a dotted quad (its first byte in memory first). */
function dotted(p: usize, w: u32): usize {
  p = decimalByte(p, w & 255);
  store<u8>(p++, 46);
  p = decimalByte(p, (w >>> 8) & 255);
  store<u8>(p++, 46);
  p = decimalByte(p, (w >>> 16) & 255);
  store<u8>(p++, 46);
  return decimalByte(p, w >>> 24);
}

/** A 16-bit group in lower-case hex without leading zeros. */
function hexGroup(p: usize, v: u32): usize {
  let shift: i32 = 12;
  while (shift > 0 && ((v >>> shift) & 15) == 0) shift -= 4;
  for (; shift >= 0; shift -= 4) {
    const d = (v >>> shift) & 15;
    store<u8>(p++, <u8>(d < 10 ? 48 + d : 87 + d));
  }
  return p;
}

/** Groups [from, to) joined by ":". */
function hexGroups(p: usize, g: usize, from: i32, to: i32): usize {
  for (let i = from; i < to; i++) {
    if (i > from) store<u8>(p++, 58);
    p = hexGroup(p, load<u16>(g + <usize>i * 2));
  }
  return p;
}

function groupsFrom(g: usize, w: u32, at: usize): void {
  store<u16>(g + at * 2, <u16>(((w & 0xff) << 8) | ((w >>> 8) & 0xff)));
  store<u16>(g + at * 2 + 2, <u16>((((w >>> 16) & 0xff) << 8) | (w >>> 24)));
}

let work: usize = 0;

/** Formats an address (RFC 5952 for IPv6, v4-mapped as ::ffff:a.b.c.d) and returns its id. */
function formatAddress(w0: u32, w1: u32, w2: u32, w3: u32, family: u32): u32 {
  if (work == 0) work = alloc(128);
  let p = work;
  if (family == 4) {
    p = dotted(p, w0);
  } else if (w0 == 0 && w1 == 0 && w2 == 0xffff0000) {
    store<u32>(p, 0x6666_3a3a); // "::ff"
    store<u16>(p, 0x6666, 4); // "ff"
    store<u8>(p, 58, 6); // ":"
    p = dotted(p + 7, w3);
  } else {
    const g = work + 64;
    groupsFrom(g, w0, 0);
    groupsFrom(g, w1, 2);
    groupsFrom(g, w2, 4);
    groupsFrom(g, w3, 6);
    // The longest run of two or more zero groups, the first on ties (RFC 5952 section 4.2).
    let bestStart: i32 = -1;
    let bestLength: i32 = 1;
    for (let i: i32 = 0; i < 8; ) {
      if (load<u16>(g + <usize>i * 2) != 0) {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && load<u16>(g + <usize>j * 2) == 0) j++;
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    if (bestStart < 0) {
      p = hexGroups(p, g, 0, 8);
    } else {
      p = hexGroups(p, g, 0, bestStart);
      store<u16>(p, 0x3a3a); // "::"
      p = hexGroups(p + 2, g, bestStart + bestLength, 8);
    }
  }
  const length = p - work;
  const at = room(texts, length, 65536);
  memory.copy(at, work, length);
  const entry = room(textIndex, 12, 12 * 1024);
  store<u32>(entry, <u32>texts.used);
  store<u32>(entry, <u32>length, 4);
  texts.used += length;
  textIndex.used += 12;
  return textCount++;
}

// ---- rows ----

// A row: proto u8, state u8, local port u16, local id u32, remote port u16 (at 8), remote id
// u32 (12), recvQ u32 (16), sendQ u32 (20), uid u64 (24; NO_UID for none), inode u64 (32).
const ROW: usize = 40;
const NO_UID: u64 = u64.MAX_VALUE;
const rows = new Region();
let rowCount: u32 = 0;

/** Inodes and TIME_WAIT keys of the rows kept (a table read in pieces can repeat a socket). */
let seen: usize = 0; // per slot: u64 key (0: empty), u64 second key
let seenCount: u32 = 0;
let seenSlots: u32 = 0;

/** true when the key was already seen; keys are never both 0. */
function seenBefore(a: u64, b: u64): bool {
  if ((seenCount + 1) * 2 > seenSlots) growSeen(seenSlots == 0 ? 8192 : seenSlots * 2);
  const mask = seenSlots - 1;
  for (let j = keyHash(a, b) & mask; ; j = (j + 1) & mask) {
    const slot = seen + <usize>j * 16;
    const x = load<u64>(slot);
    const y = load<u64>(slot, 8);
    if (x == 0 && y == 0) {
      store<u64>(slot, a);
      store<u64>(slot, b, 8);
      seenCount++;
      return false;
    }
    if (x == a && y == b) return true;
  }
  return unreachable();
}

/** The table of seen keys with `count` slots (a power of two), the keys seen so far moved in. */
function growSeen(count: u32): void {
  const grown = alloc(<usize>count * 16);
  for (let i: u32 = 0; i < seenSlots; i++) {
    const from = seen + <usize>i * 16;
    const x = load<u64>(from);
    const y = load<u64>(from, 8);
    if (x == 0 && y == 0) continue;
    let j = keyHash(x, y) & (count - 1);
    while (load<u64>(grown + <usize>j * 16) != 0 || load<u64>(grown + <usize>j * 16, 8) != 0)
      j = (j + 1) & (count - 1);
    store<u64>(grown + <usize>j * 16, x);
    store<u64>(grown + <usize>j * 16, y, 8);
  }
  seen = grown;
  seenSlots = count;
}

/**
 * Room for about `n` rows, from the kernel's socket counts (/proc/net/sockstat): the rows and
 * the table of seen sockets need not grow (each growth copies them into fresh memory, and on
 * this kind of VM every fresh page costs a fault of ~11 µs).
 */
export function reserve(n: u32): void {
  if (n == 0 || rowCount > 0) return;
  room(rows, <usize>n * ROW, 4096 * ROW);
  let count: u32 = 8192;
  while (count < n * 2) count *= 2;
  if (count > seenSlots) growSeen(count);
}

function keyHash(a: u64, b: u64): u32 {
  return mix(<u32>a, <u32>(a >>> 32), <u32>b, <u32>(b >>> 32), 1);
}

let hexDigits: usize = 0;

/** Where the JavaScript side writes a piece of a table (`size` bytes at most) before parse(). */
export function input(size: usize): usize {
  return room(inputRegion, size, 1 << 17);
}
const inputRegion = new Region();

function hexAt(p: usize, n: i32): i64 {
  let v: i64 = 0;
  for (let i = 0; i < n; i++) {
    const d = load<u8>(hexDigits + <usize>load<u8>(p + <usize>i));
    if (d == 255) return -1;
    v = (v << 4) | d;
  }
  return v;
}

/**
 * Parses `length` bytes of whole lines at input() from table `proto` (0 tcp, 1 tcp6, 2 udp,
 * 3 udp6), after its header line when `header`, and keeps the rows that pass the filters. A
 * malformed line is skipped, as the JavaScript parser skips it.
 */
export function parse(length: usize, proto: u32, header: bool): void {
  if (hexDigits == 0) {
    hexDigits = alloc(256);
    memory.fill(hexDigits, 255, 256);
    for (let i: u8 = 0; i < 10; i++) store<u8>(hexDigits + 48 + i, i);
    for (let i: u8 = 0; i < 6; i++) {
      store<u8>(hexDigits + 65 + i, 10 + i);
      store<u8>(hexDigits + 97 + i, 10 + i);
    }
  }
  let p = inputRegion.base;
  const end = p + length;
  if (header) {
    while (p < end && load<u8>(p) != 10) p++;
    p++;
  }
  while (p < end) {
    let lineEnd = p;
    while (lineEnd < end && load<u8>(lineEnd) != 10) lineEnd++;
    parseLine(p, lineEnd, proto);
    p = lineEnd + 1;
  }
}

function skipSpaces(p: usize, end: usize): usize {
  while (p < end && load<u8>(p) == 32) p++;
  return p;
}

function skipToken(p: usize, end: usize): usize {
  while (p < end && load<u8>(p) != 32) p++;
  return p;
}

/** Decimal digits in [p, end): at most 15, else (or empty, or not digits) -1. */
function decimal(p: usize, end: usize): i64 {
  if (end <= p || end - p > 15) return -1;
  let v: i64 = 0;
  for (; p < end; p++) {
    const d = <u32>load<u8>(p) - 48;
    if (d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

// The endpoint readEndpoint read last: its address words (as printed) and port.
let e0: u32 = 0;
let e1: u32 = 0;
let e2: u32 = 0;
let e3: u32 = 0;
let ePort: u32 = 0;

/** "ADDRESS:PORT" in hex at p (`words` 8-digit words); where it ends, or 0 when malformed. */
function readEndpoint(p: usize, words: usize): usize {
  const v6 = words == 4;
  const w0 = hexAt(p, 8);
  const w1 = v6 ? hexAt(p + 8, 8) : 0;
  const w2 = v6 ? hexAt(p + 16, 8) : 0;
  const w3 = v6 ? hexAt(p + 24, 8) : 0;
  p += words * 8;
  if ((w0 | w1 | w2 | w3) < 0 || load<u8>(p) != 58) return 0;
  const port = hexAt(p + 1, 4);
  if (port < 0) return 0;
  e0 = <u32>w0;
  e1 = <u32>w1;
  e2 = <u32>w2;
  e3 = <u32>w3;
  ePort = <u32>port;
  return p + 5;
}

function parseLine(start: usize, end: usize, proto: u32): void {
  // "  12: " then fixed-width hex fields: local, remote, state, tx:rx, tr:when, retransmits.
  const v6 = (proto & 1) == 1;
  const words: usize = v6 ? 4 : 1;
  let p = skipSpaces(start, end);
  while (p < end && <u32>load<u8>(p) - 48 < 10) p++;
  if (p + 1 >= end || load<u8>(p) != 58 || load<u8>(p, 1) != 32) return;
  p += 2;
  const fixed: usize = 2 * (words * 8 + 5) + 1 + 3 + 18 + 12 + 9;
  if (p + fixed > end) return;
  p = readEndpoint(p, words);
  if (p == 0 || load<u8>(p) != 32) return;
  const l0 = e0;
  const l1 = e1;
  const l2 = e2;
  const l3 = e3;
  const localPort = ePort;
  p = readEndpoint(p + 1, words);
  if (p == 0 || load<u8>(p) != 32) return;
  const remotePort = ePort;
  const state = hexAt(p + 1, 2);
  p += 3;
  if (state < 0 || load<u8>(p) != 32) return;
  const sendQ = hexAt(p + 1, 8);
  if (sendQ < 0 || load<u8>(p, 9) != 58) return;
  const recvQ = hexAt(p + 10, 8);
  p += 18;
  if (recvQ < 0 || load<u8>(p) != 32) return;
  // tr:tm->when and retrnsmt: by their fixed width when the kernel's format holds, else tokens.
  if (p + 21 < end && load<u8>(p, 3) == 58 && load<u8>(p, 12) == 32 && load<u8>(p, 21) == 32) {
    p += 21;
  } else {
    p = skipToken(skipSpaces(p, end), end);
    p = skipToken(skipSpaces(p, end), end);
  }
  p = skipSpaces(p, end);
  const uidEnd = skipToken(p, end);
  const uid = decimal(p, uidEnd);
  p = skipSpaces(skipToken(skipSpaces(uidEnd, end), end), end); // past the timeout
  const inode = decimal(p, skipToken(p, end));
  if (uid < 0 || inode < 0) return;

  a0 = l0;
  a1 = l1;
  a2 = l2;
  a3 = l3;
  keepRow(proto, <u32>state, localPort, remotePort, <u32>recvQ, <u32>sendQ, uid, inode);
}

// The local address words of the row keepRow is given (the remote's: e0-e3).
let a0: u32 = 0;
let a1: u32 = 0;
let a2: u32 = 0;
let a3: u32 = 0;

/**
 * Keeps a row that passes the filters, once (by its inode; a TIME_WAIT row by its addresses):
 * local address words in a0-a3, the remote's in e0-e3 (as /proc/net prints them).
 */
function keepRow(
  proto: u32,
  state: u32,
  localPort: u32,
  remotePort: u32,
  recvQ: u32,
  sendQ: u32,
  uid: u64,
  inode: u64,
): void {
  if (load<u8>(stateKeep + <usize>stateSlot(proto, state)) == 0) return;
  if (portFilter >= 0 && localPort != portFilter && remotePort != portFilter) return;
  const family: u32 = (proto & 1) == 1 ? 6 : 4;
  const localId = addressId(a0, a1, a2, a3, family);
  const remoteId = addressId(e0, e1, e2, e3, family);
  const duplicate =
    inode != 0
      ? seenBefore(inode, 0)
      : seenBefore(
          ((<u64>localId) << 32) | ((<u64>localPort) << 16) | <u64>remotePort,
          ((<u64>remoteId) << 32) | ((<u64>proto) << 1) | 1,
        );
  if (duplicate) return;
  const row = room(rows, ROW, 4096 * ROW);
  rows.used += ROW;
  rowCount++;
  store<u8>(row, <u8>proto);
  store<u8>(row, <u8>state, 1);
  store<u16>(row, <u16>localPort, 2);
  store<u32>(row, localId, 4);
  store<u16>(row, <u16>remotePort, 8);
  store<u32>(row, remoteId, 12);
  store<u32>(row, recvQ, 16);
  store<u32>(row, sendQ, 20);
  // A TIME_WAIT row (06) has no socket left: the kernel gives uid 0 for "unknown", not root.
  store<u64>(row, state == 6 ? NO_UID : uid, 24);
  store<u64>(row, inode, 32);
}

// ---- the same rows from the kernel's sock_diag netlink dump (what `ss` reads) ----

const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const SOCK_DIAG_BY_FAMILY: u16 = 20;
/** struct inet_diag_msg, after each message's 16-byte header (linux/inet_diag.h). */
const DIAG_MSG: u32 = 72;
/** Returned by parseDiag for bytes that are not a netlink dump. */
const NOT_NETLINK: i32 = -1000;

/** The listeners of the dumps (proto, port, uid, address words), for their request sockets' uid. */
const listeners = new Region();
const LISTENER: usize = 28;

/**
 * Parses `length` bytes at input() of a sock_diag dump (NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY)
 * of table `proto` (as parse()), whole messages as one recv gives them, and keeps the rows that
 * pass the filters, as parse() keeps the lines of /proc/net that print the same sockets. Returns
 * 0 when more messages are to come, 1 at the dump's end (NLMSG_DONE), a negative errno when the
 * kernel answered with an error, NOT_NETLINK for bytes that are not netlink messages.
 */
export function parseDiag(length: usize, proto: u32): i32 {
  let p = inputRegion.base;
  const end = p + length;
  while (p + 16 <= end) {
    const size = load<u32>(p);
    const type = load<u16>(p, 4);
    if (size < 16 || <usize>size > end - p) return NOT_NETLINK;
    if (type == NLMSG_DONE || type == NLMSG_ERROR) {
      const error = size >= 20 ? load<i32>(p, 16) : 0;
      if (error < 0) return error;
      return type == NLMSG_DONE ? 1 : NOT_NETLINK;
    }
    if (type == SOCK_DIAG_BY_FAMILY && size >= 16 + DIAG_MSG) diagRow(p + 16, proto);
    p += (<usize>size + 3) & ~(<usize>3);
  }
  return 0;
}

function swap16(v: u32): u32 {
  return ((v & 0xff) << 8) | (v >>> 8);
}

/** One inet_diag_msg: family, state, timer, retrans, id (ports, addresses), queues, uid, inode. */
function diagRow(m: usize, proto: u32): void {
  const v6 = (proto & 1) == 1;
  if (load<u8>(m) != (v6 ? 10 : 2)) return;
  const state = <u32>load<u8>(m, 1);
  const localPort = swap16(load<u16>(m, 4));
  const remotePort = swap16(load<u16>(m, 6));
  const l0 = load<u32>(m, 8);
  const l1 = v6 ? load<u32>(m, 12) : 0;
  const l2 = v6 ? load<u32>(m, 16) : 0;
  const l3 = v6 ? load<u32>(m, 20) : 0;
  e0 = load<u32>(m, 24);
  e1 = v6 ? load<u32>(m, 28) : 0;
  e2 = v6 ? load<u32>(m, 32) : 0;
  e3 = v6 ? load<u32>(m, 36) : 0;
  const recvQ = load<u32>(m, 56);
  let sendQ = load<u32>(m, 60);
  const uid = load<u32>(m, 64);
  const inode = load<u32>(m, 68);
  const tcp = proto < 2;
  let owner = uid;
  if (tcp && state == 10) {
    // A listener: sock_diag gives its backlog's limit as the send queue, /proc/net its unsent
    // bytes (none). Kept for its request sockets, which a dump lists after the listeners.
    sendQ = 0;
    const at = room(listeners, LISTENER, 64 * LISTENER);
    listeners.used += LISTENER;
    store<u32>(at, proto);
    store<u32>(at, localPort, 4);
    store<u32>(at, uid, 8);
    store<u32>(at, l0, 12);
    store<u32>(at, l1, 16);
    store<u32>(at, l2, 20);
    store<u32>(at, l3, 24);
  } else if (tcp && state == 3 && inode == 0 && uid == 0) {
    // A request socket (a handshake not done): sock_diag gives uid 0, /proc/net its listener's.
    // In its listener's table (a dual-stack listener's IPv4 handshakes too, v4-mapped).
    owner = listenerUid(proto, localPort, l0, l1, l2, l3);
  }
  a0 = l0;
  a1 = l1;
  a2 = l2;
  a3 = l3;
  keepRow(proto, state, localPort, remotePort, recvQ, sendQ, owner, inode);
}

/** The uid of the listener on this port and address, else on this port and any address; else 0. */
function listenerUid(proto: u32, port: u32, a0: u32, a1: u32, a2: u32, a3: u32): u32 {
  let any: u32 = 0;
  for (let l = listeners.base; l < listeners.base + listeners.used; l += LISTENER) {
    if (load<u32>(l) != proto || load<u32>(l, 4) != port) continue;
    const w0 = load<u32>(l, 12);
    const w1 = load<u32>(l, 16);
    const w2 = load<u32>(l, 20);
    const w3 = load<u32>(l, 24);
    if (w0 == a0 && w1 == a1 && w2 == a2 && w3 == a3) return load<u32>(l, 8);
    if ((w0 | w1 | w2 | w3) == 0) any = load<u32>(l, 8);
  }
  return any;
}

export function count(): u32 {
  return rowCount;
}

// ---- sorting: netstat's order, as sortEntries' default ----

let order: usize = 0; // u32 row numbers, in output order

function textCompare(a: u32, b: u32): i32 {
  const ia = textIndex.base + <usize>a * 12;
  const ib = textIndex.base + <usize>b * 12;
  const pa = texts.base + <usize>load<u32>(ia);
  const pb = texts.base + <usize>load<u32>(ib);
  const la = load<u32>(ia, 4);
  const lb = load<u32>(ib, 4);
  const n = la < lb ? la : lb;
  for (let i: u32 = 0; i < n; i++) {
    const d = <i32>load<u8>(pa + i) - <i32>load<u8>(pb + i);
    if (d != 0) return d;
  }
  return <i32>la - <i32>lb;
}

function rank(id: u32): i32 {
  return <i32>load<u32>(textIndex.base + <usize>id * 12, 8);
}

function rowCompare(a: u32, b: u32): i32 {
  const ra = rows.base + <usize>a * ROW;
  const rb = rows.base + <usize>b * ROW;
  let d = <i32>load<u8>(ra) - <i32>load<u8>(rb);
  if (d == 0) d = <i32>load<u16>(ra, 2) - <i32>load<u16>(rb, 2);
  if (d == 0) d = rank(load<u32>(ra, 4)) - rank(load<u32>(rb, 4));
  if (d == 0) d = <i32>load<u16>(ra, 8) - <i32>load<u16>(rb, 8);
  if (d == 0) d = rank(load<u32>(ra, 12)) - rank(load<u32>(rb, 12));
  if (d == 0) {
    const x = load<u64>(ra, 32);
    const y = load<u64>(rb, 32);
    d = x < y ? -1 : x > y ? 1 : 0;
  }
  return d;
}

/** A stable merge sort of `n` u32s at `items`, by rows (`byRow`) or by address texts. */
function mergeSort(items: usize, n: u32, byRow: bool): usize {
  let from = items;
  let to = alloc(<usize>n * 4);
  for (let width: u32 = 1; width < n; width *= 2) {
    for (let low: u32 = 0; low < n; low += 2 * width) {
      const middle = min(low + width, n);
      const high = min(low + 2 * width, n);
      let i = low;
      let j = middle;
      let k = low;
      while (i < middle && j < high) {
        const a = load<u32>(from + <usize>i * 4);
        const b = load<u32>(from + <usize>j * 4);
        const after = byRow ? rowCompare(b, a) < 0 : textCompare(b, a) < 0;
        store<u32>(to + <usize>k * 4, after ? b : a);
        k++;
        if (after) j++;
        else i++;
      }
      for (; i < middle; i++, k++) store<u32>(to + <usize>k * 4, load<u32>(from + <usize>i * 4));
      for (; j < high; j++, k++) store<u32>(to + <usize>k * 4, load<u32>(from + <usize>j * 4));
    }
    const swap = from;
    from = to;
    to = swap;
  }
  return from;
}

function identity(n: u32): usize {
  const items = alloc(<usize>n * 4 + 4);
  for (let i: u32 = 0; i < n; i++) store<u32>(items + <usize>i * 4, i);
  return items;
}

/** Puts the rows in netstat's order (protocol, local port, local address, remote…, inode). */
export function sort(): void {
  const ids = mergeSort(identity(textCount), textCount, false);
  let r: u32 = 0;
  for (let i: u32 = 0; i < textCount; i++) {
    const id = load<u32>(ids + <usize>i * 4);
    if (i > 0 && textCompare(load<u32>(ids + <usize>(i - 1) * 4), id) != 0) r++;
    store<u32>(textIndex.base + <usize>id * 12, r, 8);
  }
  order = mergeSort(order == 0 ? identity(rowCount) : order, rowCount, true);
}

// ---- owners ----

// The fd scan's table of owners, in its layout (src/runtime/shared-fd-scan.ts): slots of
// (i32 inode, i32 pid, i32 fd), several per inode when it is shared, found from ownerSlot's hash
// by linear probing; inode 0: an empty slot, fd -1: null.
let owners: usize = 0;
let ownerSlots: u32 = 0;
let ownerBits: u32 = 0;
let ownerCount: u32 = 0;
let unreadable: u32 = 0;
let callerUid: f64 = -1; // -1: unknown

/**
 * An empty table of `slots` (a power of two, at least 1024) for the JavaScript side to fill: the
 * fd scan's table itself (then ownersFilled()), or a copy of it (`filled` in the copy); then
 * addOwner() for the owners outside it.
 */
export function ownersFor(slots: u32, filled: u32): usize {
  ownerSlots = slots;
  ownerBits = 31 - clz(slots);
  owners = alloc(<usize>slots * 12);
  ownerCount = filled;
  return owners;
}

/**
 * The table ownersFor() gave was filled in place (the fd scan wrote into this module's shared
 * memory): `filled` owners are in it.
 */
export function ownersFilled(filled: u32): void {
  ownerCount = filled;
}

function ownerSlot(inode: u32): u32 {
  return (inode * 0x9e3779b1) >>> (32 - ownerBits);
}

function placeOwner(inode: u32, pid: i32, fd: i32): void {
  const mask = ownerSlots - 1;
  let j = ownerSlot(inode);
  while (load<u32>(owners + <usize>j * 12) != 0) j = (j + 1) & mask;
  const slot = owners + <usize>j * 12;
  store<u32>(slot, inode);
  store<i32>(slot, pid, 4);
  store<i32>(slot, fd, 8);
}

/** One more owner; the table doubles past 3/4 full. */
export function addOwner(inode: u32, pid: i32, fd: i32): void {
  if (inode == 0) return;
  if (ownerCount + 1 > ownerSlots - (ownerSlots >> 2)) {
    const old = owners;
    const oldSlots = ownerSlots;
    ownersFor(oldSlots * 2, ownerCount);
    for (let i: u32 = 0; i < oldSlots; i++) {
      const slot = old + <usize>i * 12;
      const stored = load<u32>(slot);
      if (stored != 0) placeOwner(stored, load<i32>(slot, 4), load<i32>(slot, 8));
    }
  }
  placeOwner(inode, pid, fd);
  ownerCount++;
}

/** Processes whose fds could not be read, and the caller's uid (-1: unknown). */
export function context(processesUnreadable: u32, uid: f64): void {
  unreadable = processesUnreadable;
  callerUid = uid;
}

let found: usize = 0; // the owners of one row: i32 pid, i32 fd pairs
let foundCount: u32 = 0;
let foundRoom: u32 = 0;

/** The owners of `inode`, by pid then fd (ss's order), into `found`. */
function ownersOf(inode: u64): void {
  foundCount = 0;
  if (inode == 0 || inode > 0xffff_ffff || ownerSlots == 0) return;
  const key = <u32>inode;
  const mask = ownerSlots - 1;
  for (let j = ownerSlot(key); ; j = (j + 1) & mask) {
    const slot = owners + <usize>j * 12;
    const stored = load<u32>(slot);
    if (stored == 0) break;
    if (stored != key) continue;
    if (foundCount == foundRoom) {
      foundRoom = foundRoom == 0 ? 64 : foundRoom * 2;
      const grown = alloc(<usize>foundRoom * 8);
      if (foundCount > 0) memory.copy(grown, found, <usize>foundCount * 8);
      found = grown;
    }
    const pid = load<i32>(slot, 4);
    const fd = load<i32>(slot, 8);
    // Insertion into place: a socket has one owner, sometimes a few.
    let i = foundCount++;
    for (; i > 0; i--) {
      const before = found + <usize>(i - 1) * 8;
      const p = load<i32>(before);
      if (p < pid || (p == pid && max(load<i32>(before, 4), 0) <= max(fd, 0))) break;
      store<u64>(before + 8, load<u64>(before));
    }
    store<i32>(found + <usize>i * 8, pid);
    store<i32>(found + <usize>i * 8, fd, 4);
  }
}

// ---- names the JavaScript side looks up: commands by pid, users by uid ----

// A table of (key, offset, length) by key: a pid, or a uid with USER set; NONE: empty slot, an
// offset of NONE: not named (null).
const USER: u64 = 1 << 63;
const NONE: u64 = u64.MAX_VALUE;
let nameTable: usize = 0;
let nameSlots: u32 = 0;
let nameCount: u32 = 0;
const nameText = new Region();

function nameSlot(key: u64): usize {
  if ((nameCount + 1) * 2 > nameSlots) {
    const count: u32 = nameSlots == 0 ? 1024 : nameSlots * 2;
    const grown = alloc(<usize>count * 16);
    memory.fill(grown, 0xff, <usize>count * 16);
    for (let i: u32 = 0; i < nameSlots; i++) {
      const from = nameTable + <usize>i * 16;
      const stored = load<u64>(from);
      if (stored == NONE) continue;
      let j = keyHash(stored, 0) & (count - 1);
      while (load<u64>(grown + <usize>j * 16) != NONE) j = (j + 1) & (count - 1);
      memory.copy(grown + <usize>j * 16, from, 16);
    }
    nameTable = grown;
    nameSlots = count;
  }
  const mask = nameSlots - 1;
  for (let j = keyHash(key, 0) & mask; ; j = (j + 1) & mask) {
    const slot = nameTable + <usize>j * 16;
    const stored = load<u64>(slot);
    if (stored == key) return slot;
    if (stored == NONE) {
      store<u64>(slot, key);
      store<u32>(slot, 0xffff_ffff, 8);
      nameCount++;
      return slot;
    }
  }
  return unreachable();
}

const wantedPids = new Region(); // u32 each
const wantedUids = new Region(); // f64 each

/** Lists the pids (owners) and uids (rows) to name: then pidList()/pidCount(), uidList()/uidCount(). */
export function wanted(): void {
  wantedPids.used = 0;
  wantedUids.used = 0;
  for (let i: u32 = 0; i < rowCount; i++) {
    const row = rows.base + <usize>i * ROW;
    const uid = load<u64>(row, 24);
    if (uid != NO_UID && isNew(uid | USER)) {
      store<f64>(room(wantedUids, 8, 4096), <f64>uid);
      wantedUids.used += 8;
    }
    ownersOf(load<u64>(row, 32));
    for (let k: u32 = 0; k < foundCount; k++) {
      const pid = load<u32>(found + <usize>k * 8);
      if (!isNew(<u64>pid)) continue;
      store<u32>(room(wantedPids, 4, 4096), pid);
      wantedPids.used += 4;
    }
  }
}

function isNew(key: u64): bool {
  const before = nameCount;
  nameSlot(key);
  return nameCount != before;
}

export function pidList(): usize {
  return wantedPids.base;
}
export function pidCount(): u32 {
  return <u32>(wantedPids.used / 4);
}
export function uidList(): usize {
  return wantedUids.base;
}
export function uidCount(): u32 {
  return <u32>(wantedUids.used / 8);
}

/** Names a pid's command, or (`user`) a uid's user: `length` bytes of JSON text at scratch(). */
export function setName(id: f64, user: bool, length: u32): void {
  const key = user ? <u64>id | USER : <u64>id;
  const slot = nameSlot(key);
  const at = room(nameText, length, 16384);
  memory.copy(at, scratchRegion.base, length);
  store<u32>(slot, <u32>nameText.used, 8);
  store<u32>(slot, length, 12);
  nameText.used += length;
}

// ---- JSON ----

const out = new Region();

export function output(): usize {
  return out.base;
}

function byte(code: u8): void {
  store<u8>(out.base + out.used, code);
  out.used++;
}

/** ASCII text as bytes (JSON keys and punctuation): a u32 length, then the bytes. */
function literal(text: string): usize {
  const n = text.length;
  const at = alloc(4 + <usize>n);
  store<u32>(at, n);
  for (let i = 0; i < n; i++) store<u8>(at + 4 + <usize>i, <u8>text.charCodeAt(i));
  return at;
}

const NULL = literal('null');
const PROTO = literal('{"proto":');
const STATE = literal(',"state":');
const LOCAL = literal(',"local":{"address":');
const PORT = literal(',"port":');
const REMOTE = literal('},"remote":{"address":');
const RECV_Q = literal('},"recvQ":');
const SEND_Q = literal(',"sendQ":');
const UID = literal(',"uid":');
const USER_KEY = literal(',"user":');
const INODE = literal(',"inode":');
const PID = literal(',"pid":');
const NO_OWNER = literal('null,"command":null,"processes":[],"hidden":');
const COMMAND = literal(',"command":');
const PROCESSES = literal(',"processes":[');
const FD = literal(',"fd":');
const END = literal(']}');
const FIRST_OWNER = literal('{"pid":');
const NEXT_OWNER = literal(',{"pid":');

/** A literal as it is. */
function raw(text: usize): void {
  const n = load<u32>(text);
  memory.copy(out.base + out.used, text + 4, n);
  out.used += n;
}

function putString(index: u32): void {
  const entry = stringIndex + <usize>index * 8;
  const length = load<u32>(entry, 4);
  room(out, length, 1 << 16);
  memory.copy(out.base + out.used, strings.base + <usize>load<u32>(entry), length);
  out.used += length;
}

function address(id: u32): void {
  const entry = textIndex.base + <usize>id * 12;
  const length = load<u32>(entry, 4);
  byte(34);
  memory.copy(out.base + out.used, texts.base + <usize>load<u32>(entry), length);
  out.used += length;
  byte(34);
}

function name(key: u64): void {
  const slot = nameSlot(key);
  const offset = load<u32>(slot, 8);
  if (offset == 0xffff_ffff) {
    raw(NULL);
    return;
  }
  const length = load<u32>(slot, 12);
  room(out, length, 1 << 16);
  memory.copy(out.base + out.used, nameText.base + <usize>offset, length);
  out.used += length;
}

function number(v: u64): void {
  let digits: usize = 1;
  for (let t = v; t >= 10; t /= 10) digits++;
  let at = out.base + out.used + digits;
  out.used += digits;
  do {
    store<u8>(--at, <u8>(48 + (v % 10)));
    v /= 10;
  } while (v != 0);
}

// Why an owner is not listed, by string index.
const NO_OWNING_PROCESS: u32 = 36;
const NEEDS_ROOT: u32 = 37;
const PERMISSION_DENIED: u32 = 38;
const OWNER_NOT_VISIBLE: u32 = 39;

/**
 * Writes rows [from, to) of the output order as JSON (the first opens the array, the row
 * `last` closes it; others end with a comma) and returns the length written at output().
 */
export function write(from: u32, to: u32, last: u32): usize {
  out.used = 0;
  if (order == 0) order = identity(rowCount);
  if (from == 0) {
    room(out, 1, 1 << 16);
    byte(91); // [
  }
  for (let i = from; i < to; i++) {
    const row = rows.base + <usize>load<u32>(order + <usize>i * 4) * ROW;
    const inode = load<u64>(row, 32);
    ownersOf(inode);
    room(out, 1024, 1 << 16);
    const proto = <u32>load<u8>(row);
    const uid = load<u64>(row, 24);
    raw(PROTO);
    putString(PROTOS + proto);
    raw(STATE);
    putString(stateSlot(proto, load<u8>(row, 1)));
    raw(LOCAL);
    address(load<u32>(row, 4));
    raw(PORT);
    number(load<u16>(row, 2));
    raw(REMOTE);
    address(load<u32>(row, 12));
    raw(PORT);
    number(load<u16>(row, 8));
    raw(RECV_Q);
    number(load<u32>(row, 16));
    raw(SEND_Q);
    number(load<u32>(row, 20));
    raw(UID);
    if (uid == NO_UID) raw(NULL);
    else number(uid);
    raw(USER_KEY);
    if (uid == NO_UID) raw(NULL);
    else name(uid | USER);
    raw(INODE);
    number(inode);
    raw(PID);
    if (foundCount == 0) {
      raw(NO_OWNER);
      // As the collector decides it (src/collect/linux.ts, attachOwners).
      const hidden =
        inode == 0
          ? NO_OWNING_PROCESS
          : unreadable > 0 && callerUid != 0 && (uid == NO_UID || <f64>uid != callerUid)
            ? NEEDS_ROOT
            : unreadable > 0
              ? PERMISSION_DENIED
              : OWNER_NOT_VISIBLE;
      putString(hidden);
      byte(125); // }
    } else {
      const first = <u64>load<u32>(found);
      number(first);
      raw(COMMAND);
      name(first);
      raw(PROCESSES);
      for (let k: u32 = 0; k < foundCount; k++) {
        const pid = load<u32>(found + <usize>k * 8);
        const fd = load<i32>(found + <usize>k * 8, 4);
        room(out, 128, 1 << 16);
        raw(k == 0 ? FIRST_OWNER : NEXT_OWNER);
        number(pid);
        raw(COMMAND);
        name(pid);
        raw(FD);
        if (fd < 0) raw(NULL);
        else number(<u64>fd);
        byte(125); // }
      }
      raw(END);
    }
    byte(i == last ? 93 : 44); // ] or ,
  }
  return out.used;
}
