import type { SocketProto } from '../types.ts';

/**
 * The inet tables from the kernel's sock_diag netlink dump (NETLINK_SOCK_DIAG, as `ss` reads
 * them), through Deno's FFI to libc's socket calls: the same sockets as /proc/net/tcp and the
 * others, as binary records (inet_diag_msg) instead of hex text, with ~40 system calls per 10,000
 * sockets instead of ~370 (the kernel gives /proc/net one page per read). Only where the process
 * already has FFI permission (`-A` or `--allow-ffi`): never asked for.
 */
export interface SockDiag {
  /**
   * Dumps one table: each recv's messages go to `onBytes` (a view valid during the call), which
   * answers as WasmRows.parseDiag does (0 more, 1 end, < 0 failed). true when the dump reached
   * its end; false when anything failed (the caller then reads /proc/net).
   */
  dump(proto: SocketProto, onBytes: (bytes: Uint8Array) => number): boolean;
}

const AF_NETLINK = 16;
const SOCK_RAW = 3;
const SOCK_CLOEXEC = 0o2000000;
const NETLINK_SOCK_DIAG = 4;
const SOCK_DIAG_BY_FAMILY = 20;
const NLM_F_REQUEST = 1;
const NLM_F_DUMP = 0x300;
const MSG_TRUNC = 0x20;
/**
 * The kernel fills the next part of a dump while the previous is taken (in recvmsg), so one is
 * always waiting until the end: a recv that would wait means something went wrong.
 */
const MSG_DONTWAIT = 0x40;
/** Every TCP state but TCP_BOUND_INACTIVE (13), which /proc/net does not list. */
const ALL_STATES = 0x1fff;

const symbols = {
  socket: { parameters: ['i32', 'i32', 'i32'], result: 'i32' },
  send: { parameters: ['i32', 'buffer', 'usize', 'i32'], result: 'isize' },
  recv: { parameters: ['i32', 'buffer', 'usize', 'i32'], result: 'isize' },
  close: { parameters: ['i32'], result: 'i32' },
} as const;

type Libc = Deno.DynamicLibrary<typeof symbols>['symbols'];

const families: Partial<Record<SocketProto, [family: number, protocol: number]>> = {
  tcp: [2, 6],
  tcp6: [10, 6],
  udp: [2, 17],
  udp6: [10, 17],
};

let opened: SockDiag | null | undefined;

/** The dump, or null where it cannot be had (no FFI permission, not Linux, no glibc). */
export function openSockDiag(): SockDiag | null {
  if (opened !== undefined) return opened;
  opened = null;
  try {
    // The constants above are those of x86_64 and aarch64 (where Deno runs on Linux).
    if (Deno.build.os !== 'linux') return null;
    if (Deno.build.arch !== 'x86_64' && Deno.build.arch !== 'aarch64') return null;
    if (Deno.permissions.querySync({ name: 'ffi' }).state !== 'granted') return null;
    const libc = Deno.dlopen('libc.so.6', symbols).symbols;
    opened = { dump: (proto, onBytes) => dump(libc, proto, onBytes) };
  } catch {
    // Another C library (musl), or a runtime without FFI: /proc/net does the work.
  }
  return opened;
}

// A part of a dump is at most 32 KB (the kernel's limit for one message buffer).
const buffer = new Uint8Array(64 * 1024);
const bufferLength = BigInt(buffer.length);

function dump(libc: Libc, proto: SocketProto, onBytes: (bytes: Uint8Array) => number): boolean {
  const wanted = families[proto];
  if (!wanted) return false;
  const fd = libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return false;
  try {
    // struct nlmsghdr, then struct inet_diag_req_v2 (family, protocol, ext, pad, states, id).
    const request = new Uint8Array(72);
    const view = new DataView(request.buffer);
    view.setUint32(0, request.length, true);
    view.setUint16(4, SOCK_DIAG_BY_FAMILY, true);
    view.setUint16(6, NLM_F_REQUEST | NLM_F_DUMP, true);
    view.setUint32(8, 1, true);
    request[16] = wanted[0];
    request[17] = wanted[1];
    view.setUint32(20, ALL_STATES, true);
    if (Number(libc.send(fd, request, BigInt(request.length), 0)) !== request.length) return false;
    for (;;) {
      const got = Number(libc.recv(fd, buffer, bufferLength, MSG_DONTWAIT | MSG_TRUNC));
      if (got <= 0 || got > buffer.length) return false;
      const status = onBytes(buffer.subarray(0, got));
      if (status !== 0) return status === 1;
    }
  } finally {
    libc.close(fd);
  }
}
