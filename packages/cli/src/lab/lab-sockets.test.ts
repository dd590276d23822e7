import type { SocketEntry } from '@socklab/inspector';
import { describe, expect, it } from 'vitest';
import { labSockets, missingOpenRows, timeWaitRows } from './lab-sockets.ts';

const ports = { udp: 40001, tcp: 40002, tcpClient: 50000 };

function entry(
  proto: SocketEntry['proto'],
  state: string,
  local: number,
  remote: number,
  pid: number | null = 7,
): SocketEntry {
  return {
    proto,
    state,
    local: { address: '127.0.0.1', port: local },
    remote: { address: remote === 0 ? '0.0.0.0' : '127.0.0.1', port: remote },
    recvQ: 0,
    sendQ: 0,
    uid: 0,
    user: 'root',
    inode: local * 7 + remote,
    pid,
    command: pid === null ? null : 'node',
    processes: pid === null ? [] : [{ pid, command: 'node', fd: 3 }],
  };
}

const open = [
  entry('tcp', 'LISTEN', 40002, 0),
  entry('tcp', 'ESTABLISHED', 40002, 50000),
  entry('tcp', 'ESTABLISHED', 50000, 40002),
  entry('udp', 'UNCONN', 40001, 0),
];

describe('labSockets', () => {
  it("keeps the lab's own sockets, not other programs' that share a port number", () => {
    const others = [
      entry('tcp', 'ESTABLISHED', 33333, 40001, 99),
      entry('tcp', 'ESTABLISHED', 40002, 44444, 99),
      entry('udp', 'UNCONN', 40002, 0, 99),
      entry('unix', 'LISTEN', 0, 0, 99),
    ];
    expect(labSockets([...others, ...open], ports)).toEqual(open);
  });
});

describe('missingOpenRows', () => {
  it('nothing is missing when LISTEN, both ESTABLISHED ends and the UDP socket are there', () => {
    expect(missingOpenRows(open, ports)).toEqual([]);
  });

  it('names each missing row', () => {
    expect(missingOpenRows([open[0] as SocketEntry], ports)).toEqual([
      'TCP ESTABLISHED 50000 -> 40002 (client side)',
      'TCP ESTABLISHED 40002 -> 50000 (server side)',
      'UDP socket on port 40001',
    ]);
    expect(missingOpenRows([], ports)[0]).toBe('TCP LISTEN on port 40002');
  });

  it('a step that failed opened nothing: it is named, not looked for on port undefined', () => {
    expect(missingOpenRows(open, { ...ports, udp: undefined })).toEqual([
      'a UDP socket (the UDP step failed)',
    ]);
    expect(missingOpenRows(open, { udp: ports.udp })).toEqual([
      'TCP sockets (the TCP step failed)',
    ]);
  });
});

describe('timeWaitRows', () => {
  it("finds the closed connection's TIME_WAIT side, which has no owner", () => {
    const waiting = entry('tcp', 'TIME_WAIT', 50000, 40002, null);
    expect(timeWaitRows([...open, waiting, entry('tcp', 'TIME_WAIT', 1, 2, null)], ports)).toEqual([
      waiting,
    ]);
    expect(timeWaitRows(open, ports)).toEqual([]);
  });
});
