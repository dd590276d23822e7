import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numRuns } from '../test/helpers.ts';
import { UsageError } from './errors.ts';
import {
  bytesToText,
  bytesToTextLenient,
  createMessage,
  escapeControls,
  fromHex,
  hexdump,
  pythonBytesRepr,
  readStdin,
  textToBytes,
  toHex,
} from './message.ts';

const bytes = (...b: number[]) => new Uint8Array(b);

/** Runs python3 once on many byte strings: one repr per line. */
function pythonRepr(samples: Uint8Array[]): string[] {
  const input = samples.map((s) => toHex(s)).join('\n');
  const script =
    'import sys\nfor line in sys.stdin.read().split("\\n"):\n    print(repr(bytes.fromhex(line)))';
  const out = execFileSync('python3', ['-c', script], {
    input,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return out.split('\n').slice(0, samples.length);
}

describe('text and hex', () => {
  it('round-trips UTF-8 text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => bytesToText(textToBytes(s)) === s),
      { numRuns },
    );
  });

  it('tells invalid UTF-8 apart, and decodes it leniently with U+FFFD', () => {
    expect(bytesToText(bytes(0xff, 0x41))).toBeUndefined();
    expect(bytesToText(bytes(0xe2, 0x82))).toBeUndefined();
    expect(bytesToTextLenient(bytes(0xff, 0x41))).toBe('\uFFFDA');
    expect(bytesToText(new Uint8Array())).toBe('');
  });

  it('round-trips hex, and rejects odd or non-hex input', () => {
    expect(toHex(textToBytes('Hello'))).toBe('48656c6c6f');
    expect(fromHex('48:65 6C')).toEqual(bytes(0x48, 0x65, 0x6c));
    expect(() => fromHex('abc')).toThrow(SyntaxError);
    expect(() => fromHex('zz')).toThrow('Cannot parse hex "zz": need pairs of 0-9a-f digits');
    fc.assert(
      fc.property(fc.uint8Array(), (b) => toHex(fromHex(toHex(b))) === toHex(b)),
      { numRuns },
    );
  });

  it('makes messages with a timestamp and optional endpoints', () => {
    const m = createMessage(textToBytes('x'), { address: '127.0.0.1', port: 1 });
    expect(m.from).toEqual({ address: '127.0.0.1', port: 1 });
    expect(m.to).toBeUndefined();
    expect(Math.abs(m.timestamp - Date.now())).toBeLessThan(1000);
  });
});

describe('hexdump', () => {
  it('prints offset, two groups of 8 bytes and the printable ASCII', () => {
    expect(hexdump(textToBytes('Hello, world\n'))).toBe(
      '00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 0a           |Hello, world.|',
    );
    expect(hexdump(new Uint8Array())).toBe('');
  });

  it('matches `hexdump -C -v` line for line', () => {
    const samples = fc.sample(
      fc.uint8Array({ maxLength: 100 }),
      process.env.SOCKLAB_STRESS ? 500 : 30,
    );
    samples.push(
      textToBytes('0123456789abcdef'),
      textToBytes('0123456789abcdefg'),
      bytes(0, 0x7f, 0x80, 0xff, 0x20, 0x7e),
    );
    for (const sample of samples) {
      const expected = execFileSync('hexdump', ['-C', '-v'], { input: sample, encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.includes('|'))
        .join('\n');
      expect(hexdump(sample)).toBe(expected);
    }
  });
});

describe('pythonBytesRepr', () => {
  it.each([
    [textToBytes('Hello, world'), "b'Hello, world'"],
    [textToBytes("it's"), 'b"it\'s"'],
    [textToBytes('say "hi"'), 'b\'say "hi"\''],
    [textToBytes('both \' and "'), "b'both \\' and \"'"],
    [bytes(0x5c, 0x09, 0x0a, 0x0d, 0x00, 0x7f, 0xff), "b'\\\\\\t\\n\\r\\x00\\x7f\\xff'"],
    [new Uint8Array(), "b''"],
  ])('%s', (data, expected) => {
    expect(pythonBytesRepr(data)).toBe(expected);
  });

  it("matches Python's repr(bytes) on random bytes", () => {
    const samples = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 64 }),
        fc.string().map(textToBytes),
        fc.constantFrom(bytes(0x27), bytes(0x22), bytes(0x27, 0x22)),
      ),
      numRuns,
    );
    const expected = pythonRepr(samples);
    for (const [i, sample] of samples.entries()) {
      expect(pythonBytesRepr(sample), toHex(sample)).toBe(expected[i]);
    }
  });
});

describe('escapeControls', () => {
  // A process name, a socket path or a peer's text: any byte but NUL may be there.
  const hostile = 'ev\nil\tx\r\x1b[2J\x00\x7f\x9b';

  it('escapes C0 (tab, newline, return by name), DEL and C1, and keeps other text', () => {
    expect(escapeControls(hostile)).toBe('ev\\nil\\tx\\r\\x1b[2J\\x00\\x7f\\x9b');
    expect(escapeControls('node café 日本 a\\b ~')).toBe('node café 日本 a\\b ~');
  });

  it('keeps the characters it is told to keep', () => {
    expect(escapeControls(hostile, '\n\t')).toBe('ev\nil\tx\\r\\x1b[2J\\x00\\x7f\\x9b');
    expect(escapeControls(hostile, '\t')).toBe('ev\\nil\tx\\r\\x1b[2J\\x00\\x7f\\x9b');
  });

  it('leaves nothing a terminal would act on, whatever the text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        // Only printable text and backslash escapes: no C0, DEL or C1 code unit left.
        const out = escapeControls(text);
        for (let i = 0; i < out.length; i++) {
          const code = out.charCodeAt(i);
          expect(code < 0x20 || (code >= 0x7f && code <= 0x9f)).toBe(false);
        }
      }),
      { numRuns },
    );
  });
});

describe('readStdin', () => {
  const chunks = (...parts: number[][]) =>
    async function* () {
      for (const part of parts) yield new Uint8Array(part);
    };

  it('joins every chunk in order, and gives no bytes for an empty stream', async () => {
    expect([...(await readStdin({ stdin: chunks([1, 2], [], [3]) }))]).toEqual([1, 2, 3]);
    expect([...(await readStdin({ stdin: chunks([7]) }))]).toEqual([7]);
    expect((await readStdin({ stdin: chunks() })).length).toBe(0);
  });

  it('is a usage error where there is no standard input (the wizard)', async () => {
    await expect(readStdin({})).rejects.toBeInstanceOf(UsageError);
    await expect(readStdin({})).rejects.toThrow('Cannot read the payload from standard input here');
  });
});
