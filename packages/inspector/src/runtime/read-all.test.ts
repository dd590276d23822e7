import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSocketError } from '@socklab/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readLinePieces, readTablePieces } from './line-pieces.ts';
import { openNodeTable } from './node-worker-collect.ts';

const dir = mkdtempSync(join(tmpdir(), 'socklab-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Reader = (text: string, piece: number, encoding: 'latin1' | 'utf8') => [string, boolean][];

/** Decodes each piece as it comes: the next read reuses its buffer. */
const collect = (encoding: 'latin1' | 'utf8', out: [string, boolean][]) => {
  const decoder = new TextDecoder(encoding === 'utf8' ? 'utf-8' : 'latin1');
  return (chunk: Uint8Array, more: boolean) => void out.push([decoder.decode(chunk), more]);
};

mkdirSync(join(dir, 'net'));

/** Every (text, more) readTablePieces hands out for a table holding `text` (Node's reads). */
const fromFile: Reader = (text, piece, encoding) => {
  writeFileSync(join(dir, 'net', 'tcp'), text, encoding);
  const out: [string, boolean][] = [];
  const decode = collect(encoding, out);
  readTablePieces(
    dir,
    'tcp',
    openNodeTable,
    (bytes, more) => decode(bytes as Uint8Array, more),
    piece,
  );
  return out;
};

/**
 * The same from readLinePieces over bytes in memory and Uint8Arrays as on Deno, with reads that
 * stop short as the kernel's do (one page of /proc at a time).
 */
const fromBytes: Reader = (text, piece, encoding) => {
  const bytes = encoding === 'utf8' ? new TextEncoder().encode(text) : Buffer.from(text, 'latin1');
  let at = 0;
  const out: [string, boolean][] = [];
  const read = (buffer: Uint8Array, offset: number, length: number) => {
    const count = Math.min(length, bytes.length - at, 1 + (at % 7));
    buffer.set(bytes.subarray(at, at + count), offset);
    at += count;
    return count;
  };
  readLinePieces(read, piece, collect(encoding, out));
  return out;
};

describe.each([
  ['readTablePieces, openNodeTable', fromFile],
  ['readLinePieces, TextDecoder', fromBytes],
] as const)('%s', (_name, pieces: Reader) => {
  it('hands out the whole file in pieces of whole lines, the first one marked', () => {
    const line = fc.string({ unit: fc.constantFrom('a', 'B', '0', ' ', ':'), maxLength: 40 });
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 60 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 64 }),
        (lines, lastEnds, piece) => {
          const text = lines.join('\n') + (lastEnds && lines.length > 0 ? '\n' : '');
          const out = pieces(text, piece, 'latin1');
          expect(out.map(([chunk]) => chunk).join('')).toBe(text);
          expect(out.map(([, more]) => more)).toEqual(out.map((_, i) => i > 0));
          // Every piece but the last ends a line; none is empty unless the file is.
          for (const [chunk] of out.slice(0, -1)) expect(chunk.endsWith('\n')).toBe(true);
          if (text !== '') for (const [chunk] of out) expect(chunk).not.toBe('');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps UTF-8 characters whole, whatever the read size (unix socket paths)', () => {
    const line = fc.string({ unit: fc.constantFrom('a', ' ', 'é', '日', '😀'), maxLength: 20 });
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 30 }),
        fc.integer({ min: 1, max: 16 }),
        (lines, piece) => {
          const text = lines.map((l) => `${l}\n`).join('');
          expect(
            pieces(text, piece, 'utf8')
              .map(([chunk]) => chunk)
              .join(''),
          ).toBe(text);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gives an empty file as one empty first piece', () => {
    expect(pieces('', 16, 'latin1')).toEqual([['', false]]);
  });

  it('grows for a line longer than a piece', () => {
    const long = `${'x'.repeat(5000)}\n`;
    const out = pieces(`head\n${long}tail\n`, 64, 'latin1');
    expect(out[0]).toEqual(['head\n', false]);
    expect(out.slice(1).some(([chunk]) => chunk.startsWith(long))).toBe(true);
    expect(out.map(([chunk]) => chunk).join('')).toBe(`head\n${long}tail\n`);
  });
});

describe('readTablePieces', () => {
  it('gives a missing IPv6 table as undefined, and names any other table it cannot read', () => {
    const got: [Uint8Array | undefined, boolean][] = [];
    readTablePieces(dir, 'tcp6', openNodeTable, (bytes, more) => got.push([bytes, more]));
    expect(got).toEqual([[undefined, false]]);
    let thrown: unknown;
    try {
      readTablePieces(dir, 'udp', openNodeTable, () => {});
    } catch (error) {
      thrown = error;
    }
    expect(isSocketError(thrown)).toBe(true);
    expect((thrown as Error).message).toContain(`${dir}/net/udp`);
  });
});
