// Formats the hex addresses /proc/net prints. The kernel prints each 32-bit word of the address
// in host byte order, which on every platform Linux runs this code on is little-endian. The
// tables are read as bytes (ASCII): no text is decoded to parse them.

const ipv4Cache = new Map<number, string>();

/** 8 hex digits at `start` as a dotted quad, or undefined when they are not hex. */
export function ipv4FromProcHex(bytes: Uint8Array, start: number): string | undefined {
  const word = hexWord(bytes, start);
  if (word < 0) return undefined;
  let address = ipv4Cache.get(word);
  if (address === undefined) {
    address = `${word & 0xff}.${(word >>> 8) & 0xff}.${(word >>> 16) & 0xff}.${word >>> 24}`;
    if (ipv4Cache.size < 4096) ipv4Cache.set(word, address);
  }
  return address;
}

/**
 * Formatted addresses: those whose first 80 bits are zero and the next 16 zero or ffff (::, ::1,
 * v4-mapped, the common ones) by a number made of the rest, without building a key string.
 */
const ipv6Cache = new Map<number | string, string>();

/** 32 hex digits at `start` as an RFC 5952 IPv6 text (v4-mapped as ::ffff:a.b.c.d). */
export function ipv6FromProcHex(bytes: Uint8Array, start: number): string | undefined {
  const w0 = hexWord(bytes, start);
  const w1 = hexWord(bytes, start + 8);
  const w2 = hexWord(bytes, start + 16);
  const w3 = hexWord(bytes, start + 24);
  if (w0 < 0 || w1 < 0 || w2 < 0 || w3 < 0) return undefined;
  // The third word 0000:0000 or 0000:ffff (printed little-endian), then any fourth: exact.
  const zeroHead = w0 === 0 && w1 === 0 && (w2 === 0 || w2 === 0xffff0000);
  const key = zeroHead ? (w2 === 0 ? 0 : 2 ** 32) + w3 : `${w0} ${w1} ${w2} ${w3}`;
  const cached = ipv6Cache.get(key);
  if (cached !== undefined) return cached;
  const groups: number[] = [];
  for (const word of [w0, w1, w2, w3]) {
    // Little-endian word: its first byte in memory is its lowest byte.
    groups.push(
      ((word & 0xff) << 8) | ((word >>> 8) & 0xff),
      (((word >>> 16) & 0xff) << 8) | (word >>> 24),
    );
  }
  const address = formatIPv6(groups);
  if (ipv6Cache.size < 4096) ipv6Cache.set(key, address);
  return address;
}

/** Eight 16-bit groups as text: zeros compressed, v4-mapped and v4-compatible tails dotted. */
export function formatIPv6(groups: readonly number[]): string {
  const g = groups as number[];
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    const high = g[6] as number;
    const low = g[7] as number;
    return `::ffff:${high >>> 8}.${high & 0xff}.${low >>> 8}.${low & 0xff}`;
  }
  // Longest run of two or more zero groups, the first one on ties (RFC 5952 section 4.2).
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return g.map((x) => x.toString(16)).join(':');
  const head = g
    .slice(0, bestStart)
    .map((x) => x.toString(16))
    .join(':');
  const tail = g
    .slice(bestStart + bestLength)
    .map((x) => x.toString(16))
    .join(':');
  return `${head}::${tail}`;
}

/** Hex digit values by char code (-1: not a digit). A table, not a call per character: the
 * parser runs mostly before the JIT has optimized it, where every call counts. */
export const hexValues: Int8Array = (() => {
  const table = new Int8Array(256).fill(-1);
  for (let i = 0; i < 10; i++) table[48 + i] = i;
  for (let i = 0; i < 6; i++) {
    table[65 + i] = 10 + i;
    table[97 + i] = 10 + i;
  }
  return table;
})();

/** `length` (1-12) hex digits at `start` as a number, or -1 when one is not a hex digit. */
export function hexAt(bytes: Uint8Array, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i++) {
    const code = bytes[i];
    // undefined past the end fails here.
    if (code === undefined) return -1;
    const d = hexValues[code] as number;
    if (d < 0) return -1;
    value = value * 16 + d;
  }
  return value;
}

/** 8 hex digits as an unsigned 32-bit number, or -1 when one is not a hex digit. */
export function hexWord(bytes: Uint8Array, start: number): number {
  return hexAt(bytes, start, 8);
}

/** The inverse of ipv4FromProcHex, for fixtures and tests. */
export function ipv4ToProcHex(address: string): string {
  const [a, b, c, d] = address.split('.').map(Number) as [number, number, number, number];
  return [d, c, b, a].map((x) => x.toString(16).padStart(2, '0').toUpperCase()).join('');
}

/** The inverse of ipv6FromProcHex for eight groups, for fixtures and tests. */
export function ipv6GroupsToProcHex(groups: readonly number[]): string {
  let out = '';
  for (let w = 0; w < 4; w++) {
    const hi = groups[w * 2] as number;
    const lo = groups[w * 2 + 1] as number;
    // Bytes in memory: hi>>8, hi&ff, lo>>8, lo&ff; printed as a little-endian word.
    const bytes = [hi >>> 8, hi & 0xff, lo >>> 8, lo & 0xff];
    out += bytes
      .reverse()
      .map((x) => x.toString(16).padStart(2, '0').toUpperCase())
      .join('');
  }
  return out;
}
