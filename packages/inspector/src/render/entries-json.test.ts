// The JSON view: pieces that, written with a newline after each, are one JSON array of exactly
// the entries, `size` entries per line, whatever text the entries carry (paths, users and
// commands come from the machine and may hold quotes, brackets, commas or newlines).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeEntry } from '../parsers/entry.ts';
import type { SocketEntry, SocketProto } from '../types.ts';
import { entriesToJSON, entriesToJSONPieces } from './entries-json.ts';

const protos: SocketProto[] = ['tcp', 'tcp6', 'udp', 'udp6', 'unix'];
// Text that looks like the separator, or JSON, as well as anything else.
const text = fc.oneof(
  fc.string(),
  fc.constantFrom('},{"proto":', '"},{"proto":"tcp"}]', '[', ',', '\n', '\\', '日本', '\u2028'),
);

const entry = fc
  .record({
    proto: fc.constantFrom(...protos),
    state: fc.constantFrom('LISTEN', 'ESTABLISHED', 'UNCONN'),
    local: fc.record({ address: text, port: fc.integer({ min: 0, max: 65535 }) }),
    remote: fc.record({ address: text, port: fc.integer({ min: 0, max: 65535 }) }),
    user: fc.option(text, { nil: null }),
    owners: fc.array(fc.record({ pid: fc.nat(), command: fc.option(text, { nil: null }) }), {
      maxLength: 3,
    }),
  })
  .map(({ owners, ...fields }) =>
    makeEntry({
      ...fields,
      processes: owners.map((owner, fd) => ({ ...owner, fd })),
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
