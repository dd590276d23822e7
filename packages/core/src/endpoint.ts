import { UsageError } from './errors.ts';

export type AddressFamily = 4 | 6;

/** Where a socket is: an address (IP literal or host name) and a port. */
export interface Endpoint {
  address: string;
  port: number;
  family?: AddressFamily;
}

export interface ParsePortOptions {
  /** Accept 0 ("any free port"): only where a server binds. */
  allowZero?: boolean;
  /** What the value is called in messages, e.g. `port` or `--port`. */
  name?: string;
}

const digits = /^[0-9]+$/;

/** Why a port text is wrong, or undefined when it is a valid port. */
function portProblem(text: string, allowZero: boolean | undefined): string | undefined {
  const range = allowZero ? '0-65535 (0 picks a free port)' : '1-65535';
  if (!digits.test(text)) return `port must be a number ${range}`;
  const port = Number(text);
  if (port > 65535 || (port === 0 && !allowZero)) return `port must be ${range}`;
  return undefined;
}

/** Parses a decimal port; rejects `1e3`, `0x50`, `-1`, `65536` and empty strings. */
export function parsePort(input: string | number, options: ParsePortOptions = {}): number {
  const name = options.name ?? 'port';
  const text = String(input).trim();
  const problem = portProblem(text, options.allowZero);
  if (problem)
    throw new UsageError(`Cannot parse ${name} "${input}": ${problem}`, { reason: problem });
  return Number(text);
}

/** 4 for a dotted quad, 6 for an IPv6 literal, undefined for a host name. */
export function ipFamily(address: string): AddressFamily | undefined {
  if (isIPv4(address)) return 4;
  if (isIPv6(address)) return 6;
  return undefined;
}

/** A dotted quad of decimal bytes without leading zeros (they would read as octal elsewhere). */
export function isIPv4(address: string): boolean {
  const parts = address.split('.');
  return (
    parts.length === 4 &&
    parts.every(
      (p) => digits.test(p) && p.length <= 3 && Number(p) <= 255 && (p === '0' || p[0] !== '0'),
    )
  );
}

/** An IPv6 literal without brackets, with an optional embedded IPv4 tail and `%zone`. */
export function isIPv6(address: string): boolean {
  const zone = address.indexOf('%');
  if (zone === 0 || zone === address.length - 1) return false;
  if (zone !== -1 && !/^[0-9a-zA-Z_.-]+$/.test(address.slice(zone + 1))) return false;
  let bare = zone === -1 ? address : address.slice(0, zone);
  const lastColon = bare.lastIndexOf(':');
  if (lastColon === -1) return false;
  const tail = bare.slice(lastColon + 1);
  // An embedded IPv4 tail (::ffff:1.2.3.4) stands for two groups.
  if (tail.includes('.')) {
    if (!isIPv4(tail)) return false;
    bare = `${bare.slice(0, lastColon + 1)}0:0`;
  }
  const halves = bare.split('::');
  if (halves.length > 2) return false;
  const groups = halves.map((h) => (h === '' ? [] : h.split(':')));
  const count = groups.reduce((n, g) => n + g.length, 0);
  if (!groups.every((g) => g.every((x) => /^[0-9a-fA-F]{1,4}$/.test(x)))) return false;
  return halves.length === 2 ? count < 8 : count === 8;
}

const hostLabel = /^(?!-)[a-zA-Z0-9_-]{1,63}(?<!-)$/;

/** Why a host text is wrong, or the host without brackets. */
function checkHost(text: string): { host: string } | { problem: string } {
  if (text === '') return { problem: 'host is empty' };
  const withPort = hostAndPort(text);
  if (withPort) {
    return {
      problem: `a host with a port; give them apart: ${withPort[0]} and ${withPort[1]}`,
    };
  }
  if (text.startsWith('[') || text.endsWith(']')) {
    if (!(text.startsWith('[') && text.endsWith(']'))) return { problem: 'unbalanced brackets' };
    const inner = text.slice(1, -1);
    if (!isIPv6(inner)) return { problem: 'brackets must hold an IPv6 address' };
    return { host: inner };
  }
  if (isIPv4(text) || isIPv6(text)) return { host: text };
  if (/^[0-9.]*[0-9][0-9.]*$/.test(text)) return { problem: 'not a valid IPv4 address' };
  if (text.includes(':')) return { problem: 'not a valid IPv6 address' };
  const labels = (text.endsWith('.') ? text.slice(0, -1) : text).split('.');
  if (text.length > 253 || !labels.every((l) => hostLabel.test(l))) {
    return { problem: 'not a valid host name or IP address' };
  }
  // "0x7f.1" or "127.1": the resolver would read it as an address (inet_aton), no name does.
  if (/^(0x[0-9a-f]*|[0-9]+)$/i.test(labels.at(-1) as string)) {
    return { problem: 'not a valid IPv4 address (write it in four decimal parts)' };
  }
  return { host: text };
}

/** `[v6]:port`, `ipv4:port` or `name:port` typed where a host alone belongs: [host, port]. */
function hostAndPort(text: string): [string, string] | undefined {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  if (bracketed && isIPv6(bracketed[1] as string)) {
    return [`[${bracketed[1]}]`, bracketed[2] as string];
  }
  const colon = text.indexOf(':');
  if (colon <= 0 || colon !== text.lastIndexOf(':')) return undefined;
  const host = text.slice(0, colon);
  const port = text.slice(colon + 1);
  if (!/^\d+$/.test(port)) return undefined;
  // A name needs a letter: "1:2" reads as a broken IPv6 address, not host "1".
  const name = /[a-zA-Z]/.test(host) && host.split('.').every((l) => hostLabel.test(l));
  return isIPv4(host) || name ? [host, port] : undefined;
}

