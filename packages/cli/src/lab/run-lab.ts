import process from 'node:process';
import {
  anySignal,
  bytesToTextLenient,
  createEventClock,
  type EventAddress,
  type EventClock,
  eventMessage,
  formatEndpoint,
  type LabEvent,
  payloadFields,
  pythonBytesRepr,
  type RunContext,
  sleep,
  textToBytes,
} from '@socklab/core';
import type { SocketEntry } from '@socklab/inspector';
import { importWhenCalled, tcpPackage, udpPackage } from '../import-when-called.ts';
import { EventPump } from './event-pump.ts';
import { type LabPorts, labSockets, missingOpenRows, timeWaitRows } from './lab-sockets.ts';

/** Seams for tests: where socket snapshots come from. */
export interface LabDeps {
  snapshot?: () => Promise<SocketEntry[]>;
}

export interface LabOptions {
  /** Loopback address every socket uses. */
  host: string;
  /** Limit for each step, ms. */
  timeout: number;
}

/** What the lab sends: the seed's echo client message, and a line for the UDP server. */
export const udpMessage = 'Hello, UDP';
export const tcpMessage = 'Hello, world';

interface LabState {
  options: LabOptions;
  snapshot: () => Promise<SocketEntry[]>;
  context: RunContext;
  signal: AbortSignal;
  event: EventClock;
  started: number;
  ports: LabPorts;
  pumps: EventPump[];
  udpServer?: EventPump;
  tcpServer?: EventPump;
  tcpClient?: { close(): void; local: EventAddress; remote: EventAddress };
}

type Step = { name: string; run: (lab: LabState) => AsyncGenerator<LabEvent, string> };

const steps: Step[] = [
  { name: 'UDP exchange', run: udpStep },
  { name: 'TCP echo', run: tcpStep },
  { name: 'Sockets while open', run: openSocketsStep },
  { name: 'TIME_WAIT after close', run: timeWaitStep },
];

/**
 * The seed's whole lab in one run on loopback with free ports: a UDP exchange, a TCP echo, and
 * the inspector showing the lab's own sockets (LISTEN, ESTABLISHED, UDP, then TIME_WAIT).
 * Yields a ✓/✗ event per step and fails (after closing everything) when a step failed.
 */
export async function* runLab(
  options: LabOptions,
  context: RunContext,
  deps: LabDeps = {},
): AsyncGenerator<LabEvent> {
  const event = createEventClock();
  const stop = new AbortController();
  const lab: LabState = {
    options,
    snapshot: deps.snapshot ?? takeSnapshot,
    context,
    signal: anySignal(context.signal, stop.signal),
    event,
    // The wall-clock instant the lab's clock counts from, to restamp the echo server's events.
    started: (() => {
      const probe = event('info');
      return Date.parse(probe.time) - probe.elapsedMs;
    })(),
    ports: {},
    pumps: [],
  };
  const failed: string[] = [];
  yield event('info', {
    message: `socklab lab on ${options.host} (pid ${process.pid}): UDP, TCP and the inspector`,
    details: { pid: process.pid, host: options.host },
  });
  try {
    for (const step of steps) {
      try {
        const detail = yield* step.run(lab);
        yield event('info', {
          message: `✓ ${step.name}: ${detail}`,
          details: { step: step.name, ok: true },
        });
      } catch (error) {
        context.signal.throwIfAborted();
        failed.push(step.name);
        const reason = oneLine(error);
        const code = (error as { code?: unknown })?.code;
        yield event('error', {
          message: `✗ ${step.name}: ${reason}`,
          reason,
          ...(typeof code === 'string' ? { code } : {}),
          details: { step: step.name, ok: false },
        });
      }
    }
  } finally {
    // Leaving early (Ctrl-C, an error) or finishing: close every socket the lab opened.
    lab.tcpClient?.close();
    stop.abort();
    await Promise.race([Promise.all(lab.pumps.map((p) => p.finished)), sleep(2000)]);
  }
  for (const pump of lab.pumps) yield* relay(lab, pump.take(), pump === lab.tcpServer);
  if (failed.length > 0) {
    // An expected failure (each ✗ line said why), with a code for --json readers.
    throw Object.assign(
      new Error(`lab failed: ${failed.length} of ${steps.length} steps (${failed.join(', ')})`),
      { code: 'ELAB' },
    );
  }
  yield event('info', {
    message: `Lab passed: ${steps.length} of ${steps.length} steps`,
    details: { steps: steps.length, passed: steps.length },
  });
}

