import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numRuns, usageError } from '../test/helpers.ts';
import {
  expandIPv6,
  formatEndpoint,
  formatPythonAddress,
  isIPv4,
  isIPv6,
  isLoopback,
  isWildcard,
  parseEndpoint,
  parseHost,
  parsePort,
} from './endpoint.ts';
import { UsageError } from './errors.ts';

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
const hostName = fc.domain();
const port = fc.integer({ min: 1, max: 65535 });

describe('parsePort', () => {
  it.each([
    ['1', 1],
    ['80', 80],
    ['65535', 65535],
    [' 8080 ', 8080],
    ['0080', 80],
    [443, 443],
  ])('accepts %j', (input, expected) => {
    expect(parsePort(input)).toBe(expected);
  });

  it.each([
    ['0', 'port must be 1-65535'],
    ['-1', 'port must be a number 1-65535'],
    ['65536', 'port must be 1-65535'],
    ['99999', 'port must be 1-65535'],
    ['1e3', 'port must be a number 1-65535'],
    ['0x50', 'port must be a number 1-65535'],
    ['', 'port must be a number 1-65535'],
    ['abc', 'port must be a number 1-65535'],
    ['8 0', 'port must be a number 1-65535'],
    ['80.0', 'port must be a number 1-65535'],
    ['+80', 'port must be a number 1-65535'],
    ['٨٠', 'port must be a number 1-65535'],
    [80.5, 'port must be a number 1-65535'],
    [Number.NaN, 'port must be a number 1-65535'],
  ])('rejects %j', (input, why) => {
    const error = usageError(() => parsePort(input));
    expect(error.message).toBe(`Cannot parse port "${input}": ${why}`);
  });

  it('accepts 0 only where a server binds, and names the option', () => {
    expect(parsePort('0', { allowZero: true })).toBe(0);
    expect(usageError(() => parsePort('x', { allowZero: true, name: '--port' })).message).toBe(
      'Cannot parse --port "x": port must be a number 0-65535 (0 picks a free port)',
    );
  });

  it('round-trips every valid port and rejects every number outside the range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65535 }), (p) => parsePort(String(p)) === p),
      { numRuns },
    );
    fc.assert(
      fc.property(fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 65536 })), (p) =>
        usageError(() => parsePort(String(p))).message.startsWith('Cannot parse port'),
      ),
      { numRuns },
    );
  });

  it('never throws anything but a UsageError, whatever the text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          const p = parsePort(text);
          return Number.isInteger(p) && p >= 1 && p <= 65535 && /^\s*[0-9]+\s*$/.test(text);
        } catch (error) {
          return error instanceof UsageError && error.message.startsWith('Cannot parse port "');
        }
      }),
      { numRuns },
    );
  });
});

