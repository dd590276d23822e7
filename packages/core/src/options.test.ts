import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numRuns, usageError } from '../test/helpers.ts';
import { UsageError } from './errors.ts';
import { optionLabel, parseOptionValue, resolveOptions } from './options.ts';
import type { OptionSpec, OptionSpecs } from './plugin.ts';

const specs = {
  host: { type: 'string', kind: 'host', help: 'address to bind', default: '127.0.0.1' },
  port: {
    type: 'number',
    kind: 'port',
    help: 'port to bind',
    positional: 0,
    allowZero: true,
    default: 65432,
  },
  timeout: { type: 'number', kind: 'ms', help: 'how long to wait', placeholder: 'ms' },
  retries: { type: 'number', kind: 'count', help: 'attempts', min: 1, max: 10, default: 3 },
  ratio: { type: 'number', help: 'a plain number', min: -1, max: 1 },
  style: { type: 'string', help: 'output style', choices: ['netstat', 'lsof'], default: 'netstat' },
  keep: { type: 'boolean', help: 'keep serving' },
  path: { type: 'string', kind: 'path', help: 'socket file' },
  message: { type: 'string', help: 'what to send', positional: 1, required: true },
} satisfies OptionSpecs;

const spec = (name: keyof typeof specs): OptionSpec => specs[name] as OptionSpec;

