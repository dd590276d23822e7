// The JSON view: pieces that, written with a newline after each, are one JSON array of exactly
// the entries, `size` entries per line, whatever text the entries carry (paths, users and
// commands come from the machine and may hold quotes, brackets, commas or newlines).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeEntry } from '../parsers/entry.ts';
import type { SocketEntry, SocketProto } from '../types.ts';
import { entriesToJSON, entriesToJSONBytes, entriesToJSONPieces } from './entries-json.ts';

const protos: SocketProto[] = ['tcp', 'tcp6', 'udp', 'udp6', 'unix'];
// Text that looks like the separator, or JSON, as well as anything else.
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  // Lone surrogates: JSON.stringify escapes them (\udXXX).
  fc.string({ unit: fc.integer({ min: 0xd7f0, max: 0xe010 }).map((c) => String.fromCharCode(c)) }),
  fc.constantFrom(
    '},{"proto":',
    '"},{"proto":"tcp"}]',
    '[',
    ',',
    '\n',
    '\\',
    '日本',
    '\u2028',
    '\x7f',
  ),
);
// Counts as the kernel gives them, and numbers no kernel gives (JSON.stringify's way for those).
const count = fc.oneof(
  fc.nat(),
  fc.integer({ min: 0, max: 2 ** 32 + 5 }),
  fc.integer({ min: -5, max: 5 }),
  fc.double(),
  fc.constantFrom(2 ** 32 - 1, 2 ** 32, 2 ** 53, -0, 1e21, Number.NaN, Number.POSITIVE_INFINITY),
);

const entry = fc
  .record({
    proto: fc.constantFrom(...protos),
    state: fc.constantFrom('LISTEN', 'ESTABLISHED', 'UNCONN'),
    local: fc.record({ address: text, port: fc.integer({ min: 0, max: 65535 }) }),
    remote: fc.record({ address: text, port: fc.integer({ min: 0, max: 65535 }) }),
    recvQ: count,
    sendQ: count,
    uid: fc.option(count, { nil: null }),
    user: fc.option(text, { nil: null }),
    inode: count,
    owners: fc.array(
      fc.record({
        pid: count,
        command: fc.option(text, { nil: null }),
        fd: fc.option(count, { nil: null }),
      }),
      { maxLength: 3 },
    ),
  })
  .map(({ owners, ...fields }) =>
    makeEntry({
      ...fields,
      processes: owners,
      hidden: owners.length === 0 ? 'needs root' : undefined,
    }),
  );

/** What JSON.stringify makes of the entries (drops `hidden: undefined`). */
const plain = (entries: SocketEntry[]) => JSON.parse(JSON.stringify(entries));

describe('entriesToJSON', () => {
  it('is one JSON array of the entries, a line per piece, in any size of piece', () => {
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 40 }),
        fc.integer({ min: 1, max: 9 }),
        (list, size) => {
          const pieces = [...entriesToJSONPieces(list, size)];
          // Character for character what JSON.stringify writes, cut between entries.
          expect(pieces.join('')).toBe(JSON.stringify(list));
          expect(JSON.parse(pieces.join('\n'))).toEqual(plain(list));
          expect(entriesToJSON(list)).toBe([...entriesToJSONPieces(list)].join('\n'));
          if (list.length === 0) return void expect(pieces).toEqual(['[]']);
          // Piece k is entries [k*size, (k+1)*size): "[" before the first, "," after each but the
          // last, "]" after it; no newline inside (JSON strings escape theirs).
          expect(pieces).toHaveLength(Math.ceil(list.length / size));
          pieces.forEach((piece, k) => {
            const last = k === pieces.length - 1;
            expect(piece.startsWith('[')).toBe(k === 0);
            expect(piece.at(-1)).toBe(last ? ']' : ',');
            expect(piece).not.toContain('\n');
            const inner = piece.slice(k === 0 ? 1 : 0, -1);
            expect(JSON.parse(`[${inner}]`)).toEqual(plain(list.slice(k * size, (k + 1) * size)));
          });
        },
      ),
    );
  });
});

describe('entriesToJSONBytes', () => {
  it('is the pieces as UTF-8, each a view that the next piece overwrites', () => {
    const list = Array.from({ length: 10 }, (_, i) =>
      makeEntry({
        proto: 'tcp',
        state: 'LISTEN',
        local: { address: '127.0.0.1', port: 1000 + i },
        remote: { address: '0.0.0.0', port: 0 },
        processes: [{ pid: 1, command: i % 2 ? 'caf\u00e9' : 'node', fd: i }],
      }),
    );
    const utf8 = new TextDecoder();
    const kept: Uint8Array[] = [];
    const decoded: string[] = [];
    for (const piece of entriesToJSONBytes(list, 3)) {
      kept.push(piece);
      decoded.push(utf8.decode(piece));
    }
    expect(decoded).toEqual([...entriesToJSONPieces(list, 3)]);
    // Kept without a copy, every piece shows what was written last: the buffer is reused.
    expect(new Set(kept.map((piece) => piece.buffer)).size).toBe(1);
    expect([...entriesToJSONBytes([])].map((piece) => utf8.decode(piece))).toEqual(['[]']);
  });
});
