// socklab bench load client: small, single-threaded epoll loops so the client is never the
// bottleneck. Loopback only; every mode is bounded in count and time; prints one JSON line per result.
//
//   load-client tput  PORT CONNS TOTAL_BYTES CHUNK MAX_MS    stream echo throughput
//   load-client lat   PORT SIZE WARM ITERS MAX_MS            ping-pong round trips, 1 connection
//   load-client ccr   PORT COUNT CONC SIZE MAX_MS            connect-send-receive-close rate
//   load-client idle  PORT COUNT PENDING MAX_MS              open COUNT, then stdin: "check" | "close"
//   load-client udp   PORT SIZE SOCKS WARM COUNT MAX_MS      request/reply rate and latency
//   load-client server tcp|udp MAX_MS                        C echo server (the client-capacity check)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double cpu_ms(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec * 1e3 + u.ru_utime.tv_usec / 1e3 + u.ru_stime.tv_sec * 1e3 +
         u.ru_stime.tv_usec / 1e3;
}

static void die(const char *what) {
  printf("{\"error\":\"%s: %s\"}\n", what, strerror(errno));
  fflush(stdout);
  exit(1);
}

static struct sockaddr_in loopback(int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

// The harness gives each client run its own 127.x.y.z source address, so earlier runs'
// TIME_WAIT sockets never make connect() hunt for a free port (that costs the client, not the server).
static struct sockaddr_in source;
static int have_source;

static void bind_source(int fd) {
  if (!have_source) return;
  int one = 1;
  setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  bind(fd, (struct sockaddr *)&source, sizeof source);
}

static void nonblock(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

static int tcp_connect_blocking(int port) {
  struct sockaddr_in a = loopback(port);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) die("socket");
  struct timeval tv = {5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  bind_source(fd);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
  return fd;
}

static int tcp_connect_nonblocking(int port) {
  struct sockaddr_in a = loopback(port);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  bind_source(fd);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS) {
    close(fd);
    return -1;
  }
  return fd;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double percentile(double *sorted, long n, double p) {
  if (n == 0) return 0;
  long i = (long)(p * (n - 1) + 0.5);
  return sorted[i];
}

// ---------------------------------------------------------------- tput
struct stream {
  int fd;
  long long to_send, sent, received;
};

static int mode_tput(int port, int conns, long long total, int chunk, double max_ms) {
  char *wbuf = malloc(chunk);
  for (int i = 0; i < chunk; i++) wbuf[i] = (char)('a' + i % 26);
  struct stream *s = calloc(conns, sizeof *s);
  int ep = epoll_create1(0);
  for (int i = 0; i < conns; i++) {
    s[i].fd = tcp_connect_blocking(port);
    nonblock(s[i].fd);
    s[i].to_send = total / conns;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = i};
    epoll_ctl(ep, EPOLL_CTL_ADD, s[i].fd, &ev);
  }
  double c0 = cpu_ms(), t0 = now_ms(), deadline = t0 + max_ms;
  int done = 0, failed = 0;
  long long received = 0;
  struct epoll_event evs[256];
  while (done < conns && now_ms() < deadline) {
    int n = epoll_wait(ep, evs, 256, 100);
    for (int k = 0; k < n; k++) {
      struct stream *c = &s[evs[k].data.u32];
      if (c->fd < 0) continue;
      int dead = 0;
      if (evs[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        for (;;) {
          // MSG_TRUNC discards the echoed bytes in the kernel (tcp(7)): the client skips a copy.
          ssize_t r = recv(c->fd, NULL, 1 << 22, MSG_TRUNC | MSG_DONTWAIT);
          if (r > 0) {
            c->received += r;
            received += r;
            continue;
          }
          if (r < 0 && errno == EAGAIN) break;
          dead = 1;  // EOF or error before all bytes came back
          break;
        }
      }
      if (!dead && (evs[k].events & EPOLLOUT) && c->sent < c->to_send) {
        long long left = c->to_send - c->sent;
        ssize_t w = write(c->fd, wbuf, left < chunk ? left : chunk);
        if (w > 0) c->sent += w;
        else if (w < 0 && errno != EAGAIN) dead = 1;
        if (c->sent >= c->to_send) {
          struct epoll_event ev = {.events = EPOLLIN, .data.u32 = evs[k].data.u32};
          epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
        }
      }
      if (dead || c->received >= c->to_send) {
        if (dead) failed++;
        close(c->fd);
        c->fd = -1;
        done++;
      }
    }
  }
  double ms = now_ms() - t0, cpu = cpu_ms() - c0;
  for (int i = 0; i < conns; i++)
    if (s[i].fd >= 0) close(s[i].fd);
  printf("{\"bytes\":%lld,\"ms\":%.3f,\"clientCpuMs\":%.3f,\"complete\":%d,\"failed\":%d}\n", received, ms,
         cpu, done - failed, failed);
  return 0;
}

// ---------------------------------------------------------------- lat
static int mode_lat(int port, int size, long warm, long iters, double max_ms) {
  int fd = tcp_connect_blocking(port);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  char *buf = malloc(size), *in = malloc(size);
  memset(buf, 'p', size);
  double *rtt = malloc(sizeof(double) * (iters > 0 ? iters : 1));
  long n = 0, total = warm + iters;
  double c0 = 0, t0 = now_ms(), deadline = t0 + max_ms, m0 = 0;
  for (long i = 0; i < total && now_ms() < deadline; i++) {
    if (i == warm) c0 = cpu_ms(), m0 = now_ms();
    double a = now_ms();
    if (write(fd, buf, size) != size) die("write");
    int got = 0;
    while (got < size) {
      ssize_t r = read(fd, in + got, size - got);
      if (r <= 0) die("read");
      got += r;
    }
    if (i >= warm) rtt[n++] = (now_ms() - a) * 1e3;
  }
  double ms = now_ms() - m0, cpu = cpu_ms() - c0;
  close(fd);
  qsort(rtt, n, sizeof *rtt, cmp_double);
  printf("{\"n\":%ld,\"ms\":%.3f,\"clientCpuMs\":%.3f,\"p50Us\":%.2f,\"p99Us\":%.2f,\"minUs\":%.2f,\"maxUs\":%.2f}\n", n,
         ms, cpu, percentile(rtt, n, 0.5), percentile(rtt, n, 0.99), n ? rtt[0] : 0, n ? rtt[n - 1] : 0);
  return 0;
}

// ---------------------------------------------------------------- ccr
struct cycle {
  int fd, phase, got;  // phase 0 connecting, 1 waiting for echo
  double start;
};

static int mode_ccr(int port, long count, int conc, int size, double max_ms) {
  char *buf = malloc(size), in[65536];
  memset(buf, 'c', size);
  struct cycle *c = calloc(conc, sizeof *c);
  int ep = epoll_create1(0);
  long started = 0, ok = 0, failed = 0;
  double c0 = cpu_ms(), t0 = now_ms(), deadline = t0 + max_ms;
  for (int i = 0; i < conc; i++) c[i].fd = -1;
  struct epoll_event evs[256];
  for (;;) {
    double now = now_ms();
    for (int i = 0; i < conc; i++) {
      if (c[i].fd >= 0 && now - c[i].start > 3000) {  // a stuck cycle counts as failed
        close(c[i].fd);
        c[i].fd = -1;
        failed++;
      }
      if (c[i].fd < 0 && started < count && now < deadline) {
        started++;
        c[i].fd = tcp_connect_nonblocking(port);
        if (c[i].fd < 0) {
          failed++;
          continue;
        }
        c[i].got = 0;
        c[i].start = now;
        // On loopback the handshake is usually done when connect() returns: send at once.
        c[i].phase = write(c[i].fd, buf, size) == size;
        struct epoll_event ev = {.events = c[i].phase ? EPOLLIN : EPOLLOUT, .data.u32 = i};
        epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &ev);
      }
    }
    int active = 0;
    for (int i = 0; i < conc; i++) active += c[i].fd >= 0;
    if (active == 0 && (started >= count || now >= deadline)) break;
    if (now >= deadline + 3000) break;
    int n = epoll_wait(ep, evs, 256, 50);
    for (int k = 0; k < n; k++) {
      struct cycle *x = &c[evs[k].data.u32];
      if (x->fd < 0) continue;
      int fail = 0, finished = 0;
      if (x->phase == 0) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(x->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err || write(x->fd, buf, size) != size) fail = 1;
        else {
          x->phase = 1;
          struct epoll_event ev = {.events = EPOLLIN, .data.u32 = evs[k].data.u32};
          epoll_ctl(ep, EPOLL_CTL_MOD, x->fd, &ev);
        }
      } else {
        ssize_t r = read(x->fd, in, sizeof in);
        if (r > 0) {
          x->got += r;
          if (x->got >= size) finished = 1;
        } else if (!(r < 0 && errno == EAGAIN)) fail = 1;
      }
      if (fail || finished) {
        close(x->fd);
        x->fd = -1;
        if (fail) failed++;
        else ok++;
      }
    }
  }
  printf("{\"ok\":%ld,\"failed\":%ld,\"ms\":%.3f,\"clientCpuMs\":%.3f}\n", ok, failed, now_ms() - t0,
         cpu_ms() - c0);
  return 0;
}

