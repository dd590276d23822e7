import { SocketError, socketErrorCode, UsageError } from '@socklab/core';

/** `udp 127.0.0.1:65432`, `udp [::1]:65432`. */
export function udpTarget(address: string, port: number): string {
  return `udp ${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** A bind failure in plain words, with the fix. Usage errors (e.g. Deno flags) pass through. */
export function bindError(error: unknown, address: string, port: number): Error {
  if (error instanceof UsageError || error instanceof SocketError) return error;
  const code = socketErrorCode(error);
  const hints: Partial<Record<typeof code, string>> = {
    EADDRINUSE: `pick another port (or see who holds it: socklab inspect --proto udp --port ${port})`,
    EACCES:
      port > 0 && port < 1024
        ? `ports below 1024 need root (or CAP_NET_BIND_SERVICE): pick a port from 1024 up, e.g. ${port + 8000}`
        : 'check the permissions of this program (Deno: run with -A)',
    EADDRNOTAVAIL: `${address} is not an address of this machine: use 127.0.0.1, ::1 or 0.0.0.0`,
  };
  return new SocketError(code, {
    action: 'bind',
    target: udpTarget(address, port),
    hint: hints[code],
    cause: error,
  });
}

/** ICMP port unreachable, said the way users search for it. */
export function refusedError(address: string, port: number, cause?: unknown): SocketError {
  const target = udpTarget(address, port);
  return new SocketError('ECONNREFUSED', {
    action: 'send to',
    target,
    reason: `connection refused: nothing is listening on ${target}`,
    hint: 'start the server first, or check the host and port',
    cause,
  });
}

/** True for errors that mean "nobody answers at this address": try the next one. */
export function isUnreachable(error: unknown): boolean {
  const code = socketErrorCode(error);
  return code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH';
}