async function* udpStep(lab: LabState): AsyncGenerator<LabEvent, string> {
  const { serveUdp, exchange, seedBufferSize } =
    await importWhenCalled<typeof import('@socklab/transport-udp')>(udpPackage);
  const { host, timeout } = lab.options;
  const server = pumpServer(
    lab,
    serveUdp({
      host,
      port: 0,
      keep: true,
      signal: lab.signal,
      trace: lab.context.trace,
      clock: lab.event,
    }),
  );
  lab.udpServer = server;
  const port = await listeningPort(lab, server, 'UDP');
  lab.ports.udp = port;
  yield* relay(lab, server.take());
  const client = exchange({ address: host, port }, textToBytes(udpMessage), {
    signal: lab.signal,
    timeout,
    bufferSize: seedBufferSize,
    clock: lab.event,
  });
  let step = await client.next();
  while (!step.done) {
    const event = step.value;
    if (event.type === 'recv') {
      // The server's side of the exchange goes before the reply that ends it.
      await server.waitFor((e) => e.type === 'recv', timeout, 'the UDP server to receive');
      yield* relay(lab, server.take());
      const reply = event.payload ?? new Uint8Array();
      yield* relay(lab, [
        { ...event, message: `Message from server: ${bytesToTextLenient(reply)}` },
      ]);
    } else {
      yield* relay(lab, [event]);
    }
    step = await client.next();
  }
  const reply = step.value;
  return `"${udpMessage}" to udp ${formatEndpoint({ address: host, port })}, reply in ${reply.rttMs.toFixed(1)} ms`;
}

async function* tcpStep(lab: LabState): AsyncGenerator<LabEvent, string> {
  const { createEchoServer, connectEcho } =
    await importWhenCalled<typeof import('@socklab/transport-tcp')>(tcpPackage);
  const { host, timeout } = lab.options;
  const server = pumpServer(
    lab,
    createEchoServer({
      host,
      port: 0,
      signal: lab.signal,
      trace: lab.context.trace,
      drainTimeout: 500,
    }),
  );
  lab.tcpServer = server;
  const port = await listeningPort(lab, server, 'TCP');
  lab.ports.tcp = port;
  yield* relay(lab, server.take(), true);
  const client = await connectEcho({ address: host, port }, { signal: lab.signal, timeout });
  lab.tcpClient = client;
  lab.ports.tcpClient = client.local.port;
  yield lab.event('connect', {
    proto: 'tcp',
    local: client.local,
    remote: client.remote,
  });
  const data = textToBytes(tcpMessage);
  const ends = { proto: 'tcp', local: client.local, remote: client.remote };
  yield lab.event('send', { ...ends, ...payloadFields(data) });
  const trip = await client.roundTrip(data);
  await server.waitFor((e) => e.type === 'accept', timeout, 'the TCP server to accept');
  yield* relay(lab, server.take(), true);
  yield lab.event('recv', {
    ...ends,
    ...payloadFields(trip.data),
    rttMs: Math.round(trip.rttMs * 1000) / 1000,
    message: `  Received ${pythonBytesRepr(trip.data)}`,
  });
  return `${data.length} bytes echoed by tcp ${formatEndpoint({ address: host, port })} in ${trip.rttMs.toFixed(1)} ms`;
}

