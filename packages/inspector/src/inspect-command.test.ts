import { createServer } from 'node:net';
import { type LabEvent, resolveOptions, UsageError, withMessage } from '@socklab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdConnections } from '../../../test/helpers/connections.ts';
import { makeFakeProc } from '../test/fake-proc.ts';
import { type LabSockets, openLabSockets } from '../test/lab-sockets.ts';
import { normalizeFilters } from './filters.ts';
import { createInspectCommand, inspectCommand } from './inspect-command.ts';
import plugin from './plugin.ts';
import { findPortOwners } from './port-owners.ts';
import { snapshot } from './snapshot.ts';
import type { SocketEntry } from './types.ts';

type Values = Parameters<typeof inspectCommand.run>[0];

async function run(
  raw: Record<string, unknown>,
  signal = new AbortController().signal,
): Promise<LabEvent[]> {
  const values = resolveOptions(inspectCommand.options, raw) as Values;
  inspectCommand.check?.(values);
  const events: LabEvent[] = [];
  // `--json` pieces come as `output` bytes in a reused buffer: decoded as they come.
  for await (const event of inspectCommand.run(values, { signal })) events.push(withMessage(event));
  return events;
}

/** The entries a `--json` run printed: its events' messages, a line each, are one JSON array. */
async function runJSON(raw: Record<string, unknown>): Promise<SocketEntry[]> {
  const events = await run({ ...raw, json: true });
  expect(events.every((event) => event.type === 'info')).toBe(true);
  return JSON.parse(events.map((event) => event.message).join('\n')) as SocketEntry[];
}

