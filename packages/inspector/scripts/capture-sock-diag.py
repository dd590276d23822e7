#!/usr/bin/env python3
"""Captures the sock_diag fixtures: the same sockets as the kernel's netlink dump and /proc/net.

Opens sockets on loopback (listeners, established pairs, queues with bytes in them, a TIME_WAIT,
request sockets of a listener owned by another user, UDP bound and connected, IPv4, IPv6 and
v4-mapped), then, at once, dumps each inet table over NETLINK_SOCK_DIAG (as `ss` does) and reads
/proc/net/tcp, tcp6, udp and udp6. Both keep only the rows of these sockets (by port: best with
no other sockets on loopback, e.g. the bench's holder stopped); the dump
keeps the kernel's own messages, byte for byte, and its NLMSG_DONE. Written to
src/parsers/fixtures/sock-diag-<table>.bin and sock-diag-proc-net-<table>.txt.

Run as root (the other user's listener): sudo python3 scripts/capture-sock-diag.py
An independent implementation of the dump request on purpose (Python's own AF_NETLINK sockets).
"""
import os
import socket
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'src', 'parsers', 'fixtures')
NOBODY = 65534
TCP_DEFER_ACCEPT = 9
keep = []  # every socket stays open until the capture is done


def listener(family, host, backlog=16):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.bind((host, 0))
    s.listen(backlog)
    keep.append(s)
    return s


def dial(family, host, port):
    c = socket.socket(family, socket.SOCK_STREAM)
    c.connect((host, port))
    keep.append(c)
    return c


