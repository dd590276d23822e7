import type { SocketAddress, SocketEntry } from '../types.ts';

/** netstat's way: "127.0.0.1:80", "::1:80", "0.0.0.0:*" for an unset port. */
export function netstatAddress(address: SocketAddress): string {
  return `${address.address}:${address.port === 0 ? '*' : address.port}`;
}

/** lsof's way: "127.0.0.1:80", "[::1]:80", "*:80" for a wildcard address. */
export function lsofAddress(address: SocketAddress): string {
  const host = address.address === '0.0.0.0' || address.address === '::' ? '*' : address.address;
  const port = address.port === 0 ? '*' : String(address.port);
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** What a row shows in place of an unknown owner: "-" or the reason in brackets. */
export function hiddenText(entry: SocketEntry): string {
  return entry.hidden && entry.hidden !== 'no owning process' ? `(${entry.hidden})` : '-';
}
