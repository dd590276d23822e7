// Load and misbehaving peers for the fault tests, always run on Node (a separate process, so its
// file descriptors and CPU are not the server's). Usage: node load-client.mjs <mode> '<json options>'.
// Prints JSON lines: {"ready":…} when its connections are up (hold modes), then {"done":…}.
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';

const [mode, raw = '{}'] = process.argv.slice(2);
const options = JSON.parse(raw);
const host = options.host ?? '127.0.0.1';
const port = options.port;
const say = (object) => process.stdout.write(`${JSON.stringify(object)}\n`);

// Deterministic randomness (mulberry32) so a failure can be replayed with the same seed.
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pool = randomBytes(1024 * 1024);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function open(extra = {}) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, allowHalfOpen: true, ...extra });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves when stdin says "release" (or closes): hold modes keep their connections until then. */
function released() {
  return new Promise((resolve) => {
    const lines = createInterface({ input: process.stdin });
    lines.on('line', (line) => line.trim() === 'release' && resolve());
    lines.on('close', resolve);
  });
}

// One echo connection: random write sizes and pauses, then a half-close; the echo must come back
// byte for byte (sha256 of what went out against what came in), followed by the server's FIN.
async function echoConnection(bytes, rand) {
  const socket = await open();
  const sent = createHash('sha256');
  const received = createHash('sha256');
  let receivedBytes = 0;
  const done = new Promise((resolve, reject) => {
    socket.on('data', (chunk) => {
      received.update(chunk);
      receivedBytes += chunk.length;
    });
    socket.once('end', resolve);
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('closed before the end of the echo')));
  });
  done.catch(() => {});
  let left = bytes;
  while (left > 0 && !socket.destroyed) {
    // Mostly small writes, sometimes up to 256 KiB; content from a random pool at a random offset.
    const size = Math.min(left, 1 + Math.floor(rand() ** 3 * 256 * 1024));
    const offset = Math.floor(rand() * (pool.length - size));
    const chunk = pool.subarray(offset, offset + size);
    sent.update(chunk);
    left -= size;
    if (!socket.write(chunk))
      await Promise.race([
        new Promise((resolve) => socket.once('drain', resolve)),
        done.catch(() => {}),
      ]);
    if (rand() < 0.02) await sleep(Math.floor(rand() * 20));
  }
  socket.end();
  await done;
  socket.destroy();
  const ok = sent.digest('hex') === received.digest('hex') && receivedBytes === bytes;
  return { bytes, receivedBytes, ok };
}

async function integrity() {
  const { connections, totalBytes, seed = 1, concurrency = connections } = options;
  const rand = random(seed);
  const per = Math.floor(totalBytes / connections);
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < connections) {
      const index = next++;
      const bytes = index === connections - 1 ? totalBytes - per * (connections - 1) : per;
      results.push(
        await echoConnection(bytes, random(seed * 1000 + index)).catch((e) => ({
          bytes,
          receivedBytes: 0,
          ok: false,
          error: String(e),
        })),
      );
    }
  };
  rand();
  await Promise.all(Array.from({ length: Math.min(concurrency, connections) }, worker));
  const bad = results.filter((r) => !r.ok);
  say({
    done: {
      connections: results.length,
      sent: results.reduce((n, r) => n + r.bytes, 0),
      received: results.reduce((n, r) => n + r.receivedBytes, 0),
      bad: bad.slice(0, 5),
      badCount: bad.length,
    },
  });
}

// Opens `count` connections (a bounded number in flight), checks a few echo, holds them until released.
async function flood() {
  const { count, inFlight = 200 } = options;
  const sockets = [];
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      try {
        const socket = await open();
        socket.on('error', () => {});
        sockets.push(socket);
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  // The server must still echo on connections it accepted before the flood ended.
  const probe = sockets.slice(-5);
  let echoed = 0;
  await Promise.all(
    probe.map(
      (socket) =>
        new Promise((resolve) => {
          const timer = setTimeout(resolve, 5000);
          socket.once('data', () => {
            echoed++;
            clearTimeout(timer);
            resolve();
          });
          socket.write('ping');
        }),
    ),
  );
  say({ ready: { open: sockets.length, failed, echoed, probed: probe.length } });
  await released();
  for (const socket of sockets) socket.destroy();
  say({ done: { open: sockets.length } });
}

// Peers that write part of a stream and then reset (SO_LINGER 0: RST instead of FIN).
async function reset() {
  const { count, bytes = 65536 } = options;
  let resets = 0;
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const socket = await open();
      socket.on('error', () => {});
      socket.write(Buffer.alloc(bytes + i, 0x61));
      await sleep(5 + (i % 20));
      socket.resetAndDestroy();
      resets++;
    }),
  );
  say({ done: { resets } });
}

