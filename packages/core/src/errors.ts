/** Stable error codes: one vocabulary whatever runtime raised the error. */
export type SocketErrorCode =
  | 'EADDRINUSE'
  | 'EADDRNOTAVAIL'
  | 'ECONNREFUSED'
  | 'ECONNRESET'
  | 'ECONNABORTED'
  | 'ENOTFOUND'
  | 'ETIMEDOUT'
  | 'EACCES'
  | 'EMSGSIZE'
  | 'EPIPE'
  | 'EHOSTUNREACH'
  | 'ENETUNREACH'
  | 'EINVAL'
  | 'ENOENT'
  | 'ESRCH'
  | 'EMISMATCH'
  | 'EABORTED'
  | 'EUNKNOWN';

/** The plain words users search for, one per code. */
export const reasons: Record<SocketErrorCode, string> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available on this machine',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  ECONNABORTED: 'connection aborted',
  ENOTFOUND: 'unknown host',
  ETIMEDOUT: 'timed out',
  EACCES: 'permission denied',
  EMSGSIZE: 'message too long',
  EPIPE: 'broken pipe',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EINVAL: 'invalid argument',
  ENOENT: 'no such file or directory',
  ESRCH: 'no such process',
  EMISMATCH: 'data mismatch',
  EABORTED: 'aborted',
  EUNKNOWN: 'unexpected error',
};

export interface SocketErrorOptions {
  /** What we tried to do: "connect to", "bind", "send to", "resolve". */
  action: string;
  /** What we tried to do it to: "tcp 127.0.0.1:65432", "host example.invalid". */
  target: string;
  /** Overrides the default reason for the code. */
  reason?: string;
  /** How to fix it, in a few words. */
  hint?: string;
  cause?: unknown;
}

/** The same name as `reasons`, easier to find. */
export const socketErrorReasons = reasons;

// Brands survive duplicate copies of core (a plugin with its own node_modules): instanceof
// checks the brand, so the CLI still tells a plugin's usage error from a runtime failure.
const socketErrorBrand = Symbol.for('socklab.SocketError');
const usageErrorBrand = Symbol.for('socklab.UsageError');

function branded(value: unknown, brand: symbol): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true
  );
}

/** "Cannot <action> <target>: <reason>", with a stable `code`. */
export class SocketError extends Error {
  readonly [socketErrorBrand] = true;
  override readonly name = 'SocketError';
  readonly code: SocketErrorCode;
  readonly action: string;
  readonly target: string;
  readonly reason: string;
  readonly hint: string | undefined;

  constructor(code: SocketErrorCode, options: SocketErrorOptions) {
    const reason = options.reason ?? reasons[code];
    super(`Cannot ${options.action} ${options.target}: ${reason}`, { cause: options.cause });
    this.code = code;
    this.action = options.action;
    this.target = options.target;
    this.reason = reason;
    this.hint = options.hint;
  }
}

/** instanceof by brand on the class itself, by prototype chain on subclasses. */
function brandedInstanceOf(base: unknown, brand: symbol) {
  return function (this: unknown, value: unknown): boolean {
    if (this !== base) return Function.prototype[Symbol.hasInstance].call(this, value);
    return branded(value, brand);
  };
}

Object.defineProperty(SocketError, Symbol.hasInstance, {
  value: brandedInstanceOf(SocketError, socketErrorBrand),
});

export interface UsageErrorOptions {
  /** Why the input is wrong, without naming it: "port must be 1-65535". Default: the message. */
  reason?: string;
  /** How to fix it, in a few words. */
  hint?: string;
}

/**
 * A malformed invocation: bad option value, missing argument. Exit code 2. The second argument
 * is the hint, or options with the hint and the `reason` (what --json's `error` event carries).
 */
export class UsageError extends Error {
  readonly [usageErrorBrand] = true;
  override readonly name = 'UsageError';
  readonly reason: string;
  readonly hint: string | undefined;
  constructor(message: string, options?: string | UsageErrorOptions) {
    super(message);
    const { reason, hint } = typeof options === 'string' ? { hint: options } : (options ?? {});
    this.reason = reason ?? message;
    this.hint = hint;
  }
}

// Deno raises classes named after the condition instead of errno codes.
const denoNames: Record<string, SocketErrorCode> = {
  AddrInUse: 'EADDRINUSE',
  AddrNotAvailable: 'EADDRNOTAVAIL',
  ConnectionRefused: 'ECONNREFUSED',
  ConnectionReset: 'ECONNRESET',
  ConnectionAborted: 'ECONNABORTED',
  BrokenPipe: 'EPIPE',
  TimedOut: 'ETIMEDOUT',
  PermissionDenied: 'EACCES',
  NotCapable: 'EACCES',
  NotFound: 'ENOENT',
  InvalidData: 'EINVAL',
  TimeoutError: 'ETIMEDOUT',
  AbortError: 'EABORTED',
};

