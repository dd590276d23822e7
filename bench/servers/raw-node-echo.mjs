// Raw node:net echo baseline (also run under Deno and Bun): the fastest hand-written echo.
import net from 'node:net';
import process from 'node:process';

const server = net.createServer((s) => {
  s.on('error', () => {}); // a reset peer must not crash the baseline
  s.pipe(s);
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  console.log(`Listening on tcp 127.0.0.1:${server.address().port}`);
});
