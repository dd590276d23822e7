// Raw Bun.listen echo baseline with backpressure: pause reading until the peer drains.
const port = Number(process.argv[2] ?? 0);

const server = Bun.listen({
  hostname: '127.0.0.1',
  port,
  socket: {
    open(socket) {
      socket.data = { pending: null };
    },
    data(socket, chunk) {
      const written = socket.write(chunk);
      if (written < chunk.length) {
        socket.data.pending = chunk.slice(Math.max(written, 0)); // copy: the chunk is not ours to keep
        socket.pause();
      }
    },
    drain(socket) {
      const pending = socket.data.pending;
      if (pending === null) return;
      const written = socket.write(pending);
      if (written < pending.length) {
        socket.data.pending = pending.subarray(Math.max(written, 0));
        return;
      }
      socket.data.pending = null;
      socket.resume();
    },
    error() {},
  },
});
console.log(`Listening on tcp 127.0.0.1:${server.port}`);