const knownCodes = new Set(Object.keys(reasons));
const aliases: Partial<Record<string, SocketErrorCode>> = {
  EAI_AGAIN: 'ENOTFOUND',
  EAI_NONAME: 'ENOTFOUND',
  EAI_NODATA: 'ENOTFOUND',
  EAI_FAIL: 'ENOTFOUND',
  DNSException: 'ENOTFOUND',
  ERR_SOCKET_DGRAM_NOT_RUNNING: 'EINVAL',
  ERR_SOCKET_BAD_PORT: 'EINVAL',
  ERR_INVALID_ARG_VALUE: 'EINVAL',
  ERR_SOCKET_CLOSED: 'EPIPE',
  ERR_STREAM_DESTROYED: 'EPIPE',
  EPERM: 'EACCES',
  ECANCELED: 'EABORTED',
  ENOTSOCK: 'EINVAL',
  EAFNOSUPPORT: 'EINVAL',
  ABORT_ERR: 'EABORTED',
};

// Messages carrying only words: Deno's DNS failures, some Bun and libuv texts.
const phrases: [RegExp, SocketErrorCode][] = [
  [
    /failed to lookup address|name or service not known|nodename nor servname|no address associated with hostname|temporary failure in name resolution|name does not resolve/i,
    'ENOTFOUND',
  ],
  [/address already in use/i, 'EADDRINUSE'],
  [/connection refused/i, 'ECONNREFUSED'],
  [/connection reset/i, 'ECONNRESET'],
  [/permission denied|operation not permitted/i, 'EACCES'],
  [/timed out/i, 'ETIMEDOUT'],
  [/message too long/i, 'EMSGSIZE'],
  [/broken pipe/i, 'EPIPE'],
  [/no such file or directory/i, 'ENOENT'],
];

function known(code: string): SocketErrorCode | undefined {
  if (knownCodes.has(code)) return code as SocketErrorCode;
  return Object.hasOwn(aliases, code) ? aliases[code] : undefined;
}

/**
 * Finds the stable code of a native error from its `code` (Node, Bun, recent Deno), its `name`
 * (Deno's error classes), or its message (errno names, "os error N", plain words).
 */
export function socketErrorCode(error: unknown): SocketErrorCode {
  if (error instanceof SocketError) return error.code;
  if (typeof error !== 'object' || error === null) return 'EUNKNOWN';
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof code === 'string' && known(code)) return known(code) as SocketErrorCode;
  if (typeof name === 'string' && Object.hasOwn(denoNames, name))
    return denoNames[name] as SocketErrorCode;
  if (typeof message === 'string') {
    for (const match of message.matchAll(/\b(E[A-Z_]{3,})\b/g)) {
      const found = known(match[1] as string);
      if (found) return found;
    }
    const os = /os error (\d+)/.exec(message)?.[1];
    if (os && linuxErrno[Number(os)]) return linuxErrno[Number(os)] as SocketErrorCode;
    for (const [pattern, found] of phrases) if (pattern.test(message)) return found;
  }
  // Node's DNS errors from dns.lookup may carry only the errno name as a number-less code.
  if (typeof name === 'string' && name === 'DNSException') return 'ENOTFOUND';
  return 'EUNKNOWN';
}

const linuxErrno: Record<number, SocketErrorCode> = {
  1: 'EACCES',
  2: 'ENOENT',
  3: 'ESRCH',
  13: 'EACCES',
  22: 'EINVAL',
  32: 'EPIPE',
  90: 'EMSGSIZE',
  98: 'EADDRINUSE',
  99: 'EADDRNOTAVAIL',
  101: 'ENETUNREACH',
  103: 'ECONNABORTED',
  104: 'ECONNRESET',
  110: 'ETIMEDOUT',
  111: 'ECONNREFUSED',
  113: 'EHOSTUNREACH',
};

/** Wraps any thrown value as a SocketError, keeping an existing one as it is. */
export function toSocketError(error: unknown, options: SocketErrorOptions): SocketError {
  if (error instanceof SocketError) return error;
  return new SocketError(socketErrorCode(error), { ...options, cause: error });
}

Object.defineProperty(UsageError, Symbol.hasInstance, {
  value: brandedInstanceOf(UsageError, usageErrorBrand),
});

/** True for a SocketError, even one made by another copy of @socklab/core. */
export function isSocketError(value: unknown): value is SocketError {
  return value instanceof SocketError;
}

/** True for a UsageError, even one made by another copy of @socklab/core. */
export function isUsageError(value: unknown): value is UsageError {
  return value instanceof UsageError;
}