async function* openSocketsStep(lab: LabState): AsyncGenerator<LabEvent, string> {
  const entries = labSockets(await snapshotNow(lab), lab.ports);
  yield tableEvent(lab, entries, 'open');
  const missing = missingOpenRows(entries, lab.ports);
  if (missing.length > 0) throw new Error(`the inspector did not show ${missing.join(', ')}`);
  return `LISTEN, ESTABLISHED (both ends) and UDP rows for ports ${portList(lab.ports)}`;
}

async function* timeWaitStep(lab: LabState): AsyncGenerator<LabEvent, string> {
  const client = lab.tcpClient;
  const server = lab.tcpServer;
  if (!client || !server) throw new Error('no TCP connection to close (the TCP step failed)');
  // The client closes first, so its side of the connection waits out TIME_WAIT.
  client.close();
  lab.tcpClient = undefined;
  yield lab.event('close', { proto: 'tcp', local: client.local, remote: client.remote });
  await server.waitFor(
    (e) => e.type === 'close' && e.connection !== undefined,
    lab.options.timeout,
    'the TCP server to close the connection',
  );
  yield* relay(lab, server.take(), true);
  const deadline = performance.now() + lab.options.timeout;
  let rows: SocketEntry[] = [];
  for (;;) {
    rows = timeWaitRows(await snapshotNow(lab), lab.ports);
    if (rows.length > 0 || performance.now() > deadline) break;
    await sleep(50, lab.signal);
  }
  yield tableEvent(lab, rows, 'closed');
  if (rows.length === 0)
    throw new Error(
      `no TIME_WAIT socket for ${lab.ports.tcpClient} -> ${lab.ports.tcp} after close`,
    );
  return `the client's side ${lab.ports.tcpClient} -> ${lab.ports.tcp} waits in TIME_WAIT`;
}

/** A snapshot still worth showing: one that returns after Ctrl-C shows sockets already closed. */
async function snapshotNow(lab: LabState): Promise<SocketEntry[]> {
  const entries = await lab.snapshot();
  lab.context.signal.throwIfAborted();
  return entries;
}

async function takeSnapshot(): Promise<SocketEntry[]> {
  const { snapshot } = await import('@socklab/inspector');
  return snapshot({}, {});
}

async function tableEvent(
  lab: LabState,
  entries: SocketEntry[],
  phase: 'open' | 'closed',
): Promise<LabEvent> {
  const { renderNetstatView } = await import('@socklab/inspector');
  const title = phase === 'open' ? "  The lab's sockets while open:" : '  After the client closed:';
  return lab.event('info', {
    message: `${title}\n${indent(renderNetstatView(entries), '    ')}`,
    details: { phase, ports: { ...lab.ports }, sockets: entries },
  });
}

/** Sub-command events, their lines indented under the step; `restamp` puts them in lab time. */
/** Runs a server's events in a pump that the lab drains and stops at the end. */
function pumpServer(lab: LabState, events: AsyncIterable<LabEvent>): EventPump {
  const pump = new EventPump(events);
  lab.pumps.push(pump);
  return pump;
}

/** Waits for the server's `listen` event: its real port. */
async function listeningPort(lab: LabState, server: EventPump, proto: string): Promise<number> {
  const listen = await server.waitFor(
    (e) => e.type === 'listen',
    lab.options.timeout,
    `the ${proto} server to listen`,
  );
  return listen.local?.port as number;
}

async function* relay(
  lab: LabState,
  events: LabEvent[],
  restamp = false,
): AsyncGenerator<LabEvent> {
  for (const event of events) {
    const relayed: LabEvent = { ...event };
    // The echo server has its own clock; the UDP server and client share the lab's.
    if (restamp)
      relayed.elapsedMs =
        Math.round(Math.max(0, Date.parse(event.time) - lab.started) * 1000) / 1000;
    const message = eventMessage(event);
    if (message !== undefined) relayed.message = indent(message, '  ');
    delete relayed.output;
    yield relayed;
  }
}

function portList(ports: LabPorts): string {
  return [ports.udp, ports.tcp, ports.tcpClient].filter((p) => p !== undefined).join(', ');
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
