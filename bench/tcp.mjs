// TCP echo: throughput (1 and 64 connections), 64-byte ping-pong latency, connect-send-
// receive-close rate, and 10,000 idle connections; socklab vs the raw runtime, same run.
import { compareRows, runGroup, withServerCpu } from './group.mjs';
import { memoryKiB, runClient, startInteractiveClient } from './processes.mjs';
import { classicTcpServers, rawTcp, socklabTcp } from './servers.mjs';

const MiB = 1024 * 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Load-client measures shared by the TCP section and the client check. */
export function tcpMeasures(bin, p) {
  // Forking tools (socat, ncat) get a shorter time bound: their rows are for reference.
  const cap = (spec) => spec.maxMs ?? p.maxMs;
  const tput = (conns) => async (server, spec) => {
    const r = await withServerCpu(server, () =>
      runClient(
        bin,
        ['tput', server.port, conns, p.tcpBytes, 65536, cap(spec)],
        cap(spec) + 20_000,
      ),
    );
    if (r.failed > 0) throw new Error(`${r.failed} of ${conns} connections closed early`);
    const mib = r.bytes / MiB;
    return {
      mibps: mib / (r.ms / 1000),
      cpuUsPerMiB:
        spec.runtime === 'socat' || spec.runtime === 'ncat'
          ? Number.NaN
          : r.serverCpuNs / 1000 / mib,
      clientCpuPct: (100 * r.clientCpuMs) / r.ms,
      serverCpuPct: r.serverCpuNs / 1e4 / r.ms,
    };
  };
  return [
    { id: 'tput1', run: tput(1) },
    { id: 'tput64', run: tput(64) },
    {
      id: 'lat',
      run: async (server, spec) => {
        const r = await runClient(
          bin,
          ['lat', server.port, 64, p.latWarm, p.latIters, cap(spec)],
          cap(spec) + 20_000,
        );
        return { p50: r.p50Us, p99: r.p99Us, clientCpuPct: (100 * r.clientCpuMs) / r.ms };
      },
    },
    {
      id: 'ccr',
      run: async (server, spec) => {
        const r = await runClient(
          bin,
          ['ccr', server.port, p.ccrCount, 32, 64, cap(spec)],
          cap(spec) + 20_000,
        );
        if (r.ok === 0) throw new Error(`no connection completed (${r.failed} failed)`);
        return {
          rate: r.ok / (r.ms / 1000),
          failed: r.failed,
          clientCpuPct: (100 * r.clientCpuMs) / r.ms,
        };
      },
    },
  ];
}

export function tcpWarm(bin, p) {
  return async (server) => {
    const cap = server.spec.maxMs ?? p.maxMs;
    await runClient(bin, ['tput', server.port, 4, p.tcpWarmBytes, 65536, cap], cap + 20_000);
    await runClient(bin, ['lat', server.port, 64, 0, Math.min(2000, p.latWarm), cap], cap + 20_000);
  };
}

const metrics = [
  {
    measure: 'tput1',
    key: 'mibps',
    name: 'throughput, 1 connection',
    unit: 'MiB/s',
    higherIsBetter: true,
    goal: { op: '>=', value: 0.95 },
  },
  {
    measure: 'tput1',
    key: 'cpuUsPerMiB',
    name: 'server CPU per MiB, 1 connection',
    unit: 'µs/MiB',
    higherIsBetter: false,
    goal: { op: '<=', value: 1.05 },
    only: (s) => s.runtime !== 'socat' && s.runtime !== 'ncat', // they fork: their CPU is not in one process
  },
  {
    measure: 'tput64',
    key: 'mibps',
    name: 'throughput, 64 connections',
    unit: 'MiB/s',
    higherIsBetter: true,
    goal: { op: '>=', value: 0.95 },
  },
  {
    measure: 'tput64',
    key: 'cpuUsPerMiB',
    name: 'server CPU per MiB, 64 connections',
    unit: 'µs/MiB',
    higherIsBetter: false,
    goal: { op: '<=', value: 1.05 },
    only: (s) => s.runtime !== 'socat' && s.runtime !== 'ncat', // they fork: their CPU is not in one process
  },
  {
    measure: 'lat',
    key: 'p50',
    name: 'latency p50, 64 B ping-pong',
    unit: 'µs',
    higherIsBetter: false,
    goal: { op: '<=', value: 1.1 },
  },
  {
    measure: 'lat',
    key: 'p99',
    name: 'latency p99, 64 B ping-pong',
    unit: 'µs',
    higherIsBetter: false,
    goal: { op: '<=', value: 1.2 },
  },
  {
    measure: 'ccr',
    key: 'rate',
    name: 'connect-send-receive-close rate (32 in flight)',
    unit: '/s',
    higherIsBetter: true,
    goal: null,
  },
];