def other_user_listener():
    """A dual-stack listener owned by `nobody` whose handshakes stay request sockets (SYN_RECV):
    TCP_DEFER_ACCEPT drops the client's last ACK until data comes."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        os.setgid(NOBODY)
        os.setuid(NOBODY)
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.setsockopt(socket.IPPROTO_TCP, TCP_DEFER_ACCEPT, 60)
        s.bind(('::', 0))
        s.listen(16)
        os.write(write, str(s.getsockname()[1]).encode())
        os.close(write)
        time.sleep(120)
        os._exit(0)
    os.close(write)
    port = int(os.read(read, 16))
    os.close(read)
    return pid, port


def main():
    if os.geteuid() != 0:
        sys.exit('capture-sock-diag: run as root (a listener of another user is part of the capture)')
    ports = set()  # TCP ports; UDP's below
    # IPv4: a listener with an accepted, idle connection and a queued one holding unread bytes.
    l4 = listener(socket.AF_INET, '127.0.0.1')
    ports.add(l4.getsockname()[1])
    idle = dial(socket.AF_INET, '127.0.0.1', l4.getsockname()[1])
    keep.append(l4.accept()[0])
    unread = dial(socket.AF_INET, '127.0.0.1', l4.getsockname()[1])
    unread.send(b'x' * 100)  # the server side, never accepted: recvQ 100; the listener's: 1
    # A sender whose bytes the other side does not read: sendQ > 0.
    l4b = listener(socket.AF_INET, '127.0.0.1')
    ports.add(l4b.getsockname()[1])
    full = dial(socket.AF_INET, '127.0.0.1', l4b.getsockname()[1])
    keep.append(l4b.accept()[0])
    full.setblocking(False)
    try:
        while True:
            full.send(b'y' * 65536)
    except BlockingIOError:
        pass
    # A TIME_WAIT: the client closes first.
    l4c = listener(socket.AF_INET, '127.0.0.1')
    ports.add(l4c.getsockname()[1])
    short = dial(socket.AF_INET, '127.0.0.1', l4c.getsockname()[1])
    server_side = l4c.accept()[0]
    short.close()
    keep.remove(short)
    time.sleep(0.05)
    server_side.close()
    # IPv6 loopback: a listener and a pair.
    l6 = listener(socket.AF_INET6, '::1')
    ports.add(l6.getsockname()[1])
    dial(socket.AF_INET6, '::1', l6.getsockname()[1])
    keep.append(l6.accept()[0])
    # A dual-stack listener and an IPv4 client (the server side is v4-mapped in tcp6).
    dual = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    dual.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    dual.bind(('::', 0))
    dual.listen(16)
    keep.append(dual)
    ports.add(dual.getsockname()[1])
    dial(socket.AF_INET, '127.0.0.1', dual.getsockname()[1])
    keep.append(dual.accept()[0])
    # Request sockets of another user's listener, from an IPv4 and an IPv6 client.
    child, other = other_user_listener()
    ports.add(other)
    dial(socket.AF_INET, '127.0.0.1', other)
    dial(socket.AF_INET6, '::1', other)
    # UDP: bound on each family, one connected.
    tcp_ports, ports = ports, set()
    for family, host in ((socket.AF_INET, '127.0.0.1'), (socket.AF_INET6, '::1')):
        u = socket.socket(family, socket.SOCK_DGRAM)
        u.bind((host, 0))
        keep.append(u)
        ports.add(u.getsockname()[1])
        c = socket.socket(family, socket.SOCK_DGRAM)
        c.bind((host, 0))
        c.connect(u.getsockname()[:2])
        c.send(b'datagram')  # u's recvQ
        keep.append(c)
        ports.add(c.getsockname()[1])
    time.sleep(0.2)  # handshakes and FINs settle

    tables = {'tcp': (socket.AF_INET, 6), 'tcp6': (socket.AF_INET6, 6),
              'udp': (socket.AF_INET, 17), 'udp6': (socket.AF_INET6, 17)}
    of = {6: tcp_ports, 17: ports}
    dumps = {name: dump(family, proto, of[proto]) for name, (family, proto) in tables.items()}
    texts = {name: proc_rows(name, of[proto]) for name, (family, proto) in tables.items()}
    os.kill(child, 9)
    os.waitpid(child, 0)
    for name in tables:
        with open(os.path.join(OUT, f'sock-diag-{name}.bin'), 'wb') as f:
            f.write(dumps[name])
        with open(os.path.join(OUT, f'sock-diag-proc-net-{name}.txt'), 'w') as f:
            f.write(texts[name])
        print(name, len(dumps[name]), 'bytes,', texts[name].count('\n') - 1, 'rows')


def dump(family, protocol, ports):
    """The kernel's messages for these ports, then its NLMSG_DONE."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 4)  # NETLINK_SOCK_DIAG
    # nlmsghdr (len, SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, seq, pid), then
    # inet_diag_req_v2 (family, protocol, ext, pad, every state but BOUND_INACTIVE, id).
    s.send(struct.pack('=IHHII', 72, 20, 0x301, 1, 0) + struct.pack('=BBBBI', family, protocol, 0, 0, 0x1FFF) + bytes(48))
    kept = []
    while True:
        data = s.recv(65536)
        at = 0
        while at + 16 <= len(data):
            length, kind = struct.unpack_from('=IH', data, at)
            message = data[at:at + ((length + 3) & ~3)]
            if kind == 3:  # NLMSG_DONE
                s.close()
                return b''.join(kept) + message
            if kind == 2:
                sys.exit(f'capture-sock-diag: the kernel refused the dump of family {family} protocol {protocol}')
            local, remote = struct.unpack_from('>HH', data, at + 20)
            if local in ports or remote in ports:
                kept.append(message)
            at += (length + 3) & ~3


def proc_rows(table, ports):
    """/proc/net/<table>: its header and the rows of these ports."""
    with open(f'/proc/net/{table}') as f:
        lines = f.read().split('\n')
    out = [lines[0]]
    for line in lines[1:]:
        fields = line.split()
        if len(fields) < 3:
            continue
        local = int(fields[1].split(':')[1], 16)
        remote = int(fields[2].split(':')[1], 16)
        if local in ports or remote in ports:
            out.append(line)
    return '\n'.join(out) + '\n'


main()
