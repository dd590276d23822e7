import { describe, expect, it } from 'vitest';
import { checkWhole, payloadBytes, toEndpoint } from './checks.ts';
import { isLoopback, parseEndpoint, parseHost } from './endpoint.ts';
import { UsageError } from './errors.ts';
import { parseOptionValue, resolveOptions } from './options.ts';
import { checkOptionSpecs } from './plugin.ts';
import { timerDelay } from './signals.ts';

describe('library input checks', () => {
  it('checkWhole takes whole numbers in range and names anything else', () => {
    expect(checkWhole('timeout', 0, 0)).toBe(0);
    expect(checkWhole('port', 65535, 1, 65535)).toBe(65535);
    for (const bad of [-1, 1.5, Number.NaN, '80', null, undefined, 70000]) {
      expect(() => checkWhole('port', bad, 1, 65535)).toThrow(UsageError);
    }
    expect(() => checkWhole('timeout', -1, 0)).toThrow(
      'Cannot use timeout -1: must be a whole number 0-9007199254740991',
    );
    expect(() => checkWhole('port', '80x', 1, 65535)).toThrow(
      'Cannot use port "80x": must be a whole number 1-65535',
    );
  });

  it('payloadBytes takes bytes and text, and refuses the rest by kind', () => {
    const bytes = new Uint8Array([1, 2]);
    expect(payloadBytes(bytes)).toBe(bytes);
    expect([...payloadBytes('hé')]).toEqual([0x68, 0xc3, 0xa9]);
    expect(() => payloadBytes(42)).toThrow('Cannot send number: give a Uint8Array or a string');
    expect(() => payloadBytes(null)).toThrow('Cannot send null');
    expect(() => payloadBytes([1, 2])).toThrow('Cannot send an array');
    expect(() => payloadBytes(new ArrayBuffer(2))).toThrow('Cannot send ArrayBuffer');
  });

  it('toEndpoint checks text and objects alike', () => {
    expect(toEndpoint('127.0.0.1:80')).toMatchObject({ address: '127.0.0.1', port: 80 });
    expect(toEndpoint({ address: '[::1]', port: 80 })).toEqual({ address: '::1', port: 80 });
    expect(toEndpoint({ address: '127.0.0.1', port: 0 }, { allowZero: true }).port).toBe(0);
    for (const bad of [
      { address: '127.0.0.1', port: 0 },
      { address: '127.0.0.1', port: 70000 },
      { address: '127.0.0.1', port: 1.5 },
      { address: '', port: 80 },
      { address: undefined, port: 80 },
      null,
    ]) {
      expect(() => toEndpoint(bad as never), JSON.stringify(bad)).toThrow(UsageError);
    }
  });

  it('timerDelay keeps delays a timer can hold', () => {
    expect(timerDelay(3_000_000_000)).toBe(2_147_483_647);
    expect(timerDelay(-5)).toBe(0);
    expect(timerDelay(250)).toBe(250);
  });
});

describe('parser gaps a library user hit', () => {
  it('parseHost refuses what is not text, and names an address a resolver would guess', () => {
    expect(() => parseHost(undefined as never)).toThrow('Cannot use host undefined');
    for (const guessed of ['0x7f.1', '127.1', 'host.123', '0x7f']) {
      expect(() => parseHost(guessed), guessed).toThrow('not a valid IPv4 address');
    }
    expect(parseHost('db1.example')).toBe('db1.example');
    expect(parseHost('1password.com')).toBe('1password.com');
  });

  it('isLoopback knows the v4-mapped 127/8 written in hex', () => {
    expect(isLoopback('::ffff:7f00:1')).toBe(true);
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopback('::ffff:a00:1')).toBe(false);
  });

  it('parseEndpoint checks its defaults too', () => {
    expect(() => parseEndpoint('80', { defaultHost: 'not a host!!' })).toThrow(UsageError);
    expect(() => parseEndpoint('h', { defaultPort: 99999 })).toThrow(UsageError);
    expect(parseEndpoint('h', { defaultPort: 80 })).toEqual({ address: 'h', port: 80 });
  });

  it("a port option keeps the plugin's own bounds and validate", () => {
    const spec = {
      type: 'number' as const,
      kind: 'port' as const,
      min: 1024,
      help: 'h',
      validate: (port: unknown) => (port === 8080 ? 'taken by the proxy' : undefined),
    };
    expect(parseOptionValue('port', spec, '2000')).toBe(2000);
    expect(() => parseOptionValue('port', spec, '80')).toThrow('must be a whole number >= 1024');
    expect(() => parseOptionValue('port', spec, '8080')).toThrow('taken by the proxy');
  });

  it('resolveOptions refuses option names that only the prototype has', () => {
    for (const name of ['constructor', 'toString', '__proto__'])
      expect(() => resolveOptions({}, JSON.parse(`{"${name}":"x"}`)), name).toThrow(
        'Unknown option',
      );
  });

  it('checkOptionSpecs refuses descriptors that contradict themselves', () => {
    expect(checkOptionSpecs({ a: { type: 'string', kind: 'ms', help: 'h' } })).toMatch(
      'kind ms needs type number',
    );
    expect(checkOptionSpecs({ a: { type: 'boolean', kind: 'port', help: 'h' } as never })).toMatch(
      'kind port needs type number or string',
    );
    expect(
      checkOptionSpecs({ a: { type: 'string', help: 'h', required: true, default: 'x' } }),
    ).toMatch('a required option has no default');
    expect(
      checkOptionSpecs({
        p: { type: 'number', kind: 'port', help: 'h', default: 2000, max: 1000 },
      }),
    ).toMatch('default 2000 is invalid');
  });
});
