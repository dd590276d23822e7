import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readLinesSync } from './read-all.ts';

const dir = mkdtempSync(join(tmpdir(), 'socklab-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every (text, more) readLinesSync hands out for a file holding `text`. */
function pieces(
  text: string,
  piece: number,
  encoding: 'latin1' | 'utf8' = 'latin1',
): [string, boolean][] {
  const path = join(dir, 'table');
  writeFileSync(path, text, encoding);
  const fd = openSync(path, 'r');
  const out: [string, boolean][] = [];
  try {
    readLinesSync(fd, piece, encoding, (chunk, more) => out.push([chunk, more]));
  } finally {
    closeSync(fd);
  }
  return out;
}

describe('readLinesSync', () => {
  it('hands out the whole file in pieces of whole lines, the first one marked', () => {
    const line = fc.string({ unit: fc.constantFrom('a', 'B', '0', ' ', ':'), maxLength: 40 });
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 60 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 64 }),
        (lines, lastEnds, piece) => {
          const text = lines.join('\n') + (lastEnds && lines.length > 0 ? '\n' : '');
          const out = pieces(text, piece);
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
    expect(pieces('', 16)).toEqual([['', false]]);
  });

  it('grows for a line longer than a piece', () => {
    const long = `${'x'.repeat(5000)}\n`;
    const out = pieces(`head\n${long}tail\n`, 64);
    expect(out[0]).toEqual(['head\n', false]);
    expect(out.slice(1).some(([chunk]) => chunk.startsWith(long))).toBe(true);
    expect(out.map(([chunk]) => chunk).join('')).toBe(`head\n${long}tail\n`);
  });
});
