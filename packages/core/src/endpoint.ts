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

/** Parses a decimal port; rejects `1e3`, `0x50`, `-1`, `65536` and empty strings. */
export function parsePort(input: string | number, options: ParsePortOptions = {}): number {
  const name = options.name ?? 'port';
  const text = String(input).trim();
  const range = options.allowZero ? '0-65535 (0 picks a free port)' : '1-65535';
  if (!digits.test(text)) {
    throw new UsageError(`Cannot parse ${name} "${input}": port must be a number ${range}`);
  }
  const port = Number(text);
  if (port > 65535 || (port === 0 && !options.allowZero)) {
    throw new UsageError(`Cannot parse ${name} "${input}": port must be ${range}`);
  }
  return port;
}

/** 4 for a dotted quad, 6 for an IPv6 literal, undefined for a host name. */
export function ipFamily(address: string): AddressFamily | undefined {
  if (isIPv4(address)) return 4;
  if (isIPv6(address)) return 6;
  return undefined;
}

export function isIPv4(address: string): boolean {
  const parts = address.split('.');
  return (
    parts.length === 4 &&
    parts.every((p) => digits.test(p) && p.length <= 3 && Number(p) <= 255 && (p === '0' || p[0] !== '0'))
  );
}

export function isIPv6(address: string): boolean {
  const zone = address.indexOf('%');
  if (zone === 0 || zone === address.length - 1) return false;
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

/** Checks a host: an IP literal or a DNS name. Returns it without brackets. */
export function parseHost(input: string, name = 'host'): string {
  const text = input.trim();
  if (text === '') throw new UsageError(`Cannot parse ${name} "${input}": host is empty`);
  if (text.startsWith('[') || text.endsWith(']')) {
    if (!(text.startsWith('[') && text.endsWith(']'))) {
      throw new UsageError(`Cannot parse ${name} "${input}": unbalanced brackets`);
    }
    const inner = text.slice(1, -1);
    if (!isIPv6(inner)) {
      throw new UsageError(`Cannot parse ${name} "${input}": brackets must hold an IPv6 address`);
    }
    return inner;
  }
  if (isIPv4(text) || isIPv6(text)) return text;
  if (/^[0-9.]+$/.test(text)) {
    throw new UsageError(`Cannot parse ${name} "${input}": not a valid IPv4 address`);
  }
  const labels = (text.endsWith('.') ? text.slice(0, -1) : text).split('.');
  if (text.length > 253 || !labels.every((l) => hostLabel.test(l))) {
    throw new UsageError(`Cannot parse ${name} "${input}": not a valid host name or IP address`);
  }
  return text;
}

export interface ParseEndpointOptions extends ParsePortOptions {
  /** Port to use when the input has none (a bare host). Without it a port is required. */
  defaultPort?: number;
  /** Host to use when the input is a bare port. */
  defaultHost?: string;
}

/**
 * Parses `host:port`, `[v6]:port`, a bare port (with `defaultHost`), or a bare host
 * (with `defaultPort`).
 */
export function parseEndpoint(input: string, options: ParseEndpointOptions = {}): Endpoint {
  const text = input.trim();
  const fail = (why: string): never => {
    throw new UsageError(`Cannot parse endpoint "${input}": ${why}`);
  };
  if (text === '') fail('endpoint is empty');
  const portOf = (p: string): number => {
    try {
      return parsePort(p, options);
    } catch (error) {
      return fail((error as Error).message.replace(/^.*?: /, ''));
    }
  };
  const hostOf = (h: string): string => {
    try {
      return parseHost(h);
    } catch (error) {
      return fail((error as Error).message.replace(/^.*?: /, ''));
    }
  };
  const make = (address: string, port: number): Endpoint => {
    const family = ipFamily(address);
    return family ? { address, port, family } : { address, port };
  };

  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) fail('unbalanced brackets');
    const host = hostOf(text.slice(0, close + 1));
    const rest = text.slice(close + 1);
    if (rest === '') {
      if (options.defaultPort === undefined) fail('port is missing (use [host]:port)');
      return make(host, options.defaultPort as number);
    }
    if (!rest.startsWith(':')) fail('expected ":" and a port after "]"');
    return make(host, portOf(rest.slice(1)));
  }
  if (text.includes(']')) fail('unbalanced brackets');
  if (digits.test(text) && options.defaultHost !== undefined && !isIPv4(text)) {
    return make(options.defaultHost, portOf(text));
  }
  const colons = text.split(':').length - 1;
  if (colons === 0) {
    if (options.defaultPort === undefined) fail('port is missing (use host:port)');
    return make(hostOf(text), options.defaultPort as number);
  }
  if (colons > 1) {
    // A bare IPv6 literal: only valid without a port.
    if (!isIPv6(text)) fail('IPv6 addresses with a port need brackets: [::1]:8080');
    if (options.defaultPort === undefined) fail('IPv6 addresses with a port need brackets: [::1]:8080');
    return make(text, options.defaultPort as number);
  }
  const at = text.lastIndexOf(':');
  const host = text.slice(0, at);
  if (host === '') fail('host is empty');
  return make(hostOf(host), portOf(text.slice(at + 1)));
}

/** `127.0.0.1:80`, `[::1]:80`, `example.com:80`. */
export function formatEndpoint(endpoint: Endpoint): string {
  const host = endpoint.address.includes(':') ? `[${endpoint.address}]` : endpoint.address;
  return `${host}:${endpoint.port}`;
}

const loopbackV6 = /^(0{0,4}:){7}0{0,3}1$|^::1$/;

/** True for 127.0.0.0/8, ::1, ::ffff:127.x and "localhost". */
export function isLoopback(address: string): boolean {
  const a = address.toLowerCase();
  if (a === 'localhost' || a.endsWith('.localhost')) return true;
  if (isIPv4(a)) return a.startsWith('127.');
  if (a.startsWith('::ffff:')) return isLoopback(a.slice(7));
  return loopbackV6.test(a);
}

/** True for 0.0.0.0 and ::, which bind every interface. */
export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || /^[0:]+$/.test(address);
}

/** Python's repr of a socket address tuple, as the seed prints it: `('127.0.0.1', 5000)`. */
export function formatPythonAddress(endpoint: Endpoint): string {
  if (endpoint.address.includes(':')) return `('${endpoint.address}', ${endpoint.port}, 0, 0)`;
  return `('${endpoint.address}', ${endpoint.port})`;
}