export async function runTcp(ctx) {
  const { bin, profile: p, log } = ctx;
  const rows = [];
  const clientCpu = [];
  for (const runtime of ctx.runtimes) {
    log(`tcp echo on ${runtime}`);
    const classic =
      runtime === 'node' && p.classicTools
        ? classicTcpServers().map((s) => ({ ...s, maxMs: 3000, maxReps: 2 }))
        : [];
    const members = [...rawTcp(runtime), socklabTcp(runtime), ...classic];
    const state = await runGroup({
      members,
      reps: p.reps,
      warm: tcpWarm(bin, p),
      measures: tcpMeasures(bin, p),
      log,
    });
    rows.push(...compareRows({ section: 'tcp', runtime, state, metrics }));
    for (const m of state)
      for (const [id, runs] of Object.entries(m.runs))
        for (const r of runs)
          if (r) clientCpu.push({ id, pct: r.clientCpuPct, label: `${runtime} ${m.spec.label}` });
  }
  return { rows, clientCpu };
}

export async function runIdleSection(ctx) {
  const rows = [];
  for (const runtime of ctx.runtimes) rows.push(...(await runIdle(ctx, runtime)));
  return { rows };
}

/** Opens p.idleConns connections from a separate client process, then RSS, then echo check. */
async function measureIdle(ctx, server) {
  const { bin, profile: p } = ctx;
  const rss0 = memoryKiB(server.pid).rss;
  const client = startInteractiveClient(bin, ['idle', server.port, p.idleConns, 128, 180_000]);
  try {
    const open = await client.next(90_000);
    await sleep(p.idleSettleMs); // let the server finish allocating and collect garbage
    const mem = memoryKiB(server.pid);
    client.send('check');
    const check = await client.next(60_000);
    return {
      rssKiB: mem.rss,
      anonKiB: mem.anon,
      perConnKiB: (mem.rss - rss0) / Math.max(open.ok, 1),
      openMs: open.failed === 0 ? open.ms : Number.NaN,
      opened: open.ok,
      echoed: check.ok,
    };
  } finally {
    await client.close();
  }
}

async function runIdle(ctx, runtime) {
  const { profile: p, log } = ctx;
  log(`tcp ${p.idleConns} idle connections on ${runtime}`);
  const members = [...rawTcp(runtime), socklabTcp(runtime)];
  // A fresh set of servers per repetition: RSS must not carry what throughput runs left behind.
  const state = await runGroup({
    members,
    reps: p.idleReps,
    warm: async () => {},
    measures: [{ id: 'idle', run: (server) => measureIdle(ctx, server) }],
    log,
  });
  const n = p.idleConns;
  const rows = compareRows({
    section: 'idle',
    runtime,
    state,
    metrics: [
      {
        measure: 'idle',
        key: 'rssKiB',
        name: `RSS with ${n} idle connections`,
        unit: 'KiB',
        higherIsBetter: false,
        goal: { op: '<=', value: 1.2 },
      },
      {
        // Without the runtime executable's code pages (file-backed, shared between processes):
        // on Bun, loading more JavaScript touches more of its 90 MB binary.
        measure: 'idle',
        key: 'anonKiB',
        name: `anonymous RSS with ${n} idle connections`,
        unit: 'KiB',
        higherIsBetter: false,
        goal: null,
      },
      {
        measure: 'idle',
        key: 'perConnKiB',
        name: 'RSS per connection',
        unit: 'KiB',
        higherIsBetter: false,
        goal: null,
      },
      {
        measure: 'idle',
        key: 'openMs',
        name: `time to open ${n} (128 pending)`,
        unit: 'ms',
        higherIsBetter: false,
        goal: null,
      },
    ],
  });
  // "All still echo afterwards" is a yes/no per server, not a ratio.
  for (const m of state) {
    const runs = (m.runs.idle ?? []).filter(Boolean);
    const all = runs.length > 0 && runs.every((r) => r.opened === n && r.echoed === n);
    rows.push({
      section: 'idle',
      runtime,
      subject: m.spec.label,
      socklab: Boolean(m.spec.socklab),
      measure: `all ${n} still echo afterwards`,
      unit: '',
      baseline: null,
      baselineValue: null,
      value: runs.length ? `${Math.min(...runs.map((r) => r.echoed))}/${n}` : null,
      ratio: null,
      goal: m.spec.socklab ? { op: 'all', value: n } : null,
      result:
        runs.length === 0 ? 'n/a' : m.spec.socklab ? (all ? 'PASS' : 'MISS') : all ? '—' : 'MISS',
      note: m.error ?? ([...m.notes][0] || null),
      echoCheck: true,
    });
  }
  return rows;
}
