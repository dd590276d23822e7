import { SocketError, toSocketError } from '@socklab/core';

/** A native error as a SocketError about a unix socket path, with a hint for the usual causes. */
export function unixSocketError(error: unknown, action: string, path: string): SocketError {
  const wrapped = toSocketError(error, { action, target: `unix ${path}` });
  const hints: Partial<Record<string, string>> = {
    ENOENT: `start a server first: socklab unix server --path ${path}`,
    ECONNREFUSED: `no server is accepting on ${path} (a stale socket file?)`,
    EADDRINUSE: 'another server uses this path: stop it or pick another --path',
    EACCES: 'pick a path in a directory you can write to',
  };
  const hint = wrapped.hint ?? hints[wrapped.code];
  if (hint === wrapped.hint) return wrapped;
  return new SocketError(wrapped.code, {
    action,
    target: `unix ${path}`,
    reason: wrapped.reason,
    hint,
    cause: error,
  });
}