// ---------------------------------------------------------------- idle
// Each connection sends one byte and waits for its echo: "open" means the server has it.
static int echo_round(int ep, int *fds, long count, double max_ms, int connect_first, int port, int pending,
                      long *failed_out) {
  long next = 0, inflight = 0, ok = 0, failed = 0;
  char *state = calloc(count, 1);  // 0 untouched, 1 connecting, 2 waiting, 3 done, 4 failed
  double deadline = now_ms() + max_ms;
  struct epoll_event evs[512];
  while (ok + failed < count && now_ms() < deadline) {
    while (inflight < pending && next < count) {
      long i = next++;
      if (connect_first) {
        fds[i] = tcp_connect_nonblocking(port);
        if (fds[i] < 0) {
          state[i] = 4, failed++;
          continue;
        }
        state[i] = 1;
        struct epoll_event ev = {.events = EPOLLOUT, .data.u64 = (uint64_t)i};
        epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
      } else {
        if (fds[i] < 0 || write(fds[i], "i", 1) != 1) {
          state[i] = 4, failed++;
          continue;  // a connection that failed before stays failed
        }
        state[i] = 2;
        struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)i};
        epoll_ctl(ep, EPOLL_CTL_MOD, fds[i], &ev);
      }
      inflight++;
    }
    int n = epoll_wait(ep, evs, 512, 50);
    for (int k = 0; k < n; k++) {
      long i = (long)evs[k].data.u64;
      int fd = fds[i];
      if (state[i] == 1) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err || write(fd, "i", 1) != 1) {
          state[i] = 4, failed++, inflight--;
          close(fd), fds[i] = -1;
          continue;
        }
        state[i] = 2;
        struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)i};
        epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
      } else if (state[i] == 2) {
        char b;
        ssize_t r = read(fd, &b, 1);
        if (r == 1) {
          state[i] = 3, ok++, inflight--;
          struct epoll_event ev = {.events = 0, .data.u64 = (uint64_t)i};
          epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
        } else if (!(r < 0 && errno == EAGAIN)) {
          state[i] = 4, failed++, inflight--;
          close(fd), fds[i] = -1;
        }
      }
    }
  }
  free(state);
  *failed_out = count - ok;
  return (int)ok;
}