describe('isIPv4 / isIPv6', () => {
  it.each(['0.0.0.0', '127.0.0.1', '255.255.255.255', '10.0.0.1', '192.168.1.254'])(
    'IPv4 %s',
    (a) => {
      expect(isIPv4(a)).toBe(true);
      expect(isIPv6(a)).toBe(false);
    },
  );
  it.each([
    '999.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.256',
    '',
    '1..2.3',
    'a.b.c.d',
    '1.2.3.-4',
    ' 1.2.3.4',
  ])('not IPv4 %j', (a) => expect(isIPv4(a)).toBe(false));
  it.each([
    '::',
    '::1',
    '1::',
    'fe80::1',
    'fe80::1%eth0',
    '2001:db8::8a2e:370:7334',
    '2001:0db8:0000:0000:0000:ff00:0042:8329',
    '::ffff:127.0.0.1',
    '64:ff9b::192.0.2.33',
    '1:2:3:4:5:6:7::',
    '1:2:3:4:5:6:1.2.3.4',
    'ABCD::EF',
  ])('IPv6 %s', (a) => {
    expect(isIPv6(a)).toBe(true);
    expect(isIPv4(a)).toBe(false);
  });
  it.each([
    '',
    ':',
    ':::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1::2::3',
    '12345::',
    'g::1',
    '::1%',
    '%eth0',
    '::ffff:999.0.0.1',
    '1:2:3:4:5:6:7:8::',
    ':1::',
    '[::1]',
    '::1%a b',
  ])('not IPv6 %j', (a) => expect(isIPv6(a)).toBe(false));

  it('accepts every generated address', () => {
    fc.assert(
      fc.property(fc.ipV4(), (a) => isIPv4(a) && !isIPv6(a)),
      { numRuns },
    );
    fc.assert(
      fc.property(fc.ipV6(), (a) => isIPv6(a) && !isIPv4(a)),
      { numRuns },
    );
  });

  it('expandIPv6 gives eight groups that format back to the same address', () => {
    expect(expandIPv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(expandIPv6('::ffff:127.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
    expect(expandIPv6('nope')).toBeUndefined();
    fc.assert(
      fc.property(fc.ipV6(), (a) => {
        const groups = expandIPv6(a) as number[];
        const full = groups.map((g) => g.toString(16)).join(':');
        return (
          groups.length === 8 &&
          groups.every((g) => g >= 0 && g <= 0xffff) &&
          JSON.stringify(expandIPv6(full)) === JSON.stringify(groups)
        );
      }),
      { numRuns },
    );
  });
});

describe('parseHost', () => {
  it.each([
    ['localhost', 'localhost'],
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['[::1]', '::1'],
    ['[fe80::1%eth0]', 'fe80::1%eth0'],
    ['example.com', 'example.com'],
    ['example.com.', 'example.com.'],
    ['my_host-1', 'my_host-1'],
    ['  spaced.example ', 'spaced.example'],
  ])('accepts %j', (input, expected) => expect(parseHost(input)).toBe(expected));

  it.each([
    ['', 'host is empty'],
    ['   ', 'host is empty'],
    ['[::1', 'unbalanced brackets'],
    ['::1]', 'unbalanced brackets'],
    ['[127.0.0.1]', 'brackets must hold an IPv6 address'],
    ['[]', 'brackets must hold an IPv6 address'],
    ['999.1.1.1', 'not a valid IPv4 address'],
    ['1.2.3', 'not a valid IPv4 address'],
    ['1:2', 'not a valid IPv6 address'],
    ['127.0.0.1:5000', 'a host with a port; give them apart: 127.0.0.1 and 5000'],
    ['[::1]:5000', 'a host with a port; give them apart: [::1] and 5000'],
    ['localhost:80', 'a host with a port; give them apart: localhost and 80'],
    ['-bad.example', 'not a valid host name or IP address'],
    ['bad-.example', 'not a valid host name or IP address'],
    ['a..b', 'not a valid host name or IP address'],
    ['a b', 'not a valid host name or IP address'],
    ['héllo', 'not a valid host name or IP address'],
    ['.', 'not a valid host name or IP address'],
    [`${'a'.repeat(64)}.com`, 'not a valid host name or IP address'],
    [`${'a.'.repeat(127)}ab`, 'not a valid host name or IP address'],
  ])('rejects %j', (input, why) => {
    expect(usageError(() => parseHost(input)).message).toBe(`Cannot parse host "${input}": ${why}`);
  });

  it('names the option in messages', () => {
    expect(usageError(() => parseHost('', '--host')).message).toBe(
      'Cannot parse --host "": host is empty',
    );
  });

  it('accepts generated IPs and domains, and never throws anything but a UsageError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), hostName), (h) => parseHost(h) === h),
      { numRuns },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        try {
          return typeof parseHost(text) === 'string';
        } catch (error) {
          return error instanceof UsageError && error.message.startsWith('Cannot parse host "');
        }
      }),
      { numRuns },
    );
  });
});

