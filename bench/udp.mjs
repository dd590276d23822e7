// UDP request/reply: socklab udp server (--quiet, and printing to /dev/null) vs a raw
// node:dgram echo on each runtime, and the seed's Python server changed to loop.
import { compareRows, runGroup, withServerCpu } from './group.mjs';
import { runClient } from './processes.mjs';
import { pythonSeedUdp, rawUdp, socklabUdp } from './servers.mjs';

export function udpMeasures(bin, p) {
  const loop = (socks, count, warm) => async (server) => {
    const r = await withServerCpu(server, () =>
      runClient(bin, ['udp', server.port, 64, socks, warm, count, p.maxMs], p.maxMs + 20_000),
    );
    if (r.n === 0) throw new Error('no reply at all');
    return {
      rate: r.n / (r.ms / 1000),
      p50: r.p50Us,
      p99: r.p99Us,
      lost: r.lost,
      cpuUsPerReq: r.serverCpuNs / 1000 / (r.n + warm), // the server also served the warm-up
      clientCpuPct: (100 * r.clientCpuMs) / r.ms,
    };
  };
  return [
    { id: 'udp1', run: loop(1, p.udpCount, p.udpWarm) },
    { id: 'udp16', run: loop(16, p.udpCount16, p.udpWarm) },
  ];
}

export function udpWarm(bin, p) {
  return (server) =>
    runClient(bin, ['udp', server.port, 64, 4, 0, p.udpWarm, p.maxMs], p.maxMs + 20_000);
}

const metrics = [
  {
    measure: 'udp1',
    key: 'rate',
    name: 'request/reply rate, 64 B, 1 socket',
    unit: 'req/s',
    higherIsBetter: true,
    goal: { op: '>=', value: 0.95 },
  },
  {
    measure: 'udp1',
    key: 'p50',
    name: 'latency p50, 1 socket',
    unit: 'µs',
    higherIsBetter: false,
    goal: null,
  },
  {
    measure: 'udp1',
    key: 'p99',
    name: 'latency p99, 1 socket',
    unit: 'µs',
    higherIsBetter: false,
    goal: null,
  },
  {
    measure: 'udp16',
    key: 'rate',
    name: 'request/reply rate, 64 B, 16 sockets',
    unit: 'req/s',
    higherIsBetter: true,
    goal: { op: '>=', value: 0.95 },
  },
  {
    measure: 'udp16',
    key: 'cpuUsPerReq',
    name: 'server CPU per request, 16 sockets',
    unit: 'µs',
    higherIsBetter: false,
    goal: null,
  },
];

export async function runUdp(ctx) {
  const { bin, profile: p, log } = ctx;
  const rows = [];
  const clientCpu = [];
  for (const runtime of ctx.runtimes) {
    log(`udp request/reply on ${runtime}`);
    const members = [rawUdp(runtime), socklabUdp(runtime, false)];
    if (!p.smoke) members.push(socklabUdp(runtime, true));
    if (runtime === 'node') {
      try {
        members.push(pythonSeedUdp(ctx.tmp));
      } catch (e) {
        log(`  python seed server skipped: ${e.message}`);
      }
    }
    const state = await runGroup({
      members,
      reps: p.reps,
      warm: udpWarm(bin, p),
      measures: udpMeasures(bin, p),
      log,
    });
    rows.push(...compareRows({ section: 'udp', runtime, state, metrics }));
    for (const m of state)
      for (const [id, runs] of Object.entries(m.runs))
        for (const r of runs)
          if (r) clientCpu.push({ id, pct: r.clientCpuPct, label: `${runtime} ${m.spec.label}` });
  }
  return { rows, clientCpu };
}