// A peer that writes without ever reading, until the kernel buffers are full (or `limit`).
async function noRead() {
  const { limit, stallMs = 1500, timeMs = 15000 } = options;
  const socket = await open();
  socket.pause();
  socket.on('error', () => {});
  const chunk = Buffer.alloc(256 * 1024, 0x62);
  let written = 0;
  let lastProgress = Date.now();
  const started = Date.now();
  while (written < limit && Date.now() - started < timeMs) {
    if (socket.writableLength > 4 * chunk.length) {
      // Our own buffer is full: the server stopped reading (good) or the kernel is full.
      await sleep(50);
      if (Date.now() - lastProgress > stallMs) break;
      continue;
    }
    socket.write(chunk);
    written += chunk.length;
    lastProgress = Date.now();
  }
  const flushed = written - socket.writableLength;
  say({ ready: { written, flushed } });
  await released();
  socket.destroy();
  say({ done: { written, flushed } });
}

// Slowloris: each connection sends one byte a second; reports when the server closed each one.
async function slow() {
  const { count, maxMs = 10000 } = options;
  const started = Date.now();
  const closedAfter = await Promise.all(
    Array.from({ length: count }, async () => {
      const socket = await open();
      socket.on('error', () => {});
      const closed = new Promise((resolve) =>
        socket.once('close', () => resolve(Date.now() - started)),
      );
      const timer = setInterval(() => socket.writable && socket.write('x'), 1000);
      socket.write('x');
      const result = await Promise.race([closed, sleep(maxMs).then(() => null)]);
      clearInterval(timer);
      socket.destroy();
      return result;
    }),
  );
  say({ done: { closedAfter } });
}

// Opens connections, echoes once on each, then just holds them (for the namespace tests).
async function hold() {
  const { count } = options;
  const sockets = [];
  for (let i = 0; i < count; i++) {
    const socket = await open();
    socket.on('error', () => {});
    await new Promise((resolve) => {
      socket.once('data', resolve);
      socket.write('hello');
    });
    sockets.push(socket);
  }
  say({ ready: { open: sockets.length } });
  await released();
  for (const socket of sockets) socket.destroy();
  say({ done: { open: sockets.length } });
}

// A burst of datagrams, sent as fast as the kernel takes them (far more than a receive buffer holds).
async function udpBurst() {
  const { count, size = 1024 } = options;
  const socket = createSocket('udp4');
  const payload = Buffer.alloc(size, 0x75);
  let sent = 0;
  let errors = 0;
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  for (let i = 0; i < count; i++) {
    await new Promise((resolve) =>
      socket.send(payload, port, host, (error) => {
        if (error) errors++;
        else sent++;
        resolve();
      }),
    );
  }
  socket.close();
  say({ done: { sent, errors } });
}

// A lossy, slow link in user space: drops the first `dropFirst` requests, then each with
// probability `loss`, and delays every datagram both ways by `delayMs`.
async function udpRelay() {
  const { dropFirst = 0, loss = 0, delayMs = 0, seed = 7 } = options;
  const rand = random(seed);
  const front = createSocket('udp4');
  const back = createSocket('udp4');
  await new Promise((resolve) => front.bind(0, '127.0.0.1', resolve));
  await new Promise((resolve) => back.bind(0, '127.0.0.1', resolve));
  let client;
  let requests = 0;
  let dropped = 0;
  front.on('message', (data, from) => {
    client = from;
    requests++;
    if (requests <= dropFirst || rand() < loss) {
      dropped++;
      return;
    }
    setTimeout(() => back.send(data, port, host), delayMs);
  });
  back.on('message', (data) => {
    if (client) setTimeout(() => front.send(data, client.port, client.address), delayMs);
  });
  say({ ready: { port: front.address().port } });
  await released();
  front.close();
  back.close();
  say({ done: { requests, dropped } });
}

const modes = {
  integrity,
  flood,
  reset,
  'no-read': noRead,
  slow,
  hold,
  'udp-burst': udpBurst,
  'udp-relay': udpRelay,
};
if (!modes[mode]) {
  console.error(`load-client: unknown mode ${mode}`);
  process.exit(2);
}
modes[mode]().then(
  () => process.exit(0),
  (error) => {
    console.error(`load-client: ${error?.stack ?? error}`);
    process.exit(1);
  },
);
