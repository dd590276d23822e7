// Command-line flags and the three sizes of run (smoke for the test, quick for developers, full).
import { parseArgs } from 'node:util';

export const SECTIONS = ['inspect', 'start', 'udp', 'tcp', 'idle'];
export const RUNTIMES = ['node', 'bun', 'deno'];

const MiB = 1024 * 1024;

const profiles = {
  // < 20 s on Node only: proves the harness end to end, numbers mean little.
  smoke: {
    reps: 1,
    tcpBytes: 16 * MiB,
    tcpWarmBytes: 4 * MiB,
    latWarm: 200,
    latIters: 1000,
    ccrCount: 300,
    idleConns: 300,
    idleReps: 1,
    idleSettleMs: 200,
    udpWarm: 200,
    udpCount: 1000,
    udpCount16: 2000,
    inspectConns: 300,
    inspectRounds: 1,
    inspectLsof: false,
    inspectFullEveryRuntime: false,
    startReps: 1,
    maxMs: 5000,
    budgetMs: 50_000,
    classicTools: false,
    runtimes: ['node'],
  },
  // < 2 minutes: every section once, smaller sizes.
  quick: {
    reps: 2,
    tcpBytes: 64 * MiB,
    tcpWarmBytes: 16 * MiB,
    latWarm: 500,
    latIters: 3000,
    ccrCount: 1500,
    idleConns: 5000,
    idleReps: 1,
    idleSettleMs: 300,
    udpWarm: 500,
    udpCount: 4000,
    udpCount16: 15_000,
    inspectConns: 5000,
    inspectRounds: 1,
    inspectLsof: true,
    inspectFullEveryRuntime: false,
    startReps: 3,
    maxMs: 10_000,
    budgetMs: 115_000,
    classicTools: false,
    runtimes: RUNTIMES,
  },
  // < 15 minutes: the numbers for the README.
  full: {
    reps: 7,
    tcpBytes: 256 * MiB,
    tcpWarmBytes: 64 * MiB,
    latWarm: 2000,
    latIters: 20_000,
    ccrCount: 5000,
    idleConns: 10_000,
    idleReps: 3,
    idleSettleMs: 1000,
    udpWarm: 2000,
    udpCount: 20_000,
    udpCount16: 50_000,
    inspectConns: 10_000,
    inspectRounds: 5,
    inspectLsof: true,
    inspectFullEveryRuntime: true,
    startReps: 10,
    maxMs: 20_000,
    budgetMs: 870_000,
    classicTools: true,
    runtimes: RUNTIMES,
  },
};

const usage = `usage: node bench/run.mjs [--quick | --smoke] [--only ${SECTIONS.join(',')}]
                        [--runtimes ${RUNTIMES.join(',')}] [--out <dir>] [--classic]
  --quick     every section once with small sizes (under 2 minutes)
  --smoke     tiny end-to-end check of the harness on Node (under 20 seconds)
  --only      sections to run (tcp includes idle; default: all)
  --runtimes  runtimes to compare (default: all three; --smoke: node)
  --out       directory for the JSON and markdown results (default: bench/results)
  --classic   add socat / ncat echo rows when installed (always on in full runs)`;

export function parseOptions(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean' },
        smoke: { type: 'boolean' },
        only: { type: 'string' },
        runtimes: { type: 'string' },
        out: { type: 'string' },
        classic: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (e) {
    return { error: `${e.message}\n${usage}` };
  }
  const v = parsed.values;
  if (v.help) return { help: usage };
  if (v.quick && v.smoke) return { error: `choose one of --quick and --smoke\n${usage}` };
  const name = v.smoke ? 'smoke' : v.quick ? 'quick' : 'full';
  const profile = { ...profiles[name], name, smoke: name === 'smoke' };
  if (v.classic) profile.classicTools = true;
  const list = (value, allowed, what) => {
    const items = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = items.filter((s) => !allowed.includes(s));
    if (bad.length || items.length === 0)
      throw new Error(`unknown ${what} "${bad.join(',')}": use ${allowed.join(',')}`);
    return items;
  };
  try {
    const runtimes = v.runtimes ? list(v.runtimes, RUNTIMES, 'runtime') : profile.runtimes;
    let sections = v.only ? list(v.only, SECTIONS, 'section') : SECTIONS;
    if (sections.includes('tcp') && !sections.includes('idle')) sections = [...sections, 'idle'];
    return { profile, runtimes, sections, out: v.out ?? null };
  } catch (e) {
    return { error: `${e.message}\n${usage}` };
  }
}
