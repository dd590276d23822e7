// Raw baseline (Node, also runs on Deno/Bun): node:net with s.pipe(s).
import net from 'node:net';

const server = net.createServer((s) => {
  s.on('error', () => {});
  s.pipe(s);
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  console.log(`Listening on tcp 127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
