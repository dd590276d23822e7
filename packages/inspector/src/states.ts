// Kernel TCP states (include/net/tcp_states.h), by the number /proc/net/tcp prints in hex.
const tcpStates: readonly string[] = [
  'UNKNOWN',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV',
];

/**
 * Every state name an entry may carry (TCP's, plus UNCONN for unconnected UDP and unix), and so
 * every one `--state` takes. Not NEW_SYN_RECV: /proc/net/tcp prints a pending connection as
 * SYN_RECV, so a filter on it could never match.
 */
export const stateNames: readonly string[] = [
  ...tcpStates.slice(1).filter((name) => name !== 'NEW_SYN_RECV'),
  'UNCONN',
];

/** The state of a /proc/net/tcp* row. */
export function tcpStateName(code: number): string {
  return tcpStates[code] ?? 'UNKNOWN';
}

/** UDP reuses TCP numbers: 7 (CLOSE) is an unconnected socket, which `ss` calls UNCONN. */
export function udpStateName(code: number): string {
  return code === 7 ? 'UNCONN' : (tcpStates[code] ?? 'UNKNOWN');
}

/** The canonical name for user input (any case, dashes allowed), or undefined when unknown. */
export function normalizeStateName(input: string): string | undefined {
  const name = input.trim().toUpperCase().replace(/-/g, '_');
  const aliases: Record<string, string> = {
    ESTAB: 'ESTABLISHED',
    // ss's name for TCP state 7 (its UDP sockets in that state are UNCONN).
    CLOSED: 'CLOSE',
    FIN_WAIT_1: 'FIN_WAIT1',
    FIN_WAIT_2: 'FIN_WAIT2',
    LISTENING: 'LISTEN',
    UNCONNECTED: 'UNCONN',
  };
  const canonical = aliases[name] ?? name;
  return stateNames.includes(canonical) ? canonical : undefined;
}

/** Maps a state as `ss` prints it (ESTAB, TIME-WAIT, UNCONN) to this package's name. */
export function stateFromSs(name: string): string {
  return normalizeStateName(name) ?? name;
}