static int mode_idle(int port, long count, int pending, double max_ms) {
  int *fds = malloc(sizeof(int) * count);
  for (long i = 0; i < count; i++) fds[i] = -1;
  int ep = epoll_create1(0);
  double stop = now_ms() + max_ms;
  long failed = 0;
  double t0 = now_ms();
  int ok = echo_round(ep, fds, count, 60000, 1, port, pending, &failed);
  printf("{\"phase\":\"open\",\"ok\":%d,\"failed\":%ld,\"ms\":%.3f}\n", ok, failed, now_ms() - t0);
  fflush(stdout);
  char line[64];
  for (;;) {
    struct pollfd p = {.fd = 0, .events = POLLIN};
    int left = (int)(stop - now_ms());
    if (left <= 0 || poll(&p, 1, left) <= 0) break;
    if (!fgets(line, sizeof line, stdin)) break;
    if (strncmp(line, "check", 5) != 0) break;
    t0 = now_ms();
    ok = echo_round(ep, fds, count, 30000, 0, port, pending * 8, &failed);
    printf("{\"phase\":\"check\",\"ok\":%d,\"failed\":%ld,\"ms\":%.3f}\n", ok, failed, now_ms() - t0);
    fflush(stdout);
  }
  // Reset instead of FIN: thousands of TIME_WAIT sockets would slow every later /proc/net/tcp reader.
  struct linger lg = {1, 0};
  for (long i = 0; i < count; i++)
    if (fds[i] >= 0) setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &lg, sizeof lg), close(fds[i]);
  return 0;
}

