// Raw node:dgram echo baseline (run under Node, Deno and Bun).
import dgram from 'node:dgram';
import process from 'node:process';

const socket = dgram.createSocket('udp4');
socket.on('message', (msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address));
socket.bind(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  console.log(`Listening on udp 127.0.0.1:${socket.address().port}`);
});
