// Whatever they are given, core's parsers and checkers throw only their documented error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reasons, socketErrorCode, UsageError } from './errors.ts';
import { fromHex, hexdump, pythonBytesRepr } from './message.ts';
import { resolveOptions } from './options.ts';
import { definePlugin, type OptionSpecs } from './plugin.ts';
import { checkEvent, checkPlugin } from './testing/index.ts';

const numRuns = process.env.SOCKLAB_STRESS ? 10_000 : 200;

describe('fuzzing', () => {
  it('socketErrorCode maps any value to a known code', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record(
            { code: fc.string(), name: fc.string(), message: fc.string() },
            { requiredKeys: [] },
          ),
        ),
        (value) => Object.hasOwn(reasons, socketErrorCode(value)),
      ),
      { numRuns },
    );
  });

  it('fromHex throws only SyntaxError; hexdump and pythonBytesRepr never throw', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          return fromHex(text) instanceof Uint8Array;
        } catch (error) {
          return error instanceof SyntaxError;
        }
      }),
      { numRuns },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        const lines = hexdump(data).split('\n');
        return (
          (data.length === 0 || lines.length === Math.ceil(data.length / 16)) &&
          /^b['"].*['"]$/s.test(pythonBytesRepr(data))
        );
      }),
      { numRuns },
    );
  });

  it('resolveOptions throws only UsageError for any raw values', () => {
    const specs: OptionSpecs = {
      port: { type: 'number', kind: 'port', help: 'p', positional: 0 },
      host: { type: 'string', kind: 'host', help: 'h', default: '127.0.0.1' },
      timeout: { type: 'number', kind: 'ms', help: 't', default: 1000 },
      style: { type: 'string', help: 's', choices: ['a', 'b'] },
      keep: { type: 'boolean', help: 'k' },
      path: { type: 'string', kind: 'path', help: 'f' },
    };
    const raw = fc.dictionary(
      fc.oneof(fc.constantFrom(...Object.keys(specs)), fc.string()),
      fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null)),
    );
    fc.assert(
      fc.property(raw, (values) => {
        try {
          const out = resolveOptions(specs, values);
          return typeof out.timeout === 'number' && typeof out.keep === 'boolean';
        } catch (error) {
          return error instanceof UsageError;
        }
      }),
      { numRuns },
    );
  });

  it('definePlugin throws only TypeError; checkPlugin and checkEvent never throw', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        try {
          definePlugin(value as never);
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
        }
        return Array.isArray(checkPlugin(value)) && Array.isArray(checkEvent(value));
      }),
      { numRuns },
    );
  });
});