describe('the inspect plugin', () => {
  it('is `socklab inspect`', () => {
    expect(plugin.name).toBe('inspect');
    expect(plugin.commands.map((c) => c.name)).toEqual(['inspect']);
  });

  it('rejects bad input with a UsageError', async () => {
    const bad: Record<string, unknown>[] = [
      { state: 'bogus' },
      { proto: 'sctp' },
      { style: 'table' },
      { port: '70000' },
      { port: '0' },
      { port: 'abc' },
      { pid: '-1' },
      { pid: '0' },
      { pid: '1.5' },
      // Beyond Linux's largest pid: 2^32 + 1 would wrap to pid 1.
      { pid: '4294967297' },
      { sort: 'size' },
      { interval: '10', watch: 'true' },
      { nonsense: 'x' },
    ];
    for (const raw of bad)
      expect(() => resolveOptions(inspectCommand.options, raw), JSON.stringify(raw)).toThrow(
        UsageError,
      );
    expect(() => resolveOptions(inspectCommand.options, { state: 'bogus' })).toThrow(
      /unknown state; use one of ESTABLISHED/,
    );
    // Any --interval without --watch, its default value included.
    for (const interval of ['500', '1000'])
      await expect(run({ interval })).rejects.toThrow('--interval needs --watch');
    await expect(snapshot({ state: 'nope' })).rejects.toBeInstanceOf(UsageError);
    await expect(snapshot({ port: 65536 })).rejects.toBeInstanceOf(UsageError);
    await expect(snapshot({ pid: -3 })).rejects.toBeInstanceOf(UsageError);
    await expect(snapshot({ proto: 'sctp' as 'tcp' })).rejects.toBeInstanceOf(UsageError);
  });

  it('--pid of a process that is not there fails (exit 1) rather than print an empty table', async () => {
    // A PID that existed and is gone: a child that exited, and was reaped.
    const { spawnSync } = await import('node:child_process');
    const gone = spawnSync(process.execPath, ['-e', '0']).pid as number;
    for (const raw of [{ pid: String(gone) }, { pid: String(gone), json: true }]) {
      const error = await run(raw).catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: 'SocketError',
        code: 'ESRCH',
        message: `Cannot inspect process ${gone}: no such process`,
        hint: 'is it still running? ps -e lists process IDs',
      });
    }
    // A process that exists without sockets of its kind is an empty table, no failure.
    expect(await runJSON({ pid: String(process.pid), proto: 'tcp', state: 'SYN_SENT' })).toEqual(
      [],
    );
  });

  it('rejects filters no socket can match, and a table style with --json or --watch', async () => {
    const never: [Record<string, unknown>, string][] = [
      [{ listening: 'true', state: 'established' }, 'listening sockets are LISTEN or UNCONN'],
      [{ proto: 'udp', state: 'LISTEN' }, 'UDP sockets are UNCONN (bound) or ESTABLISHED'],
      [{ proto: 'tcp', state: 'UNCONN' }, 'that is a UDP and unix state'],
      [{ proto: 'unix', port: '80' }, 'they have paths, not ports'],
      [{ proto: 'unix', state: 'time-wait' }, 'Cannot filter unix sockets by state TIME_WAIT'],
      [{ style: 'lsof', json: 'true' }, '--style lsof draws a table; --json prints entries'],
      [{ style: 'lsof', watch: 'true' }, '--watch prints changes as netstat lines'],
    ];
    for (const [raw, why] of never)
      await expect(run(raw), JSON.stringify(raw)).rejects.toThrow(why);
    // What can match still runs: bound UDP sockets, listening ones in either state.
    for (const raw of [
      { proto: 'udp', state: 'unconn' },
      { listening: 'true', state: 'LISTEN' },
      { proto: 'unix', state: 'UNCONN' },
      { style: 'lsof', proto: 'tcp' },
    ]) {
      await expect(run(raw), JSON.stringify(raw)).resolves.toBeDefined();
    }
  });

  it("gives each usage error a short reason (--json's error event), its message unchanged", async () => {
    const reasons: [() => unknown, string, string][] = [
      [
        () => normalizeFilters({ proto: 'sctp' as 'tcp' }),
        'Cannot filter by proto "sctp": must be one of tcp, udp, unix',
        'unknown proto',
      ],
      [
        () => normalizeFilters({ state: 'bogus' }),
        'Cannot filter by state "bogus": unknown state',
        'unknown state',
      ],
      [
        () => normalizeFilters({ port: 0 }),
        'Cannot filter by port "0": port must be 1-65535',
        'port must be 1-65535',
      ],
      [
        () => normalizeFilters({ pid: 1.5 }),
        'Cannot filter by pid "1.5": must be a positive whole number',
        'pid must be a positive whole number',
      ],
      [
        () => normalizeFilters({ listening: true, state: 'ESTABLISHED' }),
        'Cannot filter by --listening and state ESTABLISHED: listening sockets are LISTEN or UNCONN',
        'listening sockets are LISTEN or UNCONN',
      ],
      [
        () => normalizeFilters({ proto: 'udp', state: 'LISTEN' }),
        'Cannot filter udp sockets by state LISTEN: UDP sockets are UNCONN (bound) or ESTABLISHED (connected)',
        'UDP sockets are UNCONN or ESTABLISHED',
      ],
      [
        () => normalizeFilters({ proto: 'tcp', state: 'UNCONN' }),
        'Cannot filter tcp sockets by state UNCONN: that is a UDP and unix state',
        'UNCONN is a UDP and unix state',
      ],
      [
        () => normalizeFilters({ proto: 'unix', state: 'TIME_WAIT' }),
        'Cannot filter unix sockets by state TIME_WAIT: they are LISTEN, UNCONN, SYN_SENT, ESTABLISHED, CLOSING',
        'unix sockets are LISTEN, UNCONN, SYN_SENT, ESTABLISHED, CLOSING',
      ],
      [
        () => normalizeFilters({ proto: 'unix', port: 80 }),
        'Cannot filter unix sockets by port 80: they have paths, not ports',
        'unix sockets have paths, not ports',
      ],
      [
        () => inspectCommand.check?.(resolveOptions(inspectCommand.options, { interval: '500' })),
        '--interval needs --watch',
        '--interval applies only to --watch',
      ],
      [
        () =>
          inspectCommand.check?.(
            resolveOptions(inspectCommand.options, { style: 'lsof', json: 'true' }),
          ),
        '--style lsof draws a table; --json prints entries',
        '--style lsof is a table, not JSON',
      ],
      [
        () =>
          inspectCommand.check?.(
            resolveOptions(inspectCommand.options, { style: 'lsof', watch: 'true' }),
          ),
        '--style lsof draws a table; --watch prints changes as netstat lines',
        '--style lsof is a table, not change lines',
      ],
    ];
    for (const [fail, message, reason] of reasons) {
      let caught: unknown;
      try {
        fail();
      } catch (error) {
        caught = error;
      }
      expect(caught, message).toBeInstanceOf(UsageError);
      expect(caught, message).toMatchObject({ message, reason });
    }
    await expect(snapshot({}, { sort: 'size' as 'pid' })).rejects.toMatchObject({
      name: 'UsageError',
      message: 'Cannot sort by "size": use one of proto, local, remote, state, pid, inode',
      reason: 'unknown sort key',
    });
  });

  it('accepts states in any case, with dashes or ss names', () => {
    for (const state of ['listen', 'TIME-WAIT', 'estab', 'unconn']) {
      expect(() => resolveOptions(inspectCommand.options, { state })).not.toThrow();
    }
    // ss's "closed" is the kernel's CLOSE.
    expect(normalizeFilters({ state: 'closed' }).state).toBe('CLOSE');
    // A state /proc never shows is not offered (it could never match).
    expect(() => resolveOptions(inspectCommand.options, { state: 'new_syn_recv' })).toThrow(
      /unknown state; use one of ESTABLISHED, .*CLOSING, UNCONN$/,
    );
  });
});