describe('parseEndpoint', () => {
  it.each([
    ['127.0.0.1:65432', {}, { address: '127.0.0.1', port: 65432, family: 4 }],
    ['[::1]:8080', {}, { address: '::1', port: 8080, family: 6 }],
    ['[fe80::1%lo]:80', {}, { address: 'fe80::1%lo', port: 80, family: 6 }],
    ['localhost:80', {}, { address: 'localhost', port: 80 }],
    ['example.com:443', {}, { address: 'example.com', port: 443 }],
    ['8080', { defaultHost: '127.0.0.1' }, { address: '127.0.0.1', port: 8080, family: 4 }],
    ['localhost', { defaultPort: 65432 }, { address: 'localhost', port: 65432 }],
    ['::1', { defaultPort: 7 }, { address: '::1', port: 7, family: 6 }],
    ['[::1]', { defaultPort: 7 }, { address: '::1', port: 7, family: 6 }],
    ['0.0.0.0:0', { allowZero: true }, { address: '0.0.0.0', port: 0, family: 4 }],
    [' 127.0.0.1:1 ', {}, { address: '127.0.0.1', port: 1, family: 4 }],
  ])('parses %j %j', (input, options, expected) => {
    expect(parseEndpoint(input, options)).toEqual(expected);
  });

  it.each([
    ['', 'endpoint is empty'],
    ['x:99999', 'port must be 1-65535'],
    ['x:65536', 'port must be 1-65535'],
    ['x:0', 'port must be 1-65535'],
    ['x:-1', 'port must be a number 1-65535'],
    ['x:1e3', 'port must be a number 1-65535'],
    ['x:0x50', 'port must be a number 1-65535'],
    ['x:abc', 'port must be a number 1-65535'],
    ['x:', 'port must be a number 1-65535'],
    [':80', 'host is empty'],
    ['[::1', 'unbalanced brackets'],
    ['[::1:80', 'unbalanced brackets'],
    ['::1]:80', 'unbalanced brackets'],
    ['[::1]80', 'expected ":" and a port after "]"'],
    ['[127.0.0.1]:80', 'brackets must hold an IPv6 address'],
    ['[a: b]:80', 'spaces are not allowed'],
    ['[]:80', 'brackets must hold an IPv6 address'],
    ['999.1.1.1:80', 'not a valid IPv4 address'],
    ['::1:80', 'IPv6 addresses with a port need brackets: [::1]:8080'],
    ['1.2.3.4:80:90', 'IPv6 addresses with a port need brackets: [::1]:8080'],
    ['localhost', 'port is missing (use host:port)'],
    ['[::1]', 'port is missing (use [host]:port)'],
    ['8080', 'host is missing (use host:port)'],
    ['host :80', 'spaces are not allowed'],
    ['bad_-.:80', 'not a valid host name or IP address'],
  ])('rejects %j', (input, why) => {
    expect(usageError(() => parseEndpoint(input)).message).toBe(
      `Cannot parse endpoint "${input}": ${why}`,
    );
  });

  it('round-trips formatEndpoint for IPv4, IPv6 and host names', () => {
    const endpoint = fc.oneof(
      fc.record({ address: fc.ipV4(), port }).map((e) => ({ ...e, family: 4 as const })),
      fc.record({ address: fc.ipV6(), port }).map((e) => ({ ...e, family: 6 as const })),
      fc.record({ address: hostName, port }),
    );
    fc.assert(
      fc.property(endpoint, (e) => {
        const text = formatEndpoint(e);
        expect(parseEndpoint(text)).toEqual(e);
        return formatEndpoint(parseEndpoint(text)) === text;
      }),
      { numRuns },
    );
  });

  it('takes a bare port with defaultHost, and a bare host with defaultPort', () => {
    fc.assert(
      fc.property(
        port,
        ipv4,
        (p, host) => parseEndpoint(String(p), { defaultHost: host }).port === p,
      ),
      { numRuns },
    );
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), hostName), port, (host, p) => {
        const e = parseEndpoint(host, { defaultPort: p });
        return e.address === host && e.port === p;
      }),
      { numRuns },
    );
  });

  it('never throws anything but its UsageError, whatever the text', () => {
    const noisy = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.stringMatching(/^[[\]:0-9a-f.%x-]{0,24}$/),
      fc
        .tuple(
          fc.oneof(fc.ipV4(), fc.ipV6(), hostName, fc.string()),
          fc.oneof(fc.integer(), fc.string()),
        )
        .map(([h, p]) => `${h}:${p}`),
    );
    fc.assert(
      fc.property(noisy, fc.boolean(), (text, allowZero) => {
        try {
          const e = parseEndpoint(text, { allowZero });
          return (
            Number.isInteger(e.port) &&
            e.port >= (allowZero ? 0 : 1) &&
            e.port <= 65535 &&
            e.address !== ''
          );
        } catch (error) {
          return error instanceof UsageError && error.message.startsWith('Cannot parse endpoint "');
        }
      }),
      { numRuns },
    );
  });
});

describe('address helpers', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['0::0:1', true],
    ['::ffff:127.0.0.1', true],
    ['localhost', true],
    ['a.localhost', true],
    ['128.0.0.1', false],
    ['::2', false],
    ['::ffff:10.0.0.1', false],
    ['example.com', false],
    ['0.0.0.0', false],
  ])('isLoopback(%j) is %j', (a, expected) => expect(isLoopback(a)).toBe(expected));

  it.each([
    ['0.0.0.0', true],
    ['::', true],
    ['0:0:0:0:0:0:0:0', true],
    ['0', false],
    ['127.0.0.1', false],
    ['::1', false],
  ])('isWildcard(%j) is %j', (a, expected) => expect(isWildcard(a)).toBe(expected));

  it('formats addresses the way the Python seed prints them', () => {
    expect(formatPythonAddress({ address: '127.0.0.1', port: 5000 })).toBe("('127.0.0.1', 5000)");
    expect(formatPythonAddress({ address: '::1', port: 5000 })).toBe("('::1', 5000, 0, 0)");
    expect(formatEndpoint({ address: '::1', port: 80 })).toBe('[::1]:80');
    expect(formatEndpoint({ address: 'localhost', port: 80 })).toBe('localhost:80');
  });
});
