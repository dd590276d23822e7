import { describe, expect, it } from 'vitest';
import { parseProcNetUdp, procNetLocal } from './proc-net-udp.ts';

// Lines as a little-endian Linux prints them (127.0.0.1:54152, ::1:53, 0.0.0.0:68).
const udp = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            
15386: 0100007F:D388 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4293784 2 000000000fffab41 0       
  871: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 18334 2 0000000000000000 1234
`;
const udp6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  412: 00000000000000000000000001000000:0035 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 99 2 0000000000000000 7
`;

describe('/proc/net/udp rows', () => {
  it('reads local address, inode and drops, skipping the header and blank or short lines', () => {
    expect(parseProcNetUdp(udp)).toEqual([
      { local: '0100007F:D388', inode: '4293784', drops: 0 },
      { local: '00000000:0044', inode: '18334', drops: 1234 },
    ]);
    expect(parseProcNetUdp(udp6)).toEqual([
      { local: '00000000000000000000000001000000:0035', inode: '99', drops: 7 },
    ]);
    expect(parseProcNetUdp(`header\n1: short line\n\n`)).toEqual([]);
  });

  it('writes our address the way the kernel prints it, in either byte order', () => {
    expect(procNetLocal('127.0.0.1', 54152, true)).toBe('0100007F:D388');
    expect(procNetLocal('127.0.0.1', 54152, false)).toBe('7F000001:D388');
    expect(procNetLocal('0.0.0.0', 68, true)).toBe('00000000:0044');
    expect(procNetLocal('::1', 53, true)).toBe('00000000000000000000000001000000:0035');
    expect(procNetLocal('::1', 53, false)).toBe('00000000000000000000000000000001:0035');
    expect(procNetLocal('::ffff:127.0.0.1', 1, true)).toBe('0000000000000000FFFF00000100007F:0001');
    expect(procNetLocal('localhost', 1, true)).toBeUndefined();
  });
});