describe('an empty table', () => {
  it('has the header of what was asked for: unix sockets for --proto unix', async () => {
    // The fixture's only unix socket is LISTEN: --state CLOSING finds nothing.
    const fake = makeFakeProc([]);
    try {
      const command = createInspectCommand({
        procRoot: fake.root,
        passwdPath: fake.passwd,
        platform: 'linux',
      });
      const table = async (raw: Record<string, unknown>) => {
        const values = resolveOptions(command.options, raw) as Values;
        const events: LabEvent[] = [];
        for await (const event of command.run(values, { signal: new AbortController().signal }))
          events.push(event);
        return events[0]?.message;
      };
      expect(await table({ proto: 'unix', state: 'CLOSING' })).toBe(
        'Proto State       I-Node   PID/Program name         Path',
      );
      expect(await table({ proto: 'tcp', state: 'CLOSING' })).toMatch(/^Proto Recv-Q Send-Q /);
    } finally {
      fake.cleanup();
    }
  });
});

describe.skipIf(process.platform !== 'linux')('socklab inspect on this machine', () => {
  let lab: LabSockets;
  beforeAll(async () => {
    lab = await openLabSockets();
  });
  afterAll(() => lab?.close());

  it('--json: info events whose messages, a line each, are one JSON array', async () => {
    // --pid too: a server that had this port before (another test) may have left TIME_WAITs.
    const events = await run({
      json: true,
      proto: 'tcp',
      port: String(lab.listenPort),
      pid: String(process.pid),
    });
    expect(events).toHaveLength(1);
    const [event] = events as [LabEvent];
    expect(event.type).toBe('info');
    const entries = JSON.parse(event.message as string) as SocketEntry[];
    expect(event.details).toEqual({ entries: entries.length });
    expect(event.message).not.toContain('\n');
    expect(entries.map((e) => e.state).sort()).toEqual(['ESTABLISHED', 'ESTABLISHED', 'LISTEN']);
    const listen = entries.find((e) => e.state === 'LISTEN') as SocketEntry;
    expect(Object.keys(listen)).toEqual([
      'proto',
      'state',
      'local',
      'remote',
      'recvQ',
      'sendQ',
      'uid',
      'user',
      'inode',
      'pid',
      'command',
      'processes',
    ]);
    expect(listen).toMatchObject({
      proto: 'tcp',
      local: { address: '127.0.0.1', port: lab.listenPort },
      pid: process.pid,
    });
  });

  it('--json with more entries than one event holds: the pieces join into one array', async () => {
    const held = await holdConnections(150);
    try {
      const events = await run({ json: true, port: String(held.port), pid: String(process.pid) });
      const text = events.map((event) => event.message).join('\n');
      const entries = JSON.parse(text) as SocketEntry[];
      // The listener, and both ends of each connection (this process holds them all).
      expect(entries).toHaveLength(301);
      expect(events.length).toBe(Math.ceil(301 / 128));
      expect(events.map((event) => event.details)).toEqual([
        { entries: 301 },
        undefined,
        undefined,
      ]);
      expect(text.split('\n')).toHaveLength(events.length);
      const ports = entries.map((e) => e.local.port);
      expect(ports).toEqual([...ports].sort((a, b) => a - b));
    } finally {
      await held.close();
    }
  });

  it('--listening, --state, --pid and sorting', async () => {
    const listening = await runJSON({ listening: true, pid: String(process.pid) });
    expect(listening.map((e) => `${e.proto} ${e.state} ${e.local.port}`).sort()).toEqual(
      [
        `tcp LISTEN ${lab.listenPort}`,
        `tcp LISTEN ${lab.timeWaitPort}`,
        `udp UNCONN ${lab.udpPort}`,
      ].sort(),
    );
    const timeWait = await runJSON({ state: 'time-wait', port: String(lab.timeWaitPort) });
    // Ours, and only TIME_WAITs (other tests' may share the port number).
    expect(timeWait.filter((e) => e.local.port === lab.timeWaitClientPort)).toMatchObject([
      { state: 'TIME_WAIT', pid: null, hidden: 'no owning process' },
    ]);
    expect(timeWait.every((e) => e.state === 'TIME_WAIT')).toBe(true);
    const byPort = await runJSON({ pid: String(process.pid), sort: 'local' });
    const ports = byPort.map((e) => e.local.port);
    expect(ports).toEqual([...ports].sort((a, b) => a - b));
  });

  it('--style netstat and --style lsof look like the tools', async () => {
    const netstat = (await run({ proto: 'tcp', port: String(lab.listenPort) }))[0]
      ?.message as string;
    const lines = netstat.split('\n');
    expect(lines[0]).toMatch(
      /^Proto Recv-Q Send-Q Local Address +Foreign Address +State +PID\/Program name$/,
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^tcp +0 +0 127\\.0\\.0\\.1:${lab.listenPort} +0\\.0\\.0\\.0:\\* +LISTEN +${process.pid}/\\S+$`,
        ),
      ),
    );
    const lsof = (await run({ style: 'lsof', proto: 'tcp', port: String(lab.listenPort) }))[0]
      ?.message as string;
    expect(lsof.split('\n')[0]).toMatch(/^COMMAND +PID +USER +FD +TYPE +NODE +NAME$/);
    expect(lsof).toMatch(
      new RegExp(
        ` ${process.pid} +\\S+ +\\d+u +IPv4 +TCP +127\\.0\\.0\\.1:${lab.listenPort} \\(LISTEN\\)`,
      ),
    );
    expect(lsof).toMatch(
      new RegExp(
        `127\\.0\\.0\\.1:${lab.clientPort}->127\\.0\\.0\\.1:${lab.listenPort} \\(ESTABLISHED\\)`,
      ),
    );
  });

  it('findPortOwners names the process holding a port', async () => {
    const owners = await findPortOwners(lab.listenPort, 'tcp');
    expect(owners[0]).toMatchObject({
      pid: process.pid,
      state: 'LISTEN',
      local: { port: lab.listenPort },
    });
    expect(owners[0]?.command).toBeTruthy();
    expect(await findPortOwners(lab.udpPort, 'udp')).toMatchObject([
      { pid: process.pid, state: 'UNCONN' },
    ]);
  });

  it('--watch --json: NDJSON changes for opened, changed and closed sockets; abort ends it', async () => {
    const controller = new AbortController();
    const values = resolveOptions(inspectCommand.options, {
      watch: true,
      json: true,
      interval: '100',
      pid: String(process.pid),
      proto: 'tcp',
    }) as Values;
    const seen: Record<string, unknown>[] = [];
    const server = createServer();
    let port = 0;
    for await (const event of inspectCommand.run(values, { signal: controller.signal })) {
      if (event.message === undefined) {
        // The start notice: open a socket once watching has begun.
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        port = (server.address() as { port: number }).port;
        continue;
      }
      expect(event.message).not.toContain('\n');
      const change = JSON.parse(event.message) as { change: string; entry: SocketEntry };
      if (change.entry.local.port !== port) continue;
      seen.push(change);
      if (change.change === 'opened') server.close();
      if (change.change === 'closed') controller.abort();
    }
    expect(seen.map((c) => c.change)).toEqual(['opened', 'closed']);
    expect(seen[0]).toMatchObject({ entry: { state: 'LISTEN', pid: process.pid } });
    // When each was seen: ISO times, in order.
    const times = seen.map((c) => Date.parse(c.time as string));
    expect(times.every(Number.isFinite)).toBe(true);
    expect(times[1]).toBeGreaterThanOrEqual(times[0] as number);
  });

  it('--watch is graceful and stops at once when aborted', async () => {
    expect(
      typeof inspectCommand.graceful === 'function' &&
        inspectCommand.graceful({ watch: true } as Values),
    ).toBe(true);
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 150);
    const events = await run(
      { watch: true, interval: '60000', port: String(lab.listenPort) },
      controller.signal,
    );
    expect(performance.now() - started).toBeLessThan(5000);
    expect(events.map((e) => e.message)).toEqual([
      'Watching sockets every 60000 ms (Ctrl-C stops)',
    ]);
  });
});
