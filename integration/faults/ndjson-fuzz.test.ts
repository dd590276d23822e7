// NDJSON output under random payloads (invalid UTF-8, control characters, escapes, long data): every
// stdout line is valid UTF-8 JSON with DESIGN.md's fields, and the payload fields tell the truth.
// 10,000 cases per property with SOCKLAB_STRESS=1, a few hundred in `npm test`.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { labEventTypes } from '@socklab/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { killGroup, spawnCli } from '../../test/helpers/cli.ts';
import { stress } from './helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: parsed NDJSON, checked field by field below
type JsonEvent = Record<string, any>;

const fatal = new TextDecoder('utf-8', { fatal: true });
const hex = (data: Uint8Array) => Buffer.from(data).toString('hex');

// Payloads biased towards trouble: raw bytes, control characters, broken and overlong sequences.
const fragment = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 64 }),
  fc.string({ unit: 'binary', maxLength: 32 }).map((s) => new TextEncoder().encode(s)),
  fc
    .constantFrom(
      [0x00],
      [0x1b, 0x5b, 0x32, 0x4a],
      [0x0a],
      [0x0d, 0x0a],
      [0x7f],
      [0x80],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xfe, 0xff],
      [0xe2, 0x80, 0xa8],
      [0x22, 0x5c],
      [0xf0, 0x9f, 0x98],
    )
    .map((bytes) => new Uint8Array(bytes)),
);
const payloadArb = fc
  .array(fragment, { minLength: 1, maxLength: 12 })
  .map((parts) => new Uint8Array(Buffer.concat(parts)))
  .filter((p) => p.length > 0);
const longPayloadArb = fc.uint8Array({ minLength: 1000, maxLength: 3000 });
const runs = stress ? 10_000 : 1000;
const tcpRuns = stress ? 10_000 : 500;

interface Spawned {
  child: ReturnType<typeof spawnCli>;
  raw: Buffer[];
  exited: Promise<number | null>;
}
const children: Spawned[] = [];
afterEach(() => {
  for (const c of children.splice(0)) killGroup(c.child);
});

/** Starts a server with NDJSON output and keeps its raw stdout bytes. */
async function start(args: string[]): Promise<{ spawned: Spawned; port: number }> {
  const child = spawnCli(args);
  const raw: Buffer[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code)),
  );
  const spawned = { child, raw, exited };
  children.push(spawned);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no listen event')), 20_000);
    let listening = false;
    child.stdout?.on('data', (d: Buffer) => {
      raw.push(d);
      // Only until the listen event: matching all output so far on every chunk is quadratic
      // (10,000 datagrams of --hex output in the stress run: over ten minutes).
      if (listening) return;
      const match = /"type":"listen".*?"port":(\d+)/.exec(Buffer.concat(raw).toString());
      if (match) {
        listening = true;
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  return { spawned, port };
}

/** Stops the server, then parses every stdout line, checking the fields every event must have. */
async function lines(spawned: Spawned): Promise<JsonEvent[]> {
  process.kill(spawned.child.pid as number, 'SIGTERM');
  expect(await spawned.exited).toBe(0);
  const bytes = Buffer.concat(spawned.raw);
  // The stream itself is valid UTF-8 whatever the payloads were.
  const text = fatal.decode(bytes);
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      // JSON.stringify escapes control characters: none may reach the terminal raw.
      expect([...line].filter((c) => c.charCodeAt(0) < 0x20)).toEqual([]);
      const event = JSON.parse(line);
      expect(labEventTypes).toContain(event.type);
      expect(typeof event.time).toBe('string');
      expect(new Date(event.time).toISOString()).toBe(event.time);
      expect(typeof event.elapsedMs).toBe('number');
      expect(event.elapsedMs).toBeGreaterThanOrEqual(0);
      expect(event.payload).toBeUndefined();
      for (const side of ['local', 'remote']) {
        if (event[side] !== undefined) {
          expect(typeof event[side].address).toBe('string');
          expect(Number.isInteger(event[side].port)).toBe(true);
          expect(['IPv4', 'IPv6', 'unix']).toContain(event[side].family);
        }
      }
      return event;
    });
}

