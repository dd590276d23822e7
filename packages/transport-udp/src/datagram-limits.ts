import { SocketError } from '@socklab/core';

/** Largest UDP payload: 65,535 minus the 8-byte UDP header and the 20-byte IPv4 header. */
export const maxDatagramIPv4 = 65_507;
/** IPv6 headers are not counted in the 16-bit payload length: 65,535 minus the UDP header. */
export const maxDatagramIPv6 = 65_527;

/** Throws EMSGSIZE, explained, when `size` bytes do not fit one datagram to `address`. */
export function checkDatagramSize(size: number, address: string, target: string): void {
  const v6 = address.includes(':');
  const limit = v6 ? maxDatagramIPv6 : maxDatagramIPv4;
  if (size <= limit) return;
  throw new SocketError('EMSGSIZE', {
    action: 'send to',
    target,
    reason: `message too long: ${size} bytes, and one UDP datagram over ${v6 ? 'IPv6' : 'IPv4'} holds at most ${limit.toLocaleString('en-US')}`,
    hint: 'send a shorter message, or use tcp for bigger payloads',
  });
}