// ---------------------------------------------------------------- udp
struct dgram {
  int fd;
  double sent_at;
};

static int mode_udp(int port, int size, int socks, long warm, long count, double max_ms) {
  struct sockaddr_in a = loopback(port);
  char *buf = malloc(size), in[65536];
  memset(buf, 'u', size);
  struct dgram *d = calloc(socks, sizeof *d);
  double *rtt = malloc(sizeof(double) * (count > 0 ? count : 1));
  int ep = epoll_create1(0);
  long total = warm + count, sent = 0, replies = 0, n = 0, lost = 0;
  double c0 = 0, m0 = 0, t0 = now_ms(), deadline = t0 + max_ms;
  for (int i = 0; i < socks; i++) {
    d[i].fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (d[i].fd < 0 || connect(d[i].fd, (struct sockaddr *)&a, sizeof a) < 0) die("udp socket");
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
    epoll_ctl(ep, EPOLL_CTL_ADD, d[i].fd, &ev);
  }
  if (warm == 0) c0 = cpu_ms(), m0 = now_ms();
  for (int i = 0; i < socks && sent < total; i++, sent++) {
    d[i].sent_at = now_ms();
    send(d[i].fd, buf, size, 0);
  }
  struct epoll_event evs[256];
  while (replies < total && now_ms() < deadline) {
    int k = epoll_wait(ep, evs, 256, 20);
    double now = now_ms();
    for (int j = 0; j < k; j++) {
      struct dgram *x = &d[evs[j].data.u32];
      while (recv(x->fd, in, sizeof in, 0) >= 0) {
        if (replies >= warm && n < count) rtt[n++] = (now - x->sent_at) * 1e3;
        replies++;
        if (replies == warm) c0 = cpu_ms(), m0 = now_ms();
        if (sent < total) {
          sent++;
          x->sent_at = now_ms();
          send(x->fd, buf, size, 0);
        } else x->sent_at = 0;
      }
    }
    for (int i = 0; i < socks; i++)  // resend after 200 ms without a reply: counted as lost
      if (d[i].sent_at > 0 && now - d[i].sent_at > 200) {
        lost++;
        d[i].sent_at = now_ms();
        send(d[i].fd, buf, size, 0);
      }
  }
  double ms = now_ms() - m0, cpu = cpu_ms() - c0;
  qsort(rtt, n, sizeof *rtt, cmp_double);
  printf("{\"n\":%ld,\"ms\":%.3f,\"clientCpuMs\":%.3f,\"lost\":%ld,\"p50Us\":%.2f,\"p99Us\":%.2f}\n", n, ms, cpu,
         lost, percentile(rtt, n, 0.5), percentile(rtt, n, 0.99));
  return 0;
}

// ---------------------------------------------------------------- C echo servers
struct pend {
  char *data;
  int off, len;
};

