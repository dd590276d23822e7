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

/** "Cannot <action> <target>: <reason>", with a stable `code`. */
export class SocketError extends Error {
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

/** A malformed invocation: bad option value, missing argument. Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
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
  InvalidData: 'EINVAL',
  TimeoutError: 'ETIMEDOUT',
  AbortError: 'EABORTED',
};

const knownCodes = new Set(Object.keys(reasons));
const aliases: Record<string, SocketErrorCode> = {
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
  ABORT_ERR: 'EABORTED',
};

/** Finds the stable code of a native error from its `code`, `errno` text or `name`. */
export function socketErrorCode(error: unknown): SocketErrorCode {
  if (error instanceof SocketError) return error.code;
  if (typeof error !== 'object' || error === null) return 'EUNKNOWN';
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (knownCodes.has(code)) return code as SocketErrorCode;
    if (code in aliases) return aliases[code] as SocketErrorCode;
  }
  if (typeof name === 'string' && name in denoNames) return denoNames[name] as SocketErrorCode;
  // Bun and Deno sometimes only put the errno name in the message ("... (os error 98)").
  if (typeof message === 'string') {
    const found = /\b(E[A-Z]{3,})\b/.exec(message)?.[1];
    if (found && knownCodes.has(found)) return found as SocketErrorCode;
    if (found && found in aliases) return aliases[found] as SocketErrorCode;
    const os = /os error (\d+)/.exec(message)?.[1];
    if (os) return linuxErrno[Number(os)] ?? 'EUNKNOWN';
  }
  return 'EUNKNOWN';
}

const linuxErrno: Record<number, SocketErrorCode> = {
  1: 'EACCES',
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
