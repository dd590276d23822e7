import type { SocketEntry } from '@socklab/inspector';

/** The ports the lab opened: the servers' and the TCP client's. */
export interface LabPorts {
  udp?: number;
  tcp?: number;
  tcpClient?: number;
}

/**
 * The lab's own sockets: its UDP server, its TCP listener and both ends of its connection.
 * Ports alone are not enough: other programs' connections may use the same numbers.
 */
export function labSockets(entries: readonly SocketEntry[], ports: LabPorts): SocketEntry[] {
  const { udp, tcp, tcpClient } = ports;
  return entries.filter((e) => {
    if (e.proto.startsWith('udp')) return udp !== undefined && e.local.port === udp;
    if (!e.proto.startsWith('tcp') || tcp === undefined) return false;
    if (e.local.port === tcp && e.state === 'LISTEN') return true;
    if (tcpClient === undefined) return false;
    return (
      (e.local.port === tcp && e.remote.port === tcpClient) ||
      (e.local.port === tcpClient && e.remote.port === tcp)
    );
  });
}

/** What the snapshot taken while everything is open must show, and what is missing from it. */
export function missingOpenRows(entries: readonly SocketEntry[], ports: LabPorts): string[] {
  const tcp = (e: SocketEntry) => e.proto.startsWith('tcp');
  const missing: string[] = [];
  // A step that failed opened nothing to look for: say so rather than "port undefined".
  if (ports.udp === undefined) missing.push('a UDP socket (the UDP step failed)');
  if (ports.tcp === undefined || ports.tcpClient === undefined) {
    missing.push('TCP sockets (the TCP step failed)');
    return missing;
  }
  if (!entries.some((e) => tcp(e) && e.state === 'LISTEN' && e.local.port === ports.tcp))
    missing.push(`TCP LISTEN on port ${ports.tcp}`);
  const established = (local?: number, remote?: number) =>
    entries.some(
      (e) =>
        tcp(e) && e.state === 'ESTABLISHED' && e.local.port === local && e.remote.port === remote,
    );
  if (!established(ports.tcpClient, ports.tcp))
    missing.push(`TCP ESTABLISHED ${ports.tcpClient} -> ${ports.tcp} (client side)`);
  if (!established(ports.tcp, ports.tcpClient))
    missing.push(`TCP ESTABLISHED ${ports.tcp} -> ${ports.tcpClient} (server side)`);
  if (
    ports.udp !== undefined &&
    !entries.some((e) => e.proto.startsWith('udp') && e.local.port === ports.udp)
  )
    missing.push(`UDP socket on port ${ports.udp}`);
  return missing;
}

/** The client's side of the closed connection, waiting out TIME_WAIT. */
export function timeWaitRows(entries: readonly SocketEntry[], ports: LabPorts): SocketEntry[] {
  return entries.filter(
    (e) =>
      e.proto.startsWith('tcp') &&
      e.state === 'TIME_WAIT' &&
      ((e.local.port === ports.tcpClient && e.remote.port === ports.tcp) ||
        (e.local.port === ports.tcp && e.remote.port === ports.tcpClient)),
  );
}
