// Opens N established loopback TCP connections (default 10,000) held by two child processes
// (one holds the accepted ends, one the connecting ends: a process may hold at most ~20,000 fds).
// Prints "ready <serverPid> <clientPid> <port>" and stays until SIGTERM/SIGINT (the children
// also exit when this process dies: their stdin, a pipe from it, closes).
// Usage: node scripts/hold-connections.mjs [count]
import { spawn } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

const role = process.argv[2];
if (role === 'server') {
  const sockets = [];
  const server = createServer((socket) => sockets.push(socket));
  server.maxConnections = 100_000;
  server.listen(0, '127.0.0.1', 20_000, () =>
    process.stdout.write(`port ${server.address().port}\n`),
  );
  process.stdin.on('end', () => process.exit(0)).resume();
} else if (role === 'client') {
  const [, , , port, countText] = process.argv;
  const count = Number(countText);
  const sockets = [];
  let open = 0;
  let next = 0;
  // Bounded concurrency so the listen backlog never overflows.
  const start = () => {
    if (next >= count) return;
    next++;
    const socket = createConnection({ host: '127.0.0.1', port: Number(port) }, () => {
      open++;
      if (open === count) process.stdout.write(`connected ${count}\n`);
      else start();
    });
    socket.on('error', (error) => {
      process.stderr.write(`connect failed: ${error.message}\n`);
      process.exit(1);
    });
    sockets.push(socket);
  };
  for (let i = 0; i < 200; i++) start();
  process.stdin.on('end', () => process.exit(0)).resume();
} else {
  const count = Number(process.argv[2] ?? 10_000);
  const self = new URL(import.meta.url).pathname;
  const server = spawn(process.execPath, [self, 'server'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise((resolve) =>
    server.stdout.once('data', (d) => resolve(/port (\d+)/.exec(String(d))[1])),
  );
  const client = spawn(process.execPath, [self, 'client', port, String(count)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise((resolve) => client.stdout.once('data', resolve));
  process.stdout.write(`ready ${server.pid} ${client.pid} ${port}\n`);
  const stop = () => {
    server.kill('SIGTERM');
    client.kill('SIGTERM');
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Stay alive until signalled (stdin may be /dev/null when started in the background).
  setInterval(() => {}, 1 << 30);
}