/** Checks a host: an IP literal or a DNS name. Returns it without brackets. */
export function parseHost(input: string, name = 'host'): string {
  if (typeof input !== 'string')
    throw new UsageError(`Cannot use ${name} ${String(input)}: give a host name or an IP address`, {
      reason: 'must be a host name or an IP address',
    });
  const checked = checkHost(String(input).trim());
  if ('problem' in checked)
    throw new UsageError(`Cannot parse ${name} "${input}": ${checked.problem}`, {
      reason: checked.problem,
    });
  return checked.host;
}

export interface ParseEndpointOptions extends ParsePortOptions {
  /** Port to use when the input has none (a bare host). Without it a port is required. */
  defaultPort?: number;
  /** Host to use when the input is a bare port. */
  defaultHost?: string;
}

/**
 * Parses `host:port`, `[v6]:port`, a bare port (with `defaultHost`), or a bare host
 * (with `defaultPort`). Throws a UsageError: `Cannot parse endpoint "x:99999": port must be 1-65535`.
 */
export function parseEndpoint(input: string, options: ParseEndpointOptions = {}): Endpoint {
  const text = String(input).trim();
  const fail = (why: string): never => {
    throw new UsageError(`Cannot parse ${options.name ?? 'endpoint'} "${input}": ${why}`, {
      reason: why,
    });
  };
  const portOf = (p: string): number => {
    const problem = portProblem(p, options.allowZero);
    return problem ? fail(problem) : Number(p);
  };
  const hostOf = (h: string): string => {
    const checked = checkHost(h);
    return 'problem' in checked ? fail(checked.problem) : checked.host;
  };
  const make = (address: string, port: number): Endpoint => {
    const family = ipFamily(address);
    return family ? { address, port, family } : { address, port };
  };
  const withDefaultPort = (host: string, usage: string): Endpoint =>
    options.defaultPort === undefined
      ? fail(`port is missing (use ${usage})`)
      : make(host, portOf(String(options.defaultPort)));

  if (text === '') fail('endpoint is empty');
  if (/\s/.test(text)) fail('spaces are not allowed');
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) fail('unbalanced brackets');
    const host = hostOf(text.slice(0, close + 1));
    const rest = text.slice(close + 1);
    if (rest === '') return withDefaultPort(host, '[host]:port');
    if (!rest.startsWith(':')) fail('expected ":" and a port after "]"');
    return make(host, portOf(rest.slice(1)));
  }
  if (text.includes(']')) fail('unbalanced brackets');
  if (digits.test(text)) {
    if (options.defaultHost === undefined) fail('host is missing (use host:port)');
    return make(hostOf(options.defaultHost as string), portOf(text));
  }
  const colons = text.split(':').length - 1;
  if (colons === 0) return withDefaultPort(hostOf(text), 'host:port');
  if (colons > 1) {
    // A bare IPv6 literal: only valid without a port.
    if (!isIPv6(text) || options.defaultPort === undefined) {
      fail('IPv6 addresses with a port need brackets: [::1]:8080');
    }
    return make(text, portOf(String(options.defaultPort)));
  }
  const at = text.indexOf(':');
  return make(hostOf(text.slice(0, at)), portOf(text.slice(at + 1)));
}

/** `127.0.0.1:80`, `[::1]:80`, `example.com:80`. */
export function formatEndpoint(endpoint: Endpoint): string {
  const host = endpoint.address.includes(':') ? `[${endpoint.address}]` : endpoint.address;
  return `${host}:${endpoint.port}`;
}

/** True for 127.0.0.0/8, ::1, ::ffff:127.x and "localhost". */
export function isLoopback(address: string): boolean {
  const a = address.toLowerCase();
  if (a === 'localhost' || a.endsWith('.localhost')) return true;
  if (isIPv4(a)) return a.startsWith('127.');
  if (a.startsWith('::ffff:') && isIPv4(a.slice(7))) return a.slice(7).startsWith('127.');
  const groups = expandIPv6(a);
  if (!groups) return false;
  // ::ffff:7f00:1, the v4-mapped 127.0.0.1 written in hex.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff)
    return (groups[6] as number) >> 8 === 127;
  return groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1;
}

/** True for 0.0.0.0 and ::, which bind every interface. */
export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || (isIPv6(address) && /^[0:]+$/.test(address));
}

/** Python's repr of a socket address tuple, as the seed prints it: `('127.0.0.1', 5000)`. */
export function formatPythonAddress(endpoint: Endpoint): string {
  if (endpoint.address.includes(':')) return `('${endpoint.address}', ${endpoint.port}, 0, 0)`;
  return `('${endpoint.address}', ${endpoint.port})`;
}

/** The eight 16-bit groups of an IPv6 literal (zone dropped), or undefined when it is not one. */
export function expandIPv6(address: string): number[] | undefined {
  if (!isIPv6(address)) return undefined;
  let bare = address.split('%')[0] as string;
  const lastColon = bare.lastIndexOf(':');
  const tail = bare.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a, b, c, d] = tail.split('.').map(Number) as [number, number, number, number];
    bare = `${bare.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = bare.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const middle = Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...middle, ...right].map((g) => Number.parseInt(g, 16));
}