static int mode_server_tcp(void) {
  static char buf[1 << 18];
  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = loopback(0);
  socklen_t len = sizeof a;
  if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 4096) < 0) die("listen");
  getsockname(lfd, (struct sockaddr *)&a, &len);
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
  struct pend *p = calloc(65536, sizeof *p);  // indexed by fd; fds stay below the 20,000 limit
  printf("Listening on tcp 127.0.0.1:%d\n", ntohs(a.sin_port));
  fflush(stdout);
  struct epoll_event evs[512];
  for (;;) {
    int n = epoll_wait(ep, evs, 512, -1);
    for (int k = 0; k < n; k++) {
      int fd = evs[k].data.fd;
      if (fd == lfd) {
        int c;
        while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
          if (c >= 65536) {
            close(c);
            continue;
          }
          struct epoll_event e = {.events = EPOLLIN, .data.fd = c};
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &e);
        }
        continue;
      }
      struct pend *q = &p[fd];
      int dead = 0;
      if (q->len > 0) {  // drain what the peer could not take, then read again
        ssize_t w = write(fd, q->data + q->off, q->len - q->off);
        if (w < 0 && errno != EAGAIN) dead = 1;
        else if (w > 0 && (q->off += w) == q->len) {
          free(q->data);
          q->data = NULL, q->len = q->off = 0;
          struct epoll_event e = {.events = EPOLLIN, .data.fd = fd};
          epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
        }
      } else {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r == 0 || (r < 0 && errno != EAGAIN)) dead = 1;
        else if (r > 0) {
          ssize_t w = write(fd, buf, r);
          if (w < 0 && errno != EAGAIN) dead = 1;
          else if (w < r) {
            if (w < 0) w = 0;
            q->data = malloc(r - w);
            memcpy(q->data, buf + w, r - w);
            q->len = r - w, q->off = 0;
            struct epoll_event e = {.events = EPOLLOUT, .data.fd = fd};
            epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
          }
        }
      }
      if (dead) {
        free(q->data);
        q->data = NULL, q->len = q->off = 0;
        close(fd);
      }
    }
  }
  return 0;
}

// Batched with recvmmsg/sendmmsg: the C server must be at least as fast as any JS server.
static int mode_server_udp(void) {
  enum { BATCH = 64 };
  static char bufs[BATCH][2048];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  struct sockaddr_in from[BATCH];
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = loopback(0);
  socklen_t len = sizeof a;
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
  getsockname(fd, (struct sockaddr *)&a, &len);
  printf("Listening on udp 127.0.0.1:%d\n", ntohs(a.sin_port));
  fflush(stdout);
  for (;;) {
    for (int i = 0; i < BATCH; i++) {
      iov[i] = (struct iovec){bufs[i], sizeof bufs[i]};
      msgs[i].msg_hdr = (struct msghdr){.msg_name = &from[i], .msg_namelen = sizeof from[i], .msg_iov = &iov[i], .msg_iovlen = 1};
    }
    int n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
    if (n <= 0) continue;
    for (int i = 0; i < n; i++) iov[i].iov_len = msgs[i].msg_len;  // echo exactly what came
    sendmmsg(fd, msgs, n, 0);
  }
  return 0;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  const char *src = getenv("LOAD_SRC_ADDR");
  if (src && inet_pton(AF_INET, src, &source.sin_addr) == 1) source.sin_family = AF_INET, have_source = 1;
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 2) goto usage;
  const char *m = argv[1];
  // Hard stop whatever happens: the last argument is the time bound in ms (plus slack to report).
  double max_ms = atof(argv[argc - 1]);
  if (max_ms <= 0 || max_ms > 3600e3) goto usage;
  alarm((unsigned)(max_ms / 1000) + 15);
  if (!strcmp(m, "tput") && argc == 7)
    return mode_tput(atoi(argv[2]), atoi(argv[3]), atoll(argv[4]), atoi(argv[5]), max_ms);
  if (!strcmp(m, "lat") && argc == 7) return mode_lat(atoi(argv[2]), atoi(argv[3]), atol(argv[4]), atol(argv[5]), max_ms);
  if (!strcmp(m, "ccr") && argc == 7) return mode_ccr(atoi(argv[2]), atol(argv[3]), atoi(argv[4]), atoi(argv[5]), max_ms);
  if (!strcmp(m, "idle") && argc == 6) return mode_idle(atoi(argv[2]), atol(argv[3]), atoi(argv[4]), max_ms);
  if (!strcmp(m, "udp") && argc == 8)
    return mode_udp(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), atol(argv[5]), atol(argv[6]), max_ms);
  if (!strcmp(m, "server") && argc == 4) {
    if (!strcmp(argv[2], "tcp")) return mode_server_tcp();
    if (!strcmp(argv[2], "udp")) return mode_server_udp();
  }
usage:
  fprintf(stderr, "usage: see the comment at the top of load-client.c\n");
  return 2;
}