describe('parseOptionValue', () => {
  it.each([
    ['port', '8080', 8080],
    ['port', '0', 0],
    ['port', 443, 443],
    ['timeout', '1000', 1000],
    ['timeout', '0', 0],
    ['timeout', ' 250 ', 250],
    ['timeout', '-0', 0],
    ['retries', '1', 1],
    ['retries', '10', 10],
    ['ratio', '0.5', 0.5],
    ['ratio', '-1', -1],
    ['ratio', '.25', 0.25],
    ['host', 'localhost', 'localhost'],
    ['host', '[::1]', '::1'],
    ['host', '::1', '::1'],
    ['style', 'lsof', 'lsof'],
    ['style', 'LSOF', 'lsof'],
    ['style', ' NetStat ', 'netstat'],
    ['keep', 'true', true],
    ['keep', 'no', false],
    ['keep', true, true],
    ['path', '/tmp/x.sock', '/tmp/x.sock'],
    ['message', 'Hello, world', 'Hello, world'],
  ] as const)('%s accepts %j', (name, raw, expected) => {
    expect(parseOptionValue(name, spec(name), raw)).toBe(expected);
  });

  it.each([
    ['port', '1e3', 'Cannot parse port "1e3": port must be a number 0-65535 (0 picks a free port)'],
    [
      'port',
      '0x50',
      'Cannot parse port "0x50": port must be a number 0-65535 (0 picks a free port)',
    ],
    ['port', '-1', 'Cannot parse port "-1": port must be a number 0-65535 (0 picks a free port)'],
    ['port', '65536', 'Cannot parse port "65536": port must be 0-65535 (0 picks a free port)'],
    ['port', '', 'Cannot parse port "": port must be a number 0-65535 (0 picks a free port)'],
    [
      'timeout',
      '1e3',
      'Cannot parse --timeout "1e3": must be a whole number of milliseconds 0-2147483647',
    ],
    [
      'timeout',
      '0x50',
      'Cannot parse --timeout "0x50": must be a whole number of milliseconds 0-2147483647',
    ],
    [
      'timeout',
      '-1',
      'Cannot parse --timeout "-1": must be a whole number of milliseconds 0-2147483647',
    ],
    [
      'timeout',
      '1.5',
      'Cannot parse --timeout "1.5": must be a whole number of milliseconds 0-2147483647',
    ],
    [
      'timeout',
      '',
      'Cannot parse --timeout "": must be a whole number of milliseconds 0-2147483647',
    ],
    [
      'timeout',
      'Infinity',
      'Cannot parse --timeout "Infinity": must be a whole number of milliseconds 0-2147483647',
    ],
    [
      'timeout',
      '99999999999999999999',
      'Cannot parse --timeout "99999999999999999999": must be a whole number of milliseconds 0-2147483647',
    ],
    [
      'timeout',
      Number.NaN,
      'Cannot parse --timeout "NaN": must be a whole number of milliseconds 0-2147483647',
    ],
    ['retries', '0', 'Cannot parse --retries "0": must be a whole number 1-10'],
    ['retries', '11', 'Cannot parse --retries "11": must be a whole number 1-10'],
    ['ratio', '2', 'Cannot parse --ratio "2": must be a number from -1 to 1'],
    ['ratio', '1,5', 'Cannot parse --ratio "1,5": must be a number from -1 to 1'],
    ['host', '', 'Cannot parse --host "": host is empty'],
    ['host', '[::1', 'Cannot parse --host "[::1": unbalanced brackets'],
    ['host', '999.1.1.1', 'Cannot parse --host "999.1.1.1": not a valid IPv4 address'],
    ['style', 'ss', 'Cannot parse --style "ss": must be one of netstat, lsof'],
    ['keep', 'maybe', 'Cannot parse --keep "maybe": must be true or false'],
    ['path', '', 'Cannot parse --path "": must not be empty'],
    ['message', '', 'Cannot parse message "": must not be empty'],
    ['message', 42, 'Cannot parse message "42": must be text'],
  ] as const)('%s rejects %j', (name, raw, message) => {
    const error = usageError(() => parseOptionValue(name, spec(name), raw));
    expect(error.message).toBe(message);
  });

  it('gives hints for ports and hosts', () => {
    expect(usageError(() => parseOptionValue('port', spec('port'), 'x')).hint).toBe(
      'use a port 0-65535',
    );
    expect(usageError(() => parseOptionValue('host', spec('host'), '')).hint).toBe(
      'use an IP address or a host name',
    );
  });

  it('keeps durations within what timers support', () => {
    expect(parseOptionValue('timeout', spec('timeout'), '2147483647')).toBe(2147483647);
    expect(
      usageError(() => parseOptionValue('timeout', spec('timeout'), '4294967296')).message,
    ).toBe(
      'Cannot parse --timeout "4294967296": must be a whole number of milliseconds 0-2147483647',
    );
    const week: OptionSpec = { type: 'number', kind: 'ms', help: 'h', max: 604_800_000 };
    expect(usageError(() => parseOptionValue('wait', week, '604800001')).message).toBe(
      'Cannot parse --wait "604800001": must be a whole number of milliseconds 0-604800000',
    );
  });

  it('rejects 0 for client ports', () => {
    const client: OptionSpec = { type: 'number', kind: 'port', help: 'server port' };
    expect(usageError(() => parseOptionValue('port', client, '0')).message).toBe(
      'Cannot parse --port "0": port must be 1-65535',
    );
  });

  it('runs validate after type and range checks', () => {
    const even: OptionSpec<'number'> = {
      type: 'number',
      help: 'even',
      validate: (v) => (v % 2 === 0 ? undefined : 'must be even'),
    };
    expect(parseOptionValue('n', even as OptionSpec, '4')).toBe(4);
    expect(usageError(() => parseOptionValue('n', even as OptionSpec, '3')).message).toBe(
      'Cannot parse --n "3": must be even',
    );
  });

  it('labels positionals by name and flags with dashes', () => {
    expect(optionLabel('port', spec('port'))).toBe('port');
    expect(optionLabel('timeout', spec('timeout'))).toBe('--timeout');
  });

  it('ms values: every non-negative integer text parses to itself, anything else is a UsageError', () => {
    fc.assert(
      fc.property(fc.nat(), (n) => parseOptionValue('timeout', spec('timeout'), String(n)) === n),
      { numRuns },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        try {
          const v = parseOptionValue('timeout', spec('timeout'), text) as number;
          return Number.isSafeInteger(v) && v >= 0 && /^\s*-?[0-9]+\.?0*\s*$/.test(text);
        } catch (error) {
          return (
            error instanceof UsageError && error.message.startsWith('Cannot parse --timeout "')
          );
        }
      }),
      { numRuns },
    );
  });

  it('number values stay within min/max; choices stay within choices', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer().map(String), fc.string()), (raw) => {
        try {
          const v = parseOptionValue('retries', spec('retries'), raw) as number;
          return Number.isInteger(v) && v >= 1 && v <= 10;
        } catch (error) {
          return error instanceof UsageError;
        }
      }),
      { numRuns },
    );
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom('netstat', 'lsof'), fc.string()), (raw) => {
        try {
          return ['netstat', 'lsof'].includes(
            parseOptionValue('style', spec('style'), raw) as string,
          );
        } catch (error) {
          return error instanceof UsageError;
        }
      }),
      { numRuns },
    );
  });
});

describe('resolveOptions', () => {
  it('applies defaults, false for flags, and parses given values', () => {
    expect(resolveOptions(specs, { message: 'hi', timeout: '500' })).toEqual({
      host: '127.0.0.1',
      port: 65432,
      timeout: 500,
      retries: 3,
      ratio: undefined,
      style: 'netstat',
      keep: false,
      path: undefined,
      message: 'hi',
    });
  });

  it('requires required options, naming positionals without dashes', () => {
    const error = usageError(() => resolveOptions(specs, {}));
    expect(error.message).toBe('Missing message: what to send');
    expect(error.hint).toBe('see --help');
  });

  it('rejects unknown options', () => {
    expect(usageError(() => resolveOptions(specs, { message: 'x', colour: 'red' })).message).toBe(
      'Unknown option "--colour"',
    );
  });

  it('reports the first bad value as a UsageError', () => {
    expect(
      usageError(() => resolveOptions(specs, { message: 'x', port: '65536' })).message,
    ).toMatch(/^Cannot parse port "65536"/);
  });
});
