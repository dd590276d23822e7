// Raw baseline (Bun): Bun.listen echo, queueing what a partial write leaves until drain.
const server = Bun.listen({
  hostname: '127.0.0.1',
  port: Number(process.argv[2] ?? 0),
  socket: {
    data(s, d) {
      if (s.data?.length) {
        s.data.push(d);
        return;
      }
      const n = s.write(d);
      if (n < d.length) {
        s.data = [d.subarray(n)];
        s.pause();
      }
    },
    drain(s) {
      const q = s.data;
      while (q?.length) {
        const d = q[0];
        const n = s.write(d);
        if (n < d.length) {
          q[0] = d.subarray(n);
          return;
        }
        q.shift();
      }
      s.resume();
    },
    error() {},
  },
});
console.log(`Listening on tcp 127.0.0.1:${server.port}`);
process.on('SIGTERM', () => process.exit(0));