/** What `text` must be for a payload: the valid UTF-8 text, cut at 1 KiB on a character. */
function expectText(event: JsonEvent, payload: Uint8Array): void {
  let valid: string | undefined;
  try {
    valid = fatal.decode(payload);
  } catch {}
  if (payload.length <= 1024) {
    expect(event.text).toBe(valid);
  } else if (event.text !== undefined) {
    expect(Buffer.byteLength(event.text)).toBeLessThanOrEqual(1024);
    expect(payload.subarray(0, Buffer.byteLength(event.text)).equals(Buffer.from(event.text))).toBe(
      true,
    );
  }
  if (valid !== undefined && payload.length > 1024) expect(valid.startsWith(event.text)).toBe(true);
}

describe('NDJSON output fuzzing', () => {
  it(`udp server --echo --json --hex: ${runs} random datagrams, every line valid and true`, {
    timeout: stress ? 600_000 : 60_000,
  }, async () => {
    const { spawned, port } = await start([
      'udp',
      'server',
      '0',
      '--host',
      '127.0.0.1',
      '--keep',
      '--echo',
      '--json',
      '--hex',
    ]);
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const replies: Buffer[] = [];
    let waiting: (() => void) | undefined;
    socket.on('message', (data) => {
      replies.push(data);
      waiting?.();
    });
    const sent: Uint8Array[] = [];
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof({ weight: 9, arbitrary: payloadArb }, { weight: 1, arbitrary: longPayloadArb }),
          async (payload) => {
            const before = replies.length;
            const got = new Promise<void>((resolve, reject) => {
              const timer = setTimeout(() => reject(new Error('no echo within 2 s')), 2000);
              waiting = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            socket.send(payload, port, '127.0.0.1');
            await got;
            sent.push(payload);
            // --echo never replies with more (or other) bytes than it received.
            expect(replies[before]?.equals(Buffer.from(payload))).toBe(true);
          },
        ),
        { numRuns: runs },
      );
    } finally {
      socket.close();
    }
    const events = await lines(spawned);
    const recvs = events.filter((e) => e.type === 'recv');
    expect(recvs).toHaveLength(sent.length);
    recvs.forEach((event, i) => {
      const payload = sent[i] as Uint8Array;
      expect(event.bytes).toBe(payload.length);
      expect(event.hex).toBe(hex(payload));
      expect(event.proto).toBe('udp');
      expectText(event, payload);
    });
  });

  it(`tcp server --json --trace --hex: ${tcpRuns} random writes on one connection, every line valid and true`, {
    timeout: stress ? 600_000 : 60_000,
  }, async () => {
    const { spawned, port } = await start([
      'tcp',
      'server',
      '--port',
      '0',
      '--json',
      '--trace',
      '--hex',
    ]);
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise((resolve) => socket.once('connect', resolve));
    // Chunks and a count, joined once at the end: a concat per chunk is quadratic in stress runs.
    const chunks: Buffer[] = [];
    let echoedBytes = 0;
    socket.on('data', (data: Buffer) => {
      chunks.push(data);
      echoedBytes += data.length;
    });
    const sent: Uint8Array[] = [];
    await fc.assert(
      fc.asyncProperty(payloadArb, async (payload) => {
        const target = echoedBytes + payload.length;
        socket.write(payload);
        const deadline = Date.now() + 2000;
        while (echoedBytes < target && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 1));
        sent.push(payload);
        expect(echoedBytes).toBe(target);
      }),
      { numRuns: tcpRuns },
    );
    socket.end();
    await new Promise((resolve) => socket.once('close', resolve));
    const all = Buffer.concat(sent);
    expect(Buffer.concat(chunks).equals(all)).toBe(true);
    const events = await lines(spawned);
    // Chunking may differ from the writes, but the recv events, in order, carry exactly the stream.
    const recvHex = events.filter((e) => e.type === 'recv').map((e) => e.hex);
    const sendHex = events.filter((e) => e.type === 'send').map((e) => e.hex);
    expect(recvHex.join('')).toBe(hex(all));
    expect(sendHex.join('')).toBe(hex(all));
    for (const event of events.filter((e) => e.type === 'recv')) {
      expect(event.bytes).toBe(event.hex.length / 2);
      expectText(event, Buffer.from(event.hex, 'hex'));
    }
  });
});
